/**
 * A traffic file with more columns than `timestamp,model,rps` (an export by model and variant, or
 * with a label column) is one problem naming the extra columns, not one "4 fields" problem per row.
 */
import { parseTrafficCsv, TrafficError } from "../../components/capacity/traffic";

/** The problems of parsing `lines` (fails the test when they are valid). */
function problemsOf(lines: string[]): readonly string[] {
  try {
    parseTrafficCsv(lines.join("\n"), "t.csv", ["a", "b"]);
  } catch (err) {
    expect(err).toBeInstanceOf(TrafficError);
    return (err as TrafficError).problems;
  }
  throw new Error("expected the CSV to be invalid");
}

describe("traffic CSV with extra columns", () => {
  test("a variant column after the three is one problem naming it", () => {
    const problems = problemsOf([
      "timestamp,model,rps,variant",
      "2026-12-07T00:00:00Z,a,10,stable",
      "2026-12-07T00:00:00Z,a,1,canary",
      "2026-12-07T00:00:00Z,b,20,stable",
    ]);
    expect(problems).toEqual([
      't.csv:1: header "timestamp,model,rps,variant" has the column variant besides timestamp,model,rps; the file holds one rate per model and minute: sum each model\'s rows of a minute and drop variant',
    ]);
  });

  test("several extra columns in any place are named together", () => {
    const problems = problemsOf([
      "timestamp,namespace,model,variant,rps",
      "2026-12-07T00:00:00Z,x,a,stable,10",
    ]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("has the columns namespace, variant besides timestamp,model,rps");
  });

  test("a header of other names keeps the misnamed-header problem with its rows checked", () => {
    const problems = problemsOf(["time,model,rps,x", "2026-12-07T00:00:00Z,a,-1"]);
    expect(problems[0]).toBe('t.csv:1: header is "time,model,rps,x"; expected exactly "timestamp,model,rps"');
    expect(problems[1]).toContain("rps -1 is negative");
  });
});
