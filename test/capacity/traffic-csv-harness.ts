/** The traffic-CSV tests' setup: the header, four valid rows, and the parser's message for bad rows. */
import { parseTrafficCsv, TrafficError } from "../../components/capacity/traffic";

/** The traffic file's header line. */
export const HEADER = "timestamp,model,rps";

/** The error message of parsing `lines` (fails the test when the CSV is valid). */
export function errorOf(lines: string[], models = ["a", "b"]): string {
  try {
    parseTrafficCsv([HEADER, ...lines].join("\n"), "t.csv", models);
  } catch (err) {
    expect(err).toBeInstanceOf(TrafficError);
    return (err as Error).message;
  }
  throw new Error("expected the CSV to be invalid");
}

/** Two valid minutes of models a and b. */
export const ok = [
  "2026-12-07T00:00:00Z,a,10",
  "2026-12-07T00:00:00Z,b,20",
  "2026-12-07T00:01:00Z,a,11",
  "2026-12-07T00:01:00Z,b,21",
];
