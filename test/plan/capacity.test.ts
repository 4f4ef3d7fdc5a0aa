import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { isValidCron } from "../../components/config/training-schema";
import { StackConfig } from "../../components/config/stack-schema";
import { validateStackConfig } from "../../components/config/validate-stack-config";
import {
  cheapestGpuPrice,
  HOURS_PER_MONTH,
  runsPerMonth,
  simpleCapacityEstimate,
  wholeInstancePrice,
} from "../../tools/plan/capacity";

function stack(maxServingGpus = 8): StackConfig {
  return validateStackConfig(
    {
      environment: "staging",
      region: "ap-southeast-1",
      gpuPools: [
        {
          name: "inference",
          purpose: "serving",
          instanceTypes: ["g6.12xlarge", "g6.xlarge"],
          capacityType: "on-demand",
          sharing: { mode: "time-slicing", replicas: 4 },
          minGpus: 0,
          maxGpus: maxServingGpus,
          provisioningSeconds: 150,
        },
        {
          name: "training",
          purpose: "training",
          instanceTypes: ["g5.xlarge"],
          capacityType: "spot",
          sharing: { mode: "none" },
          minGpus: 0,
          maxGpus: 2,
          provisioningSeconds: 180,
        },
      ],
      pricing: {
        currency: "CNY",
        instances: {
          "g6.xlarge": { onDemand: 7.0, spot: 2.8 },
          "g6.12xlarge": { onDemand: 24.0, spot: 10 },
          "g5.xlarge": { onDemand: 8.7, spot: 3.5 },
        },
      },
      budget: { monthlyGpuCost: 20000 },
    },
    "Pulumi.test.yaml",
  );
}

function model(name: string, share: number, min: number, max: number, schedule?: string) {
  return {
    file: `models/${name}.yaml`,
    data: {
      name,
      team: "t",
      serving: {
        runtime: "triton",
        modelUri: `s3://<artifacts>/${name}/v1`,
        gpu: { pool: "inference", share },
        rpsPerReplica: 100,
        replicas: { min, max },
      },
      slo: { latencyP99Ms: 50, availability: 99.9 },
      ...(schedule
        ? { training: { schedule, image: "r/t:1.0", gpu: { pool: "training", count: 1 }, timeoutHours: 2 } }
        : {}),
    },
  };
}

