/**
 * Packing GPU by GPU: on a time-sliced pool a replica's slices sit on one GPU (the device plugin's
 * `packed` policy hands a replica the fullest GPU's slices first, components/capacity/gpu-fit.ts), so
 * a node is not a bag of slots. Cases where the slot count alone would fit and the GPUs do not.
 */
import fc from "fast-check";
import { gpuBinSlots, gpuPieces, slotsForPods } from "../../components/capacity/gpu-fit";
import { packPool } from "../../components/capacity/packing";
import { firstFitDecreasing } from "../../components/capacity/zone-nodes";
import { simulate } from "../../components/capacity/simulate";
import type { Traffic } from "../../components/capacity/traffic";
import { prodConfig, spec, tinyConfig } from "./helpers";

const config = prodConfig();
/** A pool of g6.12xlarge (4 GPUs, 40.3/h on demand), each GPU time-sliced 4 ways: 16 slots a node. */
const fourByFour = {
  ...config.gpuPools.find((p) => p.purpose === "serving")!,
  instanceTypes: ["g6.12xlarge"],
  sharing: { mode: "time-slicing" as const, replicas: 4 },
  minGpus: 0,
};

/** Ten minutes of flat traffic for models a and b of these GPU shares, at target utilization 1. */
function replayFlat(tiny: ReturnType<typeof tinyConfig>, shares: [number, number], rps: [number, number]) {
  const specs = ["a", "b"].map((name, i) =>
    spec(name, { gpu: { pool: "inference", share: shares[i] }, targetUtilization: 1 }),
  );
  const traffic: Traffic = {
    models: ["a", "b"],
    startMs: Date.parse("2026-12-07T12:00:00Z"),
    minutes: 10,
    rps: rps.map((r) => Float64Array.from(Array(10).fill(r))),
  };
  return simulate(tiny, specs, traffic).strategies;
}

