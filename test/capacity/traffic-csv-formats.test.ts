/**
 * Traffic files in a neighbouring format are named as such: Unix-time timestamps (a metrics export)
 * with the minute they stand for, and `;`- or tab-separated files as one problem, not one per row.
 */
import { parseTrafficCsv, TrafficError } from "../../components/capacity/traffic";
import { errorOf } from "./traffic-csv-harness";

/** The problems of parsing `text` (fails the test when it is valid). */
function problemsOf(text: string): readonly string[] {
  try {
    parseTrafficCsv(text, "t.csv", ["a", "b"]);
  } catch (err) {
    expect(err).toBeInstanceOf(TrafficError);
    return (err as TrafficError).problems;
  }
  throw new Error("expected the CSV to be invalid");
}

describe("traffic CSV in another format", () => {
  test("a timestamp in Unix seconds is named as such, with its UTC minute", () => {
    // One such row; a file of them is one problem (traffic-csv-unix-time.test.ts).
    const msg = errorOf(["1796601600,a,10", "2026-12-07T00:00:00Z,b,20"]);
    expect(msg).toContain(
      't.csv:2: timestamp "1796601600" is Unix time in seconds (2026-12-07T00:00:00Z); write timestamps as ISO-8601 UTC',
    );
  });

  test("Prometheus' fractional seconds and JavaScript's milliseconds are recognised too", () => {
    const msg = errorOf(["1796601600.000,a,10", "1796601600000,b,20"]);
    expect(msg).toContain('timestamp "1796601600.000" is Unix time in seconds (2026-12-07T00:00:00Z)');
    expect(msg).toContain('timestamp "1796601600000" is Unix time in milliseconds (2026-12-07T00:00:00Z)');
  });

  test("a short number is still not a timestamp of any kind", () => {
    expect(errorOf(["12345,a,10"])).toContain('timestamp "12345" is not ISO-8601 UTC');
  });

  test("a semicolon-separated file is one problem naming the separator", () => {
    const rows = ["2026-12-07T00:00:00Z;a;10", "2026-12-07T00:00:00Z;b;20"];
    const problems = problemsOf(["timestamp;model;rps", ...rows].join("\n"));
    expect(problems).toEqual([
      't.csv:1: cells are separated by ";" (header "timestamp;model;rps"); the traffic file is comma-separated: expected exactly "timestamp,model,rps" (export as CSV with commas, and "." for decimals)',
    ]);
  });

  test("a tab-separated file, its names in another case, is one problem naming tabs", () => {
    const problems = problemsOf(["Timestamp\tModel\tRPS", "2026-12-07T00:00:00Z\ta\t10"].join("\n"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("t.csv:1: cells are separated by tabs");
  });

  test("a header with semicolons but other names stays a misnamed header, its rows still checked", () => {
    const problems = problemsOf("time;model\n2026-12-07T00:00:00Z,a,-1\n2026-12-07T00:00:00Z,b,20");
    expect(problems[0]).toBe('t.csv:1: header is "time;model"; expected exactly "timestamp,model,rps"');
    expect(problems[1]).toContain("rps -1 is negative");
  });
});
