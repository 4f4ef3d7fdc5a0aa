/** Policy mlops-gpu-cost-fits-budget: the expected monthly GPU cost stays within the budget. */
import { mlopsGpuCostFitsBudget, expectedMonthlyCost } from "../../policies/mlops/mlops-gpu-cost-fits-budget";
import { gpusPerDevice } from "../../policies/lib/capacity";
import * as f from "./fixtures";
import { messages } from "./fixtures";

describe("mlops-gpu-cost-fits-budget", () => {
  const p = mlopsGpuCostFitsBudget;
  it("without traffic history prices each pool at max: 10 + 4 warm inference GPUs on-demand + 8 training GPUs spot", () => {
    const { total, byPool } = expectedMonthlyCost(f.capacity(), [
      { name: "a", pool: "inference", share: 0.25, maxReplicas: 40 },
    ]);
    expect(byPool).toEqual([
      // 40 x 0.25 fills 10 GPUs; the warm capacity (minGpus 4) is headroom on top.
      { pool: "inference", gpus: 14, cost: 14 * 7.0 * 730, withoutHistory: ["a"] },
      { pool: "training", gpus: 8, cost: 8 * (113 / 8) * 730, withoutHistory: [] },
    ]);
    expect(total).toBeCloseTo(71540 + 82490);
  });
  it("a serving pool no model uses costs its warm minGpus, not maxGpus; training still counts at max", async () => {
    const { byPool } = expectedMonthlyCost(f.capacity(), []);
    expect(byPool).toEqual([
      { pool: "inference", gpus: 4, cost: 4 * 7.0 * 730, withoutHistory: [] },
      { pool: "training", gpus: 8, cost: 8 * (113 / 8) * 730, withoutHistory: [] },
    ]);
    // So a pool added before any model moves onto it does not fail the budget.
    const cfg = { ...f.capacity(), budget: { monthlyGpuCost: 4 * 7.0 * 730 + 82490 } };
    expect(await messages(p, [], cfg)).toEqual([]);
  });
  it("with history: the stable variant at the mean rate, other variants at min, a new model at max", () => {
    const demand = { pool: "inference", share: 0.25, minReplicas: 2, targetRpsPerReplica: 90 };
    const { byPool } = expectedMonthlyCost({ ...f.capacity(), expectedRps: { feed: 1000 } }, [
      { ...demand, name: "feed", model: "feed", stable: true, maxReplicas: 400 }, // ceil(1000/90) = 12
      { ...demand, name: "feed-canary", model: "feed", stable: false, maxReplicas: 200 }, // min 2
      { ...demand, name: "fresh", model: "fresh", stable: true, maxReplicas: 20 }, // no history: 20
    ]);
    // (12 + 2 + 20) x 0.25 = 8.5 -> 9 GPUs, 2 slots free; the 16 warm slots take them and 4 GPUs more.
    expect(byPool[0]).toEqual({
      pool: "inference",
      gpus: 13,
      cost: 13 * 7.0 * 730,
      withoutHistory: ["fresh"],
    });
  });
  it("a MIG replica of one 1g.20gb device is packed as one device, not its share over the compute fraction", () => {
    // Found by a review: the share counted here is the GPU a device fills (1/4 of an A100-80GB for
    // 1g.20gb), and reading it back with the spec's compute fraction (1/7) made one device two.
    const mig = {
      name: "mig",
      purpose: "serving" as const,
      maxGpus: 64,
      minGpus: 0,
      instanceTypes: ["p4de.24xlarge"],
      capacityType: "on-demand" as const,
      sharing: { mode: "mig" as const, profile: "1g.20gb" },
    };
    const cfg = {
      ...f.capacity(),
      availabilityZones: 1,
      pools: [mig],
      pricing: { currency: "CNY", instances: { "p4de.24xlarge": { onDemand: 320 } } },
    };
    const share = gpusPerDevice(mig, "nvidia.com/gpu");
    expect(share).toBe(1 / 4);
    // 32 one-device replicas fill the 8 GPUs x 4 devices of one p4de.24xlarge.
    const { byPool } = expectedMonthlyCost(cfg, [{ name: "a", pool: "mig", share, maxReplicas: 32 }]);
    expect(byPool).toEqual([{ pool: "mig", gpus: 8, cost: 320 * 730, withoutHistory: ["a"] }]);
  });
  it("packs each zone's replicas onto whole nodes, as the plan's packing does", () => {
    const cfg = f.capacity();
    const pools = [{ ...cfg.pools[0], minGpus: 0 }, cfg.pools[1]];
    const demand = [{ name: "a", pool: "inference", share: 0.25, maxReplicas: 3 }];
    // three quarter-GPU replicas: one per zone, so three one-GPU nodes where one zone would need one
    expect(expectedMonthlyCost({ ...cfg, pools, availabilityZones: 3 }, demand).byPool[0].gpus).toBe(3);
    expect(expectedMonthlyCost({ ...cfg, pools }, demand).byPool[0].gpus).toBe(1);
  });
  it("bills a pool at most at maxGpus: Karpenter launches no more", () => {
    const { byPool } = expectedMonthlyCost(f.capacity(), [
      { name: "a", pool: "inference", share: 0.25, maxReplicas: 400 }, // 100 GPUs wanted
    ]);
    expect(byPool[0]).toEqual({ pool: "inference", gpus: 48, cost: 48 * 7.0 * 730, withoutHistory: ["a"] });
  });
  it("reads model, variant, bounds and target per replica from the deployed ScaledObject", async () => {
    const so = f.scaledObject(4000);
    const labelled = {
      ...so,
      props: {
        ...so.props,
        metadata: {
          ...(so.props.metadata as object),
          labels: { "mlops.io/model": "homepage-feed", "mlops.io/variant": "stable" },
        },
        spec: {
          ...(so.props.spec as object),
          triggers: [{ type: "prometheus", name: "request-rate", metadata: { threshold: "95" } }],
        },
      },
    };
    const budget = { monthlyGpuCost: 250000 };
    // At max the pool's 48 GPUs (+ training) cost 327,770 a month; at a mean of 9,500 rps the
    // stable variant runs ceil(9500 / 95) = 100 quarter-GPU replicas: 25 GPUs, 210,240 in all.
    expect(await messages(p, [f.inferenceService(), so], { ...f.capacity(), budget })).toHaveLength(1);
    expect(
      await messages(p, [f.inferenceService(), labelled], {
        ...f.capacity(),
        budget,
        expectedRps: { "homepage-feed": 9500 },
        trafficHistory: "models/traffic/week.csv",
      }),
    ).toEqual([]);
  });
  it("passes within the budget", async () => {
    expect(await messages(p, [f.inferenceService(), f.scaledObject(40)], f.capacity())).toEqual([]);
  });
  it("fails above the budget, saying what the estimate rests on", async () => {
    const cfg = { ...f.capacity(), budget: { monthlyGpuCost: 100000 } };
    expect(await messages(p, [f.inferenceService(), f.scaledObject(40)], cfg)).toEqual([
      "Expected GPU cost is 154030 CNY/month (inference 14 GPUs 71540, training 8 GPUs 82490; no traffic history: every model at replicas.max), above the budget of 100000 CNY; lower model replicas or share, pool maxGpus for pools without known demand, use cheaper instance types or spot, or raise budget.monthlyGpuCost.",
    ]);
  });
  it("reports pools without any price", async () => {
    const cfg = f.capacity();
    delete (cfg.pricing.instances as Record<string, unknown>)["p4d.24xlarge"];
    expect(await messages(p, [], cfg)).toEqual([
      "GPU pool(s) training have no price for any instance type; add them to pricing.instances so the budget can be checked.",
    ]);
  });
});
