import {
  baselineLine,
  budgetVerdict,
  canaryCell,
  policyReport,
  pricedOn,
  quietDriftModels,
  table,
  unroutedTeams,
  alertRoutingLines,
} from "../../tools/plan/summary";
import type { ModelSpec } from "../../components/config/model-schema";
import { DRIFT_MIN_RPS } from "../../components/model/drift-rules";
import type { CapacitySummary } from "../../tools/plan/capacity";

describe("table", () => {
  it("pads columns to the widest cell", () => {
    expect(table(["a", "bb"], [["xxx", "y"]])).toBe("a    bb\n---  --\nxxx  y");
  });
});

describe("policyReport", () => {
  it("says when policies were not evaluated", () => {
    expect(
      policyReport("prod", { evaluated: false, skipped: "no evaluator", violations: [], mandatory: 0 }),
    ).toContain("Policies were not evaluated: no evaluator.");
  });

  it("lists violations as a markdown table with counts", () => {
    const text = policyReport("prod", {
      evaluated: true,
      mandatory: 1,
      violations: [{ policy: "p", resource: "r", message: "a | b", enforcement: "mandatory" }],
    });
    expect(text).toContain("1 mandatory, 0 advisory.");
    expect(text).toContain("| mandatory | p | r | a \\| b |");
  });
});

describe("unroutedTeams", () => {
  const alerting = { platformTeam: "ml-platform", receivers: { "ml-platform": {}, search: {} } };

  test("names each team without a receiver once, with its models, and who gets its alerts", () => {
    const models = [
      { name: "b-model", team: "cart" },
      { name: "search-ranking", team: "search" },
      { name: "a-model", team: "cart" },
      { name: "ops", team: "ml-platform" },
      { name: "feed", team: "growth" },
    ];
    expect(unroutedTeams(models, alerting)).toEqual([
      { team: "cart", models: ["a-model", "b-model"], to: "ml-platform" },
      { team: "growth", models: ["feed"], to: "ml-platform" },
    ]);
  });

  test("none when every team has a receiver, or none is configured but the team is the platform's", () => {
    expect(unroutedTeams([{ name: "s", team: "search" }], alerting)).toEqual([]);
    expect(
      unroutedTeams([{ name: "p", team: "ml-platform" }], { platformTeam: "ml-platform", receivers: {} }),
    ).toEqual([]);
  });
});

describe("alertRoutingLines", () => {
  test("a stack without receivers says every alert is dropped, not that teams go to the platform team", () => {
    const unrouted = [{ team: "cart", models: ["cart-cross-sell"], to: "ml-platform" }];
    expect(alertRoutingLines(false, unrouted)).toEqual([
      "Alerts of team cart (cart-cross-sell) go to the platform team ml-platform: add alerting.receivers.cart to page the team itself",
    ]);
    expect(alertRoutingLines(true, unrouted)).toEqual([
      "No alert receivers (alerting.receivers is empty): every alert of this stack is dropped; prod refuses this",
    ]);
  });
});

describe("canaryCell", () => {
  test("a canary at 0% shows 0 (it is deployed), no canary shows -", () => {
    expect(canaryCell({ canary: true, canaryPercent: 0 })).toBe("0");
    expect(canaryCell({ canary: false, canaryPercent: 0 })).toBe("-");
    expect(canaryCell({ canary: true, canaryPercent: 10 })).toBe("10");
    // A plan written before the field existed.
    expect(canaryCell({ canaryPercent: 10 })).toBe("10");
  });
});

describe("the instance a pool is priced on", () => {
  test("a multi-GPU instance says it is billed whole, so the GPU column and the cost agree", () => {
    expect(pricedOn({ instanceType: "p4d.24xlarge", capacityType: "spot", pricePerGpuHour: 14.13 })).toBe(
      "p4d.24xlarge spot 14.13/GPU-h, billed whole (8 GPUs)",
    );
    expect(pricedOn({ instanceType: "g6.xlarge", capacityType: "on-demand", pricePerGpuHour: 7 })).toBe(
      "g6.xlarge on-demand 7/GPU-h",
    );
  });
});

describe("models too small for drift detection", () => {
  const spec = (name: string, rpsPerReplica: number, max: number, retrainOn?: string[]) =>
    ({
      name,
      serving: { rpsPerReplica, replicas: { min: 1, max } },
      ...(retrainOn ? { training: { retrainOn } } : {}),
    }) as unknown as ModelSpec;

  test("are named when even replicas.max serves fewer requests than the drift window needs", () => {
    expect(DRIFT_MIN_RPS).toBeCloseTo(500 / 120, 9);
    expect(
      quietDriftModels([spec("tiny", 0.5, 3, ["drift"]), spec("edge", 1, 5), spec("big", 100, 1)]),
    ).toEqual([{ name: "tiny", maxRps: 1.5, retrainOnDrift: true }]);
  });
});

describe("the static baseline line", () => {
  const pools = [
    { purpose: "serving", monthlyCost: { expected: 250 } },
    { purpose: "training", monthlyCost: { expected: 999 } },
  ] as unknown as CapacitySummary["pools"];
  const baseline = (monthlyCost: number, gpus: number) => ({ gpus, monthlyCost, description: "before" });

  test("gives serving's expected cost as a share of it", () => {
    expect(baselineLine({ pools, currency: "CNY", staticBaseline: baseline(1000, 4) })).toBe(
      "  static baseline (before): 4 GPUs, 1,000 CNY/month; serving expected is 25% of it",
    );
  });

  test("with no model gives no share: 0% of nothing is not a saving", () => {
    expect(baselineLine({ pools: [], currency: "CNY", staticBaseline: baseline(0, 0) })).toBe(
      "  static baseline (before): 0 GPUs, 0 CNY/month",
    );
  });
});

describe("the budget verdict beside the totals", () => {
  test("over the budget, it names the figure that is over: the expected total or the budget check", () => {
    const totals = (expected: number) => ({ budget: 400, monthlyCost: { min: 0, expected, max: expected } });
    expect(budgetVerdict({ withinBudget: true, ...totals(300) }, true)).toBe("");
    expect(budgetVerdict({ withinBudget: false, ...totals(420) }, false)).toBe(", EXCEEDED at expected load");
    // Training billed at maxGpus all month can put the check above every total printed.
    expect(budgetVerdict({ withinBudget: false, ...totals(380) }, true)).toBe(
      ", EXCEEDED by the budget check below",
    );
    // The expected total over the budget on its own is said as such, whatever the check adds.
    expect(budgetVerdict({ withinBudget: false, ...totals(420) }, true)).toBe(", EXCEEDED at expected load");
  });
});
