/**
 * Per-minute traffic: the CSV contract of DESIGN section 6 (`timestamp,model,rps`, one row per model
 * per minute, ISO-8601 UTC timestamps on the minute) and its in-memory form, one Float64Array per
 * model. The parser reports every problem at once (capped), naming the file, the line and what is
 * allowed. Pure: no Pulumi imports, no file access (callers pass the text). Beside it: rows dated
 * apart from the rest (traffic-stray-rows.ts), Unix-time rows (traffic-unix-rows.ts), rendering
 * traffic as CSV (traffic-csv-writer.ts) and per-model load statistics (traffic-load.ts).
 */
import { showValue } from "../config/errors";
import { NO_ZONE, NOT_ISO, parseZonedTime } from "../config/iso-time";
import { DNS_LABEL } from "../config/model-fields";
import {
  coarseStepHint,
  coarseStepMinutes,
  extraColumns,
  otherSeparator,
  unixTime,
} from "./traffic-format-hints";
import { strayRows } from "./traffic-stray-rows";
import { UnixTimeRows } from "./traffic-unix-rows";

/** Traffic of several models over the same minutes. */
export interface Traffic {
  /** Model names, in column order of `rps`. */
  readonly models: readonly string[];
  /** Epoch milliseconds of the first minute. */
  readonly startMs: number;
  readonly minutes: number;
  /** `rps[m][i]` = requests/s of model `m` during minute `i`. */
  readonly rps: readonly Float64Array[];
}

/** The required CSV header. */
export const TRAFFIC_HEADER = "timestamp,model,rps";

/**
 * Largest rate a row may carry: a hundred times the busiest model here at its Double-12 peak. Rates
 * beyond it are a unit mistake (requests per minute or per day), and would make the static baseline
 * size millions of GPUs.
 */
export const MAX_RPS = 10_000_000;

/**
 * Largest traffic file read: 500 MiB, under the longest string V8 builds (2^29 - 24 characters).
 * About 12 million rows: twelve models for two years of minutes.
 */
export const MAX_TRAFFIC_FILE_BYTES = 500 * 2 ** 20;

/**
 * Longest time a traffic file may span. Two years of minutes are ample for a replay or a history; a
 * longer span is nearly always one row with a wrong year, which would otherwise be reported as
 * millions of missing minutes per model (and allocated as such).
 */
export const MAX_TRAFFIC_DAYS = 731;

/** Problems listed in full before the rest is summarised as a count. */
export const MAX_LISTED_PROBLEMS = 20;

/** Thrown for an invalid traffic file; `message` lists the problems (at most 20, then a count). */
export class TrafficError extends Error {
  readonly problems: readonly string[];

