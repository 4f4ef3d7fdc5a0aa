/**
 * Rows of a traffic file whose timestamps are Unix time, reported by the CSV reader (traffic.ts) as
 * one problem per unit: a metrics export writes every row so, and a line per row would bury the
 * file's other problems under thousands of copies of one mistake. A lone such row among ISO rows
 * keeps its own line, as it is a row to fix rather than a file to convert. Pure: no Pulumi imports.
 */
import { unixTime } from "./traffic-format-hints";

/** Row numbers listed one by one in a problem before the rest are counted. */
const LISTED_LINES = 5;

/** The rows of one unit: where its problem sits in the list, its first row and every line. */
interface UnitRows {
  readonly slot: number;
  readonly text: string;
  readonly ms: number;
  readonly lines: number[];
}

/**
 * Collects the Unix-time rows of one parse. Each unit's first row takes a place in `problems`, so
 * the problem stays in line order among the others; `collapse` rewrites it when more rows follow.
 */
export class UnixTimeRows {
  private readonly units = new Map<"seconds" | "milliseconds", UnitRows>();

  /** `minute` writes an instant as the CSV's rows are written (traffic.ts's `csvMinute`). */
  constructor(
    private readonly problems: string[],
    private readonly minute: (ms: number) => string,
  ) {}

  /**
   * Takes row `line` when its timestamp `text` is Unix time (true): the unit's first row adds
   * `problem`, the row's own message; later rows of the unit are only counted. False otherwise.
   */
  take(line: number, text: string, problem: string): boolean {
    const unix = unixTime(text);
    if (!unix) return false;
    const seen = this.units.get(unix.unit);
    if (seen) seen.lines.push(line);
    else {
      this.units.set(unix.unit, { slot: this.problems.length, text, ms: unix.ms, lines: [line] });
      this.problems.push(problem);
    }
    return true;
  }

  /** Replaces the first row's problem of each unit with more than one row by one for the file. */
  collapse(file: string, rows: number): void {
    for (const [unit, { slot, text, ms, lines }] of this.units) {
      if (lines.length < 2) continue;
      const iso = this.minute(ms);
      const share = lines.length === rows ? `all ${rows} rows` : `${lines.length} of the ${rows} rows`;
      this.problems[slot] =
        `${file}: column timestamp is Unix time in ${unit} on ${share} (${lineList(lines)}; ${JSON.stringify(text)} is ${iso}); ` +
        `timestamps must be ISO-8601 UTC on a whole minute, e.g. ${iso}: convert the column (pandas: pd.to_datetime(df.timestamp, unit="${unit === "seconds" ? "s" : "ms"}", utc=True))`;
    }
  }
}

/** Ascending row numbers as a range when they run without a break, else the first few and a count. */
function lineList(lines: readonly number[]): string {
  const [first, last] = [lines[0], lines[lines.length - 1]];
  if (lines.length > 2 && last - first + 1 === lines.length) return `lines ${first} to ${last}`;
  const more = lines.length - LISTED_LINES;
  return `lines ${lines.slice(0, LISTED_LINES).join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
}
