/**
 * Airflow DAG file of a model's training pipeline, generated from its spec. Pure: returns the
 * Python text; model-stack.ts ships it as a ConfigMap labelled AIRFLOW_DAG_LABEL, which the Airflow
 * DAG sidecar writes into the DAGs folder.
 *
 * train (KubernetesPodOperator on the training pool) -> evaluate (KubernetesPodOperator)
 * -> register (Python: new MLflow model version under the model's name).
 *
 * Imports work on Airflow 2.10 and 3.x: `airflow.sdk` (3.x) with a fallback to `airflow` (2.x), the
 * standard provider's PythonOperator with a fallback to `airflow.operators.python`, and
 * `airflow.providers.cncf.kubernetes.operators.pod.KubernetesPodOperator` (cncf.kubernetes provider;
 * `container_resources`, `tolerations`, `affinity`, `priority_class_name`, `service_account_name`,
 * `do_xcom_push`, `active_deadline_seconds`, `automount_service_account_token`,
 * `container_security_context` and `callbacks` are its documented arguments). A
 * `KubernetesPodOperatorCallback` deletes a pod the task gave up on before it finished (schedule or
 * start-up timeout): `delete_succeeded_pod` alone leaves it Pending, to train later unwatched. `schedule_timeout_seconds` needs
 * cncf.kubernetes 10.5 or later (apache/airflow#49784), as the Airflow 3.2 image the platform pins
 * ships.
 *
 * Trainer image contract: `train` logs to MLflow (MLFLOW_TRACKING_URI, MLFLOW_EXPERIMENT_NAME) the
 * model named `model` and writes `{"run_id": "<id>"}` to /airflow/xcom/return.json, with
 * `"model_id": "<id>"` too where it logs a LoggedModel of another name (MLflow 3); `evaluate --run-id
 * <id>` exits 99 (`EVALUATE_WORSE_EXIT_CODE`, Airflow's usual skip code) when the candidate is worse
 * than the registered version: the task is skipped (`skip_on_exit_code`), registration with it, and
 * its pod deleted, so the run ends without a failure or a `ModelTrainingFailed` ticket; any other
 * non-zero exit is a failure (retried, then the pod is kept for its logs and the ticket).
 *
 * Registration finds the model where the MLflow version that logged it keeps it: MLflow 3 stores a
 * logged model under the experiment's `models/<model_id>/artifacts`, no longer under the run's
 * artifacts ("Model artifacts are no longer stored as run artifacts", MLflow 3 migration guide), so
 * a version registered at `<run artifact_uri>/model` pointed at an empty folder and the canary's
 * `models:/` download found nothing. `mlflow.register_model("runs:/<run>/model")` resolves either;
 * the REST fallback (workers without the mlflow package) reads the run's `outputs.model_outputs`
 * and the logged model's `artifact_uri`, and keeps `<run artifact_uri>/model` for MLflow 2 runs.
 */
import type { ModelSpec } from "../config/model-schema";
import type { GpuPool } from "../config/stack-schema";
import { GPU_POOL_LABELS, GPU_TAINT, NAMESPACES, PRIORITY_CLASSES } from "../addons/addons-context";
import { trainingDagId } from "./dag-id";
import { gpuRequest } from "./gpu-resources";
import { hostPerGpu } from "../capacity/instance-catalog";

// The id lives in dag-id.ts, shared with the retraining watcher that triggers runs by it.
export { trainingDagId };

/** Toleration of spot nodes for training pods (harmless where the pool has no such taint). */
export const SPOT_TOLERATION = { key: "karpenter.sh/capacity-type", value: "spot", effect: "NoSchedule" };

/** Inputs of the DAG file. */
export interface TrainingDagInputs {
  readonly spec: ModelSpec & { readonly training: NonNullable<ModelSpec["training"]> };
  readonly pool: GpuPool;
  /** IANA time zone the cron is read in (stack config `timeZone`). */
  readonly timeZone: string;
  readonly mlflowTrackingUri: string;
  /** Namespace the training pods run in (the model's namespace, where its service account lives). */
  readonly namespace: string;
  readonly serviceAccountName: string;
}

