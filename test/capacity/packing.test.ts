import fc from "fast-check";
import { replicaDevices } from "../../components/capacity/gpu-slots";
import {
  cheapestMix,
  cheapestSplitMix,
  HOURS_PER_MONTH,
  InstanceOption,
} from "../../components/capacity/instance-mix";
import { packPool, planCapacity } from "../../components/capacity/packing";
import { spreadOrder } from "../../components/capacity/zone-assignment";
import { firstFitDecreasing } from "../../components/capacity/zone-nodes";
import { staticBaseline } from "../../components/capacity/static-baseline";
import { prodConfig, fixtureSpecs, tinyConfig } from "./helpers";
import type { ModelSpec } from "../../components/config/model-schema";
import { variantsOf } from "../../components/model/variants";

const config = prodConfig();
const pool = config.gpuPools.find((p) => p.purpose === "serving")!;
const demandArb = fc.array(
  fc.record({
    model: fc.constantFrom("a", "b", "c"),
    devices: fc.integer({ min: 1, max: 4 }),
    replicas: fc.integer({ min: 0, max: 12 }),
  }),
  { maxLength: 6 },
);

describe("packing", () => {
  test("packed capacity covers the demand and no node is over capacity", () => {
    fc.assert(
      fc.property(demandArb, fc.integer({ min: 1, max: 3 }), (demands, zones) => {
        const p = packPool(pool, config, demands, zones);
        const demand = demands.reduce((a, d) => a + d.devices * d.replicas, 0);
        expect(p.usedSlots).toBe(demand);
        expect(p.slots).toBeGreaterThanOrEqual(demand);
        for (const n of p.nodes) expect(n.usedSlots).toBeLessThanOrEqual(n.slots);
        expect(p.gpus).toBeGreaterThanOrEqual(pool.minGpus);
      }),
      { numRuns: 150 },
    );
  });

  test("a pool of several hundred thousand pods packs (a 500-model plan at its peak overflowed the stack)", () => {
    const demands = [
      { model: "a", devices: 1, replicas: 400_000 },
      { model: "b", devices: 2, replicas: 1_000 },
    ];
    const p = packPool(pool, config, demands, 1);
    expect(p.usedSlots).toBe(402_000);
    expect(p.slots).toBeGreaterThanOrEqual(402_000);
  });

  test("warm capacity is headroom on top of the replicas, in the slots they leave free first", () => {
    const warmPool = { ...pool, minGpus: 2 };
    fc.assert(
      fc.property(demandArb, fc.integer({ min: 1, max: 3 }), (demands, zones) => {
        const p = packPool(warmPool, config, demands, zones);
        const demand = demands.reduce((a, d) => a + d.devices * d.replicas, 0);
        const warm = p.nodes.reduce((a, n) => a + n.warmSlots, 0);
        expect(p.usedSlots).toBe(demand);
        expect(warm).toBe(2 * 8); // two GPUs of 8-way time-slices
        for (const n of p.nodes) expect(n.usedSlots + n.warmSlots).toBeLessThanOrEqual(n.slots);
        // No more nodes than the replicas' own packing plus the cheapest nodes for what did not fit.
        const without = packPool({ ...pool, minGpus: 0 }, config, demands, zones);
        const free = without.slots - without.usedSlots;
        const extra = packPool(
          { ...pool, minGpus: 0 },
          config,
          [{ model: "w", devices: 1, replicas: Math.max(0, 16 - free) }],
          1,
        );
        expect(p.gpus).toBe(without.gpus + extra.gpus);
      }),
      { numRuns: 100 },
    );
  });

  test("cost is monotone in demand: one more replica never costs less", () => {
    fc.assert(
      fc.property(demandArb, fc.integer({ min: 0, max: 5 }), (demands, k) => {
        fc.pre(demands.length > 0);
        const i = k % demands.length;
        const more = demands.map((d, j) => (j === i ? { ...d, replicas: d.replicas + 1 } : d));
        expect(packPool(pool, config, more, 1).hourlyCost).toBeGreaterThanOrEqual(
          packPool(pool, config, demands, 1).hourlyCost - 1e-9,
        );
      }),
      { numRuns: 150 },
    );
  });

  test("cheapestMix is as cheap as any brute-force mix of up to 6 nodes", () => {
    const options: InstanceOption[] = [
      { type: "a", gpus: 1, slots: 4, hourly: 7 },
      { type: "b", gpus: 4, slots: 16, hourly: 25 },
      { type: "c", gpus: 2, slots: 8, hourly: 15 },
    ];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), (slots) => {
        const mix = cheapestMix(options, slots)!;
        const cost = mix.reduce((a, o) => a + o.hourly, 0);
        expect(mix.reduce((a, o) => a + o.slots, 0)).toBeGreaterThanOrEqual(slots);
        let best = Infinity;
        for (let x = 0; x <= 10; x++)
          for (let y = 0; y <= 3; y++)
            for (let z = 0; z <= 5; z++)
              if (4 * x + 16 * y + 8 * z >= slots) best = Math.min(best, 7 * x + 25 * y + 15 * z);
        expect(cost).toBeCloseTo(best, 9);
      }),
    );
  });

  test("cheapestMix at loads far above a few nodes costs what the full search over every slot costs", () => {
    /** Cheapest cost of at least `slots` slots, by dynamic programming over every slot count. */
    const fullSearch = (options: InstanceOption[], slots: number) => {
      const biggest = Math.max(...options.map((o) => o.slots));
      const cost = new Float64Array(slots + biggest + 1).fill(Infinity);
      cost[0] = 0;
      for (let s = 1; s < cost.length; s++)
        for (const o of options) if (s >= o.slots) cost[s] = Math.min(cost[s], cost[s - o.slots] + o.hourly);
      return Math.min(...cost.subarray(slots));
    };
    const optionArb = fc.record({
      type: fc.constant("t"),
      gpus: fc.constant(1),
      slots: fc.integer({ min: 1, max: 16 }),
      hourly: fc.integer({ min: 1, max: 100 }),
    });
    fc.assert(
      fc.property(
        fc.array(optionArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 3000 }),
        (options, slots) => {
          const mix = cheapestMix(options, slots)!;
          expect(mix.reduce((a, o) => a + o.slots, 0)).toBeGreaterThanOrEqual(slots);
          expect(mix.reduce((a, o) => a + o.hourly, 0)).toBeCloseTo(fullSearch(options, slots), 6);
        },
      ),
      { numRuns: 200 },
    );
    // A million slots (10 M rps) is covered, mostly by the type cheapest per slot.
    const options: InstanceOption[] = [
      { type: "a", gpus: 1, slots: 4, hourly: 7 },
      { type: "b", gpus: 4, slots: 16, hourly: 25 },
    ];
    const mix = cheapestMix(options, 1_000_003)!;
    expect(mix.reduce((a, o) => a + o.slots, 0)).toBe(1_000_004);
    expect(mix.reduce((a, o) => a + o.hourly, 0)).toBe(62_500 * 25 + 7);
  });

  describe("a whole-GPU pool of a one-GPU and a four-GPU type", () => {
    const mixed = {
      ...pool,
      instanceTypes: ["g6.xlarge", "g6.12xlarge"],
      sharing: { mode: "none" as const },
      minGpus: 0,
    };
    const priced = {
      ...config,
      pricing: {
        ...config.pricing,
        instances: {
          ...config.pricing.instances,
          "g6.xlarge": { onDemand: 7 },
          "g6.12xlarge": { onDemand: 40.3 },
        },
      },
    };

    test("one-GPU replicas are not put on the four-GPU type because another replica needs two GPUs", () => {
      const p = packPool(
        mixed,
        priced,
        [
          { model: "one", devices: 1, replicas: 5 },
          { model: "two", devices: 2, replicas: 1 },
        ],
        1,
      );
      // The two-GPU replica and two one-GPU replicas on a g6.12xlarge, three g6.xlarge: 61.3/h, where
      // four-GPU nodes alone cost 80.6.
      expect(p.hourlyCost).toBeCloseTo(40.3 + 3 * 7, 6);
      expect(p.nodes.map((n) => n.type).sort()).toEqual([
        "g6.12xlarge",
        "g6.xlarge",
        "g6.xlarge",
        "g6.xlarge",
      ]);
      expect(p.usedSlots).toBe(7);
    });

    test("warm capacity counts: a split mix that leaves it no free slot is not taken", () => {
      // Four-GPU nodes cheaper per GPU (3.0 against 1.0 each): 2+1+1+1 GPUs of replicas and 3 GPUs of
      // pause pods fit two g6.12xlarge (6.0/h); the split mix (one of each, 4.0) then needs three
      // g6.xlarge more for the pause pods (7.0).
      const cheapBig = {
        ...priced,
        pricing: {
          ...priced.pricing,
          instances: {
            ...priced.pricing.instances,
            "g6.xlarge": { onDemand: 1 },
            "g6.12xlarge": { onDemand: 3 },
          },
        },
      };
      const p = packPool(
        { ...mixed, minGpus: 3 },
        cheapBig,
        [
          { model: "two", devices: 2, replicas: 1 },
          { model: "one", devices: 1, replicas: 3 },
        ],
        1,
      );
      expect(p.hourlyCost).toBeCloseTo(6, 9);
    });

    test("never dearer than one mix of the types that hold the largest replica, and every pod placed", () => {
      const mixedDemands = fc.array(
        fc.record({
          model: fc.constantFrom("a", "b", "c"),
          devices: fc.integer({ min: 1, max: 4 }),
          replicas: fc.integer({ min: 0, max: 9 }),
        }),
        { maxLength: 5 },
      );
      fc.assert(
        fc.property(mixedDemands, fc.integer({ min: 1, max: 3 }), (demands, zones) => {
          const p = packPool(mixed, priced, demands, zones);
          expect(p.usedSlots).toBe(demands.reduce((a, d) => a + d.devices * d.replicas, 0));
          for (const n of p.nodes) expect(n.usedSlots).toBeLessThanOrEqual(n.slots);
          // The one-mix packing, zone by zone (what packPool did alone before), of the rotation
          // over the zones in spreadOrder (a spread packPool prices).
          const options = [
            { type: "g6.xlarge", gpus: 1, slots: 1, hourly: 7 },
            { type: "g6.12xlarge", gpus: 4, slots: 4, hourly: 40.3 },
          ];
          let oneMix = 0;
          for (let z = 0; z < zones; z++) {
            const pods = spreadOrder(demands).flatMap((k, i) =>
              Array.from({ length: demands[k].replicas }, (_, r) => r)
                .filter((r) => (r + i) % zones === z)
                .map(() => demands[k].devices),
            );
            const largest = Math.max(1, ...pods);
            for (let need = pods.reduce((a, b) => a + b, 0); ; need++) {
              const mix = cheapestMix(options, need, largest)!;
              if (firstFitDecreasing(pods, mix, 1)) {
                oneMix += mix.reduce((a, o) => a + o.hourly, 0);
                break;
              }
            }
          }
          expect(p.hourlyCost).toBeLessThanOrEqual(oneMix + 1e-9);
        }),
        { numRuns: 150 },
      );
    });
  });

  test("a pod larger than every node type is reported, not silently dropped", () => {
    const options: InstanceOption[] = [{ type: "a", gpus: 1, slots: 4, hourly: 7 }];
    expect(cheapestMix(options, 8, 8)).toBeUndefined();
    const tiny = tinyConfig();
    expect(() => packPool(tiny.gpuPools[0], tiny, [{ model: "x", devices: 8, replicas: 1 }], 1)).toThrow(
      "no instance type holds a pod of 8 GPU devices",
    );
  });

  test("zone spread: two single-slot replicas in two zones need two nodes", () => {
    const tiny = tinyConfig();
    const p = packPool(tiny.gpuPools[0], tiny, [{ model: "x", devices: 1, replicas: 2 }], 2);
    expect(p.nodes.map((n) => n.zone).sort()).toEqual([0, 1]);
    expect(packPool(tiny.gpuPools[0], tiny, [{ model: "x", devices: 1, replicas: 2 }], 1).nodes).toHaveLength(
      1,
    );
  });

  test("with no replicas the pool holds its warm capacity alone: minGpus GPUs", () => {
    const p = packPool({ ...pool, minGpus: 4 }, config, [], 3);
    expect(p.gpus).toBe(4);
    expect(p.monthlyCost).toBeCloseTo(p.hourlyCost * HOURS_PER_MONTH, 6);
  });

  test("replica devices follow the pool's sharing granularity", () => {
    // The prod serving pool time-slices each GPU 8 ways.
    expect(replicaDevices(0.125, pool)).toBe(1);
    expect(replicaDevices(0.5, pool)).toBe(4);
    expect(replicaDevices(2, { ...pool, sharing: { mode: "none" } })).toBe(2);
    expect(replicaDevices(3 / 7, { ...pool, sharing: { mode: "mig", profile: "3g.40gb" } })).toBe(1);
  });

  test("plan: minimum <= expected <= peak; without history expected is the peak (replicas.max)", () => {
    const plan = planCapacity(config, fixtureSpecs(config));
    expect(plan.currency).toBe("CNY");
    expect(plan.monthlyCost.minimum).toBeLessThanOrEqual(plan.monthlyCost.expected);
    expect(plan.monthlyCost.expected).toBe(plan.monthlyCost.peak);
  });

  test("split mix: big pods get nodes that hold them whole, the rest fill what is left, then the cheapest", () => {
    const four = { type: "four", gpus: 1, slots: 4, hourly: 10 };
    const eight = { type: "eight", gpus: 2, slots: 8, hourly: 19 };
    // Four 3-slot pods: 12 slots would be an 8 and a 4 (29/h), which hold only three of them.
    const big = cheapestSplitMix([four, eight], 12, 3, 0)!;
    expect(big.map((o) => o.type)).toEqual(["eight", "eight"]);
    expect(firstFitDecreasing([3, 3, 3, 3], big, 1)).toBeDefined();
    // Small pods first use the big nodes' free slots (2 each), then the cheapest mix.
    expect(cheapestSplitMix([four, eight], 12, 3, 4)!.map((o) => o.type)).toEqual(["eight", "eight"]);
    expect(cheapestSplitMix([four, eight], 12, 3, 5)!.map((o) => o.type)).toEqual(["eight", "eight", "four"]);
  });

  test("plan without history: a weighted canary adds one replica to stable's max, a header-pinned experiment its own max", () => {
    const base = fixtureSpecs(config)[0];
    const m = { ...base, canary: undefined, experiments: [] } as ModelSpec;
    const slotsOf = (spec: ModelSpec) =>
      planCapacity(config, [spec]).pools.find((p) => p.name === spec.serving.gpu.pool)!.levels.expected
        .usedSlots;
    const max = m.serving.replicas.max;
    const perReplica = slotsOf(m) / max;
    const canary = {
      ...m,
      canary: {
        modelUri: "s3://<artifacts>/x/v2",
        trafficPercent: 50,
        analysis: { maxErrorRatio: 1.5, intervalMinutes: 5, steps: [50, 100] },
      },
    } as ModelSpec;
    expect(slotsOf(canary)).toBe((max + 1) * perReplica);
    const pinned = {
      ...m,
      experiments: [{ name: "exp", modelUri: "s3://<artifacts>/x/e", header: { name: "x-exp", value: "1" } }],
    } as ModelSpec;
    expect(slotsOf(pinned)).toBe((max + variantsOf(pinned)[1].replicas.max) * perReplica);
  });

  test("plan with history: expected at the mean rate, below the static baseline sized for the peak", () => {
    const specs = fixtureSpecs(config);
    // A mean of a quarter of what max serves at the target, a peak at max.
    const load = new Map(
      specs.map((s) => {
        const atMax = s.serving.replicas.max * s.serving.rpsPerReplica * s.serving.targetUtilization;
        return [s.name, { expectedRps: atMax / 4, peakRps: atMax }];
      }),
    );
    const plan = planCapacity(config, specs, load);
    expect(plan.monthlyCost.expected).toBeLessThan(plan.monthlyCost.peak / 2);
    expect(plan.staticBaseline.monthlyCost).toBeGreaterThan(plan.monthlyCost.expected);
  });

  test("plan: a canary and an experiment count as Deployments of their own, at their own bounds", () => {
    const [plain] = fixtureSpecs(config);
    const withVariants: ModelSpec = {
      ...plain,
      canary: {
        modelUri: "s3://<artifacts>/x/v2",
        trafficPercent: 10,
        analysis: { maxErrorRatio: 1.5, intervalMinutes: 5, steps: [10, 50, 100] },
      },
      experiments: [
        { name: "exp-b", modelUri: "s3://<artifacts>/x/b", header: { name: "x-exp", value: "b" } },
      ],
    };
    const used = (spec: ModelSpec, load?: Map<string, { expectedRps: number; peakRps: number }>) => {
      const pool = planCapacity(config, [spec], load).pools.find((p) => p.name === spec.serving.gpu.pool)!;
      return { minimum: pool.levels.minimum.usedSlots, expected: pool.levels.expected.usedSlots };
    };
    const devices = replicaDevices(
      plain.serving.gpu.share,
      config.gpuPools.find((p) => p.name === plain.serving.gpu.pool)!,
    );
    const [stable, canary, exp] = variantsOf(withVariants);
    // At minimum every variant runs its minimum replicas.
    expect(used(withVariants).minimum).toBe(
      (stable.replicas.min + canary.replicas.min + exp.replicas.min) * devices,
    );
    // With history the stable variant carries the model's rate; the others stay at their minimum.
    const load = new Map([[plain.name, { expectedRps: 1, peakRps: 1 }]]);
    expect(used(withVariants, load).expected - used(plain, load).expected).toBe(
      (canary.replicas.min + exp.replicas.min) * devices,
    );
  });

  test("static baseline: whole GPUs per model for its peak, one model per GPU", () => {
    const specs = fixtureSpecs(config).slice(0, 2); // ads-ctr (share 0.25, 400 rps), cart-cross-sell (0.25, 300)
    const base = staticBaseline(
      config,
      specs,
      new Map([
        ["ads-ctr", 4000],
        ["cart-cross-sell", 10],
      ]),
    );
    // ads-ctr: 10 replicas x 0.25 over three zones (4/3/3): a GPU in each, 3 (2.5 -> 3 in one zone
    // too); cart-cross-sell: its replicas.min, 2, in two zones -> 2 GPUs (1 in one zone; never shared)
    expect(base.gpusByModel).toEqual({ "ads-ctr": 3, "cart-cross-sell": 2 });
    expect(base.hourlyCost).toBeCloseTo(5 * 7.0, 9); // cheapest on-demand GPU of the pool: g6.xlarge
  });

  test("static baseline: a model whose replicas.min is above its peak's replicas keeps its minimum", () => {
    const [adsCtr] = fixtureSpecs(config); // share 0.25, 400 rps per replica
    const spec = {
      ...adsCtr,
      serving: { ...adsCtr.serving, replicas: { ...adsCtr.serving.replicas, min: 8 } },
    };
    // 10 rps is one replica; eight replicas of a quarter GPU over three zones (3/3/2) are a GPU in
    // each zone: 3 GPUs, not the 2 they fill in one zone.
    expect(staticBaseline(config, [spec], new Map([["ads-ctr", 10]])).gpusByModel).toEqual({ "ads-ctr": 3 });
  });
});

