import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { validateStackConfig } from "../../components/config/validate-stack-config";
import { planCapacitySummary, Planner } from "../../tools/plan/capacity-planner";
import { cheapestGpuPrice, simpleCapacityEstimate } from "../../tools/plan/capacity";
import { planCapacity } from "../../components/capacity/packing";
import { generateTraffic } from "../../components/capacity/traffic-generator";
import { trafficLoad } from "../../components/capacity/traffic-load";
import { capacityConfigFromStack, expectedRpsFromTraffic } from "../../policies/lib/capacity";
import { expectedMonthlyCost } from "../../policies/mlops/mlops-gpu-cost-fits-budget";
import { fixtureSpecs, prodConfig, spec } from "../capacity/helpers";
import { stackValues } from "../helpers/stack";

const config = validateStackConfig(
  {
    environment: "staging",
    region: "ap-southeast-1",
    gpuPools: [
      {
        name: "inference",
        purpose: "serving",
        instanceTypes: ["g6.xlarge"],
        capacityType: "on-demand",
        sharing: { mode: "none" },
        minGpus: 0,
        maxGpus: 4,
        provisioningSeconds: 150,
      },
      {
        name: "training",
        purpose: "training",
        instanceTypes: ["g6.xlarge"],
        capacityType: "on-demand",
        sharing: { mode: "none" },
        minGpus: 0,
        maxGpus: 2,
        provisioningSeconds: 150,
      },
    ],
    pricing: { currency: "CNY", instances: { "g6.xlarge": { onDemand: 10 } } },
    budget: { monthlyGpuCost: 20000 },
  },
  "Pulumi.test.yaml",
);

const models = validateModelSpecs(
  [
    {
      file: "models/a.yaml",
      data: {
        name: "a",
        team: "t",
        serving: {
          runtime: "triton",
          modelUri: "s3://<artifacts>/a/v1",
          gpu: { pool: "inference", share: 1 },
          rpsPerReplica: 10,
          replicas: { min: 1, max: 3 },
        },
        slo: { latencyP99Ms: 50, availability: 99.9 },
      },
    },
  ],
  "staging",
  config,
);

const packing = (gpus: number, over = false) => ({
  gpus,
  slots: gpus * 4,
  usedSlots: gpus * 3,
  hourlyCost: gpus * 10,
  monthlyCost: gpus * 10 * 730,
  overMaxGpus: over,
  nodes: Array.from({ length: gpus }, () => ({ type: "g6.xlarge" })),
});

