/**
 * `generate-traffic`'s flags for the traffic's shape beyond the stack file: `--peak-to-trough`, the
 * range each model's diurnal ratio is drawn from, and `--flash-sale`, undeclared sales. Each check
 * throws one `InputError` naming the flag, the value given and what is allowed (every bad sale of
 * the list in it), for `checkFlags` to report with the other flags.
 */
import type { FlashSale } from "../../components/capacity/flash-sale";
import { parseZonedTime } from "../../components/config/iso-time";
import { TRAFFIC_MULTIPLIER_LIMITS } from "../../components/config/stack-schema";
import { InputError } from "./command";

/** Bounds of `--peak-to-trough`: 1 is a flat day; 100 leaves the night at 1% of the evening. */
export const PEAK_TO_TROUGH_LIMITS = [1, 100] as const;

/** The longest sale: a file's longest span, 366 days of minutes. */
export const MAX_FLASH_SALE_MINUTES = 366 * 1440;

const NUMBER = "(\\d+(?:\\.\\d+)?)";
const RANGE = new RegExp(`^${NUMBER}(?:-${NUMBER})?$`);

/**
 * `--peak-to-trough <min>-<max>` (or one ratio, `<x>`): the range each model's ratio is drawn from,
 * both ends from 1 to 100 and min at most max.
 */
export function parsePeakToTrough(value: string): [number, number] {
  const m = RANGE.exec(value.trim());
  const [lo, hi] = m ? [Number(m[1]), Number(m[2] ?? m[1])] : [NaN, NaN];
  const [min, max] = PEAK_TO_TROUGH_LIMITS;
  if (!(lo >= min && hi <= max && lo <= hi))
    throw new InputError(
      `--peak-to-trough ${value}: expected <min>-<max>, each model's busiest hour over its quietest, from ${min} to ${max} with min at most max (e.g. 3-10), or one ratio (e.g. 8)`,
    );
  return [lo, hi];
}

/** First and last generated minute (epoch ms), when `--start` and `--days` are valid. */
export interface GeneratedWindow {
  readonly startMs: number;
  readonly lastMinuteMs: number;
}

const SALE_FORMAT = "<ISO start>/<minutes>/<multiplier>[/<ramp minutes>], e.g. 2026-12-09T12:00Z/120/8";

/**
 * `--flash-sale <ISO start>/<minutes>/<multiplier>[/<ramp minutes>]`, several separated by commas:
 * each start an ISO time with its zone on a whole minute, overlapping the generated minutes
 * (`window`, when known), minutes 1 to 366 days, multiplier 1-50, ramp 0 (a step) to the sale's
 * minutes. Every bad sale is named in the one error.
 */
export function parseFlashSales(value: string, window?: GeneratedWindow): FlashSale[] {
  const sales: FlashSale[] = [];
  const problems: string[] = [];
  for (const item of value.split(",")) {
    const sale = parseFlashSale(item.trim(), window);
    if (typeof sale === "string") problems.push(`--flash-sale ${item.trim()}: ${sale}`);
    else sales.push(sale);
  }
  if (problems.length > 0) throw new InputError(problems.join("\n"));
  return sales;
}

/** One sale, or what is wrong with it (every field's problem). */
function parseFlashSale(item: string, window: GeneratedWindow | undefined): FlashSale | string {
  const parts = item.split("/");
  if (parts.length < 3 || parts.length > 4) return `expected ${SALE_FORMAT}`;
  const [startText, minutesText, multText, rampText] = parts;
  const wrong: string[] = [];
  const t = parseZonedTime(startText);
  if (typeof t === "string") wrong.push(`start ${startText} ${t}`);
  else if (t.subMinute) wrong.push(`start ${startText} must be on a whole minute`);
  const minutes = Number(minutesText);
  if (!/^\d+$/.test(minutesText) || minutes < 1 || minutes > MAX_FLASH_SALE_MINUTES)
    wrong.push(`minutes ${minutesText}: expected a whole number from 1 to ${MAX_FLASH_SALE_MINUTES}`);
  const multiplier = Number(multText);
  const [lo, hi] = TRAFFIC_MULTIPLIER_LIMITS;
  if (!/^\d+(\.\d+)?$/.test(multText) || multiplier < lo || multiplier > hi)
    wrong.push(`multiplier ${multText}: expected a number from ${lo} to ${hi}`);
  const ramp = rampText === undefined ? 0 : Number(rampText);
  if (rampText !== undefined && (!/^\d+$/.test(rampText) || (ramp > minutes && minutes >= 1)))
    wrong.push(`ramp minutes ${rampText}: expected a whole number from 0 (a step) to the sale's minutes`);
  if (wrong.length > 0 || typeof t === "string") return `${wrong.join("; ")} (expected ${SALE_FORMAT})`;
  // A sale in none of the generated minutes would silently change nothing.
  if (window && (t.ms + minutes * 60_000 <= window.startMs || t.ms > window.lastMinuteMs))
    return `outside the generated minutes (${iso(window.startMs)} to ${iso(window.lastMinuteMs)}); move it or change --start or --days`;
  return { startMs: t.ms, minutes, multiplier, rampMinutes: ramp };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(":00.000Z", "Z");
}
