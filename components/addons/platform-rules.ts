/**
 * Platform-level rules (pure): GPU utilization per pool from DCGM joined to the node's pool label,
 * `GpuPoolSaturated` / `GpuUtilizationLow` per pool, autoscalers pinned at their maximum and GPU pods
 * that cannot be scheduled; GPU health (missing DCGM telemetry) in `gpu-health-rules.ts`. DCGM cannot attribute utilization to pods under time-slicing
 * (dcgm-exporter issues 307, 587), so everything here is per node/pool, never per model.
 */
import type { GpuPool, StackConfig } from "../config/stack-schema";
import type { PromRule, PromRuleFile } from "../model/promql";
import { GPU_POOL_LABELS } from "./addons-context";
import { GPU_HEALTH_ALERTS, gpuHealthRules } from "./gpu-health-rules";
import { PLATFORM_SERIES } from "./platform-series";

export { PLATFORM_SERIES } from "./platform-series";

/** Platform alert names (DESIGN section 5 plus extensions). */
export const PLATFORM_ALERTS = {
  saturated: "GpuPoolSaturated",
  low: "GpuUtilizationLow",
  atMax: "ModelReplicasAtMax",
  unschedulable: "GpuPodsUnschedulable",
  ...GPU_HEALTH_ALERTS,
} as const;

/** Utilization above which a pool at its GPU limit is saturated. */
export const SATURATED_UTILIZATION = 85;
/** Utilization below which a pool above its floor wastes GPUs (the platform's pain was 35%). */
export const LOW_UTILIZATION = 30;

/**
 * A KEDA-managed HPA (KEDA names it keda-hpa-<ScaledObject>) at its maximum that wants more: the
 * HPA's `ScalingLimited` condition is true there only with reason `TooManyReplicas` (the metrics
 * ask for more than max; kube-state-metrics exports the condition, not the reason). Being at max
 * alone is no alarm: the drain spare may ask for exactly max at night (a model needing one replica
 * of max 2), and `ScalingLimited` is then false (`DesiredWithinRange`). An HPA whose min equals its
 * max (a pinned staging model) is left out: below its min it is `ScalingLimited`
 * (`TooFewReplicas`) while at max.
 * Labelled `model` from the namespace (a model's namespace is its name, `modelNamespace`): DESIGN
 * section 5 gives every model alert that label, which Alertmanager groups and inhibits by.
 */
export function replicasAtMaxExpr(): string {
  const hpa = "on(namespace, horizontalpodautoscaler)";
  return (
    `label_replace((kube_horizontalpodautoscaler_status_current_replicas{horizontalpodautoscaler=~"keda-hpa-.*"} >= ${hpa} kube_horizontalpodautoscaler_spec_max_replicas)` +
    ` and ${hpa} (kube_horizontalpodautoscaler_status_condition{condition="ScalingLimited", status="true"} == 1)` +
    ` and ${hpa} (kube_horizontalpodautoscaler_spec_min_replicas < ${hpa} kube_horizontalpodautoscaler_spec_max_replicas),` +
    ` "model", "$1", "namespace", "(.*)")`
  );
}

/**
 * kube-state-metrics exports a node label as `label_<name with non-alphanumerics as _>` once it is in
 * `--metric-labels-allowlist` (kube-prometheus-stack: `kube-state-metrics.metricLabelsAllowlist:
 * ["nodes=[mlops.io/gpu-pool,mlops.io/gpu-purpose]"]`).
 */
export function ksmLabel(nodeLabel: string): string {
  return `label_${nodeLabel.replace(/[^a-zA-Z0-9]/g, "_")}`;
}

/**
 * Pod names of training runs (`<model>-train-<suffix>`: the DAG's pod name and the operator's random
 * suffix, letters and digits): they wait Pending by design while a training pool is at `maxGpus`
 * (nightly runs queue), which is no provisioning failure. The suffix has no hyphen, so a serving pod
 * of a model whose name holds `-train-` (`pre-train-ranker-predictor-<hash>-<hash>`) still counts.
 */
export const TRAINING_POD_PATTERN = ".+-train-[a-z0-9]+";

function poolRules(pool: GpuPool, team: string): PromRule[] {
  const p = `{pool="${pool.name}"}`;
  const labels = (severity: string) => ({ team, severity, pool: pool.name });
  return [
    {
      alert: PLATFORM_ALERTS.saturated,
      expr: `${PLATFORM_SERIES.poolUtilization}${p} > ${SATURATED_UTILIZATION} and on(pool) ${PLATFORM_SERIES.poolGpus}${p} >= ${pool.maxGpus}`,
      for: "15m",
      // A training pool busy at its limit is its nightly normal (runs queue for GPUs by design): a
      // capacity ticket, not a page; a serving pool there cannot scale for traffic and pages.
      labels: labels(pool.purpose === "training" ? "ticket" : "page"),
      annotations: {
        summary: `GPU pool ${pool.name} is at its ${pool.maxGpus}-GPU limit and over ${SATURATED_UTILIZATION}% busy`,
        description:
          "Raise gpuPools[].maxGpus or move models to another pool; autoscaling cannot add capacity.",
      },
    },
    {
      alert: PLATFORM_ALERTS.low,
      expr: `${PLATFORM_SERIES.poolUtilization}${p} < ${LOW_UTILIZATION} and on(pool) ${PLATFORM_SERIES.poolGpus}${p} > ${pool.minGpus}`,
      // Long: diurnal troughs are expected; only a pool idle for most of a shift is waste.
      for: "6h",
      labels: labels("ticket"),
      annotations: {
        summary: `GPU pool ${pool.name} under ${LOW_UTILIZATION}% busy for 6 hours`,
        description: "Check replicas.min, GPU shares and consolidation (gpuPools[].consolidateAfter).",
      },
    },
  ];
}

