/**
 * The platform dashboard (pure): GPU utilization per pool, GPUs provisioned against what the models'
 * traffic needs, GPU cost per day and GPU-hours per model.
 */
import { gpuInstanceType } from "../capacity/instance-catalog";
import type { ModelSpec } from "../config/model-schema";
import type { StackConfig } from "../config/stack-schema";
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
 * GPUs a model's current traffic needs: requests / (rpsPerReplica x targetUtilization), at least
 * replicas.min, times the GPU share per replica.
 */
export function gpusNeededExpr(spec: ModelSpec): string {
  const perReplica = round(spec.serving.rpsPerReplica * spec.serving.targetUtilization);
  // `or vector(0)`: a model without traffic (new, or down) still runs replicas.min, and one empty
  // term would empty the whole sum of models.
  return `clamp_min(ceil((sum(${SERIES.modelRequests("5m")}{model="${spec.name}"}) or vector(0)) / ${perReplica}), ${spec.serving.replicas.min}) * ${spec.serving.gpu.share}`;
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
  const serving = cfg.gpuPools.filter((p) => p.purpose === "serving").map((p) => p.name);
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
        [
          models.length === 0 ? "vector(0)" : models.map((m) => `(${gpusNeededExpr(m)})`).join(" + "),
          "needed by traffic",
        ],
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
