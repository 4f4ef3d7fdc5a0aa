/**
 * The platform dashboard (pure): GPU utilization per pool, GPUs provisioned against what the models'
 * traffic needs, GPU cost per day and GPU-hours per model.
 */
import { replicaPieceSizes } from "../capacity/gpu-slots";
import { gpuInstanceType } from "../capacity/instance-catalog";
import type { ModelSpec } from "../config/model-schema";
import type { GpuPool, StackConfig } from "../config/stack-schema";
import { Dashboard, panels } from "../model/dashboards";
import { SERIES, round } from "../model/promql";
import { modelNamespace } from "../model/variants";
import { PLATFORM_SERIES } from "./platform-rules";

/**
 * Price of one GPU-hour in a pool: the cheapest listed instance type's hourly price divided by its
 * GPUs (Karpenter picks the cheapest fitting type), spot price for spot pools.
 */
export function gpuHourPrice(
  pool: StackConfig["gpuPools"][number],
  cfg: Pick<StackConfig, "pricing">,
): number {
  const prices = pool.instanceTypes.flatMap((t) => {
    const it = gpuInstanceType(t);
    const p = cfg.pricing.instances[t];
    if (!it || !p) return [];
    const hourly = pool.capacityType === "spot" ? (p.spot ?? p.onDemand) : p.onDemand;
    return [hourly / it.gpus];
  });
  return prices.length === 0 ? 0 : round(Math.min(...prices), 6);
}

/**
 * Replicas a model's current traffic needs: requests / (rpsPerReplica x targetUtilization), rounded
 * up, at least replicas.min.
 */
export function replicasNeededExpr(spec: ModelSpec): string {
  const perReplica = round(spec.serving.rpsPerReplica * spec.serving.targetUtilization);
  // `or vector(0)`: a model without traffic (new, or down) still runs replicas.min, and one empty
  // term would empty the whole sum of models.
  return `clamp_min(ceil((sum(${SERIES.modelRequests("5m")}{model="${spec.name}"}) or vector(0)) / ${perReplica}), ${spec.serving.replicas.min})`;
}

/**
 * Whole GPUs the current traffic of the pool's models needs, counted as the plan counts a pool's
 * replicas (gpu-slots.ts `binnedGpus`, through `replicaPieceSizes`): on a time-sliced pool a
 * replica's slices sit on one GPU, so ten replicas of 5 of 8 slices need 10 GPUs, not the 6.25
 * their shares add up to; one-slice replicas of all the models (prod) fill GPUs together, 8 to a
 * GPU; MIG replicas take their devices at the profile's devices per GPU; without sharing a replica
 * takes its whole GPUs. What it cannot see: replicas of different sizes sharing a GPU across models
 * (1-slice replicas of one model in the 3 slices each 5-slice replica of another leaves): each size
 * is counted on GPUs of its own, so on a pool of mixed sizes "needed" reads high by the GPUs the
 * smaller replicas would fill in the larger ones' leftovers; a model's variants, counted as one
 * model's replicas (each variant rounds up and keeps its own minimum); and what the nodes add on
 * top (whole instances, the zone spread, the warm capacity), which "provisioned" includes.
 */
export function gpusNeededExpr(pool: GpuPool, models: readonly ModelSpec[]): string {
  const bySize = new Map<number, { perGpu: number; terms: string[] }>();
  for (const m of models)
    for (const { slots, perReplica, perGpu } of replicaPieceSizes(m.serving.gpu.share, pool)) {
      const size = bySize.get(slots) ?? { perGpu, terms: [] };
      size.terms.push(perReplica === 1 ? replicasNeededExpr(m) : `${replicasNeededExpr(m)} * ${perReplica}`);
      bySize.set(slots, size);
    }
  if (bySize.size === 0) return "vector(0)";
  // Pieces of one size from every model share GPUs: round up once per size, not once per model
  // (twelve one-slice models would each round up to a GPU). A sum of sums: no parentheses needed.
  return [...bySize.values()]
    .map(({ perGpu, terms }) =>
      perGpu === 1 ? terms.join(" + ") : `ceil((${terms.join(" + ")}) / ${perGpu})`,
    )
    .join(" + ");
}

/** The platform dashboard. */
export function platformDashboard(
  cfg: Pick<StackConfig, "gpuPools" | "pricing">,
  models: readonly ModelSpec[],
): Dashboard {
  // A pool with no GPU now (training between runs) has no series: `or vector(0)` keeps its term, or
  // the sum of pools would be empty.
  const cost = cfg.gpuPools
    .map(
      (p) =>
        `(sum(${PLATFORM_SERIES.poolGpus}{pool="${p.name}"}) or vector(0)) * ${gpuHourPrice(p, cfg)} * 24`,
    )
    .join(" + ");
  const servingPools = cfg.gpuPools.filter((p) => p.purpose === "serving");
  const serving = servingPools.map((p) => p.name);
  const needed = servingPools.map((p) =>
    gpusNeededExpr(
      p,
      models.filter((m) => m.serving.gpu.pool === p.name),
    ),
  );
  const defs: { title: string; unit?: string; targets: [string, string][] }[] = [
    {
      title: "GPU utilization per pool",
      unit: "percent",
      targets: [[PLATFORM_SERIES.poolUtilization, "{{pool}}"]],
    },
    {
      title: "GPUs provisioned against needed",
      targets: [
        // Serving pools only: "needed" is the models' serving demand.
        [
          `sum(${PLATFORM_SERIES.poolGpus}{pool=~"${serving.join("|")}"}) or vector(0)`,
          "provisioned (serving)",
        ],
        [needed.length === 0 ? "vector(0)" : needed.join(" + "), "needed by traffic"],
      ],
    },
    { title: "GPU cost per day at the current fleet", targets: [[cost || "vector(0)", "cost/day"]] },
    {
      title: "GPU-hours per model (last 24 h)",
      targets: models.map((m): [string, string] => [
        `avg_over_time(sum(kube_horizontalpodautoscaler_status_current_replicas{namespace="${modelNamespace(m)}",horizontalpodautoscaler=~"keda-hpa-.+"})[1d:5m]) * ${m.serving.gpu.share} * 24`,
        m.name,
      ]),
    },
  ];
  return {
    uid: "mlops-platform",
    title: "MLOps platform: GPUs and cost",
    tags: ["mlops", "platform"],
    schemaVersion: 39,
    time: { from: "now-7d", to: "now" },
    refresh: "1m",
    panels: panels(defs),
  };
}
