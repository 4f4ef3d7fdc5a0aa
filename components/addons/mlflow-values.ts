/**
 * Helm values of the community-charts `mlflow` chart (pinned in `data-versions.ts`). Pure: no Pulumi
 * resources, no Outputs, so the test inspects the exact document Helm receives.
 *
 * Artifacts are proxied (`--serve-artifacts` with `--artifacts-destination=s3://...`): clients
 * (training jobs, notebooks, Airflow tasks) talk only to the tracking server and need no S3
 * credentials; the MLflow pod role is the single identity that touches `mlflow/` in the bucket, which
 * keeps the IAM surface to one role and one prefix. The cost is that artifact bytes pass through the
 * server; recommendation models are hundreds of MB at most, so that is acceptable, and serving reads
 * `models/` from S3 directly anyway.
 */
import { ARTIFACT_PREFIXES } from "./artifact-bucket";

/** Release and object names: `fullnameOverride` pins the Service name the tracking URI uses. */
export const MLFLOW_RELEASE = "mlflow";
/** Service port of the chart (`service.port`, chart default 5000). */
export const MLFLOW_PORT = 5000;
/** Kubernetes service account of the tracking server; its pod role grants `mlflow/` in the bucket. */
export const MLFLOW_SERVICE_ACCOUNT = "mlflow";

/** In-cluster tracking/registry URI for a namespace. */
export function mlflowTrackingUri(namespace: string): string {
  return `http://${MLFLOW_RELEASE}.${namespace}.svc.cluster.local:${MLFLOW_PORT}`;
}

/** Resolved inputs of the values builder. */
export interface MlflowValuesInput {
  readonly bucketName: string;
  readonly region: string;
  readonly replicas: number;
  readonly database: {
    readonly host: string;
    readonly port: number;
    readonly dbName: string;
    /** Kubernetes Secret with the user name and password; the values carry only its name and keys. */
    readonly secretName: string;
    readonly usernameKey: string;
    readonly passwordKey: string;
  };
}

/** The values document for the pinned chart. */
export function mlflowValues(input: MlflowValuesInput): Record<string, unknown> {
  return {
    fullnameOverride: MLFLOW_RELEASE,
    replicaCount: input.replicas,
    serviceAccount: { create: true, name: MLFLOW_SERVICE_ACCOUNT },
    service: { type: "ClusterIP", port: MLFLOW_PORT },
    backendStore: {
      // `mlflow db upgrade` in an init container before the server starts, so chart upgrades that
      // bump MLflow migrate the schema instead of crash-looping.
      databaseMigration: true,
      databaseConnectionCheck: true,
      postgres: {
        enabled: true,
        host: input.database.host,
        port: input.database.port,
        database: input.database.dbName,
      },
      // The chart maps these to PGUSER/PGPASSWORD from the Secret (templates/_helpers.tpl
      // `mlflow.databaseEnvVars`); user/password stay empty in the values.
      existingDatabaseSecret: {
        name: input.database.secretName,
        usernameKey: input.database.usernameKey,
        passwordKey: input.database.passwordKey,
      },
    },
    artifactRoot: {
      proxiedArtifactStorage: true,
      // `--artifacts-destination=s3://<bucket>/<path>` (templates/_helpers.tpl `mlflow.artifactCommand`).
      s3: { enabled: true, bucket: input.bucketName, path: ARTIFACT_PREFIXES.mlflow.replace(/\/$/, "") },
    },
    extraEnvVars: {
      AWS_DEFAULT_REGION: input.region,
      // libpq setting: RDS forces TLS (rds.force_ssl=1 on PostgreSQL 15+); fail fast rather than fall back.
      PGSSLMODE: "require",
    },
    resources: {
      requests: { cpu: "250m", memory: "512Mi" },
      limits: { memory: "2Gi" },
    },
  };
}
