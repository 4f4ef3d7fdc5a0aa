/**
 * The zone spread's choice of zones (components/capacity/zone-assignment.ts): the packing does not
 * depend on the order the models are listed in, keeps every model within maxSkew 1 over the zones,
 * and puts the remainder replicas where they cost least, never above the rotation it replaced; the
 * plan's static baseline spreads the same way, so the two compare like with like.
 */
import fc from "fast-check";
import { gpuGrain } from "../../components/capacity/gpu-slots";
import {
  cheapestMix,
  cheapestMixHourly,
  InstanceOption,
  instanceOptions,
} from "../../components/capacity/instance-mix";
import { packPool, planCapacity } from "../../components/capacity/packing";
import { staticBaseline } from "../../components/capacity/static-baseline";
import {
  candidateSpreads,
  cheapestFillSpread,
  improveSpread,
  packedZonePricing,
  roundRobinSpread,
  spreadHourly,
  SpreadDemand,
  ZonePricing,
} from "../../components/capacity/zone-assignment";
import { zoneNodes } from "../../components/capacity/zone-nodes";
import { fixtureSpecs, prodConfig, spec, tinyConfig } from "./helpers";

const config = prodConfig();
const prod = config.gpuPools.find((p) => p.purpose === "serving")!;
/** Whole-GPU pools at prod's prices: four-GPU nodes alone, and beside one-GPU nodes. */
const fourGpu = { ...prod, instanceTypes: ["g6.12xlarge"], sharing: { mode: "none" as const }, minGpus: 0 };
const mixed = { ...fourGpu, instanceTypes: ["g6.xlarge", "g6.12xlarge"] };
/** Prod's pool with warm capacity, and four-GPU nodes time-sliced four ways. */
const warm = { ...prod, minGpus: 2 };
const sliced = { ...fourGpu, sharing: { mode: "time-slicing" as const, replicas: 4 } };
const pools = [prod, fourGpu, mixed, warm, sliced];

const demandsArb = fc.array(
  fc.record({
    model: fc.constantFrom("a", "b", "c", "d", "e"),
    devices: fc.integer({ min: 1, max: 4 }),
    replicas: fc.integer({ min: 0, max: 14 }),
  }),
  { maxLength: 6 },
);
/** Demands and the same demands in another order. */
const permutedArb = demandsArb.chain((demands) =>
  fc.tuple(
    fc.constant(demands),
    fc.shuffledSubarray(demands, { minLength: demands.length, maxLength: demands.length }),
  ),
);

/** The packing's pricing of a pool's zones, as packPool builds it. */
function pricingOf(pool: (typeof pools)[number], demands: readonly SpreadDemand[]) {
  const options = instanceOptions(pool, config);
  const grain = gpuGrain(pool);
  const anyBig = demands.some((d) => d.replicas > 0 && d.devices > Math.min(...options.map((o) => o.slots)));
  return packedZonePricing(options, grain, demands, (pods) =>
    zoneNodes(pool.name, options, pods, anyBig, grain).mix.reduce((a, o) => a + o.hourly, 0),
  );
}

