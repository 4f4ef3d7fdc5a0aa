/**
 * KEDA `ScaledObject` (keda.sh/v1alpha1) per serving variant, and the request-rate query it scales
 * on. Pure builder.
 *
 * KEDA with `metricType: AverageValue` divides the query result by the current replica count, so
 * the threshold is the request rate one replica should carry: `rpsPerReplica x targetUtilization`
 * (the headroom absorbs bursts while new pods start). The HPA behaviour is the capacity planner's
 * `scalingBehavior()` - up at once (+100% or +4 pods per 15 s), down only after a 300 s stabilisation
 * window, with the cluster's HPA tolerance - the same controls `npm run simulate` replays, so the measured utilization and SLO misses
 * are those of what is deployed (Kubernetes HPA docs, "Configurable scaling behavior").
 */
import { NAMESPACES } from "../addons/addons-context";
import { HpaTolerance, scalingBehavior } from "../capacity/hpa-behavior";
import type { ModelSpec } from "../config/model-schema";
import { requestRateQuery } from "./request-metrics";
import { predictorName } from "./variants";

/** In-cluster Prometheus of kube-prometheus-stack (service `<release>-prometheus`, port 9090). */
export const PROMETHEUS_URL = `http://kube-prometheus-stack-prometheus.${NAMESPACES.monitoring}.svc:9090`;

/** Inputs of one variant's ScaledObject. */
export interface ScaledObjectInputs {
  readonly model: string;
  /** The model's runtime: which counters its request rate is read from (`request-metrics.ts`). */
  readonly runtime: ModelSpec["serving"]["runtime"];
  /** Triton's model clients call (`serving.servedModel`), whose counters alone are read. */
  readonly servedModel?: string;
  readonly variant: string;
  readonly isvcName: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly rpsPerReplica: number;
  readonly targetUtilization: number;
  /**
   * Triggers appended after the request-rate trigger (forecast, sales-event cron); KEDA scales to
   * the largest replica count any trigger asks for.
   * @default []
   */
  readonly extraTriggers?: readonly object[];
  /**
   * Replaces `minReplicas` (e.g. a forecast floor from capacity planning); clamped to maxReplicas.
   * @default minReplicas
   */
  readonly minReplicaOverride?: number;
  /** Prometheus address. @default PROMETHEUS_URL */
  readonly prometheusUrl?: string;
  /**
   * HPA tolerance per direction (`hpaTolerance(kubernetesVersion)`).
   * @default the Kubernetes default, not written
   */
  readonly tolerance?: HpaTolerance;
}

/** Per-replica request-rate threshold, rounded to 2 decimals (KEDA parses it as a quantity). */
export function rpsThreshold(rpsPerReplica: number, targetUtilization: number): string {
  return String(Math.round(rpsPerReplica * targetUtilization * 100) / 100);
}

/** The ScaledObject object. */
export function buildScaledObject(inp: ScaledObjectInputs): Record<string, unknown> {
  const min = Math.min(inp.minReplicaOverride ?? inp.minReplicas, inp.maxReplicas);
  return {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: inp.isvcName, namespace: inp.namespace, labels: inp.labels },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: predictorName(inp.isvcName) },
      pollingInterval: 15,
      // Only used for scaling to zero (minReplicaCount 0): wait 5 minutes of no traffic first.
      cooldownPeriod: 300,
      minReplicaCount: min,
      maxReplicaCount: inp.maxReplicas,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: scalingBehavior(inp.tolerance),
        },
      },
      triggers: [
        {
          type: "prometheus",
          name: "request-rate",
          metricType: "AverageValue",
          metadata: {
            serverAddress: inp.prometheusUrl ?? PROMETHEUS_URL,
            query: requestRateQuery(
              { name: inp.model, serving: { runtime: inp.runtime, servedModel: inp.servedModel } },
              inp.variant,
            ),
            threshold: rpsThreshold(inp.rpsPerReplica, inp.targetUtilization),
            // No traffic at all must not wake a scaled-to-zero variant.
            activationThreshold: "0.5",
          },
        },
        ...(inp.extraTriggers ?? []),
      ],
    },
  };
}
