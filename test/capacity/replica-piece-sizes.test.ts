/**
 * `replicaPieceSizes`: `binnedGpus` for a counter that knows only replica counts (the platform
 * dashboard's "needed by traffic"). Summed over sizes, ceil(replicas x perReplica / perGpu) must be
 * `binnedGpus` rounded up to whole GPUs wherever the replicas have one size, and never below it.
 */
import fc from "fast-check";
import { countBySize } from "../../components/capacity/gpu-fit";
import { binnedGpus, replicaDevices, replicaPieceSizes } from "../../components/capacity/gpu-slots";
import type { GpuPool } from "../../components/config/stack-schema";

type Pool = Pick<GpuPool, "sharing" | "instanceTypes">;

/** GPUs `replicas` (share -> count) hold as `replicaPieceSizes` counts them: one round-up per size. */
function piecewiseGpus(replicas: readonly (readonly [number, number])[], pool: Pool): number {
  const pieces = new Map<number, { perGpu: number; count: number }>();
  for (const [share, n] of replicas)
    for (const { slots, perReplica, perGpu } of replicaPieceSizes(share, pool)) {
      const size = pieces.get(slots) ?? { perGpu, count: 0 };
      size.count += n * perReplica;
      pieces.set(slots, size);
    }
  let gpus = 0;
  for (const { perGpu, count } of pieces.values()) gpus += Math.ceil(count / perGpu);
  return gpus;
}

/** `binnedGpus` of the same replicas, rounded up to whole GPUs as the plan rounds a pool's. */
function planGpus(replicas: readonly (readonly [number, number])[], pool: Pool): number {
  const counts = countBySize(replicas.map(([share, n]) => [replicaDevices(share, pool), n]));
  return Math.max(0, Math.ceil(binnedGpus(counts, pool) - 1e-9));
}

const timeSliced = (replicas: number): Pool => ({
  sharing: { mode: "time-slicing", replicas },
  instanceTypes: ["g6.xlarge"],
});
const mig: Pool = { sharing: { mode: "mig", profile: "1g.5gb" }, instanceTypes: ["p4d.24xlarge"] };
const whole: Pool = { sharing: { mode: "none" }, instanceTypes: ["g6.xlarge"] };

describe("replicaPieceSizes", () => {
  test("a replica of 5 of 8 slices is one 5-slice piece, one to a GPU: ten of them need 10 GPUs", () => {
    expect(replicaPieceSizes(0.625, timeSliced(8))).toEqual([{ slots: 5, perReplica: 1, perGpu: 1 }]);
    expect(piecewiseGpus([[0.625, 10]], timeSliced(8))).toBe(10);
  });

  test("one-slice replicas of several models fill GPUs together: 5 + 2 of 8 slices need one GPU", () => {
    expect(replicaPieceSizes(0.125, timeSliced(8))).toEqual([{ slots: 1, perReplica: 1, perGpu: 8 }]);
    expect(
      piecewiseGpus(
        [
          [0.125, 5],
          [0.125, 2],
        ],
        timeSliced(8),
      ),
    ).toBe(1);
  });

  test("above a GPU: whole GPUs and the rest (6 of 4 slices: a GPU and a half, two rests to a GPU)", () => {
    expect(replicaPieceSizes(1.5, timeSliced(4))).toEqual([
      { slots: 4, perReplica: 1, perGpu: 1 },
      { slots: 2, perReplica: 1, perGpu: 2 },
    ]);
    expect(piecewiseGpus([[1.5, 3]], timeSliced(4))).toBe(5);
  });

  test("MIG: devices at the profile's devices per GPU (1g.5gb: 7 to an A100-40GB); no sharing: whole GPUs", () => {
    expect(replicaPieceSizes(1 / 7, mig)).toEqual([{ slots: 1, perReplica: 1, perGpu: 7 }]);
    expect(piecewiseGpus([[1 / 7, 8]], mig)).toBe(2);
    // Half a GPU without sharing still takes a whole one.
    expect(replicaPieceSizes(0.5, whole)).toEqual([{ slots: 1, perReplica: 1, perGpu: 1 }]);
    expect(piecewiseGpus([[0.5, 3]], whole)).toBe(3);
  });

  const poolArb = fc.oneof(
    fc.integer({ min: 1, max: 8 }).map(timeSliced),
    fc.constant(mig),
    fc.constant(whole),
  );
  const shareArb = fc.integer({ min: 1, max: 16 }).map((k) => k / 8);

  test("property: one share on the pool, the plan's binnedGpus rounded up", () => {
    fc.assert(
      fc.property(poolArb, shareArb, fc.integer({ min: 0, max: 60 }), (pool, share, n) => {
        expect(piecewiseGpus([[share, n]], pool)).toBe(planGpus([[share, n]], pool));
      }),
      { numRuns: 500 },
    );
  });

  test("property: several shares, never below the plan's binnedGpus (an upper bound)", () => {
    fc.assert(
      fc.property(
        poolArb,
        fc.array(fc.tuple(shareArb, fc.integer({ min: 0, max: 30 })), { maxLength: 5 }),
        (pool, replicas) => {
          expect(piecewiseGpus(replicas, pool)).toBeGreaterThanOrEqual(planGpus(replicas, pool));
        },
      ),
      { numRuns: 500 },
    );
  });
});