/** The platform rule file for a stack. */
export function platformRules(config: Pick<StackConfig, "gpuPools" | "alerting">): PromRuleFile {
  const team = config.alerting.platformTeam;
  const poolLabel = ksmLabel(GPU_POOL_LABELS.pool);
  const purposeLabel = ksmLabel(GPU_POOL_LABELS.purpose);
  // dcgm-exporter sets `Hostname` to the Kubernetes node name (NODE_NAME) when run by the GPU
  // Operator, and labels each GPU with the pod it last saw using it: under time-slicing that label
  // changes as pods come and go, and a range over the raw series would count the GPU once per pod
  // for 5 minutes. One series per physical GPU first (`gpuUtilization`), then the range.
  // A GPU in MIG mode has no DCGM_FI_DEV_GPU_UTIL (dcgm-exporter issues 105, 216, 430): its MIG
  // devices report DCGM_FI_PROF_GR_ENGINE_ACTIVE (a 0-1 ratio, in dcgm-exporter's default counters),
  // labelled GPU_I_ID, one series per device. A MIG pool has one profile, so its devices weigh alike
  // in the pool's average; GPUs are counted once each.
  const toNode = (metric: string) => `label_replace(${metric}, "node", "$1", "Hostname", "(.*)")`;
  const perGpu =
    `max by (node, gpu) (${toNode("DCGM_FI_DEV_GPU_UTIL")})` +
    ` or max by (node, gpu, GPU_I_ID) (${toNode('DCGM_FI_PROF_GR_ENGINE_ACTIVE{GPU_I_ID!=""}')} * 100)`;
  const join = `on(node) group_left(pool, purpose) ${PLATFORM_SERIES.nodePool}`;
  return {
    groups: [
      {
        name: "mlops-platform-gpu",
        interval: "30s",
        rules: [
          {
            record: PLATFORM_SERIES.nodePool,
            expr: `max by (node, pool, purpose) (label_replace(label_replace(kube_node_labels{${poolLabel}!=""}, "pool", "$1", "${poolLabel}", "(.*)"), "purpose", "$1", "${purposeLabel}", "(.*)"))`,
          },
          { record: PLATFORM_SERIES.gpuUtilization, expr: perGpu },
          {
            record: PLATFORM_SERIES.poolUtilization,
            expr: `avg by (pool) (avg_over_time(${PLATFORM_SERIES.gpuUtilization}[5m]) * ${join})`,
          },
          // GPUs present now: no range, so a removed node stops counting at once.
          {
            record: PLATFORM_SERIES.poolGpus,
            expr: `count by (pool) (max by (node, gpu) (${PLATFORM_SERIES.gpuUtilization}) * ${join})`,
          },
          ...config.gpuPools.flatMap((pool) => poolRules(pool, team)),
          ...gpuHealthRules(team),
          {
            alert: PLATFORM_ALERTS.atMax,
            expr: replicasAtMaxExpr(),
            for: "15m",
            labels: { team, severity: "ticket" },
            annotations: {
              summary:
                "{{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} held at replicas.max for 15 minutes",
              description:
                "The autoscaler wants more replicas than replicas.max (traffic or its forecast exceeds what replicas.max x rpsPerReplica serves at the target); raise replicas.max or rpsPerReplica.",
            },
          },
          {
            alert: PLATFORM_ALERTS.unschedulable,
            // Pending pods that request GPUs: Karpenter failed (or is slow) to provision a node. A training
            // run's pod is left out: it queues Pending by design while its pool is at maxGpus.
            expr: `sum by (namespace) (max by (namespace, pod) (kube_pod_status_phase{phase="Pending",pod!~"${TRAINING_POD_PATTERN}"}) * on(namespace, pod) group_left() (max by (namespace, pod) (kube_pod_container_resource_requests{resource="nvidia_com_gpu"}) > bool 0)) > 0`,
            for: `${Math.max(...config.gpuPools.map((p) => p.provisioningSeconds)) + 300}s`,
            labels: { team, severity: "page" },
            annotations: {
              summary: "GPU pods in {{ $labels.namespace }} pending longer than node provisioning takes",
              description:
                "Check Karpenter's logs and karpenter_nodeclaims_* metrics: capacity, quotas or spot availability.",
            },
          },
        ],
      },
    ],
  };
}
