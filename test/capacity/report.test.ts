import { formatSimulationTable } from "../../components/capacity/report";
import type { SimulationResult, StrategyResult } from "../../components/capacity/simulate";

function row(gpuUtilization: number, readyFraction: number, cost: number, miss: number): StrategyResult {
  return {
    gpuUtilization,
    readyFraction,
    gpuHours: cost / 7,
    cost,
    sloViolationPct: miss,
    sloMissMinutes: Math.round(miss * 1.2),
    peakGpus: 3,
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