describe("simpleCapacityEstimate", () => {
  it("sums replicas x share per serving pool and rounds up to whole GPUs", () => {
    const cfg = stack();
    // min 3 x 0.25 + 1 x 0.5 = 1.25 -> 2 GPUs; max 10 x 0.25 + 4 x 0.5 = 4.5 -> 5 GPUs.
    const models = validateModelSpecs([model("a", 0.25, 3, 10), model("b", 0.5, 1, 4)], "staging", cfg);
    const pool = simpleCapacityEstimate(cfg, models).pools[0];
    expect(pool.demand).toEqual({ min: 1.25, expected: 2.88, max: 4.5 });
    expect(pool.gpus).toEqual({ min: 2, expected: 3, max: 5 });
  });

  it("counts a time-sliced pool GPU by GPU: ten replicas of 5/8 GPU need 10 GPUs, not 6.25", () => {
    const cfg = stack(8);
    cfg.gpuPools[0] = { ...cfg.gpuPools[0], sharing: { mode: "time-slicing", replicas: 8 } };
    const models = validateModelSpecs([model("a", 0.625, 10, 10)], "staging", cfg);
    const pool = simpleCapacityEstimate(cfg, models).pools[0];
    // The shares still add up to 6.25 (demand); a replica's 5 slices sit on one GPU, so no two share one.
    expect(pool.demand.max).toBe(6.25);
    expect(pool.gpus).toEqual({ min: 8, expected: 8, max: 8 });
    expect(pool.warnings).toEqual([
      // 5 of 8 slices on a multi-GPU type: the device plugin may split the second replica of a GPU.
      expect.stringContaining("replicas of 5 (a) of the 8 slices per GPU share the GPUs of"),
      "needs 10 GPUs at maximum replicas but maxGpus is 8: models cannot all reach max",
      "needs 10 GPUs at minimum replicas, above maxGpus 8",
    ]);
  });

  it("prices on the cheapest GPU among the pool's instance types", () => {
    const cfg = stack();
    // g6.12xlarge: 24 / 4 GPUs = 6 per GPU-hour, cheaper than g6.xlarge's 7.
    expect(cheapestGpuPrice(cfg.gpuPools[0], cfg)).toEqual({ instanceType: "g6.12xlarge", price: 6 });
    // Spot pool: spot price.
    expect(cheapestGpuPrice(cfg.gpuPools[1], cfg)).toEqual({ instanceType: "g5.xlarge", price: 3.5 });
  });

  it("costs the cheapest whole instances holding the GPUs x 730 hours", () => {
    const cfg = stack();
    const models = validateModelSpecs([model("a", 1, 2, 2)], "staging", cfg);
    const est = simpleCapacityEstimate(cfg, models);
    // 2 GPUs: two g6.xlarge (2 x 7) beat one 4-GPU g6.12xlarge (24).
    expect(est.pools[0].monthlyCost.max).toBe(2 * 7 * HOURS_PER_MONTH);
    expect(est.pools[0].instanceType).toBe("g6.xlarge");
    expect(est.monthlyCost.max).toBe(2 * 7 * HOURS_PER_MONTH);
    expect(est.currency).toBe("CNY");
  });

  it("picks the multi-GPU instance when it is cheaper for the GPU count", () => {
    const cfg = stack();
    const models = validateModelSpecs([model("a", 1, 4, 4)], "staging", cfg);
    // 4 GPUs: one g6.12xlarge (24) beats four g6.xlarge (28).
    expect(wholeInstancePrice(4, cfg.gpuPools[0], cfg)).toEqual({
      instanceType: "g6.12xlarge",
      hourly: 24,
      wholeGpus: 4,
    });
    expect(simpleCapacityEstimate(cfg, models).pools[0].monthlyCost.max).toBe(24 * HOURS_PER_MONTH);
  });

  it("adds a serving pool's warm capacity on top of its replicas", () => {
    const cfg = stack();
    const models = validateModelSpecs([model("a", 0.25, 1, 1)], "staging", cfg);
    // A quarter of a GPU needed: one GPU; with minGpus 2 of pause pods beside it, 2.25 -> 3.
    expect(simpleCapacityEstimate(cfg, models).pools[0].gpus.min).toBe(1);
    cfg.gpuPools[0] = { ...cfg.gpuPools[0], minGpus: 2 };
    expect(simpleCapacityEstimate(cfg, models).pools[0].gpus.min).toBe(3);
    // No model: the warm capacity alone.
    expect(simpleCapacityEstimate(cfg, []).pools[0].gpus).toEqual({ min: 2, expected: 2, max: 2 });
  });

  it("caps at maxGpus and warns when the models need more", () => {
    const cfg = stack(2);
    const models = validateModelSpecs([model("a", 1, 1, 5)], "staging", cfg);
    const pool = simpleCapacityEstimate(cfg, models).pools[0];
    expect(pool.gpus.max).toBe(2);
    expect(pool.warnings).toEqual([
      "needs 5 GPUs at maximum replicas but maxGpus is 2: models cannot all reach max",
    ]);
  });

  it("reports a budget overrun at the expected load, not at maximum scale", () => {
    const cfg = stack(48);
    const models = validateModelSpecs([model("a", 1, 1, 40)], "staging", cfg);
    const est = simpleCapacityEstimate(cfg, models);
    expect(est.monthlyCost.max).toBeGreaterThan(cfg.budget.monthlyGpuCost);
    expect(est.withinBudget).toBe(est.monthlyCost.expected <= cfg.budget.monthlyGpuCost);
    const tight = { ...cfg, budget: { monthlyGpuCost: est.monthlyCost.expected - 1 } };
    expect(simpleCapacityEstimate(tight, models).withinBudget).toBe(false);
  });

  it("estimates training as overlapping runs at most and a time average expected", () => {
    const cfg = stack();
    const models = validateModelSpecs([model("a", 0.25, 1, 1, "0 3 * * *")], "staging", cfg);
    const pool = simpleCapacityEstimate(cfg, models).pools[1];
    // One 2-hour daily run: 2/24 of a GPU on average.
    expect(pool.demand.expected).toBeCloseTo(2 / 24, 2);
    // Priced on a whole g5.xlarge at spot price for the hours it runs.
    expect(pool.monthlyCost.expected).toBeCloseTo((2 / 24) * 3.5 * HOURS_PER_MONTH, 0);
    expect(pool.gpus.max).toBe(1);
    expect(pool.models).toEqual(["a"]);
  });
});