/**
 * Share of a GPU node's vCPUs and memory a training pod requests per GPU it asks for: the rest is
 * left to the kubelet's reservation and the node's daemons (GPU operator, exporters, CNI).
 */
export const TRAIN_HOST_SHARE = 0.75;

/**
 * CPU and memory of the train pod: `TRAIN_HOST_SHARE` of the vCPUs and memory per GPU of the pool's
 * smallest instance type (per GPU), times the GPUs it asks for. Without them the pod asked for GPUs
 * only: the scheduler placed it as if it needed no CPU, and the kubelet evicts a pod without a
 * memory request first under memory pressure.
 */
export function trainHostResources(
  gpus: number,
  pool: Pick<GpuPool, "instanceTypes">,
): { cpu: string; memory: string } {
  const hosts = hostPerGpu(pool.instanceTypes);
  const smallest = (f: (h: (typeof hosts)[number]) => number) =>
    hosts.length === 0 ? 0 : Math.min(...hosts.map(f));
  const cpu = Math.max(1, Math.floor(smallest((h) => h.vcpus) * gpus * TRAIN_HOST_SHARE));
  const memoryGi = Math.max(2, Math.floor(smallest((h) => h.memoryGiB) * gpus * TRAIN_HOST_SHARE));
  return { cpu: String(cpu), memory: `${memoryGi}Gi` };
}

/**
 * The train task's time limits, in seconds: a run may take `timeoutHours` once running
 * (`activeDeadlineSeconds`) and may wait as long for GPUs before it is scheduled, and never less
 * than starting it gets: three node provisioning times, at least ten minutes (image pull). A pool
 * scaled to zero must launch a node before the pod is scheduled, so a short `timeoutHours` (0.01 h
 * beside a 420 s launch) would otherwise time every run out while its node starts.
 */
export function trainTiming(
  timeoutHours: number,
  pool: Pick<GpuPool, "provisioningSeconds">,
): { queueSeconds: number; startupSeconds: number; runSeconds: number } {
  const runSeconds = Math.round(timeoutHours * 3600);
  const startupSeconds = Math.max(600, pool.provisioningSeconds * 3);
  return { queueSeconds: Math.max(runSeconds, startupSeconds), startupSeconds, runSeconds };
}

/** Python string literal (JSON strings are valid Python literals). */
const py = (s: string): string => JSON.stringify(s);

