/**
 * `generate-traffic --peak-to-trough` and `--flash-sale`: parsed into the generator's options,
 * written as the generator makes them, and every bad value refused at once, naming the flag, what
 * was given and what is allowed.
 */
import * as fs from "fs";
import * as path from "path";
import { generateTraffic } from "../../components/capacity/traffic-generator";
import { trafficToCsv } from "../../components/capacity/traffic-csv-writer";
import { InputError } from "../../tools/capacity/inputs";
import { parseFlashSales, parsePeakToTrough } from "../../tools/capacity/traffic-shape-flags";
import { fixtureSpecs, FIXTURE_MODELS, prodConfig } from "../capacity/helpers";
import { tempDirs } from "../helpers/temp-dir";
import { expectRefused, runTool as run } from "../helpers/tool-cli";

const tempDir = tempDirs("traffic-flags-");
const message = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error("not refused");
};

describe("--peak-to-trough", () => {
  test("takes <min>-<max> or one ratio", () => {
    expect(parsePeakToTrough("8-10")).toEqual([8, 10]);
    expect(parsePeakToTrough("3.5-9.25")).toEqual([3.5, 9.25]);
    expect(parsePeakToTrough("8")).toEqual([8, 8]);
  });

  test.each(["10-3", "0.5-3", "3-101", "8-", "-8", "x", "3..10", "3-10-12"])("refuses %s", (v) => {
    expect(message(() => parsePeakToTrough(v))).toBe(
      `--peak-to-trough ${v}: expected <min>-<max>, each model's busiest hour over its quietest, from 1 to 100 with min at most max (e.g. 3-10), or one ratio (e.g. 8)`,
    );
  });
});

describe("--flash-sale", () => {
  const window = {
    startMs: Date.parse("2026-12-06T16:00:00Z"),
    lastMinuteMs: Date.parse("2026-12-13T15:59:00Z"),
  };

  test("takes a comma list of <start>/<minutes>/<multiplier>[/<ramp minutes>], a step by default", () => {
    expect(parseFlashSales("2026-12-09T20:00+08:00/120/8,2026-12-10T03:30Z/60/3.5/20", window)).toEqual([
      { startMs: Date.parse("2026-12-09T12:00:00Z"), minutes: 120, multiplier: 8, rampMinutes: 0 },
      { startMs: Date.parse("2026-12-10T03:30:00Z"), minutes: 60, multiplier: 3.5, rampMinutes: 20 },
    ]);
    // A sale that started before the first minute still runs into it.
    expect(parseFlashSales("2026-12-06T15:00Z/120/8", window)).toHaveLength(1);
  });

  test("names every bad sale and every bad field of each in one error", () => {
    const text = message(() =>
      parseFlashSales(
        "2026-12-09T12:00Z/0/80,foo,2026-12-20T00:00Z/60/8,2026-12-09T12:00:30/60/8/90",
        window,
      ),
    );
    expect(text.split("\n")).toEqual([
      "--flash-sale 2026-12-09T12:00Z/0/80: minutes 0: expected a whole number from 1 to 527040; multiplier 80: expected a number from 1 to 50 (expected <ISO start>/<minutes>/<multiplier>[/<ramp minutes>], e.g. 2026-12-09T12:00Z/120/8)",
      "--flash-sale foo: expected <ISO start>/<minutes>/<multiplier>[/<ramp minutes>], e.g. 2026-12-09T12:00Z/120/8",
      "--flash-sale 2026-12-20T00:00Z/60/8: outside the generated minutes (2026-12-06T16:00Z to 2026-12-13T15:59Z); move it or change --start or --days",
      "--flash-sale 2026-12-09T12:00:30/60/8/90: start 2026-12-09T12:00:30 has no zone; add Z (UTC) or an offset such as +08:00; ramp minutes 90: expected a whole number from 0 (a step) to the sale's minutes (expected <ISO start>/<minutes>/<multiplier>[/<ramp minutes>], e.g. 2026-12-09T12:00Z/120/8)",
    ]);
  });

  test("refuses a start off the whole minute and a multiplier below 1", () => {
    const text = message(() => parseFlashSales("2026-12-09T12:00:30Z/60/0.5", window));
    expect(text).toContain("start 2026-12-09T12:00:30Z must be on a whole minute");
    expect(text).toContain("multiplier 0.5: expected a number from 1 to 50");
  });
});

