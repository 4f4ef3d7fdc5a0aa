/**
 * Apache Airflow (official chart, KubernetesExecutor): metadata DB on RDS, task logs in the artifact
 * bucket under `airflow/logs/` through pod-scoped IAM roles, generated fernet/API/JWT keys in
 * Kubernetes Secrets, and DAGs delivered from labelled ConfigMaps (see `airflow-values.ts`).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ClusterContext } from "../cluster/cluster-context";
import { StackConfig } from "../config/stack-schema";
import { AIRFLOW_DAG_LABEL, NAMESPACES } from "./addons-context";
import {
  AIRFLOW_DAGS_FOLDER,
  AIRFLOW_RELEASE,
  AIRFLOW_REST_API_PATH,
  AIRFLOW_SECRET_KEYS,
  AIRFLOW_SERVICE_ACCOUNTS,
  AirflowComponent,
  airflowApiBaseUrl,
  airflowValues,
} from "./airflow-values";
import { ARTIFACT_PREFIXES } from "./artifact-bucket";
import { prefixAccessPolicy } from "./data-iam";
import { DAG_SIDECAR_IMAGE, DATA_CHARTS } from "./data-versions";
import { createNamespace, createRelease } from "./helm-release";
import { ArtifactStore } from "./mlflow";
import { PostgresDatabase } from "./postgres-database";

/** Arguments of `Airflow`. */
export interface AirflowArgs {
  readonly config: StackConfig;
  readonly cluster: ClusterContext;
  /** Bucket receiving task logs under `airflow/logs/` (the shared `ArtifactBucket`). */
  readonly logs: ArtifactStore;
  /** k8s-sidecar image of the DAG sync containers. @default DAG_SIDECAR_IMAGE */
  readonly dagSidecarImage?: string;
}

/** Components that read or write task logs, and how: workers, triggerer and dag-processor upload. */
const LOG_ACCESS: Readonly<Partial<Record<AirflowComponent, "read" | "read-write">>> = {
  worker: "read-write",
  triggerer: "read-write",
  dagProcessor: "read-write",
  apiServer: "read",
};

/** Names of the generated-key Secrets. */
const KEY_SECRETS = {
  fernet: "airflow-fernet-key",
  apiSecretKey: "airflow-api-secret-key",
  jwt: "airflow-jwt-secret",
} as const;

/** What `createAirflow` returns. */
export interface AirflowResources {
  readonly database: PostgresDatabase;
  readonly release: k8s.helm.v3.Release;
}