  constructor(file: string, problems: readonly string[]) {
    const shown = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  - ${p}`);
    const more = problems.length - shown.length;
    super(
      [
        `${problems.length} problem${problems.length === 1 ? "" : "s"} in traffic file ${file}:`,
        ...shown,
        ...(more > 0 ? [`  ... and ${more} more`] : []),
      ].join("\n"),
    );
    this.name = "TrafficError";
    this.problems = problems;
  }
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Epoch ms of an ISO-8601 UTC timestamp on a whole minute, or an explanation of what is wrong. UTC
 * may be written `Z`, `+00:00`, `+0000` or `+00`, the seconds may be left out, and a space may stand
 * for the `T` (pandas' `to_csv`); another offset is refused, as
 * one local-time row among UTC ones would otherwise surface only as hours of "missing" minutes.
 */
export function parseMinute(text: string): number | string {
  const quoted = showValue(text);
  const t = parseZonedTime(text);
  if (typeof t === "string") {
    // A metrics export's Unix time: said as such, with the minute it stands for.
    const unix = t === NOT_ISO ? unixTime(text) : undefined;
    if (unix) {
      const iso = csvMinute(unix.ms);
      return `timestamp ${quoted} is Unix time in ${unix.unit} (${iso}); write timestamps as ISO-8601 UTC, e.g. ${iso}`;
    }
    const format = t === NOT_ISO || t === NO_ZONE;
    return `timestamp ${quoted} ${format ? "is not ISO-8601 UTC (expected e.g. 2026-12-07T00:00:00Z)" : t}`;
  }
  // The row's own instant in UTC: a generic example beside an offset reads like a wrong conversion.
  if (!/([Zz]|[+-]00(:?00)?)$/.test(text))
    return `timestamp ${quoted} is not UTC: write it in UTC with Z (this one is ${new Date(t.ms).toISOString().replace(".000Z", "Z")})`;
  if (t.subMinute) return `timestamp ${quoted} is not on a whole minute (seconds must be 00)`;
  return t.ms;
}

/** A number as written, cut short when it is absurdly long (a value is echoed in an error line). */
function brief(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** A CSV cell without the spaces around it and without the double quotes a spreadsheet may add. */
function cell(text: string): string {
  const t = text.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

/**
 * Parses traffic CSV text. With `knownModels`, rows of other models are errors; a known model may
 * have no rows (a model added after the traffic was recorded: the caller decides what that means,
 * `modelsWithoutRows`). Throws one `TrafficError` listing a wrong or missing header, bad timestamps, unknown
 * models, negative, non-numeric or absurd (> MAX_RPS) rates, duplicate minutes and missing minutes (gaps).
 */
export function parseTrafficCsv(text: string, file: string, knownModels?: readonly string[]): Traffic {
  // LF, CRLF, and the lone CR of spreadsheets' "CSV (Macintosh)".
  const lines = text.split(/\r\n?|\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  if (lines.length === 0 || (lines.length === 1 && lines[0].replace(/^\uFEFF/, "").trim() === ""))
    throw new TrafficError(file, [
      `${file}: is empty; expected the header ${JSON.stringify(TRAFFIC_HEADER)} and one row per model per minute`,
    ]);
  const problems: string[] = [];
  const header = (lines[0] ?? "").replace(/^\uFEFF/, "").trim();
  // The first data line: 1 after a header, 0 when the header is missing and line 1 is a row.
  let firstRow = 1;
  const headerCells = header.split(",").map(cell);
  if (headerCells.join(",") !== TRAFFIC_HEADER) {
    const expected = JSON.stringify(TRAFFIC_HEADER);
    const sep = otherSeparator(header, TRAFFIC_HEADER);
    if (sep !== undefined)
      // Every row would be one field: one problem says why, not one per row.
      throw new TrafficError(file, [
        `${file}:1: cells are separated by ${sep === "\t" ? "tabs" : JSON.stringify(sep)} (header ${showValue(header)}); the traffic file is comma-separated: expected exactly ${expected} (export as CSV with commas, and "." for decimals)`,
      ]);
    if ([...headerCells].sort().join(",") === [...TRAFFIC_HEADER.split(",")].sort().join(","))
      // Every row would be read in the wrong columns: one problem says it, not one per row.
      throw new TrafficError(file, [
        `${file}:1: columns are in the order ${showValue(header)}; expected exactly ${expected} (reorder the columns)`,
      ]);
    const extra = extraColumns(headerCells, TRAFFIC_HEADER);
    if (extra)
      // Every row would have too many fields: one problem says which columns to drop.
      throw new TrafficError(file, [
        `${file}:1: header ${showValue(header)} has the column${extra.length === 1 ? "" : "s"} ${extra.join(", ")} besides ${TRAFFIC_HEADER}; the file holds one rate per model and minute: sum each model's rows of a minute and drop ${extra.join(", ")}`,
      ]);
    if (headerCells.length === 3 && typeof parseMinute(headerCells[0]) === "number") {
      // No header: line 1 is a row, checked with the others.
      problems.push(`${file}:1: is a data row, not the header; add the line ${expected} above it`);
      firstRow = 0;
    } else {
      // A misnamed column (`time,model,rps`): the rows are still checked, so one run lists all.
      problems.push(`${file}:1: header is ${showValue(header)}; expected exactly ${expected}`);
    }
  }
  const known = knownModels ? new Set(knownModels) : undefined;
  const index = new Map<string, number>();
  const models: string[] = [];
  const n = lines.length - firstRow;
  const rowModel = new Int32Array(n).fill(-1);
  const rowMinute = new Float64Array(n);
  const rowRps = new Float64Array(n);
  const rowLine = new Int32Array(n);
  let minMs = Infinity;
  let maxMs = -Infinity;
  let minLine = 0;
  let maxLine = 0;
  let rows = 0;
  const unknownSeen = new Set<string>();
  const unixRows = new UnixTimeRows(problems, csvMinute);
  /** Per model, its rows that could not be placed (a bad timestamp, or its name in another case). */
  const unplaced = new Map<string, number>();
  /** Records a row whose minute and model are known (its rate may still be rejected). */
  const placeRow = (model: string, ms: number, rate: number, line: number) => {
    let m = index.get(model);
    if (m === undefined) {
      m = models.length;
      index.set(model, m);
      models.push(model);
    }
    rowModel[rows] = m;
    rowMinute[rows] = ms;
    rowRps[rows] = rate;
    rowLine[rows] = line;
    rows++;
    if (ms < minMs) [minMs, minLine] = [ms, line];
    if (ms > maxMs) [maxMs, maxLine] = [ms, line];
  };
  for (let i = firstRow; i < lines.length; i++) {
    const line = lines[i];
    const at = `${file}:${i + 1}`;
    if (line.trim() === "") {
      problems.push(`${at}: empty line; every line needs timestamp,model,rps`);
      continue;
    }
    const cells = line.split(",");
    if (cells.map(cell).join(",") === TRAFFIC_HEADER) {
      // One problem, not a bad timestamp, an unknown model and a bad rate for the same line.
      problems.push(`${at}: the header again; files joined with cat? keep only the first header line`);
      continue;
    }
    const [ts, model, rateText] = [cell(cells[0]), cell(cells[1] ?? ""), cell(cells.slice(2).join(","))];
    let ok = true;
    const ms = parseMinute(ts);
    if (typeof ms === "string") {
      // Its minute is unknown, so it will also look missing: the gap report subtracts it.
      if (model !== "") unplaced.set(model, (unplaced.get(model) ?? 0) + 1);
      if (cells.length === 3 && !unixRows.take(i + 1, ts, `${at}: ${ms}`)) problems.push(`${at}: ${ms}`);
      ok = false;
    }
    if (cells.length !== 3) {
      // One problem for the row; it still counts for gaps and duplicates when its minute and model
      // can be read, as a rate written "1,000" is not a missing minute.
      // The fields after the model all digits: a rate written with a thousands separator.
      const comma =
        cells.length > 3 && (line.includes('"') || cells.slice(2).every((c) => /^\s*\d+(\.\d*)?\s*$/.test(c)))
          ? ' (a rate with a thousands separator? write 1000.5, not "1,000.5")'
          : "";
      problems.push(`${at}: ${cells.length} fields; expected 3 (timestamp,model,rps)${comma}`);
      if (ok && (!known || known.has(model)) && model !== "")
        placeRow(model, ms as number, Number.NaN, i + 1);
      continue;
    }
    if (known && !known.has(model)) {
      ok = false;
      // Written in another case: the model's row, misspelt - not also a missing minute of it.
      const meant = known.has(model.toLowerCase()) ? model.toLowerCase() : undefined;
      if (meant && typeof ms === "number") unplaced.set(meant, (unplaced.get(meant) ?? 0) + 1);
      if (!unknownSeen.has(model)) {
        unknownSeen.add(model);
        problems.push(
          meant
            ? `${at}: unknown model ${showValue(model)}; model names are lower-case (${meant})`
            : `${at}: unknown model ${showValue(model)}; models are: ${[...known].sort().join(", ")}`,
        );
      }
    } else if (model === "") {
      problems.push(`${at}: model is empty`);
      ok = false;
    } else if (!known && !DNS_LABEL.test(model)) {
      // Without the specs (a stack's history may hold retired models) a name no model can have is
      // still a mistake: plan read `Homepage-Feed` as a retired model and reported homepage-feed's
      // minutes it held as a gap, where simulate said what was wrong (a black-box review).
      ok = false;
      const meant = DNS_LABEL.test(model.toLowerCase()) ? model.toLowerCase() : undefined;
      if (meant && typeof ms === "number") unplaced.set(meant, (unplaced.get(meant) ?? 0) + 1);
      if (!unknownSeen.has(model)) {
        unknownSeen.add(model);
        problems.push(
          meant
            ? `${at}: model ${showValue(model)} is no model name; model names are lower-case (${meant})`
            : `${at}: model ${showValue(model)} is no model name: lower-case letters, digits and '-', first a letter, last not '-'`,
        );
      }
    }
    // A row whose minute and model are fine still counts for gaps and duplicates even if its rate
    // is rejected: the rate is the problem, not a missing minute.
    const keyOk = ok;
    const rate = NUMBER.test(rateText) ? Number(rateText) : NaN;
    if (rate === Number.POSITIVE_INFINITY || rate === Number.NEGATIVE_INFINITY) {
      // A number too large for a double (1e400): say what it is, not "not a number".
      problems.push(`${at}: rps ${brief(rateText)} is out of range; expected requests/s >= 0`);
      ok = false;
    } else if (!Number.isFinite(rate)) {
      problems.push(`${at}: rps ${showValue(rateText)} is not a number; expected requests/s >= 0`);
      ok = false;
    } else if (rate < 0) {
      problems.push(`${at}: rps ${brief(rateText)} is negative; expected requests/s >= 0`);
      ok = false;
    } else if (rate > MAX_RPS) {
      problems.push(
        `${at}: rps ${brief(rateText)} is above ${MAX_RPS} requests/s; check the unit (requests per second)`,
      );
      ok = false;
    }
    if (keyOk) placeRow(model, ms as number, rate, i + 1);
  }
  unixRows.collapse(file, n);
  if (rows === 0) {
    if (problems.length === 0) problems.push(`${file}: no data rows after the header`);
    throw new TrafficError(file, problems);
  }
  const stray = strayRows(rowMinute.subarray(0, rows), models.length);
  if (stray) {
    [minMs, maxMs] = [Infinity, -Infinity];
    for (let r = 0; r < rows; r++) {
      if (stray[r] === 1) continue;
      if (rowMinute[r] < minMs) [minMs, minLine] = [rowMinute[r], rowLine[r]];
      if (rowMinute[r] > maxMs) [maxMs, maxLine] = [rowMinute[r], rowLine[r]];
    }
    for (let r = 0; r < rows; r++) {
      if (stray[r] !== 1) continue;
      const days = Math.round(Math.max(minMs - rowMinute[r], rowMinute[r] - maxMs) / 86_400_000);
      problems.push(
        `${file}:${rowLine[r]}: timestamp ${csvMinute(rowMinute[r])} is ${days} day${days === 1 ? "" : "s"} ${rowMinute[r] < minMs ? "before" : "after"} the other rows (${csvMinute(minMs)} to ${csvMinute(maxMs)}); a wrong date?`,
      );
      // Its model's minute in the span will look missing: the gap report subtracts it.
      const name = models[rowModel[r]];
      unplaced.set(name, (unplaced.get(name) ?? 0) + 1);
    }
  }
  const minutes = Math.round((maxMs - minMs) / 60_000) + 1;
  if (minutes > MAX_TRAFFIC_DAYS * 1440) {
    problems.push(
      `${file}: rows span ${Math.ceil(minutes / 1440)} days, from ${csvMinute(minMs)} (line ${minLine}) to ${csvMinute(maxMs)} (line ${maxLine}); at most ${MAX_TRAFFIC_DAYS} days are read (a wrong year?)`,
    );
    throw new TrafficError(file, problems);
  }
  const rps = models.map(() => new Float64Array(minutes));
  const seenLine = models.map(() => new Int32Array(minutes));
  for (let r = 0; r < rows; r++) {
    if (stray?.[r] === 1) continue;
    const m = rowModel[r];
    const i = Math.round((rowMinute[r] - minMs) / 60_000);
    if (seenLine[m][i] !== 0) {
      problems.push(
        `${file}:${rowLine[r]}: duplicate minute ${csvMinute(rowMinute[r])} for model ${models[m]} (first at line ${seenLine[m][i]})`,
      );
      continue;
    }
    seenLine[m][i] = rowLine[r];
    rps[m][i] = rowRps[r];
  }
  models.forEach((name, m) => {
    let missing = 0;
    let first = -1;
    let firstSeen = -1;
    let lastSeen = -1;
    for (let i = 0; i < minutes; i++)
      if (seenLine[m][i] === 0) {
        missing++;
        if (first < 0) first = i;
      } else {
        if (firstSeen < 0) firstSeen = i;
        lastSeen = i;
      }
    const rejected = unplaced.get(name) ?? 0;
    if (missing > rejected) {
      const gap = missing - rejected;
      problems.push(
        `${file}: model ${name} is missing ${gap} minute${gap === 1 ? "" : "s"} (gap)${rejected > 0 ? ` besides its ${rejected} rejected row${rejected === 1 ? "" : "s"}` : ""}, first ${csvMinute(minMs + first * 60_000)}; one row per model per minute is required` +
          (rejected === 0 ? gapHint(seenLine[m], firstSeen, lastSeen, minutes, missing, minMs) : ""),
      );
    }
  });
  if (problems.length > 0) throw new TrafficError(file, problems);
  return { models, startMs: minMs, minutes, rps };
}