describe("a time-sliced replica's slices sit on one GPU", () => {
  test("3+3+2 slices fit a node's 8 slots but not its two 4-slice GPUs", () => {
    const node = [{ gpus: 2, slots: 8 }];
    // Each 3-slice replica takes a GPU, leaving 1 slice on each: the 2-slice one has no GPU.
    expect(firstFitDecreasing([3, 3, 2], node, 4)).toBeUndefined();
    // Devices from any GPU of the node (whole GPUs, MIG): the node's 8 slots hold them.
    expect(firstFitDecreasing([3, 3, 2], node, 1)?.used).toEqual([8]);
  });

  test("four 3-slice and two 2-slice replicas need two 4-GPU nodes, not the one their 16 slots fill", () => {
    const p = packPool(
      fourByFour,
      config,
      [
        { model: "a", devices: 3, replicas: 4 },
        { model: "b", devices: 2, replicas: 2 },
      ],
      1,
    );
    expect(p.gpus).toBe(8);
    expect(p.hourlyCost).toBeCloseTo(2 * 40.3, 9);
    // The 3-slice replicas take a GPU each of the first node (1 slice left on each); the 2-slice
    // ones share a GPU of a second node.
    expect(p.nodes.map((n) => n.usedPerGpu)).toEqual([
      [3, 3, 3, 3],
      [4, 0, 0, 0],
    ]);
  });

  test("the replay launches and places the same way: 8 GPUs where slots alone would count 4", () => {
    const tiny = tinyConfig({
      instanceTypes: ["g6.12xlarge"],
      sharing: { mode: "time-slicing", replicas: 4 },
    });
    // 100 rps per replica at target 1: a wants 4 replicas of 0.75 GPU (3 slices), b 2 of 0.5 (2).
    const r = replayFlat(tiny, [0.75, 0.5], [400, 200]);
    for (const s of [r.reactive, r.platform, r.oracle]) {
      expect(s.gpuHours).toBeCloseTo((8 * 10) / 60, 9);
      expect(s.sloMissMinutes).toBe(0);
    }
  });

  test("the replay places pods largest first on the nodes it launched for them, as it packed them", () => {
    // 2 x 3 and 2 x 5 slices on 8-slice GPUs: two GPUs of 5 + 3. In model order (a, a, b, b) the
    // 3-slice pods filled the first GPU to 6 and one 5-slice pod had none: a third node, 2 minutes short.
    const tiny = tinyConfig({ instanceTypes: ["g6.xlarge"], sharing: { mode: "time-slicing", replicas: 8 } });
    const r = replayFlat(tiny, [0.375, 0.625], [200, 200]);
    for (const s of [r.reactive, r.platform, r.oracle]) {
      expect(s.gpuHours).toBeCloseTo((2 * 10) / 60, 9);
      expect(s.sloMissMinutes).toBe(0);
    }
  });

  test("slices of one size that divides a GPU's waste nothing: counted as their slots", () => {
    // 1-slice replicas (every prod model) and 2-slice replicas on 8-slice GPUs fill GPUs whole.
    expect(gpuBinSlots(new Map([[1, 13]]), 8)).toBe(16);
    expect(slotsForPods(new Map([[1, 13]]), 8)).toBe(13);
    expect(slotsForPods(new Map([[2, 6]]), 8)).toBe(12);
    // 5-slice replicas take a GPU each: three of them ask for 3 GPUs, not 15 slots' two.
    expect(gpuBinSlots(new Map([[5, 3]]), 8)).toBe(24);
    expect(slotsForPods(new Map([[5, 3]]), 8)).toBe(17);
  });

  test("property: gpuBinSlots counts what a scan of every GPU for every piece size counts", () => {
    // The placement gpuBinSlots kept GPU by GPU before it kept runs of like GPUs: each size, largest
    // first, into the GPUs from the first with room, then new GPUs.
    const perGpu = (counts: Map<number, number>, grain: number) => {
      const pieces = new Map<number, number>();
      for (const [d, n] of counts)
        for (const piece of gpuPieces(d, grain)) pieces.set(piece, (pieces.get(piece) ?? 0) + n);
      const free: number[] = [];
      for (const size of [...pieces.keys()].sort((a, b) => b - a)) {
        let left = pieces.get(size)!;
        for (let g = 0; g < free.length && left > 0; g++) {
          const n = Math.min(left, Math.floor(free[g] / size));
          free[g] -= n * size;
          left -= n;
        }
        for (; left > 0; left -= Math.floor(grain / size))
          free.push(grain - Math.min(left, Math.floor(grain / size)) * size);
      }
      return free.length * grain;
    };
    const caseArb = fc.integer({ min: 2, max: 12 }).chain((grain) =>
      fc.record({
        grain: fc.constant(grain),
        counts: fc.array(fc.tuple(fc.integer({ min: 1, max: 3 * grain }), fc.integer({ min: 1, max: 60 })), {
          maxLength: 8,
        }),
      }),
    );
    fc.assert(
      fc.property(caseArb, ({ grain, counts }) => {
        const bySize = new Map<number, number>();
        for (const [d, n] of counts) bySize.set(d, (bySize.get(d) ?? 0) + n);
        expect(gpuBinSlots(bySize, grain)).toBe(perGpu(bySize, grain));
      }),
      { numRuns: 500 },
    );
  });

  test("a replica of more than a GPU's slices takes whole GPUs and the rest on one more", () => {
    // 6 slices on 4-slice GPUs: one whole GPU and 2 slices of another; a second such replica's
    // 2 slices share that other GPU, and the fourth GPU stays idle.
    const ff = firstFitDecreasing([6, 6], [{ gpus: 4, slots: 16 }], 4, true)!;
    expect(ff.usedPerGpu).toEqual([[4, 4, 4, 0]]);
    expect(ff.pods!.map((p) => p.gpus)).toEqual([
      [0, 1],
      [2, 1],
    ]);
  });
});

