/**
 * The committed sample week and the committed model specs agree: the week is the generator's output
 * for the specs (seed 7), each model's `replicas.max` serves its Double-12 peak at the target
 * utilization, `replicas.min` is no more than the night trough needs, and the big models need tens
 * of replicas at the normal peak, a small one a handful.
 */
import * as fs from "fs";
import * as path from "path";
import { generateTraffic } from "../../components/capacity/traffic-generator";
import { trafficToCsv } from "../../components/capacity/traffic-csv-writer";
import { loadModelSpecs, loadTraffic } from "../../tools/capacity/inputs";
import { ROOT } from "../helpers/program";
import { prodConfig } from "./helpers";

const config = prodConfig();
const allSpecs = loadModelSpecs(path.join(ROOT, "models"), "prod", config);
const file = path.join(ROOT, "models", "traffic", "sample-week.csv");
const week = loadTraffic(
  file,
  allSpecs.map((s) => s.name),
);
// The models the week was generated for: a model a team adds later has no rows in it (the replay
// leaves it out), and its pull request must not fail here.
const specs = allSpecs.filter((s) => week.models.includes(s.name));
const WEEKDAY_MINUTES = 5 * 1440;

/** Replicas at the target utilization for a rate. */
function replicasFor(name: string, rps: number): number {
  const s = specs.find((x) => x.name === name)!.serving;
  return rps / (s.rpsPerReplica * s.targetUtilization);
}

describe("committed sample week", () => {
  test("has rows for the twelve models it was generated for", () => {
    expect(specs).toHaveLength(12);
  });

  test("is what tools/generate-traffic.ts writes for the committed specs with seed 7", () => {
    expect(fs.readFileSync(file, "utf8")).toBe(trafficToCsv(generateTraffic(specs, config, { seed: 7 })));
  });

  test.each(specs.map((s) => s.name))("%s: replicas.max serves the Double-12 peak at the target", (name) => {
    const m = week.models.indexOf(name);
    const peak = Math.max(...week.rps[m]);
    const max = specs.find((s) => s.name === name)!.serving.replicas.max;
    expect(replicasFor(name, peak)).toBeLessThanOrEqual(max);
  });

  test.each(specs.map((s) => s.name))("%s: replicas.min is at most what the night trough needs", (name) => {
    const m = week.models.indexOf(name);
    const trough = Math.min(...week.rps[m]);
    const min = specs.find((s) => s.name === name)!.serving.replicas.min;
    expect(min).toBeLessThanOrEqual(Math.max(1, Math.ceil(replicasFor(name, trough))));
  });

  test("homepage-feed and search-ranking need at least 10 replicas at the weekday peak, the smallest a few", () => {
    const weekdayPeak = (name: string) =>
      replicasFor(name, Math.max(...week.rps[week.models.indexOf(name)].subarray(0, WEEKDAY_MINUTES)));
    expect(weekdayPeak("homepage-feed")).toBeGreaterThanOrEqual(10);
    expect(weekdayPeak("search-ranking")).toBeGreaterThanOrEqual(10);
    expect(Math.min(...week.models.map(weekdayPeak))).toBeGreaterThanOrEqual(1.5);
  });
});
