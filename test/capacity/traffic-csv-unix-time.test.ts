/**
 * A traffic file written in Unix time (a metrics export) is one problem naming the column, the unit,
 * how many rows and what is allowed, not a line per row; a lone Unix-time row among ISO rows is
 * still named by its line.
 */
import { parseTrafficCsv, TrafficError } from "../../components/capacity/traffic";
import { HEADER, ok } from "./traffic-csv-harness";

/** The problems of parsing `rows` under the header (fails the test when the CSV is valid). */
function problemsOf(rows: readonly string[]): readonly string[] {
  try {
    parseTrafficCsv([HEADER, ...rows].join("\n"), "t.csv", ["a", "b"]);
  } catch (err) {
    expect(err).toBeInstanceOf(TrafficError);
    return (err as TrafficError).problems;
  }
  throw new Error("expected the CSV to be invalid");
}

/** Rows of models a and b for `minutes` minutes from 2026-12-07T00:00Z, timestamps in `unit`. */
function unixRows(minutes: number, unit: "s" | "ms"): string[] {
  const start = Date.parse("2026-12-07T00:00:00Z");
  return Array.from({ length: minutes }, (_, i) => {
    const ms = start + i * 60_000;
    const ts = unit === "s" ? String(ms / 1000) : String(ms);
    return [`${ts},a,10`, `${ts},b,20`];
  }).flat();
}

describe("traffic CSV with Unix-time timestamps", () => {
  test("a file in Unix seconds is one problem naming the column, the unit, the rows and what is allowed", () => {
    expect(problemsOf(unixRows(60, "s"))).toEqual([
      't.csv: column timestamp is Unix time in seconds on all 120 rows (lines 2 to 121; "1796601600" is 2026-12-07T00:00:00Z); ' +
        'timestamps must be ISO-8601 UTC on a whole minute, e.g. 2026-12-07T00:00:00Z: convert the column (pandas: pd.to_datetime(df.timestamp, unit="s", utc=True))',
    ]);
  });

  test("a file in Unix milliseconds names milliseconds", () => {
    const problems = problemsOf(unixRows(30, "ms"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("t.csv: column timestamp is Unix time in milliseconds on all 60 rows");
    expect(problems[0]).toContain('unit="ms"');
  });

  test("a lone Unix-time row among ISO rows is still named by its line", () => {
    const problems = problemsOf([...ok, "1796601720,a,12", "2026-12-07T00:02:00Z,b,22"]);
    expect(problems).toEqual([
      't.csv:6: timestamp "1796601720" is Unix time in seconds (2026-12-07T00:02:00Z); write timestamps as ISO-8601 UTC, e.g. 2026-12-07T00:02:00Z',
    ]);
  });

  test("a few Unix-time rows among ISO rows are one problem listing their lines", () => {
    const rows = [...ok, "1796601720,a,12", "2026-12-07T00:02:00Z,b,22", "2026-12-07T00:03:00Z,a,13"];
    const problems = problemsOf([...rows, "1796601780,b,23"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(
      "t.csv: column timestamp is Unix time in seconds on 2 of the 8 rows (lines 6, 9;",
    );
  });

  test("its rows' other problems are still listed, after it", () => {
    const problems = problemsOf([...unixRows(3, "s"), "2026-12-07T00:03:00Z,a,-1"]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain("Unix time in seconds on 6 of the 7 rows (lines 2 to 7;");
    expect(problems[1]).toBe("t.csv:8: rps -1 is negative; expected requests/s >= 0");
  });
});