/** The DAG file text. */
export function buildTrainingDag(inp: TrainingDagInputs): string {
  const { spec, pool } = inp;
  const t = spec.training;
  const gpu = gpuRequest(t.gpu.count, pool);
  const host = trainHostResources(t.gpu.count, pool);
  const timing = trainTiming(t.timeoutHours, pool);
  const dagId = trainingDagId(spec.name);
  const tags = [spec.team, spec.name, "training", `pool:${pool.name}`];
  return `"""Training pipeline of model ${spec.name} (team ${spec.team}).

Generated by mlops-platform from models/${spec.name}.yaml (components/model/training-dag.ts): edit
the spec, not this file. Runs on schedule ${JSON.stringify(t.schedule)} in ${inp.timeZone}, and on demand:
  airflow dags trigger ${dagId} --conf '{"reason": "drift"}'
"""
from datetime import timedelta

import logging

import pendulum
from kubernetes.client import models as k8s

try:  # Airflow 3.x
    from airflow.sdk import DAG, Param
except ImportError:  # Airflow 2.10
    from airflow import DAG
    from airflow.models.param import Param
try:  # Airflow 3.x: operators moved to the standard provider
    from airflow.providers.standard.operators.python import PythonOperator
except ImportError:  # Airflow 2.10
    from airflow.operators.python import PythonOperator
from airflow.providers.cncf.kubernetes.callbacks import KubernetesPodOperatorCallback
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator

MODEL_NAME = ${py(spec.name)}
MLFLOW_TRACKING_URI = ${py(inp.mlflowTrackingUri)}
TRAINER_IMAGE = ${py(t.image)}
NAMESPACE = ${py(inp.namespace)}
SERVICE_ACCOUNT = ${py(inp.serviceAccountName)}
ENV = {
    "MLFLOW_TRACKING_URI": MLFLOW_TRACKING_URI,
    "MLFLOW_EXPERIMENT_NAME": MODEL_NAME,
    "MODEL_NAME": MODEL_NAME,
    "RETRAIN_REASON": "{{ params.reason }}",
}
RUN_ID = "{{ ti.xcom_pull(task_ids='train')['run_id'] }}"
# evaluate's exit code for "the candidate is worse than the registered version": not registered,
# and the run ends without a failure (any other non-zero exit fails and is retried).
EVALUATE_WORSE_EXIT_CODE = 99
# The trainer image is the team's, so its user is not forced; what any image can run without is.
# AWS credentials come from the pod identity webhook's own token volume, not the service account token.
CONTAINER_SECURITY = k8s.V1SecurityContext(
    allow_privilege_escalation=False,
    capabilities=k8s.V1Capabilities(drop=["ALL"]),
    seccomp_profile=k8s.V1SeccompProfile(type="RuntimeDefault"),
)


def _delete_pod_if(pod, client, reason_to_delete, level=logging.WARNING):
    """Deletes the task's pod when reason_to_delete(its current state) names a reason (logged at level).

    A pod already gone (404: it succeeded and was cleaned up, or the task was killed) is no error;
    any other failure is logged, never raised: a callback must not change the task's outcome.
    """
    log = logging.getLogger(__name__)
    try:
        name, namespace = pod.metadata.name, pod.metadata.namespace
        reason = reason_to_delete(client.read_namespaced_pod(name, namespace))
        if reason:
            log.log(level, "Deleting pod %s: %s", name, reason)
            client.delete_namespaced_pod(name, namespace)
    except Exception as err:
        if getattr(err, "status", None) != 404:
            log.warning("Could not check or delete the task's pod: %s", err)


def _unfinished(remote):
    phase = remote.status.phase if remote.status else None
    if phase in ("Pending", "Running", "Unknown"):
        return f"still {phase} when its task ended"
    return None


def _rejected_candidate(remote):
    statuses = (remote.status.container_statuses if remote.status else None) or []
    base = next((c for c in statuses if c.name == "base"), None)
    ended = base.state.terminated if base is not None and base.state is not None else None
    if ended is not None and ended.exit_code == EVALUATE_WORSE_EXIT_CODE:
        return "the candidate is worse than the registered version"
    return None


class DeleteUnfinishedPod(KubernetesPodOperatorCallback):
    """Deletes the task's pod when the task ends before the pod did.

    on_finish_action="delete_succeeded_pod" keeps a failed pod (logs, ModelTrainingFailed) but also
    one that never finished: after schedule_timeout_seconds or startup_timeout_seconds the task
    fails while its pod stays Pending (or pulling its image), marked already_checked, so the retry
    starts a second pod and the first one later takes its GPUs and trains with nothing watching it.
    """

    @staticmethod
    def on_pod_cleanup(*, pod, client, **kwargs):
        _delete_pod_if(pod, client, _unfinished)


class DeleteRejectedCandidatePod(DeleteUnfinishedPod):
    """Also deletes an evaluate pod that exited EVALUATE_WORSE_EXIT_CODE.

    The candidate lost to the registered version: the task is skipped (skip_on_exit_code), which is
    no failure, so its pod must not stay Failed for ModelTrainingFailed to report. Runs when the pod
    completes, before the operator's cleanup, which reads the exit code from the pod it already has.
    """

    @staticmethod
    def on_pod_completion(*, pod, client, **kwargs):
        # An expected outcome (no better model this time), not a problem.
        _delete_pod_if(pod, client, _rejected_candidate, logging.INFO)


def register_model(**context):
    """Registers the run's model as a new version of MODEL_NAME in the MLflow registry."""
    trained = context["ti"].xcom_pull(task_ids="train")
    run_id, model_id = trained["run_id"], trained.get("model_id")
    tags = {"reason": str(context["params"].get("reason")), "dag_run": context["run_id"]}
    try:
        import mlflow
    except ImportError:
        return _register_over_rest(run_id, model_id, tags)
    mlflow.set_tracking_uri(MLFLOW_TRACKING_URI)
    uri = f"models:/{model_id}" if model_id else f"runs:/{run_id}/model"
    version = mlflow.register_model(uri, MODEL_NAME, tags=tags)
    return {"name": version.name, "version": str(version.version), "run_id": run_id}


def _register_over_rest(run_id, model_id, tags):
    """Same as mlflow.register_model, over MLflow's REST API (workers without the mlflow package)."""
    import json
    import urllib.error
    import urllib.request

    def call(method, path, body=None):
        req = urllib.request.Request(
            f"{MLFLOW_TRACKING_URI}/api/2.0/mlflow/{path}",
            data=None if body is None else json.dumps(body).encode(),
            headers={"Content-Type": "application/json"},
            method=method,
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"{}")

    try:
        call("POST", "registered-models/create", {"name": MODEL_NAME})
    except urllib.error.HTTPError as err:
        if err.code != 400:  # 400 RESOURCE_ALREADY_EXISTS: the model is registered already
            raise
    run = call("GET", f"runs/get?run_id={run_id}")["run"]
    body = {
        "name": MODEL_NAME,
        "source": f"{run['info']['artifact_uri']}/model",  # MLflow 2: the model is a run artifact
        "run_id": run_id,
        "tags": [{"key": k, "value": v} for k, v in tags.items()],
    }
    # MLflow 3: the run's outputs list its logged models; the one the trainer named, or "model".
    outputs = run.get("outputs", {}).get("model_outputs", [])
    candidates = [model_id] if model_id else [o["model_id"] for o in outputs if o.get("model_id")]
    for candidate in candidates:
        logged = call("GET", f"logged-models/{candidate}")["model"]["info"]
        if model_id or logged.get("name") == "model":
            body.update(source=logged["artifact_uri"], model_id=logged["model_id"])
            break
    version = call("POST", "model-versions/create", body)["model_version"]
    return {"name": MODEL_NAME, "version": version["version"], "run_id": run_id}


with DAG(
    dag_id=${py(dagId)},
    description=${py(`Train, evaluate and register ${spec.name}`)},
    schedule=${py(t.schedule)},
    start_date=pendulum.datetime(2026, 1, 1, tz=${py(inp.timeZone)}),
    catchup=False,
    # Airflow pauses new DAGs by default; this one is deployed to run (nightly and on drift).
    is_paused_upon_creation=False,
    max_active_runs=1,
    tags=${pyList(tags)},
    params={"reason": Param("schedule", type="string", description="why this run started: schedule, manual, or the alert that started it (ModelPredictionDrift, ModelFeatureDrift, ModelQualityDrop)")},
    default_args={"owner": ${py(spec.team)}, "retries": 1, "retry_delay": timedelta(minutes=10)},
) as dag:
    train = KubernetesPodOperator(
        task_id="train",
        name=${py(`${spec.name}-train`)},
        namespace=NAMESPACE,
        service_account_name=SERVICE_ACCOUNT,
        image=TRAINER_IMAGE,
        cmds=["train"],
        env_vars=ENV,
        container_resources=k8s.V1ResourceRequirements(
            requests={${py(gpu.resource)}: ${py(String(gpu.count))}, "cpu": ${py(host.cpu)}, "memory": ${py(host.memory)}},
            limits={${py(gpu.resource)}: ${py(String(gpu.count))}, "memory": ${py(host.memory)}},
        ),
        container_security_context=CONTAINER_SECURITY,
        automount_service_account_token=False,
        tolerations=[
            k8s.V1Toleration(key=${py(GPU_TAINT.key)}, operator="Equal", value=${py(GPU_TAINT.value)}, effect=${py(GPU_TAINT.effect)}),
            k8s.V1Toleration(key=${py(SPOT_TOLERATION.key)}, operator="Equal", value=${py(SPOT_TOLERATION.value)}, effect=${py(SPOT_TOLERATION.effect)}),
        ],
        affinity=k8s.V1Affinity(
            node_affinity=k8s.V1NodeAffinity(
                required_during_scheduling_ignored_during_execution=k8s.V1NodeSelector(
                    node_selector_terms=[
                        k8s.V1NodeSelectorTerm(
                            match_expressions=[
                                k8s.V1NodeSelectorRequirement(key=${py(GPU_POOL_LABELS.pool)}, operator="In", values=[${py(pool.name)}])
                            ]
                        )
                    ]
                )
            )
        ),
        priority_class_name=${py(PRIORITY_CLASSES.training)},
        labels={"mlops.io/model": MODEL_NAME, "mlops.io/team": ${py(spec.team)}, "mlops.io/task": "train"},
        # Until scheduled the pod waits for GPUs: a node to be provisioned, or other models' runs
        # to finish when the pool is at maxGpus (the nightly runs overlap). It queues as long as a
        # run may take, instead of failing the task after minutes while its pod stays Pending and
        # starts later with nothing watching it.
        schedule_timeout_seconds=${timing.queueSeconds},
        # Once scheduled: pulling the trainer image and starting it.
        startup_timeout_seconds=${timing.startupSeconds},
        # Kubernetes itself ends the run: its deadline counts from the kubelet accepting the pod,
        # before the image is pulled, so it holds the start-up allowance and timeoutHours of running.
        active_deadline_seconds=${timing.startupSeconds + timing.runSeconds},
        # Queue, start and run; at this timeout Airflow kills the task, which deletes its pod.
        execution_timeout=timedelta(seconds=${timing.queueSeconds + timing.startupSeconds + timing.runSeconds}),
        do_xcom_push=True,
        get_logs=True,
        on_finish_action="delete_succeeded_pod",
        callbacks=DeleteUnfinishedPod,
    )

    evaluate = KubernetesPodOperator(
        task_id="evaluate",
        name=${py(`${spec.name}-evaluate`)},
        namespace=NAMESPACE,
        service_account_name=SERVICE_ACCOUNT,
        image=TRAINER_IMAGE,
        cmds=["evaluate"],
        arguments=["--run-id", RUN_ID],
        env_vars=ENV,
        container_resources=k8s.V1ResourceRequirements(requests={"cpu": ${py(t.evaluate.cpu)}, "memory": ${py(t.evaluate.memory)}}, limits={"memory": ${py(t.evaluate.memory)}}),
        container_security_context=CONTAINER_SECURITY,
        automount_service_account_token=False,
        active_deadline_seconds=3600,
        priority_class_name=${py(PRIORITY_CLASSES.training)},
        labels={"mlops.io/model": MODEL_NAME, "mlops.io/team": ${py(spec.team)}, "mlops.io/task": "evaluate"},
        execution_timeout=timedelta(hours=1),
        get_logs=True,
        on_finish_action="delete_succeeded_pod",
        skip_on_exit_code=EVALUATE_WORSE_EXIT_CODE,
        callbacks=DeleteRejectedCandidatePod,
    )

    register = PythonOperator(
        task_id="register",
        python_callable=register_model,
        execution_timeout=timedelta(minutes=10),
    )

    train >> evaluate >> register
`;
}

function pyList(items: readonly string[]): string {
  return `[${items.map(py).join(", ")}]`;
}

/** Namespace of the DAG ConfigMaps (Airflow's). */
export const DAG_CONFIGMAP_NAMESPACE = NAMESPACES.airflow;
