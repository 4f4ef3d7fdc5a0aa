/**
 * GPU health rules of the platform (pure): a GPU node whose DCGM telemetry never arrived or stopped
 * (`GpuTelemetryMissing`). Read from the series `platform-rules.ts` records (one per GPU node from
 * kube-state-metrics, one per physical GPU from dcgm-exporter), into the platform team's group.
 */
import type { PromRule } from "../model/promql";
import { PLATFORM_SERIES } from "./platform-series";

/** Alert names of the GPU health rules (merged into `PLATFORM_ALERTS`). */
export const GPU_HEALTH_ALERTS = {
  telemetryMissing: "GpuTelemetryMissing",
} as const;

/**
 * How long a GPU node may report no DCGM GPU series before `GpuTelemetryMissing` fires. A new node
 * registers (and kube-state-metrics reports its pool label) before the GPU Operator has run its
 * operands on it: Node Feature Discovery labels it, then the device plugin, GPU feature discovery,
 * the MIG manager where a pool uses MIG (which may reset the GPUs to apply the layout) and
 * dcgm-exporter start as DaemonSet pods, each pulling its image (the driver and toolkit come with
 * the EKS accelerated AMI; with the operator's driver container, compiling and loading it takes
 * several minutes more). 15 minutes leaves that room; an exporter restart (an operator upgrade) is
 * back in a minute or two and restarts the wait.
 */
export const GPU_TELEMETRY_GRACE = "15m";

/**
 * `GpuTelemetryMissing`: a node of a GPU pool without any series in `gpu:mlops_gpu_utilization:max`
 * for `GPU_TELEMETRY_GRACE`. That recorded series is what the pools' utilization, saturation and
 * GPU-count rules and the platform dashboard read, so a node missing there is a node they cannot
 * see: no dcgm-exporter pod on it (DaemonSet not scheduled, crash loop, image pull failure), its
 * endpoint not scraped (ServiceMonitor, network policy), or its `Hostname` label not the node's name
 * (the join would miss it the same way). It covers MIG GPUs too, which report no
 * DCGM_FI_DEV_GPU_UTIL but their devices' engine activity. A ticket: nothing a user sees fails with
 * it (the models' own alerts read their servers), but the pool's utilization and GPU count leave the
 * node out, so saturation can go unseen and the dashboard under-reports. A removed node's pool
 * series goes with it, and the alert with them.
 */
export function telemetryMissingRule(team: string): PromRule {
  return {
    alert: GPU_HEALTH_ALERTS.telemetryMissing,
    expr: `max by (node, pool) (${PLATFORM_SERIES.nodePool}) unless on(node) ${PLATFORM_SERIES.gpuUtilization}`,
    for: GPU_TELEMETRY_GRACE,
    labels: { team, severity: "ticket" },
    annotations: {
      summary: `GPU node {{ $labels.node }} (pool {{ $labels.pool }}) has reported no DCGM GPU metrics for ${GPU_TELEMETRY_GRACE}`,
      description:
        "The pool's utilization, saturation and GPU-count rules cannot see this node. Check the GPU Operator's dcgm-exporter pod on it (kubectl -n gpu-operator get pods -o wide), its ServiceMonitor target in Prometheus, and that its Hostname label is the node name.",
    },
  };
}

/** The GPU health rules, appended to the platform group after its recording rules. */
export function gpuHealthRules(team: string): PromRule[] {
  return [telemetryMissingRule(team)];
}
