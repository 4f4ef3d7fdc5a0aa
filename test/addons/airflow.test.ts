import * as fs from "fs";
import * as path from "path";
import { AIRFLOW_DAG_LABEL } from "../../components/addons/addons-context";
import { Airflow } from "../../components/addons/airflow";
import { AIRFLOW_DAGS_FOLDER, airflowValues } from "../../components/addons/airflow-values";
import { ArtifactBucket } from "../../components/addons/artifact-bucket";
import { DAG_SIDECAR_IMAGE, DATA_CHARTS } from "../../components/addons/data-versions";
import { ConfigValidationError } from "../../components/config/errors";
import { unwrap } from "../../tools/offline/run-program";
import { ROOT } from "../helpers/program";
import { formatFindings, scanHelmReleases } from "../helpers/secret-scan";
import { find, stackConfig, TYPES } from "./harness";
import { mockPassword, plain, recordData } from "./data-harness";

/** Builds once per stack (each run takes seconds on the shared machine); edited configs build fresh. */
const cache = new Map<string, ReturnType<typeof buildFresh>>();
function build(stack = "staging", edit?: (raw: Record<string, any>) => void) {
  if (edit) return buildFresh(stack, edit);
  if (!cache.has(stack)) cache.set(stack, buildFresh(stack));
  return cache.get(stack)!;
}

async function buildFresh(stack: string, edit?: (raw: Record<string, any>) => void) {
  const config = stackConfig(stack, edit);
  const run = await recordData(stack, (cluster) => {
    const logs = new ArtifactBucket("artifacts", { config, cluster });
    return new Airflow("airflow", { config, cluster, logs });
  });
  const release = find(run.resources, TYPES.release, "airflow-release");
  const bucket = find(run.resources, "aws:s3/bucket:Bucket", "artifacts-bucket");
  return { run, release, values: release.inputs.values as Record<string, any>, bucket };
}

/** The Secret with this metadata.name, and its plain stringData. */
function secretNamed(resources: any[], name: string): Record<string, string> {
  const found = resources.filter((r) => r.type === TYPES.secret && r.inputs.metadata?.name === name);
  expect(found).toHaveLength(1);
  expect(found[0].inputs.metadata.namespace).toBe("airflow");
  return plain(found[0].inputs.stringData);
}

