/**
 * Strict ISO-8601 times with a zone, for the stack's sales events, the traffic CSV and
 * `generate-traffic --start`. `Date.parse` alone is not enough: it reads a time without a zone in
 * the machine's zone (a cron rendered in CI and on a laptop would differ by hours) and rolls
 * 2026-02-30 over into March. Pure.
 */

/**
 * The date and time may be split by `T` or, as RFC 3339 allows and pandas' `to_csv` writes, a space;
 * the offset may be `+HH:MM`, `+HHMM` (strftime's `%z`) or `+HH`.
 */
const ZONED =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Why a text is not a time at all (not the shape `YYYY-MM-DDTHH:MM...` with a zone). */
export const NOT_ISO = "must be an ISO-8601 time with zone, e.g. 2026-12-12T00:00:00+08:00";
/** Why a text of that shape without `Z` or an offset is refused. */
export const NO_ZONE = "has no zone; add Z (UTC) or an offset such as +08:00";
/** Earliest year accepted. */
export const MIN_YEAR = 1970;

/** A parsed time: epoch milliseconds, and whether it has a fraction of a minute. */
export interface ZonedTime {
  readonly ms: number;
  /** Seconds or a fraction of them other than zero. */
  readonly subMinute: boolean;
}

/**
 * Parses `YYYY-MM-DDTHH:MM[:SS[.fff]]` followed by `Z` or an offset (`+HH:MM`, `-HHMM`, `+HH`);
 * returns the time or a phrase saying what is wrong (to follow the value in an error message).
 */
export function parseZonedTime(text: string): ZonedTime | string {
  const m = ZONED.exec(text);
  if (!m) return /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? NO_ZONE : NOT_ISO;
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number);
  // Date.UTC reads years 0-99 as 1900-1999, and no traffic or sales event predates the epoch: such a
  // year is a typo (0026 for 2026), not a time to use.
  if (year < MIN_YEAR) return `has a year before ${MIN_YEAR}`;
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const daysInMonth = month >= 1 && month <= 12 ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 0;
  if (day < 1 || day > daysInMonth) return "is not a calendar date";
  if (hour > 23 || minute > 59 || second > 59) return "is not a time of day";
  let offsetMinutes = 0;
  if (m[8].toUpperCase() !== "Z") {
    const [oh, om] = [Number(m[10]), Number(m[11] ?? 0)];
    if (oh > 23 || om > 59) return "has an offset that is not +HH:MM";
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`);
  const ms =
    Date.UTC(year, month - 1, day, hour, minute, second) +
    Math.round(fraction * 1000) -
    offsetMinutes * 60_000;
  return { ms, subMinute: second !== 0 || fraction !== 0 };
}

/**
 * Epoch milliseconds of a time the schema has accepted (`parseZonedTime`). Not `Date.parse`, which
 * returns NaN for the `+HH` offset the schema accepts. Throws on anything else: a programming error.
 */
export function zonedTimeMs(text: string): number {
  const t = parseZonedTime(text);
  if (typeof t === "string") throw new Error(`${text}: ${t}`);
  return t.ms;
}
