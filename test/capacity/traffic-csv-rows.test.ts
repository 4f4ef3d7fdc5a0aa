/** The traffic CSV's rows: timestamps and rates as other tools write them, bad ones named once each, all problems at once. */
import { parseTrafficCsv } from "../../components/capacity/traffic";
import { errorOf, HEADER, ok } from "./traffic-csv-harness";

describe("traffic CSV", () => {
  test("a row rejected for its timestamp is not also reported as a missing minute", () => {
    const rows = [...ok, "2026-12-07T00:02:00Z,a,12", "2026-12-07T00:02:00Z,b,22"];
    const msg = errorOf([...rows.slice(0, 2), "2026-12-07 00:01,a,11", ...rows.slice(3)]);
    expect(msg).toContain('t.csv:4: timestamp "2026-12-07 00:01" is not ISO-8601 UTC');
    expect(msg).not.toContain("gap");
    // a gap beyond the rejected rows is still reported, with them counted apart
    const more = errorOf([
      ...rows.slice(0, 2),
      "2026-12-07 00:01,a,11",
      ...rows.slice(3, 4),
      ...rows.slice(5),
    ]);
    expect(more).toContain("model a is missing 1 minute (gap) besides its 1 rejected row");
  });

  test("UTC written +00:00 or without seconds, quoted cells and a spaced header are read", () => {
    const t = parseTrafficCsv(
      [
        "timestamp , model , rps",
        '2026-12-07T00:00:00+00:00,"a",10',
        "2026-12-07T00:00Z,b,20",
        '"2026-12-07T00:01:00Z", a ,11',
        "2026-12-07T00:01:00.000Z,b,21",
      ].join("\n"),
      "t.csv",
      ["a", "b"],
    );
    expect(t.startMs).toBe(Date.parse("2026-12-07T00:00:00Z"));
    expect(t.models).toEqual(["a", "b"]);
    expect(Array.from(t.rps[0])).toEqual([10, 11]);
    expect(Array.from(t.rps[1])).toEqual([20, 21]);
  });

  test("UTC as pandas and strftime write it: a space for the T, +0000 or +00", () => {
    const t = parseTrafficCsv(
      [
        "timestamp,model,rps",
        "2026-12-07 00:00:00+00:00,a,10",
        "2026-12-07 00:00:00+0000,b,20",
        "2026-12-07T00:01:00+00,a,11",
        "2026-12-07t00:01:00z,b,21",
      ].join("\n"),
      "t.csv",
      ["a", "b"],
    );
    expect(t.startMs).toBe(Date.parse("2026-12-07T00:00:00Z"));
    expect(Array.from(t.rps[0])).toEqual([10, 11]);
    expect(Array.from(t.rps[1])).toEqual([20, 21]);
    // Other offsets stay refused in any of these forms.
    const msg = errorOf([...ok, "2026-12-07 08:02:00+0800,a,12", "2026-12-07 00:02+08,b,22"]);
    expect(msg).toContain('t.csv:6: timestamp "2026-12-07 08:02:00+0800" is not UTC');
    expect(msg).toContain('t.csv:7: timestamp "2026-12-07 00:02+08" is not UTC');
  });

  test("a row rejected for its rate is not also reported as a missing minute", () => {
    const msg = errorOf([...ok, "2026-12-07T00:02:00Z,a,1e15", "2026-12-07T00:02:00Z,b,22"]);
    expect(msg).toContain("t.csv:6: rps 1e15 is above 10000000 requests/s");
    expect(msg).not.toContain("gap");
  });

  test("negative and non-numeric rates, and wrong field counts", () => {
    const msg = errorOf([
      ...ok.slice(0, 3),
      "2026-12-07T00:01:00Z,b,-1",
      "2026-12-07T00:02:00Z,a,lots",
      "x,y",
      "2026-12-07T00:02:00Z,b,1e15",
    ]);
    expect(msg).toContain("t.csv:5: rps -1 is negative; expected requests/s >= 0");
    expect(msg).toContain(
      "t.csv:8: rps 1e15 is above 10000000 requests/s; check the unit (requests per second)",
    );
    expect(msg).toContain('t.csv:6: rps "lots" is not a number');
    expect(msg).toContain("t.csv:7: 2 fields; expected 3 (timestamp,model,rps)");
  });

  test("lone-CR line endings (a spreadsheet's CSV for Macintosh) read like LF", () => {
    const t = parseTrafficCsv([HEADER, ...ok].join("\r") + "\r", "t.csv", ["a", "b"]);
    expect(Array.from(t.rps[1])).toEqual([20, 21]);
  });

  test("an endless line is quoted cut short, not echoed whole or crashing on its escapes", () => {
    const header = errorOf([], ["a"]).length; // a header-only file: the short error it gives
    for (const text of [
      "\0".repeat(30_000_000),
      `${HEADER}\n2026-12-07T00:00:00Z,${"x".repeat(1_000_000)},1`,
    ]) {
      let message = "";
      try {
        parseTrafficCsv(text, "t.csv", ["a"]);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(
        /^\d problems? in traffic file t.csv:\n  - t.csv:(1: header is|2: unknown model) "/,
      );
      expect(message.length).toBeLessThan(header + 400);
    }
  });

  test("a year before 1970 is refused (Date.UTC would read 0026 as 1926)", () => {
    expect(errorOf(["0026-12-07T00:00:00Z,a,1"])).toContain(
      't.csv:2: timestamp "0026-12-07T00:00:00Z" has a year before 1970',
    );
  });

  test("a model whose rows all have bad timestamps is not also said to have no rows", () => {
    const msg = errorOf([...ok.filter((r) => r.includes(",a,")), "2026-12-07T08:00:00+08:00,b,20"]);
    expect(msg).toContain("t.csv:4: timestamp");
    expect(msg).not.toContain("no rows");
  });

  test("a model name in capitals names the model meant, and its row is not also a gap", () => {
    const msg = errorOf([...ok.slice(0, 3), "2026-12-07T00:01:00Z,B,21"]);
    expect(msg).toContain('t.csv:5: unknown model "B"; model names are lower-case (b)');
    expect(msg).not.toContain("gap");
  });

  test("a rate written with a thousands comma is one problem with a hint, not also a gap", () => {
    const msg = errorOf([...ok.slice(0, 3), '2026-12-07T00:01:00Z,b,"1,021"']);
    expect(msg).toMatch(/^1 problem in traffic file/);
    expect(msg).toContain(
      "t.csv:5: 4 fields; expected 3 (timestamp,model,rps) (a rate with a thousands separator?",
    );
    // Unquoted too, the hint comes; a fourth field of text is another slip.
    const unquoted = errorOf([...ok.slice(0, 3), "2026-12-07T00:01:00Z,b,1,021"]);
    expect(unquoted).toContain(
      "t.csv:5: 4 fields; expected 3 (timestamp,model,rps) (a rate with a thousands",
    );
    const note = errorOf([...ok.slice(0, 3), "2026-12-07T00:01:00Z,b,21,peak"]);
    expect(note).not.toContain("thousands");
  });

  test("a rate too large for a number is out of range, not 'not a number'", () => {
    const msg = errorOf([...ok.slice(0, 3), "2026-12-07T00:01:00Z,b,1e400"]);
    expect(msg).toContain("t.csv:5: rps 1e400 is out of range; expected requests/s >= 0");
  });

  test("all problems are reported at once, the listing capped at 20 with a count", () => {
    // Each row has a negative rate and repeats a minute already given: two problems per row.
    const bad = Array.from({ length: 30 }, (_, i) => `2026-12-07T00:00:00Z,a,-${i + 1}`);
    const msg = errorOf([...ok, ...bad]);
    expect(msg.startsWith("60 problems in traffic file t.csv:")).toBe(true);
    expect(msg).toContain("... and 40 more");
    expect(msg.split("\n").filter((l) => l.startsWith("  - "))).toHaveLength(20);
  });
});
