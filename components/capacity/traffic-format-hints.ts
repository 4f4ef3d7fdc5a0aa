/**
 * What a traffic file in a neighbouring format looks like, so that the CSV reader (traffic.ts) can
 * say which format it got instead of listing every row as malformed: Unix-time timestamps (what
 * Prometheus' HTTP API and most metric exports write) and cells separated by `;` or a tab (a
 * spreadsheet's "CSV" in a locale with decimal commas, or a TSV), and rows at a coarser step than a
 * minute (an export at 5 minutes), and extra columns (an export by model and variant). Pure: no
 * Pulumi imports.
 */

/**
 * Unix time in seconds (9-11 digits, optionally with a fraction: Prometheus' `query_range` writes
 * `1796572800.123`) or milliseconds (12-13 digits, JavaScript's `Date.now()`): 9 digits reach back
 * to 1973 and 13 forward to 2286, so no other number of this shape is a plausible timestamp.
 */
const UNIX_SECONDS = /^\d{9,11}(\.\d+)?$/;
const UNIX_MILLISECONDS = /^\d{12,13}$/;

/**
 * A timestamp written as Unix time: its unit and the instant in milliseconds (the CSV reader names
 * the UTC minute it stands for, so the user sees the reading is right); undefined for anything else.
 */
export function unixTime(text: string): { unit: "seconds" | "milliseconds"; ms: number } | undefined {
  if (UNIX_SECONDS.test(text)) return { unit: "seconds", ms: Number(text) * 1000 };
  if (UNIX_MILLISECONDS.test(text)) return { unit: "milliseconds", ms: Number(text) };
  return undefined;
}

/** Separators a file meant as this CSV is most often written with instead of commas. */
const OTHER_SEPARATORS = [";", "\t"] as const;

/**
 * The separator of a header that is the expected one with `;` or a tab instead of commas (any
 * order and case of the three names: it is the separator that is wrong, and every row after it
 * would be one field); undefined otherwise.
 */
export function otherSeparator(header: string, expected: string): string | undefined {
  const want = expected.split(",").sort().join(",");
  return OTHER_SEPARATORS.find(
    (sep) =>
      header.includes(sep) &&
      header
        .split(sep)
        .map((c) =>
          c
            .trim()
            .replace(/^"(.*)"$/, "$1")
            .trim()
            .toLowerCase(),
        )
        .sort()
        .join(",") === want,
  );
}

/**
 * The spacing of a model's rows when they are evenly spaced more than a minute apart (at least
 * three rows, every one `step` minutes after the one before): an export at a coarser step, such as
 * Prometheus' `query_range` or a Grafana panel at 5 minutes, which would otherwise read as
 * thousands of missing minutes. `seen[i]` is non-zero where minute `i` has a row; undefined when
 * the rows are not so spaced.
 */
export function coarseStepMinutes(seen: Int32Array): number | undefined {
  let previous = -1;
  let step = 0;
  let rows = 0;
  for (let i = 0; i < seen.length; i++) {
    if (seen[i] === 0) continue;
    rows++;
    if (previous >= 0) {
      if (step === 0) step = i - previous;
      else if (i - previous !== step) return undefined;
    }
    previous = i;
  }
  return rows >= 3 && step > 1 ? step : undefined;
}

/** What to say of rows `step` minutes apart, after the gap they leave. */
export function coarseStepHint(step: number): string {
  return ` (its rows are ${step} minutes apart: export one row per minute, e.g. Prometheus query_range with step=60s)`;
}

/**
 * The columns of a header besides the expected three, when it has all three (in any order and case)
 * and more: an export by model and variant, or with a label column, whose every row would
 * otherwise be "4 fields". Undefined for any other header.
 */
export function extraColumns(cells: readonly string[], expected: string): string[] | undefined {
  const want = expected.split(",");
  const names = cells.map((c) => c.toLowerCase());
  if (cells.length <= want.length || !want.every((w) => names.includes(w))) return undefined;
  return cells.filter((_, i) => !want.includes(names[i]));
}
