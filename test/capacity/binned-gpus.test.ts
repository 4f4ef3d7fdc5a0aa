/**
 * GPU counts for a limit or a node count, GPU by GPU (`binnedGpus`): on a time-sliced pool a
 * replica's slices sit on one GPU, so replicas whose slices do not fit together on a GPU cannot
 * share one. Ten replicas of 5/8 GPU add up to 6.25 GPUs of shares but hold 10 GPUs.
 */
import { binnedGpus, replicaGpus } from "../../components/capacity/gpu-slots";
import { packPool } from "../../components/capacity/packing";
import { simulate } from "../../components/capacity/simulate";
import { staticBaseline, staticGpus } from "../../components/capacity/static-baseline";
import type { Traffic } from "../../components/capacity/traffic";
import { spec, tinyConfig } from "./helpers";

/** One serving pool of g6.xlarge (one L4, 7.0 CNY/h on demand), each GPU time-sliced 8 ways. */
const eighths = tinyConfig({ sharing: { mode: "time-slicing", replicas: 8 } });
const pool = eighths.gpuPools[0];
/** 5 of 8 slices per replica, 100 rps each. */
const fiveEighths = spec("m", { gpu: { pool: "inference", share: 0.625 }, targetUtilization: 1 });

describe("binnedGpus", () => {
  test("ten replicas of 5 of 8 slices hold 10 GPUs, not the 6.25 their shares add up to", () => {
    expect(10 * replicaGpus(0.625, pool)).toBe(6.25);
    expect(binnedGpus(new Map([[5, 10]]), pool)).toBe(10);
  });

  test("as many GPUs as the packing's nodes have, zone spread aside", () => {
    const packed = packPool(pool, eighths, [{ model: "m", devices: 5, replicas: 10 }], 1);
    expect(packed.gpus).toBe(10);
  });

  test("slices of several sizes share a GPU where they fit together: 5 + 3 of 8", () => {
    expect(
      binnedGpus(
        new Map([
          [5, 10],
          [3, 10],
        ]),
        pool,
      ),
    ).toBe(10);
  });

  test("without sharing and with MIG, the replicas' GPUs summed (a device of a node takes any replica)", () => {
    const whole = { ...pool, sharing: { mode: "none" as const } };
    expect(binnedGpus(new Map([[2, 3]]), whole)).toBe(6);
    const mig = {
      ...pool,
      instanceTypes: ["p4de.24xlarge"],
      sharing: { mode: "mig" as const, profile: "3g.40gb" },
    };
    // 3g.40gb: two per A100, so five one-device replicas hold 2.5 GPUs.
    expect(binnedGpus(new Map([[1, 5]]), mig)).toBe(5 * replicaGpus(3 / 7, mig));
    expect(binnedGpus(new Map([[1, 5]]), mig)).toBe(2.5);
  });

  test("a time-sliced pool's GPUs do not depend on its types, at one slice per GPU too", () => {
    // The policies may know no types: the fewest slots per GPU of none is Infinity (0 GPUs).
    const one = { sharing: { mode: "time-slicing" as const, replicas: 1 }, instanceTypes: [] };
    expect(binnedGpus(new Map([[1, 10]]), one)).toBe(10);
    expect(binnedGpus(new Map([[5, 10]]), { ...one, sharing: { ...one.sharing, replicas: 8 } })).toBe(10);
  });
});

describe("static baseline on a time-sliced pool", () => {
  test("a model of ten 5/8-GPU replicas has 10 whole GPUs, not 7", () => {
    expect(staticGpus(fiveEighths, 1000, pool)).toBe(10);
  });

  test("the fleet is billed for those 10 GPUs: ten g6.xlarge", () => {
    const base = staticBaseline(eighths, [fiveEighths], new Map([["m", 1000]]));
    expect(base.gpusByModel).toEqual({ m: 10 });
    expect(base.gpus).toBe(10);
    expect(base.hourlyCost).toBeCloseTo(10 * 7.0, 9);
  });

  test("the replay's static strategy provisions the same 10 GPUs", () => {
    const traffic: Traffic = {
      models: ["m"],
      startMs: Date.parse("2026-12-07T12:00:00Z"),
      minutes: 10,
      rps: [Float64Array.from(Array(10).fill(1000))],
    };
    const s = simulate(eighths, [fiveEighths], traffic).strategies.static;
    expect(s.peakGpus).toBe(10);
    expect(s.gpuHours).toBeCloseTo((10 * 10) / 60, 9);
  });
});