/** Why a model without rejected rows has a gap: rows at a coarser step, or starting or ending late. */
function gapHint(
  seen: Int32Array,
  firstSeen: number,
  lastSeen: number,
  minutes: number,
  missing: number,
  minMs: number,
): string {
  const step = coarseStepMinutes(seen);
  return step ? coarseStepHint(step) : edgeGapHint(firstSeen, lastSeen, minutes, missing, minMs);
}

/**
 * A model's rows that start after the file's first minute or end before its last, with none missing
 * in between: a model launched or retired during the file, which an export from Prometheus writes
 * without rows (no series) rather than with rows of 0. Says so, instead of only "gap".
 */
function edgeGapHint(
  firstSeen: number,
  lastSeen: number,
  minutes: number,
  missing: number,
  minMs: number,
): string {
  const before = firstSeen;
  const after = minutes - 1 - lastSeen;
  if (firstSeen < 0 || before + after !== missing) return "";
  const from = csvMinute(minMs + firstSeen * 60_000);
  const to = csvMinute(minMs + lastSeen * 60_000);
  if (after === 0)
    return ` (its rows start at ${from}: a model launched during the file needs rows of 0 before its launch)`;
  if (before === 0) return ` (its rows end at ${to}: a model stopped during the file needs rows of 0 after)`;
  return ` (its rows cover only ${from} to ${to}: rows of 0 before and after)`;
}

/** A minute as the CSV writes it: ISO-8601 UTC without milliseconds, e.g. 2026-12-07T00:00:00Z. */
export function csvMinute(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}
