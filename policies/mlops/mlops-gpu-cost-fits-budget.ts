/**
 * Stack check: the expected monthly GPU bill fits `budget.monthlyGpuCost`. Serving pools are costed
 * at the expected load: each model's mean request rate over the stack's traffic history
 * (`trafficHistory`, passed as `expectedRps`) at its target per replica, within its replica bounds;
 * a model without history counts at `replicas.max` (its canary or experiments one replica each on
 * top: they split its traffic), so a new model cannot slip past the budget.
 * Those replicas are packed onto whole nodes per zone with `packPool`, the packing the plan's cost
 * summary uses, and billed at most at `maxGpus` (`billedAtLimit`), so the plan's budget verdict and
 * this policy's agree. A serving pool no model uses costs its `minGpus`; pools without known demand
 * (training) count at `maxGpus` all month at the pool's cheapest GPU-hour.
 *
 * Why expected and not all-at-max: `replicas.max` is sized for the declared sales events (an 8x
 * Double-12 peak for three hours); a month at that level bills 8x the work and would make any budget
 * that fits the real spend fail. The hard ceiling is the pools' `maxGpus` (Karpenter NodePool limits,
 * `mlops-model-gpu-demand-fits-pool`), and `npm run simulate` gives the replayed cost.
 */
import { gpuInstanceType } from "../../components/capacity/instance-catalog";
import { PackingPool } from "../../components/capacity/instance-mix";
import { billedAtLimit, packPool } from "../../components/capacity/packing";
import { ADVISORY_IN_STAGING, PlatformPolicy, configWithDefaults } from "../lib/platform-policy";
import {
  CAPACITY_CONFIG_SCHEMA,
  CapacityPool,
  CapacityPolicyConfig,
  ModelDemand,
  demandsFromResources,
  expectedReplicas,
  gpuHourPrice,
  poolSharing,
  shareDevices,
} from "../lib/capacity";

/** One pool's share of the expected bill. */
export interface PoolCost {
  readonly pool: string;
  readonly gpus: number;
  readonly cost: number;
  /** Models counted at their max for want of history, each once (its variants with it). */
  readonly withoutHistory: readonly string[];
}

/** Expected monthly GPU cost per pool and in total; pools without a price are listed apart. */
export function expectedMonthlyCost(
  cfg: CapacityPolicyConfig,
  demands: readonly ModelDemand[],
): { total: number; byPool: PoolCost[]; unpriced: string[] } {
  const hours = cfg.hoursPerMonth ?? 730;
  const byPool: PoolCost[] = [];
  const unpriced: string[] = [];
  for (const pool of cfg.pools ?? []) {
    const onPool = demands.filter((d) => d.pool === pool.name);
    const price = gpuHourPrice(pool, cfg.pricing);
    if (price === undefined) {
      unpriced.push(pool.name);
      continue;
    }
    // Named by model, once: a variant's InferenceService name can be another model's (feed-ab's
    // canary and the model feed-ab-canary are both feed-ab-canary, in their own namespaces).
    const withoutHistory = [
      ...new Set(
        onPool
          .filter((d) => d.model === undefined || cfg.expectedRps?.[d.model] === undefined)
          .map((d) => d.model ?? d.name),
      ),
    ];
    // A serving pool no model uses costs its warm capacity (`minGpus`), as in the plan's summary;
    // a pool of unknown demand (training: its jobs are not InferenceServices) counts at `maxGpus`.
    const packed =
      onPool.length > 0 || pool.purpose === "serving" ? packedCost(pool, cfg, onPool, hours) : undefined;
    const gpus = packed?.gpus ?? pool.maxGpus;
    byPool.push({ pool: pool.name, gpus, cost: packed?.monthlyCost ?? gpus * price * hours, withoutHistory });
  }
  return { total: byPool.reduce((s, p) => s + p.cost, 0), byPool, unpriced };
}