describe("generate-traffic with the shape flags", () => {
  test("writes what the generator makes with those options", () => {
    const out = path.join(tempDir(), "week.csv");
    const r = run("tools/generate-traffic.ts", [
      ...["--models", FIXTURE_MODELS, "--out", out, "--days", "2", "--seed", "3"],
      ...["--peak-to-trough", "8-10", "--flash-sale", "2026-12-07T12:00Z/90/9/10,2026-12-08T02:00Z/30/2"],
    ]);
    expect(r.out).toContain("wrote");
    const config = prodConfig();
    const expected = generateTraffic(fixtureSpecs(config), config, {
      seed: 3,
      days: 2,
      peakToTrough: [8, 10],
      flashSales: [
        { startMs: Date.parse("2026-12-07T12:00:00Z"), minutes: 90, multiplier: 9, rampMinutes: 10 },
        { startMs: Date.parse("2026-12-08T02:00:00Z"), minutes: 30, multiplier: 2, rampMinutes: 0 },
      ],
    });
    expect(fs.readFileSync(out, "utf8")).toBe(trafficToCsv(expected));
  });

  test("refuses bad values of both with every other bad flag, and writes nothing", () => {
    const out = path.join(tempDir(), "week.csv");
    const r = run("tools/generate-traffic.ts", [
      ...["--models", FIXTURE_MODELS, "--out", out, "--noise", "0.5"],
      ...["--peak-to-trough", "10-3", "--flash-sale", "2026-12-09T12:00Z/120/80,2027-01-09T12:00Z/120/8"],
    ]);
    expectRefused(
      r,
      "--noise 0.5: expected a fraction from 0 to 0.2",
      "--peak-to-trough 10-3: expected <min>-<max>",
      "--flash-sale 2026-12-09T12:00Z/120/80: multiplier 80: expected a number from 1 to 50",
      "--flash-sale 2027-01-09T12:00Z/120/8: outside the generated minutes (2026-12-06T16:00Z to 2026-12-13T15:59Z)",
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  test("refuses a sale that takes a rate above what a traffic file holds, and writes nothing", () => {
    // A spec serving 20 million requests/s at max: its base is sized for Double-12, not for 50x.
    const models = tempDir();
    fs.writeFileSync(
      path.join(models, "huge.yaml"),
      [
        "name: huge",
        "team: t",
        "serving:",
        "  runtime: triton",
        "  modelUri: s3://<artifacts>/huge/v1",
        "  gpu: { pool: inference, share: 0.125 }",
        "  rpsPerReplica: 1000000",
        "  replicas: { min: 1, max: 20 }",
        "slo: { latencyP99Ms: 50, availability: 99.9 }",
        "",
      ].join("\n"),
    );
    const out = path.join(tempDir(), "week.csv");
    const r = run("tools/generate-traffic.ts", [
      ...["--models", models, "--out", out, "--days", "1", "--flash-sale", "2026-12-07T12:00Z/60/50"],
    ]);
    expectRefused(
      r,
      "--flash-sale 2026-12-07T12:00Z/60/50: takes huge above 10,000,000 requests/s, more than a traffic file may hold; lower the multiplier",
    );
    expect(fs.existsSync(out)).toBe(false);
  });

  test("checks a sale against the --start and --days given", () => {
    const out = path.join(tempDir(), "week.csv");
    const r = run("tools/generate-traffic.ts", [
      ...["--models", FIXTURE_MODELS, "--out", out, "--start", "2027-01-04T16:00Z", "--days", "1"],
      ...["--flash-sale", "2027-01-06T12:00Z/60/8"],
    ]);
    expectRefused(r, "outside the generated minutes (2027-01-04T16:00Z to 2027-01-05T15:59Z)");
  });
});
