/**
 * What the replay's modelled HPA proposes for one model in one minute: the per-metric rule
 * (`propose`), the replica bounds (`clampReplicas`) and what `platform`'s forecast trigger reads
 * (`platformForecast`). Pure: no Pulumi imports.
 */
import type { ModelSpec } from "../config/model-schema";
import { HPA_DEFAULT_TOLERANCE, HpaTolerance } from "./hpa-behavior";
import { forecastLevelAndBand } from "./forecast";
import { EventWindow } from "./event-windows";
import type { ModelCtx } from "./replay-context";

/**
 * What `platform`'s forecast trigger reads: `forecastWithBand` at `forecastTarget` per replica, and
 * the level under it (`forecastAt`), which the drain-spare trigger reads.
 */
export function platformForecast(
  c: ModelCtx,
  t: number,
  nowMs: number,
  events: readonly EventWindow[],
): { rps: number; perReplica: number; level: number } {
  const { level, withBand } = forecastLevelAndBand(
    c.series,
    t,
    c.lead,
    { nowMs, events },
    c.spec.serving.targetUtilization,
  );
  return { rps: withBand, perReplica: c.forecastTarget, level };
}

/**
 * HPA proposal for one metric: unchanged while the usage ratio `value / (target × current)` is
 * within the tolerance of 1 on its side (Kubernetes replica_calculator: above 1 by at most
 * `scaleUp`, below by at most `scaleDown`), else `ceil(value / target)`.
 */
export function propose(
  value: number,
  target: number,
  current: number,
  tolerance: HpaTolerance = HPA_DEFAULT_TOLERANCE,
): number {
  if (current > 0) {
    const ratio = value / (target * current);
    if (ratio >= 1 ? ratio - 1 <= tolerance.scaleUp : 1 - ratio <= tolerance.scaleDown) return current;
  }
  return Math.ceil(value / target - 1e-9);
}

/** The spec's replica bounds (`replicas.min`-`replicas.max`) applied to a proposal. */
export function clampReplicas(spec: ModelSpec, r: number): number {
  return Math.min(spec.serving.replicas.max, Math.max(spec.serving.replicas.min, r));
}
