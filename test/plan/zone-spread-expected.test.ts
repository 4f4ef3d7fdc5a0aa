/**
 * The zone-spread note at expected load (tools/plan/zone-spread-note.ts): a MIG pool whose model has
 * no history yet is costed at its replicas.max, eight 1g.5gb slices (1.14 GPU), which one p4d holds
 * but the spread puts on three (24 GPUs). One note where the expected spread is the minimum's.
 */
import { planCapacitySummary } from "../../tools/plan/capacity-planner";
import { ModelLoad, planCapacity } from "../../components/capacity/packing";
import { spec, tinyConfig } from "../capacity/helpers";

const migConfig = tinyConfig({
  instanceTypes: ["p4d.24xlarge"],
  sharing: { mode: "mig", profile: "1g.5gb" },
  maxGpus: 64,
});
const slice = (name: string, min: number, max: number) =>
  spec(name, { gpu: { pool: "inference", share: 0.1429 }, replicas: { min, max } });

it("notes eight 1g.5gb replicas of a model without history held on three p4d at expected load", () => {
  const pool = planCapacitySummary(migConfig, [slice("m", 1, 8)], planCapacity).pools[0];
  // replicas.min 1 stays in one zone: nothing to note at minimum.
  expect(pool.zoneSpreadAtMinimum).toBeUndefined();
  expect(pool.zoneSpreadAtExpected).toEqual({
    gpus: 24,
    gpusWithoutSpread: 8,
    replicaGpus: 1.14,
    zones: 3,
    extraMonthlyCost: 413_180,
  });
  expect(pool.notes).toHaveLength(1);
  expect(pool.notes![0]).toContain(
    "at expected load the zone spread, not the replicas' GPU need, sets the nodes: replicas using 1.14 GPU pack onto 8 GPUs in one zone",
  );
  // The expected load's replicas come from traffic: replicas.min is not the lever there.
  expect(pool.notes![0]).not.toContain("replicas.min 1");
  expect(pool.notes![0]).toContain("fewer zones (cluster.availabilityZones sets every pool's zones)");
  expect(pool.warnings).toEqual([]);
});

it("says it once where the expected load's spread is the minimum's", () => {
  const pool = planCapacitySummary(migConfig, [slice("m", 2, 2)], planCapacity).pools[0];
  expect(pool.zoneSpreadAtMinimum).toEqual(pool.zoneSpreadAtExpected);
  expect(pool.notes).toHaveLength(1);
  expect(pool.notes![0]).toMatch(/^at minimum and expected load the zone spread/);
  expect(pool.notes![0]).toContain("replicas.min 1 keeps a model's minimum in one zone");
});

it("is silent at expected load when the history's traffic needs one replica", () => {
  // 50 rps at 80 rps a replica (rpsPerReplica 100, target 0.8): one replica, one zone.
  const load = new Map<string, ModelLoad>([["m", { expectedRps: 50, peakRps: 600 }]]);
  const pool = planCapacitySummary(migConfig, [slice("m", 1, 8)], (c, s) => planCapacity(c, s, load))
    .pools[0];
  expect(pool.zoneSpreadAtExpected).toBeUndefined();
  expect(pool.notes).toBeUndefined();
});