describe("the same specs in any order pack alike", () => {
  test("two whole-GPU models on four-GPU nodes over three zones: 8 GPUs at minimum in either order (was 8 or 12)", () => {
    // One model of one replica, one of two: the single replica joins a zone of the other's, so two
    // nodes hold all three (the rotation in one of the orders put it in the third zone: 12 GPUs).
    const cfg = tinyConfig({ instanceTypes: ["g6.12xlarge"], sharing: { mode: "none" } });
    const one = spec("one", { gpu: { pool: "inference", share: 1 }, replicas: { min: 1, max: 4 } });
    const two = spec("two", { gpu: { pool: "inference", share: 1 }, replicas: { min: 2, max: 4 } });
    for (const specs of [
      [one, two],
      [two, one],
    ]) {
      const minimum = planCapacity(cfg, specs).pools[0].levels.minimum;
      expect(minimum.gpus).toBe(8);
      expect(minimum.monthlyCost).toBeCloseTo(2 * 40.3 * 730, 6); // 58,838 CNY, not 88,257
      expect(minimum.nodes.map((n) => n.zone)).toEqual([0, 1]);
    }
  });

  test("property: any order of the demands packs to the same nodes", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...pools),
        permutedArb,
        fc.integer({ min: 1, max: 4 }),
        (pool, [demands, permuted], zones) => {
          expect(packPool(pool, config, permuted, zones)).toEqual(packPool(pool, config, demands, zones));
        },
      ),
      { numRuns: 200 },
    );
  });

  test("property: the prod plan of the fixture specs in any order is the same plan", () => {
    const specs = fixtureSpecs(config);
    const plan = planCapacity(config, specs);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(specs, { minLength: specs.length, maxLength: specs.length }),
        (order) => {
          expect(planCapacity(config, order)).toEqual(plan);
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe("the remainders go where they cost least, within maxSkew 1", () => {
  test("property: every spread keeps each model's zones within one replica, its replicas all placed", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...pools),
        demandsArb,
        fc.integer({ min: 1, max: 4 }),
        (pool, demands, zones) => {
          for (const counts of candidateSpreads(demands, zones, pricingOf(pool, demands)))
            demands.forEach((d, k) => {
              const inZones = counts.map((c) => c[k]);
              expect(inZones.reduce((a, b) => a + b, 0)).toBe(d.replicas);
              expect(Math.max(...inZones) - Math.min(...inZones)).toBeLessThanOrEqual(1);
            });
        },
      ),
      { numRuns: 200 },
    );
  });

  test("property: never dearer than the rotation over the zones it replaced (in spreadOrder)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(prod, fourGpu, mixed, sliced),
        demandsArb,
        fc.integer({ min: 1, max: 4 }),
        (pool, demands, zones) => {
          // The rotation's own packing: each zone's nodes, one mix or split for the whole pool.
          const options = instanceOptions(pool, config);
          const grain = gpuGrain(pool);
          const pods = roundRobinSpread(demands, zones).map((c) =>
            c.flatMap((n, k) => Array<number>(n).fill(demands[k].devices)),
          );
          const rotation = Math.min(
            ...[false, true].map((split) =>
              pods.reduce(
                (a, p) =>
                  a + zoneNodes(pool.name, options, p, split, grain).mix.reduce((b, o) => b + o.hourly, 0),
                0,
              ),
            ),
          );
          expect(packPool(pool, config, demands, zones).hourlyCost).toBeLessThanOrEqual(rotation + 1e-9);
        },
      ),
      { numRuns: 200 },
    );
  });

  test("a remainder replica takes the free slots of a node its zone already needs", () => {
    const demands = [
      { model: "one", devices: 1, replicas: 1 },
      { model: "two", devices: 1, replicas: 2 },
    ];
    const counts = cheapestFillSpread(demands, 3, pricingOf(fourGpu, demands));
    // "two" (more replicas) takes zones 0 and 1, "one" joins it in zone 0: zone 2 stays empty.
    expect(counts).toEqual([
      [1, 1],
      [0, 1],
      [0, 0],
    ]);
  });

  test("a replica the greedy left without room is moved: seven 2-slice and five 3-slice replicas fit a GPU per zone", () => {
    // Four zones of prod's 8-slice GPUs: each zone's 3+3+2 or 3+2+2 slices fit one GPU. Filling
    // the largest replicas first, the greedy fills two zones whole and leaves the 2-slice model's
    // remainder a third replica for one of them (5 GPUs); moving one 3-slice replica frees it.
    const demands = [
      { model: "c", devices: 2, replicas: 7 },
      { model: "a", devices: 3, replicas: 2 },
      { model: "b", devices: 3, replicas: 3 },
    ];
    const pricing = pricingOf(prod, demands);
    const greedy = cheapestFillSpread(demands, 4, pricing);
    expect(spreadHourly(greedy, pricing)).toBeCloseTo(5 * 7.0, 9);
    expect(spreadHourly(improveSpread(demands, greedy, pricing), pricing)).toBeCloseTo(4 * 7.0, 9);
    for (const order of [demands, [...demands].reverse()])
      expect(packPool(prod, config, order, 4).gpus).toBe(4);
  });

  test("one zone, or whole rounds only, leave no choice: no zone is priced (large plans pack as before)", () => {
    let priced = 0;
    const counting: ZonePricing<number> = {
      summarize: () => 0,
      moved: (zone) => zone,
      hourly: () => ++priced,
    };
    const demands = [
      { model: "a", devices: 1, replicas: 400_000 },
      { model: "b", devices: 2, replicas: 1_000 },
    ];
    expect(candidateSpreads(demands, 1, counting)).toEqual([[[400_000, 1_000]]]);
    expect(
      candidateSpreads(
        demands.map((d) => ({ ...d, replicas: 3 * d.replicas })),
        3,
        counting,
      ),
    ).toHaveLength(1);
    expect(priced).toBe(0);
  });
});