describe("training pool figures agree with each other", () => {
  it("prices on the type a run takes, at that type's own GPU-hour", () => {
    const cfg = stack();
    // Spot: g5.xlarge 3.5 a GPU-hour; a four-GPU type cheaper per GPU (2.25) that a 1-GPU run does not take.
    cfg.gpuPools[1] = { ...cfg.gpuPools[1], instanceTypes: ["g5.xlarge", "g6.12xlarge"] };
    cfg.pricing.instances["g6.12xlarge"] = { onDemand: 24, spot: 9 };
    const models = validateModelSpecs([model("a", 0.25, 1, 1, "0 3 * * *")], "staging", cfg);
    const pool = simpleCapacityEstimate(cfg, models).pools[1];
    expect(pool.instanceType).toBe("g5.xlarge");
    expect(pool.pricePerGpuHour).toBe(3.5);
    expect(pool.monthlyCost.expected).toBeCloseTo((2 / 24) * 3.5 * HOURS_PER_MONTH, 1);
  });

  it("expected GPUs are those of the whole instances the runs hold, so GPUs x price = cost", () => {
    const cfg = stack();
    // One 4-GPU type; a 1-GPU run holds all four for its two hours a day.
    cfg.gpuPools[1] = { ...cfg.gpuPools[1], instanceTypes: ["g6.12xlarge"], maxGpus: 4 };
    cfg.pricing.instances["g6.12xlarge"] = { onDemand: 24, spot: 9 };
    const models = validateModelSpecs([model("a", 0.25, 1, 1, "0 3 * * *")], "staging", cfg);
    const pool = simpleCapacityEstimate(cfg, models).pools[1];
    expect(pool.demand.expected).toBeCloseTo(2 / 24, 2);
    expect(pool.gpus.expected).toBeCloseTo((4 * 2) / 24, 2);
    expect(pool.pricePerGpuHour).toBe(2.25);
    expect(pool.monthlyCost.expected).toBeCloseTo(((4 * 2) / 24) * 2.25 * HOURS_PER_MONTH, 1);
  });

  it("min and max GPUs are whole instances too, so GPUs x price = cost in every column", () => {
    const cfg = stack();
    // A 1-GPU run on the one 4-GPU type: its peak holds the whole node, as its max cost says.
    cfg.gpuPools[1] = { ...cfg.gpuPools[1], instanceTypes: ["g6.12xlarge"], maxGpus: 4 };
    cfg.pricing.instances["g6.12xlarge"] = { onDemand: 24, spot: 9 };
    const models = validateModelSpecs([model("a", 0.25, 1, 1, "0 3 * * *")], "staging", cfg);
    const pool = simpleCapacityEstimate(cfg, models).pools[1];
    expect(pool.gpus.max).toBe(4);
    expect(pool.gpus.min).toBe(0);
    // (expected: the test above; its GPUs are rounded to two decimals.)
    for (const k of ["min", "max"] as const)
      expect(pool.monthlyCost[k]).toBeCloseTo(pool.gpus[k] * pool.pricePerGpuHour * HOURS_PER_MONTH, 0);
  });

  it("runs that need more GPU-hours than the pool has all month are said to", () => {
    const cfg = stack();
    const hourly = (name: string) => model(name, 0.25, 1, 1, "0 * * * *");
    const models = validateModelSpecs([hourly("a"), hourly("b"), hourly("c")], "staging", cfg);
    const pool = simpleCapacityEstimate(cfg, models).pools[1];
    expect(pool.warnings).toContain(
      `runs lasting their timeoutHours would keep 3 GPUs busy on average, above maxGpus ${cfg.gpuPools[1].maxGpus}: at that length they could not all run`,
    );
  });
});

describe("runsPerMonth", () => {
  it("counts a daily cron as about 30.4 runs", () => {
    expect(runsPerMonth("0 3 * * *", "Asia/Shanghai")).toBeCloseTo(365 / 12, 5);
  });

  it("counts a weekly cron and presets", () => {
    expect(runsPerMonth("30 2 * * 1", "UTC")).toBeCloseTo(365 / 12 / 7, 5);
    expect(runsPerMonth("@hourly", "UTC")).toBe(HOURS_PER_MONTH);
    // Airflow's @quarterly is 0 0 1 */3 *: a third of a run a month, as the cron itself counts.
    expect(runsPerMonth("@quarterly", "UTC")).toBeCloseTo(runsPerMonth("0 0 1 */3 *", "UTC"), 3);
    expect(isValidCron("@quarterly")).toBe(true);
  });

  it("counts a schedule by day of the month or month, which a week may not hold, over years", () => {
    // Each of these never ran in the week the count used to cover: a monthly training cost nothing.
    expect(runsPerMonth("0 1 1 * *", "Asia/Shanghai")).toBeCloseTo(1, 2);
    expect(runsPerMonth("0 3 1,15 * *", "UTC")).toBeCloseTo(2, 2);
    expect(runsPerMonth("0 3 L * *", "UTC")).toBeCloseTo(1, 2);
    expect(runsPerMonth("0 3 * 6 *", "UTC")).toBeCloseTo(30 / 12, 2);
    // Once in four years.
    expect(runsPerMonth("0 0 29 2 *", "UTC")).toBeCloseTo(1 / 48, 3);
    // The n-th or last weekday of the month: once a month, in any zone.
    for (const tz of ["Asia/Shanghai", "America/New_York"]) {
      expect(runsPerMonth("0 3 * * 1#1", tz)).toBeCloseTo(1, 2);
      expect(runsPerMonth("0 0 * * 0#2", tz)).toBeCloseTo(1, 2);
      expect(runsPerMonth("0 0 * * 5L", tz)).toBeCloseTo(1, 2);
    }
  });

  it("counts dense schedules by days times runs a day, exactly and without iterating each run", () => {
    // Every minute in January: 31 x 1,440 a year.
    expect(runsPerMonth("* * * 1 *", "UTC")).toBeCloseTo((31 * 1440) / 12, -1);
    expect(runsPerMonth("* * * * *", "Europe/Berlin")).toBeCloseTo(HOURS_PER_MONTH * 60, 6);
  });
});
