/**
 * Helm values of the official Apache Airflow chart (pinned in `data-versions.ts`) and the DAG-delivery
 * containers. Pure: no Pulumi resources, no Outputs, no secret values (only Secret names).
 *
 * DAG delivery: model stacks write one ConfigMap per model DAG, labelled `AIRFLOW_DAG_LABEL`, into the
 * airflow namespace. The scheduler and dag-processor run `kiwigrid/k8s-sidecar` (METHOD=WATCH) that
 * copies every labelled ConfigMap's files into an `emptyDir` mounted at the DAG folder; each
 * KubernetesExecutor worker pod gets the same files from the sidecar image run once as an init
 * container (METHOD=LIST) before the task starts. Keys used are in the chart's values.schema.json
 * (`scheduler|dagProcessor.extraContainers/extraVolumes/extraVolumeMounts`,
 * `workers.extraInitContainers/extraVolumes/extraVolumeMounts`, which chart/files/
 * pod-template-file.kubernetes-helm-yaml renders into every KubernetesExecutor pod).
 */
import { AIRFLOW_DAG_LABEL } from "./addons-context";
import { ARTIFACT_PREFIXES } from "./artifact-bucket";
import { AIRFLOW_VERSION } from "./data-versions";

/** Helm release name; the chart prefixes object names with it (`airflow-api-server`, ...). */
export const AIRFLOW_RELEASE = "airflow";
/** Folder Airflow reads DAG files from (the chart's `{{ airflowHome }}/dags`, airflowHome /opt/airflow). */
export const AIRFLOW_DAGS_FOLDER = "/opt/airflow/dags";
/** Port of the api-server Service (chart `ports.apiServer`, default 8080). */
export const AIRFLOW_API_PORT = 8080;
/** Path of Airflow 3's stable REST API under the api-server. */
export const AIRFLOW_REST_API_PATH = "/api/v2";
/** Name of the shared DAG volume; distinct from the chart's own `dags` volume (git-sync/persistence). */
export const DAG_VOLUME = "mlops-dags";
/** Connection id of the S3 remote-log connection, defined by an environment variable without keys. */
export const REMOTE_LOG_CONN_ID = "aws_logs";

/**
 * The chart's statsd exporter Service (chart templates/statsd/statsd-service.yaml): its selector
 * labels and the name of its metrics port. The platform's ServiceMonitor scrapes it for the
 * scheduler's failed-run counts (`ModelTrainingFailed{reason="run-failed"}`).
 */
export const AIRFLOW_STATSD_SERVICE = {
  labels: { tier: "airflow", component: "statsd", release: AIRFLOW_RELEASE },
  port: "statsd-scrape",
} as const;

/** Service accounts of the Airflow components, named explicitly so RBAC and pod roles can refer to them. */
export const AIRFLOW_SERVICE_ACCOUNTS = {
  scheduler: "airflow-scheduler",
  dagProcessor: "airflow-dag-processor",
  worker: "airflow-worker",
  triggerer: "airflow-triggerer",
  apiServer: "airflow-api-server",
} as const;
/** An Airflow component that has its own service account. */
export type AirflowComponent = keyof typeof AIRFLOW_SERVICE_ACCOUNTS;

/** Keys the chart reads from the Secrets named by `*SecretName` values. */
export const AIRFLOW_SECRET_KEYS = {
  /** `data.metadataSecretName`: SQLAlchemy URL. */
  metadata: "connection",
  fernet: "fernet-key",
  apiSecretKey: "api-secret-key",
  jwt: "jwt-secret",
} as const;

/** In-cluster base URL of Airflow's api-server (REST API under `AIRFLOW_REST_API_PATH`). */
export function airflowApiBaseUrl(namespace: string): string {
  return `http://${AIRFLOW_RELEASE}-api-server.${namespace}.svc.cluster.local:${AIRFLOW_API_PORT}`;
}

/**
 * The DAG-sync container: WATCH keeps the folder in step with the ConfigMaps (long-running sidecar),
 * LIST copies them once and exits (init container of a worker pod).
 */
export function dagSyncContainer(mode: "watch" | "list", image: string): Record<string, unknown> {
  return {
    name: mode === "watch" ? "dag-sync" : "dag-load",
    image,
    env: [
      { name: "LABEL", value: AIRFLOW_DAG_LABEL.key },
      { name: "LABEL_VALUE", value: AIRFLOW_DAG_LABEL.value },
      { name: "FOLDER", value: AIRFLOW_DAGS_FOLDER },
      { name: "RESOURCE", value: "configmap" },
      // NAMESPACE unset: the sidecar reads only its own namespace, which the Role allows.
      { name: "METHOD", value: mode === "watch" ? "WATCH" : "LIST" },
    ],
    volumeMounts: [{ name: DAG_VOLUME, mountPath: AIRFLOW_DAGS_FOLDER }],
    resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
    },
  };
}

