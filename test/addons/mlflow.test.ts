import { ArtifactBucket } from "../../components/addons/artifact-bucket";
import { DATA_CHARTS } from "../../components/addons/data-versions";
import { Mlflow } from "../../components/addons/mlflow";
import { mlflowTrackingUri } from "../../components/addons/mlflow-values";
import { unwrap } from "../../tools/offline/run-program";
import { find, stackConfig, TYPES } from "./harness";
import { mockPassword, plain, recordData } from "./data-harness";

/** Builds once per stack: each run takes seconds on the shared machine. */
const cache = new Map<string, ReturnType<typeof buildFresh>>();
function build(stack = "staging") {
  if (!cache.has(stack)) cache.set(stack, buildFresh(stack));
  return cache.get(stack)!;
}

async function buildFresh(stack: string) {
  const config = stackConfig(stack);
  const run = await recordData(stack, (cluster) => {
    const artifacts = new ArtifactBucket("artifacts", { config, cluster });
    return new Mlflow("mlflow", { config, cluster, artifacts });
  });
  const release = find(run.resources, TYPES.release, "mlflow-release");
  const bucket = find(run.resources, "aws:s3/bucket:Bucket", "artifacts-bucket");
  const kms = find(run.resources, "aws:kms/key:Key", "artifacts-kms");
  return { run, release, values: release.inputs.values as Record<string, any>, bucket, kms };
}

describe("Mlflow", () => {
  test("installs the pinned community-charts chart as release mlflow in namespace mlflow", async () => {
    const { release, run } = await build();
    expect(release.inputs).toMatchObject({
      name: "mlflow",
      chart: "mlflow",
      version: DATA_CHARTS.mlflow.version,
      namespace: "mlflow",
      repositoryOpts: { repo: "https://community-charts.github.io/helm-charts" },
    });
    expect((find(run.resources, TYPES.namespace, "mlflow-ns").inputs as any).metadata.name).toBe("mlflow");
  });

  test("the backend store is the RDS database, credentials only by Secret name and keys", async () => {
    const { values, run } = await build();
    const db = find(run.resources, "aws:rds/instance:Instance", "mlflow-db-db");
    expect(values.backendStore.postgres).toEqual({
      enabled: true,
      host: db.state.address,
      port: 5432,
      database: "mlflow",
    });
    expect(values.backendStore.existingDatabaseSecret).toEqual({
      name: "mlflow-database",
      usernameKey: "username",
      passwordKey: "password",
    });
    const secret = find(run.resources, TYPES.secret, "mlflow-db-credentials");
    expect((secret.inputs as any).metadata.name).toBe("mlflow-database");
    expect(Object.keys(plain(secret.inputs.stringData))).toEqual(
      expect.arrayContaining(["username", "password"]),
    );
  });

  test("no password appears anywhere in the Helm values (positive control: it is in the Secret)", async () => {
    const { values, run } = await build();
    const password = mockPassword("mlflow-db-password");
    expect(
      JSON.stringify(plain(find(run.resources, TYPES.secret, "mlflow-db-credentials").inputs.stringData)),
    ).toContain(password);
    expect(JSON.stringify(values)).not.toContain(password);
    expect(values.backendStore.postgres.password).toBeUndefined();
    expect(values.artifactRoot.s3.awsSecretAccessKey).toBeUndefined();
  });

  test("artifacts are proxied to s3://<bucket>/mlflow", async () => {
    const { values, bucket } = await build();
    expect(values.artifactRoot).toEqual({
      proxiedArtifactStorage: true,
      s3: { enabled: true, bucket: bucket.state.bucket, path: "mlflow" },
    });
  });

  test("the pod role of the mlflow service account reaches only mlflow/ in the bucket and its key", async () => {
    const { run, bucket, kms, values } = await build();
    expect(run.podRoles).toHaveLength(1);
    const [role] = run.podRoles;
    expect(role).toMatchObject({ namespace: "mlflow", serviceAccount: values.serviceAccount.name });
    const arn = bucket.state.arn as string;
    const resources = role.policy.Statement.flatMap((s: any) => [s.Resource].flat());
    expect(new Set(resources)).toEqual(new Set([arn, `${arn}/mlflow/*`, kms.state.arn]));
    const list = role.policy.Statement.find((s: any) => s.Action === "s3:ListBucket");
    expect(list.Condition.StringLike["s3:prefix"]).toEqual(["mlflow/", "mlflow/*"]);
  });

  test("exposes the in-cluster tracking URI of the chart's Service", async () => {
    const { run, values } = await build();
    expect(values.fullnameOverride).toBe("mlflow");
    expect(values.service.port).toBe(5000);
    expect(await unwrap(run.built.trackingUri)).toBe("http://mlflow.mlflow.svc.cluster.local:5000");
    expect(mlflowTrackingUri("x")).toBe("http://mlflow.x.svc.cluster.local:5000");
  });

  test("prod runs two replicas, staging one", async () => {
    expect((await build("prod")).values.replicaCount).toBe(2);
    expect((await build("staging")).values.replicaCount).toBe(1);
  });
});
