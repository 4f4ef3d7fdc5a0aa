/**
 * The rule that reports a failed training run of a model (its DAG's pods), beside its serving rules
 * in the model's rule file.
 */
import type { ModelSpec } from "../config/model-schema";
import { MODEL_ALERTS, alertLabels } from "./alert-labels";
import { trainingDagId } from "./dag-id";
import type { PromRule } from "./promql";

/**
 * `ModelTrainingFailed`: a train or evaluate pod of the model's DAG ended in phase Failed. The DAG's
 * KubernetesPodOperators name their pods `<model>-train-*` / `<model>-evaluate-*` in the model's
 * namespace and delete only succeeded pods, so a failed pod stays visible to kube-state-metrics
 * (shipped with kube-prometheus-stack) until someone looks. Airflow's own statsd task-failure counters
 * are not emitted under the KubernetesExecutor, so the pod phase is the reliable signal.
 */
export function trainingRules(spec: ModelSpec): PromRule[] {
  if (!spec.training) return [];
  return [
    {
      alert: MODEL_ALERTS.trainingFailed,
      expr: `max(kube_pod_status_phase{namespace="${spec.name}",phase="Failed",pod=~"${spec.name}-(train|evaluate)-.+"}) > 0`,
      for: "1m",
      labels: { model: spec.name, ...alertLabels(spec, "ticket") },
      annotations: {
        summary: `${spec.name} training run failed`,
        description: `A pod of the DAG ${trainingDagId(spec.name)} failed; see its logs in Airflow, then delete the pod.`,
      },
    },
  ];
}