describe("firstFitDecreasing", () => {
  /** The textbook placement: each pod, largest first, on the first node from node 0 with room. */
  function scanFromFirstNode(pods: readonly number[], capacities: readonly number[]): number[] | undefined {
    const used = capacities.map(() => 0);
    for (const pod of [...pods].sort((a, b) => b - a)) {
      const i = capacities.findIndex((cap, j) => cap - used[j] >= pod);
      if (i < 0) return undefined;
      used[i] += pod;
    }
    return used;
  }

  /** Nodes of one GPU each, of the given slots. */
  const oneGpu = (capacities: readonly number[]) => capacities.map((slots) => ({ gpus: 1, slots }));

  it("places pods exactly as a scan from the first node would, or fails where it fails", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 16 }), { maxLength: 12 }),
        (pods, capacities) => {
          // Any devices of a node (no sharing, MIG): the node's slots are what counts.
          expect(firstFitDecreasing(pods, oneGpu(capacities), 1)?.used).toEqual(
            scanFromFirstNode(pods, capacities),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it("comes back to an earlier node for a smaller pod", () => {
    // 3 fills node 0 to 3 of 4, 3 goes to node 1; the 1s then fit node 0 first, then node 1.
    expect(firstFitDecreasing([3, 3, 1, 1], oneGpu([4, 4]), 4)?.used).toEqual([4, 4]);
    expect(firstFitDecreasing([3, 3, 3], oneGpu([4, 4]), 4)).toBeUndefined();
  });
});