describe("planCapacitySummary", () => {
  it("warns of a pool no model uses, with its billed warm capacity, whichever estimate costs it", () => {
    const withSpare = {
      ...config,
      gpuPools: [...config.gpuPools, { ...config.gpuPools[0], name: "spare", minGpus: 2 }],
    };
    const planner: Planner = () => ({
      pools: ["inference", "spare"].map((name) => ({
        name,
        levels: { minimum: packing(1), expected: packing(1), peak: packing(2) },
      })),
    });
    for (const summary of [
      planCapacitySummary(withSpare, models, undefined),
      planCapacitySummary(withSpare, models, planner),
    ]) {
      const byName = new Map(summary.pools.map((p) => [p.name, p.warnings]));
      expect(byName.get("spare")).toEqual([
        "no model of this stack uses it: its NodePool and its 2 warm GPUs (minGpus, billed) are declared anyway; remove the pool or point a model at it",
      ]);
      // The training pool has no model with training either: no warm capacity there.
      expect(byName.get("training")).toEqual([
        "no model of this stack uses it: its NodePool is declared anyway; remove the pool or point a model at it",
      ]);
      expect(byName.get("inference")).toEqual([]);
    }
  });

  it("is the simple estimate without a planner", () => {
    expect(planCapacitySummary(config, models, undefined)).toEqual(simpleCapacityEstimate(config, models));
  });

  it("takes serving pools from the planner's packing and keeps the simple training estimate", () => {
    const planner: Planner = () => ({
      pools: [
        { name: "inference", levels: { minimum: packing(1), expected: packing(2), peak: packing(5, true) } },
      ],
    });
    const summary = planCapacitySummary(config, models, planner);
    // The peak packing needs 5 GPUs; Karpenter stops at the pool's maxGpus of 4, and so does the bill.
    expect(summary.pools[0].gpus).toEqual({ min: 1, expected: 2, max: 4 });
    expect(summary.pools[0].demand).toEqual({ min: 0.75, expected: 1.5, max: 3.75 });
    expect(summary.pools[0].monthlyCost.max).toBe(4 * 10 * 730);
    expect(summary.pools[0].warnings[0]).toMatch(/packing needs 5 GPUs at peak/);
    expect(summary.pools[1]).toEqual(simpleCapacityEstimate(config, models).pools[1]);
    expect(summary.monthlyCost.max).toBe(4 * 10 * 730);
    expect(summary.estimator).toMatch(/planCapacity/);
  });

  it("a peak over maxGpus only for the zone spread says the replicas fit, unspread", () => {
    const planner: Planner = () => ({
      pools: [
        {
          name: "inference",
          levels: {
            minimum: packing(1),
            expected: packing(2),
            peak: { ...packing(5, true), gpusWithoutSpread: 4 },
          },
        },
      ],
    });
    expect(planCapacitySummary(config, models, planner).pools[0].warnings).toEqual([
      "spread over the zones the peak packs onto 5 GPUs, above maxGpus 4: at peak the replicas all fit (4 GPUs) but not all spread over the zones",
    ]);
  });

  it("a peak that takes exactly maxGpus says the next model will not fit (a review: nothing said so)", () => {
    const planner: Planner = () => ({
      pools: [{ name: "inference", levels: { minimum: packing(1), expected: packing(2), peak: packing(4) } }],
    });
    expect(planCapacitySummary(config, models, planner).pools[0].warnings).toEqual([
      "at peak the replicas take all 4 GPUs maxGpus allows (4 of 16 slices free on them): replicas beyond those slices will not fit; raise maxGpus before adding a model here",
    ]);
    const roomy: Planner = () => ({
      pools: [{ name: "inference", levels: { minimum: packing(1), expected: packing(2), peak: packing(3) } }],
    });
    expect(planCapacitySummary(config, models, roomy).pools[0].warnings).toEqual([]);
  });

  it("an expected load over maxGpus says the expected cost is capped, beside the peak's warning", () => {
    const planner: Planner = () => ({
      pools: [
        {
          name: "inference",
          levels: { minimum: packing(1), expected: packing(6, true), peak: packing(9, true) },
        },
      ],
    });
    const pool = planCapacitySummary(config, models, planner).pools[0];
    expect(pool.monthlyCost.expected).toBe(4 * 10 * 730);
    expect(pool.warnings).toEqual([
      expect.stringMatching(/packing needs 9 GPUs at peak/),
      "at the expected load the packing needs 6 GPUs, above maxGpus 4: the expected cost is billed at the limit and the replicas beyond it wait",
    ]);
  });

  it("an expected load over maxGpus only for its zone spread says the replicas all run, not that they wait", () => {
    // Found by a black-box review: three one-device replicas of a 16-device node were said to wait.
    const planner: Planner = () => ({
      pools: [
        {
          name: "inference",
          levels: {
            minimum: packing(1),
            expected: { ...packing(6, true), gpusWithoutSpread: 4 },
            peak: { ...packing(6, true), gpusWithoutSpread: 4 },
          },
        },
      ],
    });
    expect(planCapacitySummary(config, models, planner).pools[0].warnings).toEqual([
      "spread over the zones the peak packs onto 6 GPUs, above maxGpus 4: at peak the replicas all fit (4 GPUs) but not all spread over the zones",
      "spread over the zones the expected load packs onto 6 GPUs, above maxGpus 4: the replicas all fit (4 GPUs) but not all spread over the zones; the expected cost is billed at the limit",
    ]);
  });

  it("planCapacity packs an over-limit peak again without the spread", () => {
    // Three one-slot replicas over three zones need three g6.xlarge; in one zone one holds them.
    const tiny = validateStackConfig(
      {
        ...stackValues("prod"),
        gpuPools: [{ ...stackValues("prod").gpuPools[0], instanceTypes: ["g6.xlarge"], maxGpus: 2 }],
      },
      "Pulumi.test.yaml",
    );
    const one = spec("one", { gpu: { pool: "inference", share: 0.125 }, replicas: { min: 1, max: 3 } });
    const { peak, expected } = planCapacity(tiny, [one]).pools[0].levels;
    expect(peak).toMatchObject({ gpus: 3, overMaxGpus: true, gpusWithoutSpread: 1 });
    // The expected level too (without history at replicas.max, as the peak).
    expect(expected).toMatchObject({ gpus: 3, overMaxGpus: true, gpusWithoutSpread: 1 });
  });

  it("checks the budget as the policy does: serving at expected, training pools at maxGpus", () => {
    const planner: Planner = () => ({
      pools: [{ name: "inference", levels: { minimum: packing(1), expected: packing(2), peak: packing(3) } }],
    });
    const summary = planCapacitySummary(config, models, planner);
    const training = config.gpuPools.find((p) => p.purpose === "training")!;
    const perGpu = cheapestGpuPrice(training, config).price;
    expect(summary.budgetCheck).toBeCloseTo(2 * 10 * 730 + training.maxGpus * perGpu * 730, 2);
    expect(summary.withinBudget).toBe(summary.budgetCheck <= summary.budget);
  });
});

describe("one budget figure for the plan and the budget policy", () => {
  const prod = prodConfig();
  const specs = [
    ...fixtureSpecs(prod),
    // A model whose minimum alone spreads over every zone: whole nodes, not summed shares.
    spec("big-min", { gpu: { pool: "inference", share: 0.125 }, replicas: { min: 50, max: 60 } }),
  ];
  const policyTotal = (rps?: Record<string, number>) =>
    expectedMonthlyCost(
      capacityConfigFromStack(prod, specs, rps),
      capacityConfigFromStack(prod, specs).models!,
    ).total;

  it("agrees without traffic history (every model at replicas.max)", () => {
    const summary = planCapacitySummary(prod, specs, planCapacity);
    expect(summary.budgetCheck).toBeCloseTo(policyTotal(), 1);
  });

  it("agrees at a traffic history's mean load", () => {
    const week = generateTraffic(specs, prod, { seed: 5, days: 2 });
    const load = trafficLoad(week);
    const summary = planCapacitySummary(prod, specs, planCapacity, load);
    expect(summary.budgetCheck).toBeCloseTo(policyTotal(expectedRpsFromTraffic(week, true)), 1);
    expect(summary.withinBudget).toBe(
      policyTotal(expectedRpsFromTraffic(week, true)) <= prod.budget.monthlyGpuCost,
    );
  });
});
