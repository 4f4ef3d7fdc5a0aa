/**
 * The rules that report a failed training run of a model, beside its serving rules in the model's
 * rule file: one from its DAG's pods (kube-state-metrics), one from the DAG run itself (Airflow's
 * scheduler through the chart's statsd exporter).
 */
import type { ModelSpec } from "../config/model-schema";
import { MODEL_ALERTS, alertLabels } from "./alert-labels";
import { trainingDagId } from "./dag-id";
import type { PromRule } from "./promql";

/**
 * Failed DAG runs, counted per `dag_id` by the Airflow chart's statsd exporter from the scheduler's
 * `dagrun.duration.failed.<dag_id>` timer (a summary's `_count`). The chart's mapping names it
 * `airflow_dagrun_failed`; mappings that follow Airflow's metric name (`airflow_dagrun_duration_failed`)
 * are matched too, so the rule survives either.
 */
const FAILED_RUNS_SELECTOR = '__name__=~"airflow_dagrun_(duration_)?failed_count"';

/** How long a failed run keeps its alert firing (a ticket: someone looks within the working day). */
const RUN_FAILED_WINDOW = "1h";

/**
 * `ModelTrainingFailed{reason="pod-failed"}`: a train or evaluate pod of the model's DAG ended in
 * phase Failed. The DAG's KubernetesPodOperators name their pods `<model>-train-*` /
 * `<model>-evaluate-*` in the model's namespace and delete only succeeded pods, so a failed pod stays
 * visible to kube-state-metrics (shipped with kube-prometheus-stack) until someone looks.
 *
 * `ModelTrainingFailed{reason="run-failed"}`: the DAG run ended failed, whatever failed in it - a
 * run that never got its GPUs (its pod was deleted at the wait timeout, so no Failed pod remains),
 * an image that would not pull, a registration the tracking server refused, a pod lost with its
 * node. The scheduler emits the run's outcome itself (task metrics would come from the worker pods).
 * A statsd exporter exports a series only once it has seen an event, so the first failed run of a
 * DAG since the exporter started is a series born at 1, which `increase` cannot see (it needs two
 * samples): a series younger than the window counts as a failure too. "Younger" is "no sample in
 * the window before", not "no sample exactly one window ago": `offset 1h` alone looks back only 5
 * minutes, so a longer gap in the scrapes (a Prometheus restart, the exporter's scrape failing) made
 * every DAG that ever failed fire an hour later.
 */
export function trainingRules(spec: ModelSpec): PromRule[] {
  if (!spec.training) return [];
  const dagId = trainingDagId(spec.name);
  const runs = `{${FAILED_RUNS_SELECTOR},dag_id="${dagId}"}`;
  const labels = { model: spec.name, ...alertLabels(spec, "ticket") };
  return [
    {
      alert: MODEL_ALERTS.trainingFailed,
      expr: `max(kube_pod_status_phase{namespace="${spec.name}",phase="Failed",pod=~"${spec.name}-(train|evaluate)-.+"}) > 0`,
      for: "1m",
      labels: { ...labels, reason: "pod-failed" },
      annotations: {
        summary: `${spec.name} training run failed`,
        description: `A pod of the DAG ${dagId} failed; see its logs in Airflow, then delete the pod.`,
      },
    },
    {
      alert: MODEL_ALERTS.trainingFailed,
      expr: `(max(increase(${runs}[${RUN_FAILED_WINDOW}])) > 0) or (max(${runs} unless present_over_time(${runs}[${RUN_FAILED_WINDOW}] offset ${RUN_FAILED_WINDOW})) > 0)`,
      labels: { ...labels, reason: "run-failed" },
      annotations: {
        summary: `${spec.name} training run failed`,
        description: `A run of the DAG ${dagId} failed in the last ${RUN_FAILED_WINDOW} (no new model version from it); see the run's failed task in Airflow.`,
      },
    },
  ];
}