/** Resolved inputs of the values builder. */
export interface AirflowValuesInput {
  readonly logsBucket: string;
  readonly region: string;
  readonly dagSidecarImage: string;
  /** Names of the Secrets the chart reads; their keys are `AIRFLOW_SECRET_KEYS`. */
  readonly secrets: {
    readonly metadata: string;
    readonly fernet: string;
    readonly apiSecretKey: string;
    readonly jwt: string;
  };
}

/** The values document for the pinned chart. */
export function airflowValues(input: AirflowValuesInput): Record<string, unknown> {
  const dagVolumes = [{ name: DAG_VOLUME, emptyDir: {} }];
  const dagMounts = [{ name: DAG_VOLUME, mountPath: AIRFLOW_DAGS_FOLDER, readOnly: true }];
  const sa = (name: string) => ({ create: true, name });
  const logsPrefix = ARTIFACT_PREFIXES.airflowLogs.replace(/\/$/, "");
  return {
    airflowVersion: AIRFLOW_VERSION,
    defaultAirflowTag: AIRFLOW_VERSION,
    executor: "KubernetesExecutor",
    // External metadata DB (RDS); the chart's bundled PostgreSQL and PgBouncer stay off.
    postgresql: { enabled: false },
    pgbouncer: { enabled: false },
    data: { metadataSecretName: input.secrets.metadata },
    fernetKeySecretName: input.secrets.fernet,
    apiSecretKeySecretName: input.secrets.apiSecretKey,
    jwtSecretName: input.secrets.jwt,
    // The chart's default, said here because the platform relies on it: Airflow sends its metrics to
    // the chart's statsd exporter, which the platform's ServiceMonitor scrapes.
    statsd: { enabled: true },
    // The chart's default user job would create admin/admin; users come from the platform's IdP instead.
    webserver: { defaultUser: { enabled: false } },
    env: [
      // Remote-log connection without credentials: the AWS hook falls back to the pod's EKS Pod
      // Identity credentials (boto3 default chain). Region only.
      {
        name: `AIRFLOW_CONN_${REMOTE_LOG_CONN_ID.toUpperCase()}`,
        value: JSON.stringify({ conn_type: "aws", extra: { region_name: input.region } }),
      },
      { name: "AWS_DEFAULT_REGION", value: input.region },
    ],
    config: {
      // Airflow pauses new DAGs by default: the platform's DAGs (a model's training, the retraining
      // watcher) are deployed to run, by the stack that declares them. Each also says so itself.
      core: {
        load_examples: "False",
        dags_folder: AIRFLOW_DAGS_FOLDER,
        dags_are_paused_at_creation: "False",
      },
      logging: {
        remote_logging: "True",
        remote_base_log_folder: `s3://${input.logsBucket}/${logsPrefix}`,
        remote_log_conn_id: REMOTE_LOG_CONN_ID,
      },
    },
    scheduler: {
      serviceAccount: sa(AIRFLOW_SERVICE_ACCOUNTS.scheduler),
      extraContainers: [dagSyncContainer("watch", input.dagSidecarImage)],
      extraVolumes: dagVolumes,
      extraVolumeMounts: dagMounts,
    },
    dagProcessor: {
      serviceAccount: sa(AIRFLOW_SERVICE_ACCOUNTS.dagProcessor),
      extraContainers: [dagSyncContainer("watch", input.dagSidecarImage)],
      extraVolumes: dagVolumes,
      extraVolumeMounts: dagMounts,
    },
    // Chart 1.21 deprecated these `workers.*` keys in favour of `workers.kubernetes.*`; 1.22 still
    // renders them into the pod template (removal is planned for chart 2.0). They stay until the
    // move can be checked with `helm template` against the pinned chart: the dedicated Kubernetes
    // worker ServiceAccount is chosen through `workers.useWorkerDedicatedServiceAccounts` and its
    // values and RoleBinding were fixed only in 1.22 (apache/airflow #66598, #66730), so a wrong
    // guess here would silently start task pods without the DAG files or the worker's IAM role.
    workers: {
      serviceAccount: sa(AIRFLOW_SERVICE_ACCOUNTS.worker),
      extraInitContainers: [dagSyncContainer("list", input.dagSidecarImage)],
      extraVolumes: dagVolumes,
      extraVolumeMounts: dagMounts,
    },
    triggerer: { serviceAccount: sa(AIRFLOW_SERVICE_ACCOUNTS.triggerer) },
    apiServer: { serviceAccount: sa(AIRFLOW_SERVICE_ACCOUNTS.apiServer) },
  };
}
