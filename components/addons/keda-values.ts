/** Pure builder of the KEDA chart values (kedacore/charts `keda/values.yaml`). */
import { PROMETHEUS_SELECTOR_LABEL } from "./addons-context";
import { systemNodeAffinity } from "./scheduling";

/** The ServiceMonitor settings KEDA's chart repeats per component. */
function serviceMonitor(): Record<string, unknown> {
  return {
    enabled: true,
    interval: "15s",
    additionalLabels: { [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value },
  };
}

/**
 * KEDA values: operator, metrics API server and admission webhooks on system nodes (the chart's
 * `affinity` applies to all of them), Prometheus metrics exposed and scraped through ServiceMonitors
 * that carry the label the platform Prometheus selects (scaler errors and latency feed the
 * autoscaling dashboards).
 */
export function kedaValues(): Record<string, unknown> {
  return {
    affinity: systemNodeAffinity(),
    prometheus: {
      operator: { enabled: true, serviceMonitor: serviceMonitor() },
      metricServer: { enabled: true, serviceMonitor: serviceMonitor() },
      webhooks: { enabled: true, serviceMonitor: serviceMonitor() },
    },
  };
}
