/** The capacity plan from packing: minimum, expected and peak, canaries and experiments, and the static baseline. */
import { replicaDevices } from "../../components/capacity/gpu-slots";
import { cheapestSplitMix } from "../../components/capacity/instance-mix";
import { planCapacity } from "../../components/capacity/packing";
import { firstFitDecreasing } from "../../components/capacity/zone-nodes";
import { staticBaseline } from "../../components/capacity/static-baseline";
import { prodConfig, fixtureSpecs } from "./helpers";
import type { ModelSpec } from "../../components/config/model-schema";
import { variantsOf } from "../../components/model/variants";

const config = prodConfig();

describe("packing", () => {
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
