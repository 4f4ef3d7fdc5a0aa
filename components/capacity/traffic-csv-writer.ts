/**
 * Traffic rendered as the CSV of traffic.ts's contract (rates with 3 decimals, or 3 significant
 * digits below 0.1), and the size of that CSV in bytes without building it. Pure: no Pulumi
 * imports, no file access.
 */
import { csvMinute, Traffic, TRAFFIC_HEADER } from "./traffic";

/**
 * A rate as the CSV writes it: requests/s with 3 decimals, which is at least 3 significant digits
 * from 0.1 up; below that 3 significant digits, as 3 decimals would turn a model at 0.004 requests/s
 * into steps of 25% and drop its noise. Rates from 0.1 keep the 3 decimals they were always written
 * with, so the committed sample week (its smallest rate is 118) is still byte-for-byte this output.
 */
function csvRate(rps: number): string {
  const fixed = rps.toFixed(3);
  if (rps === 0 || !Number.isFinite(rps) || Math.abs(Number(fixed)) >= 0.1) return fixed;
  // Exponent notation only below 1e-6 requests/s (one request in 11 days); the reader takes it.
  return rps.toPrecision(3);
}

/**
 * Bytes of `trafficToCsv` (UTF-8) for `models` over `minutes` from `startMs`, without building the
 * text: each row is `<minute>,<model>,<rate>\n`. `rateChars(m, i)` is the length of model m's rate
 * in minute i.
 */
function csvBytes(
  models: readonly string[],
  startMs: number,
  minutes: number,
  rateChars: (m: number, i: number) => number,
): number {
  let bytes = TRAFFIC_HEADER.length + 1;
  const names = models.map((m) => Buffer.byteLength(m, "utf8"));
  for (let i = 0; i < minutes; i++) {
    const ts = csvMinute(startMs + i * 60_000).length;
    names.forEach((name, m) => (bytes += ts + name + rateChars(m, i) + 3));
  }
  return bytes;
}

/** Bytes of `trafficToCsv(traffic)`. */
export function trafficCsvBytes(traffic: Traffic): number {
  return csvBytes(
    traffic.models,
    traffic.startMs,
    traffic.minutes,
    (m, i) => csvRate(traffic.rps[m][i]).length,
  );
}

/** The fewest bytes any traffic of `models` over `minutes` can take (every rate "0.000"). */
export function minTrafficCsvBytes(models: readonly string[], startMs: number, minutes: number): number {
  return csvBytes(models, startMs, minutes, () => csvRate(0).length);
}

/** Renders traffic as CSV (minute-major, models in order), rates as `csvRate` writes them. */
export function trafficToCsv(traffic: Traffic): string {
  const out: string[] = [TRAFFIC_HEADER];
  for (let i = 0; i < traffic.minutes; i++) {
    const ts = csvMinute(traffic.startMs + i * 60_000);
    traffic.models.forEach((model, m) => out.push(`${ts},${model},${csvRate(traffic.rps[m][i])}`));
  }
  return out.join("\n") + "\n";
}
