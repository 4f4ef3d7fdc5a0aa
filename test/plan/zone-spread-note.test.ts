/**
 * The plan's note on a serving pool whose minimum the zone spread sets rather than the replicas' GPU
 * need (tools/plan/zone-spread-note.ts): two 1g.5gb MIG replicas, 0.29 GPU, held on two p4d (16
 * GPUs, 413,180 CNY a month) one per zone, where one p4d would hold both. Silent where the spread
 * costs nothing at minimum, as in prod and staging as committed.
 */
import * as path from "path";
import { planCapacitySummary } from "../../tools/plan/capacity-planner";
import { planCapacity } from "../../components/capacity/packing";
import { poolNoteLines } from "../../tools/plan/summary";
import { loadStackAndSpecs } from "../../tools/capacity/inputs";
import { ROOT } from "../helpers/program";
import { spec, tinyConfig } from "../capacity/helpers";

/** One p4d pool MIG-partitioned into 1g.5gb (7 slices per A100), priced as prod prices p4d (283 CNY/h). */
const migConfig = tinyConfig({
  instanceTypes: ["p4d.24xlarge"],
  sharing: { mode: "mig", profile: "1g.5gb" },
  maxGpus: 64,
});
/** One 1g.5gb slice: 1/7 of an A100. */
const slice = (name: string, min: number, max = 8) =>
  spec(name, { gpu: { pool: "inference", share: 0.1429 }, replicas: { min, max } });

describe("zone spread at minimum load", () => {
  it("notes two 1g.5gb replicas held on two p4d, one per zone, where one holds both", () => {
    const pool = planCapacitySummary(migConfig, [slice("m", 2)], planCapacity).pools[0];
    expect(pool.gpus.min).toBe(16);
    expect(pool.monthlyCost.min).toBe(413_180);
    expect(pool.zoneSpreadAtMinimum).toEqual({
      gpus: 16,
      gpusWithoutSpread: 8,
      replicaGpus: 0.29,
      zones: 2,
      extraMonthlyCost: 206_590,
    });
    // Without history the expected load is replicas.max, which spreads too (zone-spread-expected.test.ts).
    expect(pool.notes).toHaveLength(2);
    const [note] = pool.notes!;
    expect(note).toContain(
      "at minimum load the zone spread, not the replicas' GPU need, sets the nodes: replicas using 0.29 GPU pack onto 8 GPUs in one zone, " +
        "but spread over 2 zones (topology spread, maxSkew 1) they hold 16 GPUs (2 p4d.24xlarge), 8 GPUs and 206,590 CNY/month more",
    );
    // What would lower it: fewer zones, a type of fewer GPUs, other models on the nodes.
    expect(note).toContain("fewer zones for its replicas (replicas.min 1");
    expect(note).toContain("an instance type with fewer GPUs per node in instanceTypes");
    expect(note).toContain("other models' replicas on this pool would fill the GPUs the spread leaves free");
    // A note, not a warning: nothing is wrong with the deployment.
    expect(pool.warnings).toEqual([]);
  });

  it("prints the note under the plan's capacity totals", () => {
    const summary = planCapacitySummary(migConfig, [slice("m", 2)], planCapacity);
    const lines = poolNoteLines(summary.pools);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^ {2}pool inference: at minimum load the zone spread/);
  });

  it("counts the zones the minimum's replicas spread over: three replicas, three p4d, 16 GPUs more", () => {
    const pool = planCapacitySummary(migConfig, [slice("m", 3)], planCapacity).pools[0];
    expect(pool.zoneSpreadAtMinimum).toMatchObject({ gpus: 24, gpusWithoutSpread: 8, zones: 3 });
    expect(pool.notes![0]).toContain("16 GPUs and 413,180 CNY/month more");
  });

  it("on one-GPU nodes names no smaller instance type", () => {
    const config = tinyConfig({
      instanceTypes: ["g6.xlarge"],
      sharing: { mode: "time-slicing", replicas: 8 },
    });
    const eighth = spec("e", { gpu: { pool: "inference", share: 0.125 }, replicas: { min: 2, max: 4 } });
    const pool = planCapacitySummary(config, [eighth], planCapacity).pools[0];
    expect(pool.zoneSpreadAtMinimum).toMatchObject({ gpus: 2, gpusWithoutSpread: 1, zones: 2 });
    expect(pool.notes![0]).not.toContain("an instance type with fewer GPUs");
  });

  it("is silent where the minimum's replicas share one zone or fill the spread's nodes", () => {
    // One replica each: the second model's replica joins the first's node (zone-assignment.ts).
    const single = planCapacitySummary(migConfig, [slice("a", 1), slice("b", 1)], planCapacity).pools[0];
    expect(single.gpus.min).toBe(8);
    // Whole-GPU replicas, one per node and zone: spread or not, the same GPUs.
    const whole = tinyConfig({ instanceTypes: ["g6.xlarge"], sharing: { mode: "none" } });
    const one = spec("w", { gpu: { pool: "inference", share: 1 }, replicas: { min: 3, max: 6 } });
    for (const pool of [single, planCapacitySummary(whole, [one], planCapacity).pools[0]]) {
      expect(pool.notes ?? []).not.toContainEqual(expect.stringContaining("at minimum"));
      expect(pool.zoneSpreadAtMinimum).toBeUndefined();
    }
  });

  it("is silent for prod and staging as committed: their minimum costs nothing for the spread", () => {
    for (const stack of ["prod", "staging"]) {
      const { config, specs } = loadStackAndSpecs(stack, path.join(ROOT, "models"), ROOT);
      const summary = planCapacitySummary(config, specs, planCapacity);
      for (const pool of summary.pools) {
        expect(pool.notes).toBeUndefined();
        expect(pool.zoneSpreadAtMinimum).toBeUndefined();
      }
      expect(poolNoteLines(summary.pools)).toEqual([]);
    }
  });
});
