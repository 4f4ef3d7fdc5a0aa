import { defaultPeak, generateTraffic } from "../../components/capacity/traffic-generator";
import { eventWindows } from "../../components/capacity/event-windows";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { spawnSync } from "child_process";
import { ROOT } from "../helpers/program";
import {
  MAX_RPS,
  MAX_TRAFFIC_FILE_BYTES,
  parseTrafficCsv,
  TrafficError,
} from "../../components/capacity/traffic";
import {
  minTrafficCsvBytes,
  trafficCsvBytes,
  trafficToCsv,
} from "../../components/capacity/traffic-csv-writer";
import { readTrafficText } from "../../components/config/traffic-history";
import { fixtureSpecs, prodConfig } from "./helpers";

const HEADER = "timestamp,model,rps";

/** The error message of parsing `lines` (fails the test when the CSV is valid). */
function errorOf(lines: string[], models = ["a", "b"]): string {
  try {
    parseTrafficCsv([HEADER, ...lines].join("\n"), "t.csv", models);
  } catch (err) {
    expect(err).toBeInstanceOf(TrafficError);
    return (err as Error).message;
  }
  throw new Error("expected the CSV to be invalid");
}

const ok = [
  "2026-12-07T00:00:00Z,a,10",
  "2026-12-07T00:00:00Z,b,20",
  "2026-12-07T00:01:00Z,a,11",
  "2026-12-07T00:01:00Z,b,21",
];

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

