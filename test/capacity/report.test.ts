import { formatSimulationTable } from "../../components/capacity/report";
import type { SimulatedStrategy, SimulationResult } from "../../components/capacity/simulate";

function row(gpuUtilization: number, readyFraction: number, cost: number, miss: number): SimulatedStrategy {
  return {
    gpuUtilization,
    readyFraction,
    gpuHours: cost / 7,
    cost,
    sloViolationPct: miss,
    sloMissMinutes: Math.round(miss * 1.2),
    peakGpus: 3,
    peakGpusByPool: { p: 3 },
    sloMissMinutesAboveMax: 0,
    sloViolationPctWithinMax: miss,
  };
}

test("the strategy table has one aligned row per strategy in report order", () => {
  const result: SimulationResult = {
    currency: "CNY",
    minutes: 60,
    modelMinutes: 120,
    strategies: {
      static: row(0.117, 0.988, 1400, 0),
      reactive: row(0.897, 0.969, 140, 9.706),
      platform: row(0.84, 0.974, 147, 0.026),
      oracle: row(0.977, 0.992, 126, 0),
    },
    models: [],
    pools: [{ name: "p", maxGpus: 10 }],
  };
  expect(formatSimulationTable(result).split("\n")).toEqual([
    "strategy  GPU util  ready  GPU-hours  cost (CNY)  SLO-miss %  peak GPUs",
    "--------  --------  -----  ---------  ----------  ----------  ---------",
    "static       11.7%  98.8%      200.0        1400       0.000          3",
    "reactive     89.7%  96.9%       20.0         140       9.706          3",
    "platform     84.0%  97.4%       21.0         147       0.026          3",
    "oracle       97.7%  99.2%       18.0         126       0.000          3",
    "60 minutes x 2 models",
  ]);
});

test("one minute of one model is said in the singular", () => {
  const one = row(0.5, 1, 7, 0);
  const result: SimulationResult = {
    currency: "CNY",
    minutes: 1,
    modelMinutes: 1,
    strategies: { static: one, reactive: one, platform: one, oracle: one },
    models: [],
    pools: [{ name: "p", maxGpus: 10 }],
  };
  expect(formatSimulationTable(result).split("\n").at(-1)).toBe("1 minute x 1 model");
});

test("models the totals hide are named under the table", () => {
  const misses = (platform: number) => ({ static: 0, reactive: 9, platform, oracle: 0 });
  const result: SimulationResult = {
    currency: "CNY",
    minutes: 1000,
    modelMinutes: 3000,
    strategies: {
      static: row(0.1, 1, 1400, 0),
      reactive: row(0.9, 1, 140, 0.3),
      platform: row(0.8, 1, 150, 0.07),
      oracle: row(0.95, 1, 130, 0),
    },
    models: [
      {
        name: "calm",
        pool: "p",
        sloMissMinutes: misses(1),
        maxCapacityRps: 500,
        minutesAboveMaxReplicas: 0,
        servingMinutes: 1000,
      },
      {
        name: "spiky",
        pool: "p",
        sloMissMinutes: misses(2),
        maxCapacityRps: 500,
        minutesAboveMaxReplicas: 0,
        servingMinutes: 1000,
      },
      {
        name: "capped",
        pool: "p",
        sloMissMinutes: misses(0),
        maxCapacityRps: 5600,
        minutesAboveMaxReplicas: 12,
        servingMinutes: 1000,
      },
    ],
    pools: [{ name: "p", maxGpus: 10 }],
  };
  expect(formatSimulationTable(result).split("\n").slice(7)).toEqual([
    "",
    "! spiky: platform missed the SLO in 0.20% of its serving minutes (2; reactive 0.90%), above the 0.1% target",
    "! capped: demand above replicas.max x rpsPerReplica (5,600 rps) in 12 minutes; no autoscaler within replicas.max serves them (oracle and static do not stop at max): raise replicas.max",
  ]);
});

