/**
 * The HPA side of a model's autoscaling: the requests/s per replica KEDA hands the HPA as its target
 * (current traffic and forecast), the HPA's tolerance and its scale-up/scale-down behaviour. The
 * simulator's `platform` strategy uses exactly these values. Pure: no Pulumi imports.
 */
import type { ModelSpec } from "../config/model-schema";

/** HPA scale-down stabilisation (the Kubernetes default, which KEDA keeps): 300 s. */
export const SCALE_DOWN_STABILIZATION_SECONDS = 300;

/**
 * Requests/s per replica KEDA aims for: `rpsPerReplica` is what one replica serves within the
 * latency SLO (load test), `targetUtilization` the headroom for noise and the reaction time.
 */
export function kedaTargetPerReplica(spec: ModelSpec): number {
  return spec.serving.rpsPerReplica * spec.serving.targetUtilization;
}

/**
 * Fraction of the current-traffic target the forecast trigger aims for. 1: the forecast series
 * already carries its model's noise band (`forecastWithBand`). Before the band a fixed 0.97 gave
 * 84.4% utilization and 0.045% SLO misses on the sample week, but 0.4% misses at 5% per-minute noise.
 */
export const FORECAST_TARGET_FACTOR = 1;

/** Requests/s per replica the forecast trigger aims for (threshold of the `traffic-forecast` trigger). */
export function forecastTargetPerReplica(spec: ModelSpec): number {
  return kedaTargetPerReplica(spec) * FORECAST_TARGET_FACTOR;
}

/** Tolerance of the HPA on each side: a usage ratio within it of 1 changes nothing. */
export interface HpaTolerance {
  readonly scaleUp: number;
  readonly scaleDown: number;
}

/** Kubernetes' cluster-wide default (kube-controller-manager `--horizontal-pod-autoscaler-tolerance`). */
export const HPA_DEFAULT_TOLERANCE: HpaTolerance = { scaleUp: 0.1, scaleDown: 0.1 };

/**
 * The per-HPA tolerance the platform deploys (`behavior.scaleUp/scaleDown.tolerance`, KEP-4951).
 * With the default 10%, a replica set at target 0.9 only grows once usage reaches 99% of what it
 * serves within the SLO, and at 60 replicas it ignores a shortfall of 6: both cost SLO minutes or
 * force a low target. Scale-up acts on any excess (0); scale-down keeps 2% of hysteresis, and the
 * 300 s stabilisation window below still keeps noise from flapping replicas.
 */
export const PLATFORM_HPA_TOLERANCE: HpaTolerance = { scaleUp: 0, scaleDown: 0.02 };

/**
 * First Kubernetes minor version whose API server and controller manager honour a per-HPA
 * tolerance by default: the `HPAConfigurableTolerance` feature gate is alpha (off) in 1.33-1.34 and
 * beta (on) from 1.35 (KEP-4951 kep.yaml; Kubernetes feature-gates reference). KEDA copies
 * `advanced.horizontalPodAutoscalerConfig.behavior` into the HPA it owns and carries the field from
 * v2.18 (keda-docs #1660).
 */
export const CONFIGURABLE_TOLERANCE_SINCE = "1.35";

/**
 * The tolerance HPAs get on a cluster of `kubernetesVersion`: the platform's where the API honours
 * it; the default elsewhere (an older API server would drop the field, so it is not written).
 */
export function hpaTolerance(kubernetesVersion: string): HpaTolerance {
  const minor = (v: string) => Number(v.split(".")[1] ?? 0);
  return minor(kubernetesVersion) >= minor(CONFIGURABLE_TOLERANCE_SINCE)
    ? PLATFORM_HPA_TOLERANCE
    : HPA_DEFAULT_TOLERANCE;
}

/**
 * HPA behaviour for the ScaledObject (`spec.advanced.horizontalPodAutoscalerConfig.behavior`):
 * scale up at once (no stabilisation; double or +4 pods per 15 s, whichever is more, the HPA
 * defaults), scale down only after 300 s of lower recommendations so a dip does not throw away
 * replicas that cost a cold start to bring back. A `tolerance` other than the default is written
 * per direction as a quantity string (the CRD field is int-or-string, so 0.02 must be quoted).
 */
export function scalingBehavior(tolerance: HpaTolerance = HPA_DEFAULT_TOLERANCE): Record<string, unknown> {
  const custom = tolerance !== HPA_DEFAULT_TOLERANCE;
  const tol = (x: number) => (custom ? { tolerance: String(x) } : {});
  return {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [
        { type: "Percent", value: 100, periodSeconds: 15 },
        { type: "Pods", value: 4, periodSeconds: 15 },
      ],
      ...tol(tolerance.scaleUp),
    },
    scaleDown: {
      stabilizationWindowSeconds: SCALE_DOWN_STABILIZATION_SECONDS,
      policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
      ...tol(tolerance.scaleDown),
    },
  };
}