/** Creates namespace, database, keys, RBAC, pod roles and Helm release as children of `parent`. */
export function createAirflow(name: string, args: AirflowArgs, parent: pulumi.Resource): AirflowResources {
  const k8sOpts = { parent, provider: args.cluster.kubeProvider };
  const namespace = createNamespace(`${name}-ns`, NAMESPACES.airflow, k8sOpts);
  const ns = namespace.metadata.name;

  const database = new PostgresDatabase(
    `${name}-db`,
    {
      config: args.config,
      cluster: args.cluster,
      addon: "airflow",
      dbName: "airflow",
      username: "airflow",
      secretNamespace: ns,
      secretName: "airflow-metadata",
    },
    { parent },
  );

  // Fernet keys are 32 random bytes in URL-safe base64 (cryptography's Fernet.generate_key()). A new
  // key makes every connection and variable encrypted in the metadata database unreadable: prod
  // protects it like the database.
  const fernetBytes = new random.RandomBytes(
    `${name}-fernet`,
    { length: 32 },
    { parent, protect: args.config.environment === "prod" },
  );
  const fernetKey = fernetBytes.base64.apply((b) => b.replace(/\+/g, "-").replace(/\//g, "_"));
  const apiSecretKey = new random.RandomPassword(
    `${name}-api-secret-key`,
    { length: 48, special: false },
    { parent },
  );
  const jwtSecret = new random.RandomPassword(
    `${name}-jwt-secret`,
    { length: 64, special: false },
    { parent },
  );
  const keySecret = (role: string, secretName: string, key: string, value: pulumi.Output<string>) =>
    new k8s.core.v1.Secret(
      `${name}-${role}`,
      {
        metadata: { name: secretName, namespace: ns },
        type: "Opaque",
        stringData: pulumi.secret(value.apply((v) => ({ [key]: v }))),
      },
      k8sOpts,
    );
  const secrets = [
    keySecret("fernet-secret", KEY_SECRETS.fernet, AIRFLOW_SECRET_KEYS.fernet, fernetKey),
    keySecret(
      "api-key-secret",
      KEY_SECRETS.apiSecretKey,
      AIRFLOW_SECRET_KEYS.apiSecretKey,
      apiSecretKey.result,
    ),
    keySecret("jwt-secret", KEY_SECRETS.jwt, AIRFLOW_SECRET_KEYS.jwt, jwtSecret.result),
  ];

  // The DAG sync containers list and watch ConfigMaps in their own namespace, nothing else.
  const role = new k8s.rbac.v1.Role(
    `${name}-dag-reader`,
    {
      metadata: { name: "airflow-dag-reader", namespace: ns },
      rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] }],
    },
    k8sOpts,
  );
  const binding = new k8s.rbac.v1.RoleBinding(
    `${name}-dag-reader-binding`,
    {
      metadata: { name: "airflow-dag-reader", namespace: ns },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "airflow-dag-reader" },
      subjects: (["scheduler", "dagProcessor", "worker"] as const).map((c) => ({
        kind: "ServiceAccount",
        name: AIRFLOW_SERVICE_ACCOUNTS[c],
        namespace: NAMESPACES.airflow,
      })),
    },
    { ...k8sOpts, dependsOn: [role] },
  );

  const podRoles = (Object.entries(LOG_ACCESS) as [AirflowComponent, "read" | "read-write"][]).map(
    ([component, access]) =>
      args.cluster.podRole(
        `${name}-logs-${component.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
        {
          namespace: NAMESPACES.airflow,
          serviceAccount: AIRFLOW_SERVICE_ACCOUNTS[component],
          policy: pulumi.all([args.logs.bucketArn, args.logs.kmsKeyArn]).apply(([bucketArn, kmsKeyArn]) =>
            JSON.stringify(
              prefixAccessPolicy({
                bucketArn,
                kmsKeyArn,
                prefixes: [ARTIFACT_PREFIXES.airflowLogs],
                access,
              }),
            ),
          ),
        },
        parent,
      ),
  );

  const values = pulumi.output(args.logs.bucketName).apply((logsBucket) =>
    airflowValues({
      logsBucket,
      region: args.config.region,
      dagSidecarImage: args.dagSidecarImage ?? DAG_SIDECAR_IMAGE,
      secrets: {
        metadata: database.secretName,
        fernet: KEY_SECRETS.fernet,
        apiSecretKey: KEY_SECRETS.apiSecretKey,
        jwt: KEY_SECRETS.jwt,
      },
    }),
  );
  const release = createRelease(
    `${name}-release`,
    // Database migrations run in a post-install hook job; the first install needs more than the default.
    { pin: DATA_CHARTS.airflow, releaseName: AIRFLOW_RELEASE, namespace: ns, values, timeoutSeconds: 900 },
    { ...k8sOpts, dependsOn: [database.secret, ...secrets, binding, ...podRoles] },
  );
  return { database, release };
}

/** Apache Airflow on KubernetesExecutor with ConfigMap-delivered DAGs. */
export class Airflow extends pulumi.ComponentResource {
  /** In-cluster api-server URL, e.g. `http://airflow-api-server.airflow.svc.cluster.local:8080`. */
  readonly apiBaseUrl: pulumi.Output<string>;
  /** In-cluster REST API root (`<apiBaseUrl>/api/v2`) for the retraining loop. */
  readonly restApiUrl: pulumi.Output<string>;
  /** Folder the DAG files land in inside every Airflow pod. */
  readonly dagsFolder = AIRFLOW_DAGS_FOLDER;
  /** Label model stacks put on their DAG ConfigMaps (in namespace `dagNamespace`). */
  readonly dagLabel = AIRFLOW_DAG_LABEL;
  readonly dagNamespace = NAMESPACES.airflow;
  readonly database: PostgresDatabase;
  /** The Helm release, for `dependsOn`. */
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: AirflowArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:Airflow", name, {}, opts);
    const created = createAirflow(name, args, this);
    const base = airflowApiBaseUrl(NAMESPACES.airflow);
    this.apiBaseUrl = pulumi.output(base);
    this.restApiUrl = pulumi.output(`${base}${AIRFLOW_REST_API_PATH}`);
    this.database = created.database;
    this.release = created.release;
    this.registerOutputs({
      apiBaseUrl: this.apiBaseUrl,
      restApiUrl: this.restApiUrl,
      dagsFolder: this.dagsFolder,
    });
  }
}