test("a model just above the target is not shown as at it, and one minute is singular", () => {
  // 3 of 2,880 minutes is 0.104%: "0.10%" would read as at the 0.1% target.
  const result: SimulationResult = {
    currency: "CNY",
    minutes: 2880,
    modelMinutes: 2880,
    strategies: {
      static: row(0.1, 1, 1400, 0),
      reactive: row(0.9, 1, 140, 0.3),
      platform: row(0.8, 1, 150, 0.1),
      oracle: row(0.95, 1, 130, 0),
    },
    models: [
      {
        name: "edge",
        pool: "p",
        sloMissMinutes: { static: 0, reactive: 9, platform: 3, oracle: 0 },
        maxCapacityRps: 500,
        minutesAboveMaxReplicas: 1,
        servingMinutes: 2880,
      },
    ],
    pools: [{ name: "p", maxGpus: 10 }],
  };
  expect(formatSimulationTable(result).split("\n").slice(7)).toEqual([
    "",
    "! edge: demand above replicas.max x rpsPerReplica (500 rps) in 1 minute; no autoscaler within replicas.max serves them (oracle and static do not stop at max): raise replicas.max",
    "! edge: platform missed the SLO in 0.104% of its serving minutes (3, 1 of them above replicas.max; reactive 0.31%), above the 0.1% target",
  ]);
});

test("a model's share counts the minutes it serves, and a pool over its maxGpus is named", () => {
  // "late" serves only its last 1,000 of 10,000 minutes and misses 2 of them: 0.2%, not 0.02%.
  const result: SimulationResult = {
    currency: "CNY",
    minutes: 10000,
    modelMinutes: 10000,
    strategies: {
      static: row(0.1, 1, 1400, 0),
      reactive: row(0.9, 1, 140, 0.3),
      platform: { ...row(0.8, 1, 150, 0.02), peakGpusByPool: { small: 12, big: 40 } },
      oracle: { ...row(0.95, 1, 130, 0), peakGpusByPool: { small: 9, big: 30 } },
    },
    models: [
      {
        name: "late",
        pool: "small",
        sloMissMinutes: { static: 0, reactive: 30, platform: 2, oracle: 0 },
        maxCapacityRps: 500,
        minutesAboveMaxReplicas: 0,
        servingMinutes: 1000,
      },
    ],
    pools: [
      { name: "small", maxGpus: 10 },
      { name: "big", maxGpus: 40 },
    ],
  };
  expect(formatSimulationTable(result).split("\n").slice(7)).toEqual([
    "",
    "! pool small: platform needed 12 GPUs at once, above its maxGpus 10 (oracle 9); Karpenter launches no more, so the replay's figures for it are not reachable: raise maxGpus or move models to another pool",
    "! late: platform missed the SLO in 0.20% of its serving minutes (2; reactive 3.00%), above the 0.1% target",
  ]);
});

test("a model's misses above replicas.max are counted apart from the platform's own", () => {
  // An undeclared 10x flash sale for 2 hours: 120 of the 121 minutes missed are above max.
  const result: SimulationResult = {
    currency: "CNY",
    minutes: 11520,
    modelMinutes: 11520,
    strategies: {
      static: row(0.1, 1, 1400, 0),
      reactive: row(0.9, 1, 140, 10.4),
      platform: row(0.8, 1, 150, 1.05),
      oracle: row(0.95, 1, 130, 0),
    },
    models: [
      {
        name: "flash",
        pool: "p",
        sloMissMinutes: { static: 0, reactive: 1201, platform: 121, oracle: 0 },
        maxCapacityRps: 60000,
        minutesAboveMaxReplicas: 120,
        servingMinutes: 11520,
      },
    ],
    pools: [{ name: "p", maxGpus: 10 }],
  };
  expect(formatSimulationTable(result).split("\n").slice(-1)).toEqual([
    "! flash: platform missed the SLO in 1.05% of its serving minutes (121, 120 of them above replicas.max; reactive 10.43%), above the 0.1% target",
  ]);
});
