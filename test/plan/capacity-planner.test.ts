import { validateModelSpecs } from "../../components/config/model-schema";
import { validateStackConfig } from "../../components/config/stack-schema";
import { planCapacitySummary, Planner } from "../../tools/plan/capacity-planner";
import { simpleCapacityEstimate } from "../../tools/plan/capacity";

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
  hourlyCost: gpus * 10,
  monthlyCost: gpus * 10 * 730,
  overMaxGpus: over,
  nodes: Array.from({ length: gpus }, () => ({ type: "g6.xlarge" })),
});

describe("planCapacitySummary", () => {
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
    expect(summary.pools[0].gpus).toEqual({ min: 1, expected: 2, max: 5 });
    expect(summary.pools[0].monthlyCost.max).toBe(5 * 10 * 730);
    expect(summary.pools[0].warnings[0]).toMatch(/packing needs 5 GPUs at peak/);
    expect(summary.pools[1]).toEqual(simpleCapacityEstimate(config, models).pools[1]);
    expect(summary.monthlyCost.max).toBe(5 * 10 * 730);
    expect(summary.estimator).toMatch(/planCapacity/);
  });
});