describe("the zones' prices", () => {
  test("property: cheapestMixHourly is the price of cheapestMix, at any load", () => {
    const optionArb = fc.record({
      type: fc.constant("t"),
      gpus: fc.constant(1),
      slots: fc.integer({ min: 1, max: 16 }),
      hourly: fc.integer({ min: 1, max: 100 }),
    });
    fc.assert(
      fc.property(
        fc.array(optionArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 1, max: 16 }),
        (options: InstanceOption[], slots, largest) => {
          const mix = cheapestMix(options, slots, largest);
          const price = mix ? mix.reduce((a, o) => a + o.hourly, 0) : Infinity;
          expect(cheapestMixHourly(options, slots, largest)).toBeCloseTo(price, 6);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("property: a spread's price is a lower bound of its packing, so skipping a dearer one loses nothing", () => {
    // Scaled by 40, zones hold more than PACKED_PRICING_PODS pods and are priced by their slots.
    fc.assert(
      fc.property(
        fc.constantFrom(...pools),
        demandsArb,
        fc.integer({ min: 1, max: 4 }),
        fc.constantFrom(1, 40),
        (pool, few, zones, scale) => {
          const demands = few.map((d) => ({ ...d, replicas: d.replicas * scale }));
          const pricing = pricingOf(pool, demands);
          const options = instanceOptions(pool, config);
          for (const counts of candidateSpreads(demands, zones, pricing)) {
            const packed = counts.reduce((a, c) => {
              const pods = c.flatMap((n, k) => Array<number>(n).fill(demands[k].devices));
              return (
                a +
                zoneNodes(pool.name, options, pods, false, gpuGrain(pool)).mix.reduce(
                  (b, o) => b + o.hourly,
                  0,
                )
              );
            }, 0);
            expect(spreadHourly(counts, pricing)).toBeLessThanOrEqual(packed + 1e-9);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("the plan's static baseline is spread as the packing is", () => {
  test("three whole-GPU models of three replicas on eight-GPU nodes: expected 100% of static, not 150%", () => {
    // A replica of each model in each zone: three GPUs a zone, one node a zone, for the platform and
    // for a static deployment of the same pods alike. Unspread, the static nine GPUs filled two nodes.
    const cfg = tinyConfig({ instanceTypes: ["g6.48xlarge"], sharing: { mode: "none" } });
    const priced = {
      ...cfg,
      pricing: { ...cfg.pricing, instances: { ...cfg.pricing.instances, "g6.48xlarge": { onDemand: 100 } } },
    };
    const specs = ["a", "b", "c"].map((name) =>
      spec(name, { gpu: { pool: "inference", share: 1 }, replicas: { min: 3, max: 3 } }),
    );
    const plan = planCapacity(priced, specs);
    expect(plan.pools[0].levels.expected.gpus).toBe(24);
    expect(plan.staticBaseline.gpus).toBe(24);
    expect(plan.staticBaseline.monthlyCost).toBeCloseTo(plan.monthlyCost.expected, 6);
  });

  test("one model per GPU in each zone: 100 one-slice replicas hold 5 + 5 + 5 GPUs, 13 in one zone", () => {
    const [first] = fixtureSpecs(config);
    const model = { ...first, serving: { ...first.serving, gpu: { ...first.serving.gpu, share: 0.125 } } };
    const peak = new Map([[model.name, 100 * model.serving.rpsPerReplica]]);
    expect(staticBaseline(config, [model], peak).gpusByModel).toEqual({ [model.name]: 15 });
    const oneZone = { ...config, cluster: { ...config.cluster, availabilityZones: 1 } };
    expect(staticBaseline(oneZone, [model], peak).gpusByModel).toEqual({ [model.name]: 13 });
  });
});
