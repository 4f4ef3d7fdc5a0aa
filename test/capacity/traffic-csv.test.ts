/** The traffic CSV: files that are not text or too large, headers, unknown models, gaps and duplicate minutes. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { spawnSync } from "child_process";
import { ROOT } from "../helpers/program";
import { MAX_TRAFFIC_FILE_BYTES, parseTrafficCsv, TrafficError } from "../../components/capacity/traffic";
import { readTrafficText } from "../../components/config/traffic-history";
import { errorOf, HEADER, ok } from "./traffic-csv-harness";

describe("traffic CSV", () => {
  test("a row with a wrong year is named with the span, not reported as millions of missing minutes", () => {
    const message = errorOf([...ok, "2062-12-07T00:02:00Z,a,12", "2062-12-07T00:02:00Z,b,22"]);
    expect(message).toContain(
      "t.csv: rows span 13150 days, from 2026-12-07T00:00:00Z (line 2) to 2062-12-07T00:02:00Z (line 6); at most 731 days are read (a wrong year?)",
    );
    expect(message).not.toContain("missing");
    // Two years of minutes are still read.
    const last = new Date(Date.parse("2026-12-07T00:00:00Z") + (731 * 1440 - 1) * 60_000).toISOString();
    const lastMinute = last.replace(".000Z", "Z");
    expect(errorOf([...ok, `${lastMinute},a,1`, `${lastMinute},b,1`])).toMatch(/missing \d+ minutes/);
  });

  test("a header repeated inside the file (two files joined) is one problem on its line", () => {
    expect(errorOf([ok[0], ok[1], HEADER, ok[2], ok[3]])).toBe(
      "1 problem in traffic file t.csv:\n  - t.csv:4: the header again; files joined with cat? keep only the first header line",
    );
  });

  test("a row whose date is a typo is named with its line, not reported as a gap in every model", () => {
    // A day of two models, one row a year late and one a month early.
    const rows: string[] = [];
    for (let i = 0; i < 1440; i++) {
      const minute = new Date(Date.parse("2026-12-07T00:00:00Z") + i * 60_000)
        .toISOString()
        .replace(".000Z", "Z");
      rows.push(`${minute},a,10`, `${minute},b,20`);
    }
    rows[100] = rows[100].replace("2026-12-07", "2027-12-07");
    rows[2001] = rows[2001].replace("2026-12-07", "2026-11-07");
    const message = errorOf(rows);
    expect(message).toContain(
      "t.csv:102: timestamp 2027-12-07T00:50:00Z is 364 days after the other rows (2026-12-07T00:00:00Z to 2026-12-07T23:59:00Z); a wrong date?",
    );
    expect(message).toContain("t.csv:2003: timestamp 2026-11-07T16:40:00Z is 29 days before the other rows");
    expect(message).not.toContain("missing");
    expect(message).toMatch(/^2 problems/);
  });

  test("a file above the read limit is one error naming it and its size, before it is read", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "traffic-")), "huge.csv");
    // A sparse file: its size is what counts, not its blocks.
    fs.writeFileSync(file, `${HEADER}\n`);
    fs.truncateSync(file, MAX_TRAFFIC_FILE_BYTES + 1);
    expect(() => readTrafficText(file)).toThrow(
      new TrafficError(file, [
        "is 501 MiB; at most 500 MiB (about 12 million rows) is read: split it by time, or replay fewer models",
      ]),
    );
    fs.truncateSync(file, 0);
    expect(readTrafficText(file)).toBe("");
    expect(() => readTrafficText(path.dirname(file))).toThrow("is a folder, not a file");
    expect(() => readTrafficText(`${file}.missing`, "; hint")).toThrow("not found; hint");
  });

  test("a UTF-16, compressed or binary file is one problem saying what it is, not rows of NULs", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "traffic-"));
    const write = (name: string, bytes: Buffer) => {
      fs.writeFileSync(path.join(dir, name), bytes);
      return path.join(dir, name);
    };
    const csv = `${HEADER}\n2026-11-01T00:00:00Z,a,5\n`;
    const utf16 = write("u16.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv, "utf16le")]));
    expect(() => readTrafficText(utf16)).toThrow(
      new TrafficError(utf16, [
        "is UTF-16 text (a spreadsheet's Unicode text export): save it as CSV in UTF-8",
      ]),
    );
    const gz = write("t.csv.gz", zlib.gzipSync(csv));
    expect(() => readTrafficText(gz)).toThrow("is gzip-compressed: decompress it first (gunzip)");
    const nul = write("nul.csv", Buffer.from(`${csv}\0\0`));
    expect(() => readTrafficText(nul)).toThrow("is not a text file (it holds NUL bytes)");
    const latin1 = write("l1.csv", Buffer.from(`${HEADER}\n# caf\xe9\n`, "latin1"));
    expect(() => readTrafficText(latin1)).toThrow("is not UTF-8 text: save it as CSV in UTF-8");
    // UTF-8, with or without a byte-order mark, reads as before.
    expect(readTrafficText(write("ok.csv", Buffer.from(`\uFEFF${csv}`)))).toContain("a,5");
  });

  test("a pipe is read like a file (--traffic /dev/stdin, <(...))", () => {
    const read = `process.stdout.write(require("./components/config/traffic-history").readTrafficText(process.argv[1]))`;
    const r = spawnSync(
      "bash",
      ["-c", `node -r ts-node/register/transpile-only -e '${read}' <(printf '${HEADER}\\n')`],
      { cwd: ROOT, encoding: "utf8" },
    );
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`${HEADER}\n`);
    // A device is no CSV: /dev/zero would be read without end.
    expect(() => readTrafficText("/dev/zero")).toThrow("is a device, not a file or a pipe");
  });

  test("an empty file, or one of blank lines or a byte-order mark alone, is one problem naming it", () => {
    for (const text of ["", "\n\n", "  \r\n", "\uFEFF\n"])
      expect(() => parseTrafficCsv(text, "t.csv", ["a"])).toThrow(
        new TrafficError("t.csv", [
          't.csv: is empty; expected the header "timestamp,model,rps" and one row per model per minute',
        ]),
      );
  });

  test("a valid file parses into per-model series", () => {
    const t = parseTrafficCsv([HEADER, ...ok].join("\n") + "\n", "t.csv", ["a", "b"]);
    expect(t.models).toEqual(["a", "b"]);
    expect(t.minutes).toBe(2);
    expect(Array.from(t.rps[1])).toEqual([20, 21]);
    expect(t.startMs).toBe(Date.parse("2026-12-07T00:00:00Z"));
  });

  test("wrong header", () => {
    expect(() => parseTrafficCsv("time,model,rps\n", "t.csv")).toThrow(
      't.csv:1: header is "time,model,rps"; expected exactly "timestamp,model,rps"',
    );
  });

  test("a misnamed column does not stop the rows' checks: one run lists them all", () => {
    const rows = ["time,model,rps", ...ok.slice(0, 3), "2026-12-07T00:01:00Z,b,-1"].join("\n");
    expect(() => parseTrafficCsv(rows, "t.csv", ["a", "b"])).toThrow(
      [
        "2 problems in traffic file t.csv:",
        '  - t.csv:1: header is "time,model,rps"; expected exactly "timestamp,model,rps"',
        "  - t.csv:5: rps -1 is negative; expected requests/s >= 0",
      ].join("\n"),
    );
  });

  test("columns in another order are one problem, not one per row read in the wrong columns", () => {
    const swapped = ["model,timestamp,rps", "a,2026-12-07T00:00:00Z,10", "b,2026-12-07T00:00:00Z,20"];
    expect(() => parseTrafficCsv(swapped.join("\n"), "t.csv", ["a", "b"])).toThrow(
      [
        "1 problem in traffic file t.csv:",
        '  - t.csv:1: columns are in the order "model,timestamp,rps"; expected exactly "timestamp,model,rps" (reorder the columns)',
      ].join("\n"),
    );
  });

  test("a file without its header: line 1 is named as a row and checked with the others", () => {
    expect(() => parseTrafficCsv(ok.join("\n"), "t.csv", ["a", "b"])).toThrow(
      [
        "1 problem in traffic file t.csv:",
        '  - t.csv:1: is a data row, not the header; add the line "timestamp,model,rps" above it',
      ].join("\n"),
    );
    const bad = [...ok.slice(0, 3), "2026-12-07T00:01:00Z,b,x"].join("\n");
    expect(() => parseTrafficCsv(bad, "t.csv", ["a", "b"])).toThrow(
      't.csv:4: rps "x" is not a number; expected requests/s >= 0',
    );
  });

  test("unknown model names the line and the allowed models", () => {
    expect(errorOf([...ok, "2026-12-07T00:01:00Z,c,5"])).toContain(
      't.csv:6: unknown model "c"; models are: a, b',
    );
  });

  test("a model of the specs without rows is absent, not an error (the replay leaves it out)", () => {
    expect(parseTrafficCsv([HEADER, ...ok].join("\n"), "t.csv", ["a", "b", "y", "z"]).models).toEqual([
      "a",
      "b",
    ]);
  });

  test("gaps: missing minutes are counted per model with the first one", () => {
    const msg = errorOf([...ok, "2026-12-07T00:03:00Z,a,1", "2026-12-07T00:03:00Z,b,1"]);
    expect(msg).toContain("model a is missing 1 minute (gap), first 2026-12-07T00:02:00Z;");
    expect(msg).toContain("model b is missing 1 minute (gap)");
  });

  test("a model whose rows start or end inside the file is named as launched or stopped, not only as a gap", () => {
    const rows = (model: string, from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => `2026-12-07T00:0${from + i}:00Z,${model},1`);
    const launched = errorOf([...rows("a", 0, 5), ...rows("b", 3, 5)]);
    expect(launched).toContain(
      "model b is missing 3 minutes (gap), first 2026-12-07T00:00:00Z; one row per model per minute is required " +
        "(its rows start at 2026-12-07T00:03:00Z: a model launched during the file needs rows of 0 before its launch)",
    );
    expect(errorOf([...rows("a", 0, 5), ...rows("b", 0, 2)])).toContain(
      "(its rows end at 2026-12-07T00:01:00Z: a model stopped during the file needs rows of 0 after)",
    );
    expect(errorOf([...rows("a", 0, 5), ...rows("b", 1, 3)])).toContain(
      "(its rows cover only 2026-12-07T00:01:00Z to 2026-12-07T00:02:00Z: rows of 0 before and after)",
    );
    // A hole in the middle is a plain gap.
    expect(errorOf([...rows("a", 0, 5), ...rows("b", 0, 2), ...rows("b", 3, 5)])).toMatch(
      /model b is missing 1 minute \(gap\), first 2026-12-07T00:02:00Z; one row per model per minute is required$/m,
    );
  });

  test("duplicate minutes name both lines", () => {
    expect(errorOf([...ok, "2026-12-07T00:01:00Z,b,22"])).toContain(
      "t.csv:6: duplicate minute 2026-12-07T00:01:00Z for model b (first at line 5)",
    );
  });

  test("bad timestamps: not UTC, not ISO, not on a minute, impossible date", () => {
    const msg = errorOf([
      ...ok,
      "2026-12-07T00:02:00+08:00,a,1",
      "07/12/2026 00:02,a,1",
      "2026-12-07T00:02:30Z,a,1",
      "2026-02-30T00:02:00Z,a,1",
    ]);
    expect(msg).toContain(
      't.csv:6: timestamp "2026-12-07T00:02:00+08:00" is not UTC: write it in UTC with Z (this one is 2026-12-06T16:02:00Z)',
    );
    expect(msg).toContain('t.csv:7: timestamp "07/12/2026 00:02" is not ISO-8601 UTC');
    expect(msg).toContain('t.csv:8: timestamp "2026-12-07T00:02:30Z" is not on a whole minute');
    expect(msg).toContain('t.csv:9: timestamp "2026-02-30T00:02:00Z" is not a calendar date');
  });
});
