/**
 * Stack check: at full scale-out every model on a pool (maxReplicas x GPU share) must fit the pool's
 * `maxGpus`; otherwise the last replicas of a traffic peak stay Pending exactly when needed.
 * A model's canary and experiments split its traffic, so they add one replica each to stable's max
 * (`peakReplicas`), not their own max: a prod canary of a large model would otherwise fail the check.
 * On a time-sliced pool the replicas are counted GPU by GPU, as the packing places them
 * (`demandGpus`): a replica's slices sit on one GPU, so ten replicas of 5/8 GPU need 10 GPUs, not
 * the 6.25 their shares add up to, and a pool of 8 cannot hold them.
 */
import { ALWAYS_MANDATORY, PlatformPolicy, configWithDefaults } from "../lib/platform-policy";
import {
  CAPACITY_CONFIG_SCHEMA,
  CapacityPolicyConfig,
  demandGpus,
  demandsFromResources,
  peakReplicas,
} from "../lib/capacity";

/**
 * The GPUs the models on each pool hold at `maxReplicas` (`demandGpus`: shares summed, time-slices
 * counted GPU by GPU) are at most the pool's `maxGpus`.
 */
export const mlopsModelGpuDemandFitsPool: PlatformPolicy = {
  checks:
    "sum of maxReplicas x GPU share of the models on each pool (on a time-sliced pool counted GPU by GPU: a replica's slices on one GPU) fits the pool's maxGpus, a canary or experiment counting one replica over its model's (needs capacity config)",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "mlops-model-gpu-demand-fits-pool",
    description: "Every model's maximum GPU demand must fit its pool's maxGpus.",
    enforcementLevel: "mandatory",
    configSchema: CAPACITY_CONFIG_SCHEMA,
    validateStack: (args, report) => {
      const cfg = configWithDefaults<CapacityPolicyConfig>(args, {});
      const pools = cfg.pools ?? [];
      if (pools.length === 0) args.notApplicable("needs the capacity config { pools, budget, pricing }");
      const demands = cfg.models ?? demandsFromResources(args.resources, pools);
      for (const d of demands) {
        if (!pools.some((p) => p.name === d.pool)) {
          report(
            `Model ${d.name} uses GPU pool ${d.pool}, which this stack does not define; use one of ${pools.map((p) => p.name).join(", ")}.`,
          );
        }
      }
      for (const pool of pools) {
        const onPool = demands
          .filter((d) => d.pool === pool.name)
          .map((d, _i, all) => ({ name: d.name, share: d.share, replicas: peakReplicas(d, all) }));
        const total = demandGpus(pool, onPool);
        if (total <= pool.maxGpus + 1e-9) continue;
        const shares = onPool.reduce((s, d) => s + d.replicas * d.share, 0);
        const parts = onPool
          .sort((a, b) => b.replicas * b.share - a.replicas * a.share)
          .map((d) => `${d.name} ${d.replicas}x${Number(d.share.toFixed(4))}`)
          .join(", ");
        // Where the GPU count is above the shares' sum, say why: 10x0.625 reads as 6.25 otherwise.
        const binned =
          total > shares + 1e-9
            ? `; a replica's time-slices sit on one GPU, so shares of ${Number(shares.toFixed(2))} GPUs fill ${Number(total.toFixed(2))}`
            : "";
        // A MIG pool takes one share only, its profile's: there the replicas are what can change.
        const lower =
          pool.sharing?.mode === "mig" ? "serving.replicas.max" : "serving.replicas.max / serving.gpu.share";
        report(
          `GPU pool ${pool.name} needs ${Number(total.toFixed(2))} GPUs at full scale-out (${parts}${binned}) but maxGpus is ${pool.maxGpus}; raise the pool's maxGpus or lower ${lower}.`,
        );
      }
    },
  },
};
