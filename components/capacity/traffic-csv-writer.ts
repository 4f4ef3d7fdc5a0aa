/**
 * Traffic rendered as the CSV of traffic.ts's contract (rates with 3 decimals), and the size of that
 * CSV in bytes without building it. Pure: no Pulumi imports, no file access.
 */
import { csvMinute, Traffic, TRAFFIC_HEADER } from "./traffic";

/** A rate as the CSV writes it: requests/s with 3 decimals. */
function csvRate(rps: number): string {
  return rps.toFixed(3);
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

/** Renders traffic as CSV (minute-major, models in order), rates with 3 decimals. */
export function trafficToCsv(traffic: Traffic): string {
  const out: string[] = [TRAFFIC_HEADER];
  for (let i = 0; i < traffic.minutes; i++) {
    const ts = csvMinute(traffic.startMs + i * 60_000);
    traffic.models.forEach((model, m) => out.push(`${ts},${model},${csvRate(traffic.rps[m][i])}`));
  }
  return out.join("\n") + "\n";
}
