/**
 * GPU health rules of the platform (pure): a GPU node whose DCGM telemetry never arrived or stopped
 * (`GpuTelemetryMissing`) and XID errors the NVIDIA driver reported on a GPU (`GpuXidError`). Read from the series `platform-rules.ts` records (one per GPU node from
 * kube-state-metrics, one per physical GPU from dcgm-exporter), into the platform team's group.
 */
import type { PromRule } from "../model/promql";
import { PLATFORM_SERIES } from "./platform-series";

/** Alert names of the GPU health rules (merged into `PLATFORM_ALERTS`). */
export const GPU_HEALTH_ALERTS = {
  telemetryMissing: "GpuTelemetryMissing",
  xid: "GpuXidError",
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

/**
 * XIDs after which NVIDIA's XID catalog ("Analyzing Xid Errors with the Xid Catalog", its resolution
 * buckets; the A100/H100 memory error management notes for 48/63/64/94/95) has the GPU reset, the
 * node rebooted or drained, so a person must act: they page. 48 double-bit ECC error; 63/64 a row
 * remapping recorded (active only after a GPU reset) or failed; 74 NVLink error; 79 the GPU fell off
 * the bus; 92 high single-bit ECC error rate; 94/95 contained/uncontained ECC error (94 kills the
 * process that met it, the row is remapped at the next reset; 95 hits every process on the GPU);
 * 119/120 GSP timeout/error; 154 the driver itself announcing the recovery action a GPU needs (reset,
 * reboot, drain). Every other XID (13 graphics engine exception, 31 MMU fault, 43 GPU stopped
 * processing: usually the application's fault, which the model's own error alerts see) opens a
 * ticket, so a GPU that keeps hurting its workloads is looked at.
 */
export const XID_PAGE_CODES = [48, 63, 64, 74, 79, 92, 94, 95, 119, 120, 154] as const;

/**
 * XIDs that raise nothing: 45 ("preemptive cleanup") is logged whenever the driver tears down the
 * work of an aborted process (Ctrl-C, SIGKILL, a GPU reset: NVIDIA's XID documentation), so a model
 * pod killed at the end of its termination grace, or a training run cancelled, would open a ticket;
 * an error that caused a teardown has its own XID.
 */
export const XID_IGNORED_CODES = [45] as const;

/**
 * How long an XID counts as new. DCGM_FI_DEV_XID_ERRORS is a gauge holding the LAST XID seen since
 * the exporter started (dcgm-exporter `default-counters.csv`: "Value of the last XID error
 * encountered"; 0, `err_code="0"`, before any), and it keeps that value until the exporter restarts
 * (dcgm-exporter issue 500, DCGM issue 277). Alerting on its value would page forever after one
 * error: only a change of the value is an event. A window of 10 minutes sees a change through a few missed scrapes.
 */
export const XID_WINDOW = "10m";

/**
 * How long `GpuXidError` keeps firing after its change left the window: the gauge never tells when
 * the GPU recovered, so the alert stays open an hour for the drain or reset it asks for, then
 * resolves on its own however long the stale value stays. It also holds the alert when the GPU, or
 * its exporter, stops reporting right after the error (79: the GPU fell off the bus).
 */
export const XID_KEEP_FIRING = "1h";

/**
 * XID recording rules. `gpuXid`: one series per physical GPU, whatever pod dcgm-exporter labels it
 * with (time-slicing) and whatever `err_code` / `err_msg` it derives from the value (dcgm-exporter
 * 3.3.6 and later: a new code is a new series), and MIG devices' copies of their GPU's value folded
 * in. `gpuXidNew`: the GPUs whose value changed to a non-zero code within `XID_WINDOW`, the code as
 * label `xid` (`count_values`: the severity split selects on it). A change back to 0 (the exporter
 * restarted) is no error; the same XID twice in a row is no change and is not seen (dcgm-exporter
 * issue 190), nor is an error before the exporter's first scrape of the GPU.
 *
 * What would see a repeat: dcgm-exporter's own fields, which read every XID event from DCGM
 * (GetValuesSince) rather than the last value. `DCGM_EXP_XID_ERRORS_COUNT` (gauge: XIDs in the last
 * `--xid-count-window-size`, label `xid`; internal/pkg/collector/xid_collector.go) and, in releases
 * from 2026, `DCGM_EXP_XID_ERRORS_TOTAL` (counter since the exporter started, label `xid`;
 * xid_total_collector.go) - `increase(...[10m]) > 0` of the latter would catch 79 after 79. Neither
 * is on by default: both are commented out in the exporter's default-counters.csv, and the GPU
 * Operator runs dcgm-exporter with its own built-in metric list unless `dcgmExporter.config.name`
 * names a ConfigMap holding a complete replacement list. Not switched on here: that list would have
 * to keep every DCGM field the platform rules and dashboard read (DCGM_FI_DEV_GPU_UTIL,
 * DCGM_FI_PROF_GR_ENGINE_ACTIVE for MIG, this gauge) and be checked against the exporter version
 * GPU Operator v26.7.0 ships, which nothing here can run. When it is: record the counter per GPU as
 * `gpuXid` is, alert on its increase by `xid`, and keep this gauge rule for exporters without it.
 */
export function xidRecordingRules(): PromRule[] {
  const last = PLATFORM_SERIES.gpuXid;
  return [
    {
      record: last,
      expr: `max by (node, gpu) (label_replace(DCGM_FI_DEV_XID_ERRORS, "node", "$1", "Hostname", "(.*)"))`,
    },
    {
      record: PLATFORM_SERIES.gpuXidNew,
      expr: `count_values by (node, gpu) ("xid", ${last} > 0 and on(node, gpu) changes(${last}[${XID_WINDOW}]) > 0)`,
    },
  ];
}

/** `GpuXidError`: a page for `XID_PAGE_CODES`, a ticket for the others but `XID_IGNORED_CODES`. */
export function xidRules(team: string): PromRule[] {
  const codes = (list: readonly number[]) => list.join("|");
  const rule = (severity: "page" | "ticket", matcher: string, action: string): PromRule => ({
    alert: GPU_HEALTH_ALERTS.xid,
    expr: `${PLATFORM_SERIES.gpuXidNew}{${matcher}} * on(node) group_left(pool) ${PLATFORM_SERIES.nodePool}`,
    keep_firing_for: XID_KEEP_FIRING,
    labels: { team, severity },
    annotations: {
      summary:
        "GPU {{ $labels.gpu }} on node {{ $labels.node }} (pool {{ $labels.pool }}) reported XID {{ $labels.xid }}",
      description: action,
    },
  });
  return [
    rule(
      "page",
      `xid=~"${codes(XID_PAGE_CODES)}"`,
      "NVIDIA's XID catalog asks for a GPU reset or a node drain after this XID: cordon and drain the node (kubectl drain), then reset the GPU or replace the node; dmesg and nvidia-smi -q on the node tell more. The alert resolves an hour after the error, whatever the GPU's state.",
    ),
    rule(
      "ticket",
      `xid!~"${codes([...XID_PAGE_CODES, ...XID_IGNORED_CODES])}"`,
      "Usually the application's fault (13, 31, 43): check the pods on this GPU and the node's dmesg; repeated XIDs on one GPU while other GPUs run the same model point at the hardware.",
    ),
  ];
}

/** The GPU health rules, appended to the platform group after its recording rules. */
export function gpuHealthRules(team: string): PromRule[] {
  return [...xidRecordingRules(), ...xidRules(team), telemetryMissingRule(team)];
}