describe("traffic generator", () => {
  const config = prodConfig();
  const specs = fixtureSpecs(config).slice(0, 4);

  test("is deterministic for a seed and differs across seeds", () => {
    const a = generateTraffic(specs, config, { seed: 42, days: 2 });
    const b = generateTraffic(specs, config, { seed: 42, days: 2 });
    const c = generateTraffic(specs, config, { seed: 43, days: 2 });
    expect(trafficToCsv(a)).toBe(trafficToCsv(b));
    expect(trafficToCsv(a)).not.toBe(trafficToCsv(c));
  });

  test("a model's traffic depends on the seed and its own spec, not on the other models", () => {
    const all = generateTraffic(specs, config, { seed: 42, days: 1 });
    // Without the first model, and in reverse order: every other model's minutes are unchanged.
    const rest = generateTraffic([...specs.slice(1)].reverse(), config, { seed: 42, days: 1 });
    for (const [i, name] of rest.models.entries()) {
      expect(Array.from(rest.rps[i])).toEqual(Array.from(all.rps[all.models.indexOf(name)]));
    }
    // Two models of one seed still differ in shape: their streams are not one stream.
    const level = (series: Float64Array) => series[300] / Math.max(...series);
    expect(level(all.rps[0])).not.toBeCloseTo(level(all.rps[1]), 3);
  });

  test("diurnal peak-to-trough of hourly means is 3-10x on every weekday", () => {
    const t = generateTraffic(specs, config, { seed: 1 });
    t.rps.forEach((series) => {
      for (let day = 0; day < 5; day++) {
        const hourly = Array.from({ length: 24 }, (_, h) => {
          let s = 0;
          for (let i = 0; i < 60; i++) s += series[day * 1440 + h * 60 + i];
          return s / 60;
        });
        const ratio = Math.max(...hourly) / Math.min(...hourly);
        expect(ratio).toBeGreaterThanOrEqual(3);
        expect(ratio).toBeLessThanOrEqual(10);
      }
    });
  });

  test("the diurnal curve follows the stack's local time across a daylight-saving change", () => {
    // New York leaves daylight saving at 06:00 UTC on Sunday 1 November 2026 (02:00 back to 01:00).
    const ny = { ...config, timeZone: "America/New_York", events: [] };
    const startMs = Date.parse("2026-10-29T04:00:00Z"); // local midnight, Thursday
    const t = generateTraffic(specs, ny, { seed: 4, days: 6, noise: 0, startMs });
    // Minute for minute: summer time (UTC-4) until the change, winter time (UTC-5) from the morning
    // after, weekend included (local Saturday and Sunday).
    const fixed = (zone: string) =>
      generateTraffic(specs, { ...ny, timeZone: zone }, { seed: 4, days: 6, noise: 0, startMs }).rps;
    const [edt, est] = [fixed("Etc/GMT+4"), fixed("Etc/GMT+5")];
    const change = (Date.parse("2026-11-01T06:00:00Z") - startMs) / 60_000;
    const morning = change + 6 * 60;
    const steps = (series: Float64Array, from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => Math.abs(series[from + i + 1] / series[from + i] - 1));
    t.rps.forEach((series, m) => {
      expect(Array.from(series.slice(0, change))).toEqual(Array.from(edt[m].slice(0, change)));
      expect(Array.from(series.slice(morning))).toEqual(Array.from(est[m].slice(morning)));
      // In between, people sleep through the change: no minute steps more than the night's
      // ordinary minutes do (the wall clock going back an hour would jump to 01:00's level).
      const ordinary = Math.max(...steps(edt[m], change - 1440, morning - 1440));
      expect(Math.max(...steps(series, change - 1, morning))).toBeLessThanOrEqual(1.5 * ordinary);
    });
    // So the evening peak comes an hour later in UTC after the change.
    const peakMinute = (series: Float64Array, day: number) => {
      const d = Array.from(series.slice(day * 1440, (day + 1) * 1440));
      return d.indexOf(Math.max(...d));
    };
    for (const series of t.rps) expect(peakMinute(series, 4)).toBe(peakMinute(series, 0) + 60);
  });

  test("the declared Double-12 event steps traffic to its multiplier", () => {
    const peakRps = { [specs[0].name]: 1000 };
    const t = generateTraffic(specs, config, { seed: 1, peakRps });
    const plain = generateTraffic(specs, { ...config, events: [] }, { seed: 1, peakRps });
    const start = (Date.parse("2026-12-12T00:00:00+08:00") - t.startMs) / 60_000;
    const ratio = (i: number) => t.rps[0][i] / plain.rps[0][i];
    expect(ratio(start - 1)).toBe(1);
    expect(ratio(start)).toBeCloseTo(8, 9);
    expect(ratio(start + 179)).toBeCloseTo(8, 9);
    expect(ratio(start + 180)).toBe(1);
  });

  test("by default every declared event fits replicas.max at the target utilization", () => {
    const t = generateTraffic(specs, config, { seed: 5 });
    t.rps.forEach((series, m) => {
      const { rpsPerReplica, targetUtilization, replicas } = specs[m].serving;
      expect(Math.max(...series)).toBeLessThanOrEqual(replicas.max * rpsPerReplica * targetUtilization);
      // ... and uses most of it: the event, not a blanket margin, sizes the traffic.
      expect(Math.max(...series)).toBeGreaterThan(0.7 * replicas.max * rpsPerReplica * targetUtilization);
    });
  });

  test("a midnight sale allows a busier normal day than the same sale at the evening peak", () => {
    const shape = { troughHour: 4.5, peakHour: 21, ratio: 5 };
    const sale = (from: string, to: string) =>
      eventWindows([
        {
          name: "s",
          start: `2026-12-12T${from}:00+08:00`,
          end: `2026-12-12T${to}:00+08:00`,
          trafficMultiplier: 8,
        },
      ]);
    const midnight = defaultPeak(specs[0], shape, sale("00:00", "03:00"), config.timeZone, 0.03);
    const evening = defaultPeak(specs[0], shape, sale("20:00", "22:00"), config.timeZone, 0.03);
    expect(midnight).toBeGreaterThan(1.3 * evening);
    // Without events the weekly peak needs half of max.
    const { rpsPerReplica, targetUtilization, replicas } = specs[0].serving;
    const plain = defaultPeak(specs[0], shape, [], config.timeZone, 0.03);
    expect(plain * 1.1 * 1.12).toBeCloseTo((replicas.max * rpsPerReplica * targetUtilization) / 2, 6);
  });

  test("a spec that serves tens of millions of requests/s still gets a file the CSV reader takes", () => {
    const huge = {
      ...specs[0],
      serving: { ...specs[0].serving, rpsPerReplica: 1e6, replicas: { min: 1, max: 20 } },
    };
    // Double-12 (8x) on day 1 at this spec's own sizing would reach some 17 million requests/s.
    const t = generateTraffic([huge], config, {
      seed: 3,
      days: 1,
      startMs: Date.parse("2026-12-11T16:00:00Z"),
    });
    expect(Math.max(...t.rps[0])).toBeLessThanOrEqual(MAX_RPS);
    expect(() => parseTrafficCsv(trafficToCsv(t), "gen.csv", t.models)).not.toThrow();
  });

  test("round-trips through the CSV parser", () => {
    const t = generateTraffic(specs, config, { seed: 3, days: 1 });
    const back = parseTrafficCsv(trafficToCsv(t), "gen.csv", t.models);
    expect(back.minutes).toBe(1440);
    expect(back.rps[2][700]).toBeCloseTo(t.rps[2][700], 3);
  });

  test("its size is known before the text is built (generate-traffic refuses files too large to read)", () => {
    const t = generateTraffic(specs, config, { seed: 5, days: 1 });
    expect(trafficCsvBytes(t)).toBe(Buffer.byteLength(trafficToCsv(t), "utf8"));
    // Multi-byte names and large rates count by their UTF-8 bytes and digits.
    const odd = {
      models: ["modèle-ü", "b"],
      startMs: t.startMs,
      minutes: 2,
      rps: [t.rps[0].slice(0, 2), Float64Array.from([1e6, 0.0004])],
    };
    expect(trafficCsvBytes(odd)).toBe(Buffer.byteLength(trafficToCsv(odd), "utf8"));
    // The lower bound generate-traffic checks first: all rates "0.000", never above the real size.
    expect(minTrafficCsvBytes(t.models, t.startMs, t.minutes)).toBeLessThan(trafficCsvBytes(t));
    const idle = { ...odd, rps: odd.rps.map((r) => new Float64Array(r.length)) };
    expect(minTrafficCsvBytes(idle.models, idle.startMs, idle.minutes)).toBe(
      Buffer.byteLength(trafficToCsv(idle), "utf8"),
    );
  });
});
