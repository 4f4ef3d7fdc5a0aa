/** Packing replicas onto nodes: demand covered, warm capacity, cost monotone and cheapest mixes, zone spread. */
import fc from "fast-check";
import { replicaDevices } from "../../components/capacity/gpu-slots";
import { cheapestMix, HOURS_PER_MONTH, InstanceOption } from "../../components/capacity/instance-mix";
import { packPool } from "../../components/capacity/packing";
import { prodConfig, tinyConfig } from "./helpers";

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
});