describe("property: no GPU over-filled, every time-sliced replica on one GPU", () => {
  const nodeArb = fc.record({ gpus: fc.constantFrom(1, 2, 4, 8) });
  const caseArb = fc.integer({ min: 2, max: 8 }).chain((grain) =>
    fc.record({
      grain: fc.constant(grain),
      // Up to two GPUs' worth: replicas above one GPU are refused on a time-sliced pool, but the
      // packing still places them (whole GPUs and a rest).
      pods: fc.array(fc.integer({ min: 1, max: 2 * grain }), { maxLength: 40 }),
      nodes: fc.array(nodeArb, { minLength: 1, maxLength: 8 }),
    }),
  );

  test("firstFitDecreasing: pieces on GPUs with room, a replica of at most a GPU on exactly one", () => {
    fc.assert(
      fc.property(caseArb, ({ grain, pods, nodes }) => {
        const shapes = nodes.map((n) => ({ gpus: n.gpus, slots: n.gpus * grain }));
        const ff = firstFitDecreasing(pods, shapes, grain, true);
        if (!ff) return;
        const filled = shapes.map((n) => Array<number>(n.gpus).fill(0));
        expect(ff.pods!.map((p) => p.devices).sort()).toEqual([...pods].sort());
        for (const p of ff.pods!) {
          // A replica of d <= grain slices on one GPU; above, on ceil(d / grain) distinct GPUs.
          expect(p.gpus).toHaveLength(Math.ceil(p.devices / grain));
          expect(new Set(p.gpus).size).toBe(p.gpus.length);
          p.gpus.forEach(
            (g, k) => (filled[p.node][g] += k < Math.floor(p.devices / grain) ? grain : p.devices % grain),
          );
        }
        expect(ff.usedPerGpu).toEqual(filled);
        for (const gpu of filled.flat()) expect(gpu).toBeLessThanOrEqual(grain);
        expect(ff.used).toEqual(filled.map((n) => n.reduce((a, b) => a + b, 0)));
      }),
      { numRuns: 300 },
    );
  });

  describe("packPool on a pool whose four-GPU type is cheaper per GPU (6.0 against 7.0)", () => {
    // Most replicas then share multi-GPU nodes: counted in slots, 43 of 150 such cases got nodes
    // that cannot hold every replica on one GPU.
    const pool = { ...fourByFour, instanceTypes: ["g6.xlarge", "g6.12xlarge"] };
    const priced = {
      ...config,
      pricing: {
        ...config.pricing,
        instances: { ...config.pricing.instances, "g6.12xlarge": { onDemand: 24 } },
      },
    };
    const demandArb = fc.array(
      fc.record({
        model: fc.constantFrom("a", "b", "c"),
        devices: fc.integer({ min: 1, max: 4 }),
        replicas: fc.integer({ min: 0, max: 10 }),
      }),
      { maxLength: 5 },
    );

    test("the nodes hold every replica on one GPU (first fit over their GPUs, checked here)", () => {
      fc.assert(
        fc.property(demandArb, (demands) => {
          const p = packPool(pool, priced, demands, 1);
          const free = p.nodes.flatMap((n) => Array<number>(n.gpus).fill(4));
          const pods = demands
            .flatMap((d) => Array<number>(d.replicas).fill(d.devices))
            .sort((a, b) => b - a);
          for (const d of pods) {
            const g = free.findIndex((f) => f >= d);
            expect(g).toBeGreaterThanOrEqual(0);
            free[g] -= d;
          }
        }),
        { numRuns: 150 },
      );
    });

    test("each node reports its GPUs' slots, none over a GPU's 4, adding up to its used slots", () => {
      fc.assert(
        fc.property(demandArb, (demands) => {
          for (const n of packPool(pool, priced, demands, 1).nodes) {
            expect(n.usedPerGpu).toHaveLength(n.gpus);
            for (const used of n.usedPerGpu) expect(used).toBeLessThanOrEqual(4);
            expect(n.usedPerGpu.reduce((a, b) => a + b, 0)).toBe(n.usedSlots);
          }
        }),
        { numRuns: 100 },
      );
    });
  });
});