describe("Airflow", () => {
  test("installs the pinned official chart with the KubernetesExecutor and no bundled PostgreSQL", async () => {
    const { release, values } = await build();
    expect(release.inputs).toMatchObject({
      name: "airflow",
      chart: "airflow",
      version: DATA_CHARTS.airflow.version,
      namespace: "airflow",
      repositoryOpts: { repo: "https://airflow.apache.org" },
    });
    expect(values.executor).toBe("KubernetesExecutor");
    expect(values.postgresql).toEqual({ enabled: false });
  });

  test("the metadata DB is the RDS database through a connection-string Secret", async () => {
    const { run, values } = await build();
    expect(values.data).toEqual({ metadataSecretName: "airflow-metadata" });
    const data = secretNamed(run.resources, "airflow-metadata");
    const db = find(run.resources, "aws:rds/instance:Instance", "airflow-db-db");
    expect(data.connection).toMatch(
      new RegExp(`^postgresql://airflow:[^@]+@${db.state.address}:5432/airflow\\?sslmode=require$`),
    );
  });

  test("fernet, API and JWT keys come from generated Secrets named in the values", async () => {
    const { run, values } = await build();
    // A Fernet key is 32 bytes in URL-safe base64: 43 characters and one "=".
    expect(secretNamed(run.resources, values.fernetKeySecretName)["fernet-key"]).toMatch(
      /^[A-Za-z0-9_-]{43}=$/,
    );
    expect(secretNamed(run.resources, values.apiSecretKeySecretName)["api-secret-key"]).toBe(
      mockPassword("airflow-api-secret-key"),
    );
    expect(secretNamed(run.resources, values.jwtSecretName)["jwt-secret"]).toBe(
      mockPassword("airflow-jwt-secret"),
    );
  });

  test("no password or key appears in the Helm values", async () => {
    const { values } = await build();
    const text = JSON.stringify(values);
    for (const name of ["airflow-db-password", "airflow-api-secret-key", "airflow-jwt-secret"]) {
      expect(text).not.toContain(mockPassword(name));
    }
    expect(text).not.toMatch(/postgresql:\/\/[^"]*@/);
    expect(values.fernetKey).toBeUndefined();
    expect(values.webserver.defaultUser.enabled).toBe(false);
  });

  test("the shared secret scanner finds nothing secret-like in the release values", async () => {
    const { run } = await build();
    expect(formatFindings(scanHelmReleases(run.resources))).toBe("");
  });

  test("new DAGs start unpaused: the training and retraining DAGs are deployed to run", async () => {
    const { values } = await build();
    expect(values.config.core.dags_are_paused_at_creation).toBe("False");
  });

  test("task logs go to s3://<bucket>/airflow/logs through a key-less connection", async () => {
    const { values, bucket } = await build();
    expect(values.config.logging).toEqual({
      remote_logging: "True",
      remote_base_log_folder: `s3://${bucket.state.bucket}/airflow/logs`,
      remote_log_conn_id: "aws_logs",
    });
    const conn = values.env.find((e: any) => e.name === "AIRFLOW_CONN_AWS_LOGS");
    expect(JSON.parse(conn.value)).toEqual({ conn_type: "aws", extra: { region_name: "ap-southeast-1" } });
    expect(JSON.stringify(values.env)).not.toMatch(/aws_access_key_id|aws_secret_access_key/i);
  });

  test.each(["scheduler", "dagProcessor"])(
    "%s runs the DAG sidecar watching the DAG label into the DAG folder",
    async (c) => {
      const { values } = await build();
      const [sidecar] = values[c].extraContainers;
      expect(sidecar.image).toBe(DAG_SIDECAR_IMAGE);
      const env = Object.fromEntries(sidecar.env.map((e: any) => [e.name, e.value]));
      expect(env).toMatchObject({
        LABEL: AIRFLOW_DAG_LABEL.key,
        LABEL_VALUE: AIRFLOW_DAG_LABEL.value,
        FOLDER: AIRFLOW_DAGS_FOLDER,
        RESOURCE: "configmap",
        METHOD: "WATCH",
      });
      const volume = values[c].extraVolumes[0];
      expect(volume.emptyDir).toEqual({});
      expect(sidecar.volumeMounts).toEqual([{ name: volume.name, mountPath: AIRFLOW_DAGS_FOLDER }]);
      expect(values[c].extraVolumeMounts).toEqual([
        { name: volume.name, mountPath: AIRFLOW_DAGS_FOLDER, readOnly: true },
      ]);
    },
  );

  test("KubernetesExecutor workers load the DAGs once in an init container before the task", async () => {
    const { values } = await build();
    const [init] = values.workers.extraInitContainers;
    const env = Object.fromEntries(init.env.map((e: any) => [e.name, e.value]));
    expect(env).toMatchObject({ LABEL: AIRFLOW_DAG_LABEL.key, METHOD: "LIST", FOLDER: AIRFLOW_DAGS_FOLDER });
    expect(values.workers.extraVolumeMounts[0].mountPath).toBe(AIRFLOW_DAGS_FOLDER);
  });

  test("RBAC lets exactly the DAG-reading service accounts get/list/watch ConfigMaps in airflow", async () => {
    const { run, values } = await build();
    const role = find(run.resources, "kubernetes:rbac.authorization.k8s.io/v1:Role", "airflow-dag-reader");
    expect((role.inputs as any).metadata.namespace).toBe("airflow");
    expect(role.inputs.rules).toEqual([
      { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] },
    ]);
    const binding = find(
      run.resources,
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
      "airflow-dag-reader-binding",
    );
    expect((binding.inputs as any).subjects.map((s: any) => s.name).sort()).toEqual(
      [values.scheduler, values.dagProcessor, values.workers].map((c: any) => c.serviceAccount.name).sort(),
    );
  });

  test("log pod roles reach only airflow/logs/; the api-server may only read", async () => {
    const { run, bucket, values } = await build();
    const arn = bucket.state.arn as string;
    expect(run.podRoles.map((r) => r.serviceAccount).sort()).toEqual(
      [values.workers, values.triggerer, values.dagProcessor, values.apiServer]
        .map((c: any) => c.serviceAccount.name)
        .sort(),
    );
    for (const role of run.podRoles) {
      expect(role.namespace).toBe("airflow");
      const objects = role.policy.Statement.find((s: any) => s.Sid === "ObjectsUnderOwnPrefixes");
      expect(objects.Resource).toEqual([`${arn}/airflow/logs/*`]);
    }
    const api = run.podRoles.find((r) => r.serviceAccount === values.apiServer.serviceAccount.name)!;
    const apiActions = api.policy.Statement.flatMap((s: any) => [s.Action].flat());
    expect(apiActions).not.toContain("s3:PutObject");
    expect(apiActions).not.toContain("kms:GenerateDataKey");
  });

  test("exposes the in-cluster REST API URL, DAG folder and label", async () => {
    const { run } = await build();
    expect(await unwrap(run.built.restApiUrl)).toBe(
      "http://airflow-api-server.airflow.svc.cluster.local:8080/api/v2",
    );
    expect(run.built.dagsFolder).toBe("/opt/airflow/dags");
    expect(run.built.dagLabel).toEqual(AIRFLOW_DAG_LABEL);
  });

  test("a git-sync repository in the config is rejected, not silently ignored", async () => {
    const err = await build("staging", (raw) => {
      raw.addons.airflow.dagsGitRepo = "https://example.com/dags.git";
    }).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect(err.message).toContain("mlops-platform:addons.airflow.dagsGitRepo");
    expect(err.message).toContain("git-sync DAG delivery is not supported yet");
  });
});

describe("Airflow values against the chart's values.schema.json (excerpt)", () => {
  // ajv is installed (transitively) but is not a direct dependency of this project; see the report.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Ajv = require("ajv");
  const schema = JSON.parse(
    fs.readFileSync(path.join(ROOT, "test/fixtures/airflow-values.schema.json"), "utf8"),
  );
  const validate = new Ajv({ allErrors: true }).compile(schema);
  const values = airflowValues({
    logsBucket: "artifacts-123",
    region: "ap-southeast-1",
    dagSidecarImage: DAG_SIDECAR_IMAGE,
    secrets: { metadata: "m", fernet: "f", apiSecretKey: "a", jwt: "j" },
  });

  test("the values validate", () => {
    const ok = validate(values);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test("an unknown key fails validation, as helm install would", () => {
    const typo = { ...values, scheduler: { ...(values.scheduler as object), extraContainer: [] } };
    expect(validate(typo)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain("extraContainer");
  });
});