/**
 * The pool's expected replicas packed onto whole nodes per zone, billed up to `maxGpus`; `undefined`
 * when no priced instance type holds the largest replica (`mlops-model-gpu-demand-fits-pool` reports
 * that), and the caller falls back to the pool at `maxGpus`.
 */
function packedCost(
  pool: CapacityPool,
  cfg: CapacityPolicyConfig,
  demands: readonly ModelDemand[],
  hours: number,
): { gpus: number; monthlyCost: number } | undefined {
  const instances = cfg.pricing?.instances ?? {};
  const capacityType = pool.capacityType ?? "on-demand";
  const priced = (pool.instanceTypes ?? []).filter((t) => {
    const p = instances[t];
    return (
      gpuInstanceType(t) !== undefined && (capacityType === "spot" ? p?.spot : p?.onDemand) !== undefined
    );
  });
  const packing: PackingPool = {
    name: pool.name,
    instanceTypes: priced,
    capacityType,
    sharing: poolSharing(pool),
    minGpus: pool.minGpus ?? 0,
    maxGpus: pool.maxGpus,
  };
  try {
    const p = packPool(
      packing,
      { pricing: { instances }, cluster: { availabilityZones: cfg.availabilityZones ?? 1 } },
      demands.map((d) => ({
        model: d.name,
        devices: shareDevices(pool, d.share),
        replicas: expectedReplicas(d, cfg.expectedRps, demands),
      })),
    );
    return billedAtLimit(p, pool.maxGpus, hours);
  } catch {
    return undefined;
  }
}

/** The expected monthly GPU cost is within the stack's budget (advisory in staging, mandatory in prod). */
export const mlopsGpuCostFitsBudget: PlatformPolicy = {
  checks:
    "expected monthly GPU cost (serving at the traffic history's mean load, models without history at max, packed onto whole nodes per zone, at most maxGpus; a serving pool without models at minGpus; training at maxGpus, cheapest GPU-hour) fits budget.monthlyGpuCost (needs capacity config)",
  enforcement: ADVISORY_IN_STAGING,
  policy: {
    name: "mlops-gpu-cost-fits-budget",
    description: "The expected monthly GPU cost must fit the stack's GPU budget.",
    enforcementLevel: "mandatory",
    configSchema: CAPACITY_CONFIG_SCHEMA,
    validateStack: (args, report) => {
      const cfg = configWithDefaults<CapacityPolicyConfig>(args, {});
      if ((cfg.pools ?? []).length === 0 || cfg.budget === undefined) {
        args.notApplicable("needs the capacity config { pools, budget, pricing }");
      }
      const demands = cfg.models ?? demandsFromResources(args.resources, cfg.pools ?? []);
      const { total, byPool, unpriced } = expectedMonthlyCost(cfg, demands);
      const currency = cfg.pricing?.currency ?? "";
      if (unpriced.length > 0) {
        report(
          `GPU pool(s) ${unpriced.join(", ")} have no price for any instance type; add them to pricing.instances so the budget can be checked.`,
        );
      }
      const budget = cfg.budget?.monthlyGpuCost ?? Infinity;
      if (total > budget) {
        const parts = byPool.map((p) => `${p.pool} ${p.gpus} GPUs ${Math.round(p.cost)}`).join(", ");
        const missing = byPool.flatMap((p) => p.withoutHistory);
        const basis =
          cfg.expectedRps === undefined
            ? "no traffic history: every model at replicas.max"
            : `mean load of ${cfg.trafficHistory ?? "the traffic history"}` +
              (missing.length > 0 ? `; at replicas.max without history: ${missing.join(", ")}` : "");
        report(
          `Expected GPU cost is ${Math.round(total)} ${currency}/month (${parts}; ${basis}), above the budget of ${budget} ${currency}; lower model replicas or share, pool maxGpus for pools without known demand, use cheaper instance types or spot, or raise budget.monthlyGpuCost.`,
        );
      }
    },
  },
};
