/**
 * MLflow tracking server and model registry: the community-charts chart, its PostgreSQL backend store
 * on RDS, artifacts proxied to the shared artifact bucket through a pod-scoped IAM role.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../cluster/cluster-context";
import { StackConfig } from "../config/stack-schema";
import { NAMESPACES } from "./addons-context";
import { ARTIFACT_PREFIXES } from "./artifact-bucket";
import { prefixAccessPolicy } from "./data-iam";
import { DATA_CHARTS } from "./data-versions";
import { createNamespace, createRelease } from "./helm-release";
import { MLFLOW_RELEASE, MLFLOW_SERVICE_ACCOUNT, mlflowTrackingUri, mlflowValues } from "./mlflow-values";
import { PostgresDatabase } from "./postgres-database";

/** The bucket MLflow writes to (an `ArtifactBucket` satisfies it). */
export interface ArtifactStore {
  readonly bucketName: pulumi.Input<string>;
  readonly bucketArn: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Input<string>;
}

/** Arguments of `Mlflow`. */
export interface MlflowArgs {
  readonly config: StackConfig;
  readonly cluster: ClusterContext;
  readonly artifacts: ArtifactStore;
  /** Tracking-server replicas. @default 2 in prod, 1 elsewhere */
  readonly replicas?: number;
}

/** What `createMlflow` returns. */
export interface MlflowResources {
  readonly database: PostgresDatabase;
  readonly trackingUri: string;
}

/** Creates namespace, database, pod role and Helm release as children of `parent`. */
export function createMlflow(name: string, args: MlflowArgs, parent: pulumi.Resource): MlflowResources {
  const replicas = args.replicas ?? (args.config.environment === "prod" ? 2 : 1);
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new Error(`Mlflow ${name}: replicas (${replicas}) must be a positive integer`);
  }
  const k8sOpts = { parent, provider: args.cluster.kubeProvider };
  const namespace = createNamespace(`${name}-ns`, NAMESPACES.mlflow, k8sOpts);
  const database = new PostgresDatabase(
    `${name}-db`,
    {
      config: args.config,
      cluster: args.cluster,
      addon: "mlflow",
      dbName: "mlflow",
      username: "mlflow",
      secretNamespace: namespace.metadata.name,
    },
    { parent },
  );
  const role = args.cluster.podRole(
    `${name}-artifacts`,
    {
      namespace: NAMESPACES.mlflow,
      serviceAccount: MLFLOW_SERVICE_ACCOUNT,
      policy: pulumi
        .all([args.artifacts.bucketArn, args.artifacts.kmsKeyArn])
        .apply(([bucketArn, kmsKeyArn]) =>
          JSON.stringify(
            prefixAccessPolicy({
              bucketArn,
              kmsKeyArn,
              prefixes: [ARTIFACT_PREFIXES.mlflow],
              access: "read-write",
            }),
          ),
        ),
    },
    parent,
  );
  const values = pulumi
    .all([args.artifacts.bucketName, database.host, database.port])
    .apply(([bucketName, host, port]) =>
      mlflowValues({
        bucketName,
        region: args.config.region,
        replicas,
        database: {
          host,
          port,
          dbName: database.dbName,
          secretName: database.secretName,
          usernameKey: database.secretKeys.username,
          passwordKey: database.secretKeys.password,
        },
      }),
    );
  createRelease(
    `${name}-release`,
    { pin: DATA_CHARTS.mlflow, releaseName: MLFLOW_RELEASE, namespace: namespace.metadata.name, values },
    // The pod must not start before its credentials Secret and its S3 role exist.
    { ...k8sOpts, dependsOn: [database.secret, role] },
  );
  return { database, trackingUri: mlflowTrackingUri(NAMESPACES.mlflow) };
}

/** MLflow tracking server + model registry. */
export class Mlflow extends pulumi.ComponentResource {
  /** In-cluster tracking/registry URI, e.g. `http://mlflow.mlflow.svc.cluster.local:5000`. */
  readonly trackingUri: pulumi.Output<string>;
  /** The backend-store database. */
  readonly database: PostgresDatabase;

  constructor(name: string, args: MlflowArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:Mlflow", name, {}, opts);
    const created = createMlflow(name, args, this);
    this.trackingUri = pulumi.output(created.trackingUri);
    this.database = created.database;
    this.registerOutputs({ trackingUri: this.trackingUri });
  }
}
