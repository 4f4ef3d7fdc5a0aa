/**
 * prometheus-operator `PodMonitor` (monitoring.coreos.com/v1) for all variants of a model, and the
 * PodDisruptionBudget of each variant. Pure builders.
 *
 * The PodMonitor scrapes the named `metrics` container port every 15 s (the interval the alert
 * rules are designed for, DESIGN section 5) and copies the pod labels `mlops.io/model` and
 * `mlops.io/variant` into the `model` and `variant` target labels, so native runtime metrics
 * (Triton's `nv_inference_*`) carry the labels the recording rules join on.
 */
import { PROMETHEUS_SELECTOR_LABEL } from "../addons/addons-context";
import { METRICS_PORT_NAME } from "./inference-service";
import { MODEL_LABELS, variantSelector } from "./variants";

/** Prometheus' sanitised name of a pod label (non-alphanumerics become `_`). */
export function podLabelSource(label: string): string {
  return `__meta_kubernetes_pod_label_${label.replace(/[^a-zA-Z0-9_]/g, "_")}`;
}

/** Inputs of the PodMonitor. */
export interface PodMonitorInputs {
  readonly model: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Metrics path of the runtime. @default "/metrics" */
  readonly path?: string;
}

/** The PodMonitor object. */
export function buildPodMonitor(inp: PodMonitorInputs): Record<string, unknown> {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: {
      name: inp.model,
      namespace: inp.namespace,
      labels: { ...inp.labels, [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value },
    },
    spec: {
      selector: { matchLabels: { [MODEL_LABELS.model]: inp.model } },
      podMetricsEndpoints: [
        {
          port: METRICS_PORT_NAME,
          path: inp.path ?? "/metrics",
          interval: "15s",
          relabelings: [
            { action: "replace", sourceLabels: [podLabelSource(MODEL_LABELS.model)], targetLabel: "model" },
            {
              action: "replace",
              sourceLabels: [podLabelSource(MODEL_LABELS.variant)],
              targetLabel: "variant",
            },
            { action: "replace", sourceLabels: [podLabelSource(MODEL_LABELS.team)], targetLabel: "team" },
            {
              action: "replace",
              sourceLabels: [podLabelSource(MODEL_LABELS.version)],
              targetLabel: "model_version",
            },
          ],
        },
      ],
    },
  };
}

/** PodDisruptionBudget of one variant: node drains and consolidation may take one pod at a time. */
export function buildPodDisruptionBudget(inp: {
  readonly model: string;
  readonly variant: string;
  readonly isvcName: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
}): Record<string, unknown> {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: inp.isvcName, namespace: inp.namespace, labels: inp.labels },
    spec: { maxUnavailable: 1, selector: { matchLabels: variantSelector(inp.model, inp.variant) } },
  };
}
