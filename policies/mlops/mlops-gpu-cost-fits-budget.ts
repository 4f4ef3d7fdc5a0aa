/**
 * Stack check: the worst-case monthly GPU bill fits `budget.monthlyGpuCost`. Worst case per pool:
 * serving pools at the models' peak demand (at least minGpus, at most maxGpus), pools without known
 * demand (training) at maxGpus, all month, at the pool's cheapest price per GPU-hour.
 */
import { ADVISORY_IN_STAGING, PlatformPolicy, configWithDefaults } from "../lib/platform-policy";
import {
  CAPACITY_CONFIG_SCHEMA,
  CapacityPolicyConfig,
  demandsFromResources,
  gpuHourPrice,
} from "../lib/capacity";

/** Worst-case monthly GPU cost per pool and in total; pools without a price are listed apart. */
export function worstCaseMonthlyCost(
  cfg: CapacityPolicyConfig,
  demands: readonly { pool: string; share: number; maxReplicas: number }[],
): { total: number; byPool: { pool: string; gpus: number; cost: number }[]; unpriced: string[] } {
  const hours = cfg.hoursPerMonth ?? 730;
  const byPool: { pool: string; gpus: number; cost: number }[] = [];
  const unpriced: string[] = [];
  for (const pool of cfg.pools ?? []) {
    const onPool = demands.filter((d) => d.pool === pool.name);
    const demand = Math.ceil(onPool.reduce((s, d) => s + d.maxReplicas * d.share, 0) - 1e-9);
    const gpus =
      onPool.length > 0 ? Math.min(pool.maxGpus, Math.max(pool.minGpus ?? 0, demand)) : pool.maxGpus;
    const price = gpuHourPrice(pool, cfg.pricing);
    if (price === undefined) {
      unpriced.push(pool.name);
      continue;
    }
    byPool.push({ pool: pool.name, gpus, cost: gpus * price * hours });
  }
  return { total: byPool.reduce((s, p) => s + p.cost, 0), byPool, unpriced };
}

/** The worst-case monthly GPU cost is within the stack's budget (advisory in staging, mandatory in prod). */
export const mlopsGpuCostFitsBudget: PlatformPolicy = {
  checks:
    "worst-case monthly GPU cost (peak demand, cheapest GPU-hour) fits budget.monthlyGpuCost (needs capacity config)",
  enforcement: ADVISORY_IN_STAGING,
  policy: {
    name: "mlops-gpu-cost-fits-budget",
    description: "The maximum monthly GPU cost must fit the stack's GPU budget.",
    enforcementLevel: "mandatory",
    configSchema: CAPACITY_CONFIG_SCHEMA,
    validateStack: (args, report) => {
      const cfg = configWithDefaults<CapacityPolicyConfig>(args, {});
      if ((cfg.pools ?? []).length === 0 || cfg.budget === undefined) {
        args.notApplicable("needs the capacity config { pools, budget, pricing }");
      }
      const demands = cfg.models ?? demandsFromResources(args.resources, cfg.pools ?? []);
      const { total, byPool, unpriced } = worstCaseMonthlyCost(cfg, demands);
      const currency = cfg.pricing?.currency ?? "";
      if (unpriced.length > 0) {
        report(
          `GPU pool(s) ${unpriced.join(", ")} have no price for any instance type; add them to pricing.instances so the budget can be checked.`,
        );
      }
      const budget = cfg.budget?.monthlyGpuCost ?? Infinity;
      if (total > budget) {
        const parts = byPool.map((p) => `${p.pool} ${p.gpus} GPUs ${Math.round(p.cost)}`).join(", ");
        report(
          `Worst-case GPU cost is ${Math.round(total)} ${currency}/month (${parts}), above the budget of ${budget} ${currency}; lower pool maxGpus or model replicas.max/share, use cheaper instance types or spot, or raise budget.monthlyGpuCost.`,
        );
      }
    },
  },
};
