/**
 * The whole program (index.ts) under the mock runtime, per committed stack: what `pulumi up` would
 * declare. Component tests cover the details; these assert the platform-level promises.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { ConfigValidationError } from "../../components/config/errors";
import { RecordedResource } from "../../tools/offline/mock-cloud";
import { resourceKey } from "../../tools/offline/run-program";
import type { ProgramRun } from "../../tools/offline/run-program";
import { ofType, ROOT, runStack } from "../helpers/program";
import { formatFindings, scanHelmReleases } from "../helpers/secret-scan";
import { eventBaselinesFromHistory, eventReplicas } from "../../components/capacity/event-prescale";
import { parseTrafficCsv } from "../../components/capacity/traffic";
import { loadModelSpecs, loadStackConfig } from "../../tools/capacity/inputs";
import { policyResources } from "../../tools/plan/policy-hook";
import { capacityConfigFromStack, demandsFromResources, ModelDemand } from "../../policies/lib/capacity";

const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const models = fs
  .readdirSync(path.join(ROOT, "models"))
  .filter((f) => f.endsWith(".yaml"))
  .map((f) => f.replace(/\.yaml$/, ""));

const runs: Record<string, ProgramRun> = {};
beforeAll(async () => {
  runs.staging = await runStack("staging");
  runs.prod = await runStack("prod");
}, 120_000);

const inNamespace = (r: RecordedResource, ns: string) =>
  (r.inputs.metadata as { namespace?: string } | undefined)?.namespace === ns;

describe.each(["staging", "prod"])("the %s stack", (stack) => {
  test("the plan's capacity policies count the GPU demand that pulumi preview finds: every variant", () => {
    const config = loadStackConfig(stack);
    const specs = loadModelSpecs(path.join(ROOT, "models"), stack, config);
    const fromSpecs = capacityConfigFromStack(config, specs).models!;
    // In the shape the policy pack sees them (policy-hook's structural type of @pulumi/policy's).
    const resources = policyResources("mlops-platform", stack, runs[stack].resources, () => ({
      protect: false,
    })) as unknown as Parameters<typeof demandsFromResources>[0];
    const fromPreview = demandsFromResources(resources, capacityConfigFromStack(config).pools!);
    const key = (d: ModelDemand) => `${d.name} ${d.pool} ${d.share} ${d.minReplicas}-${d.maxReplicas}`;
    expect(fromSpecs.map(key).sort()).toEqual(fromPreview.map(key).sort());
    // The committed specs have canaries and experiments, so this compares more than stable variants.
    expect(fromPreview.length).toBeGreaterThan(specs.length);
  });

  test("creates one EKS cluster with KMS-encrypted secrets", () => {
    const [cluster] = ofType(runs[stack], "aws:eks/cluster:Cluster");
    expect(ofType(runs[stack], "aws:eks/cluster:Cluster")).toHaveLength(1);
    expect((cluster.inputs.encryptionConfig as any).resources).toEqual(["secrets"]);
  });

  test("creates one Karpenter NodePool per GPU pool, tainted and limited to maxGpus in the units its nodes report", () => {
    const pools = ofType(runs[stack], NODE_POOL);
    const doc = YAML.parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
    const configured = doc.config["mlops-platform:gpuPools"] as {
      name: string;
      maxGpus: number;
      sharing?: { mode: string; replicas?: number };
    }[];
    expect(pools).toHaveLength(configured.length);
    for (const p of configured) {
      const pool = pools.find((r) => (r.inputs.metadata as any).name.includes(p.name))!;
      const spec = pool.inputs.spec as any;
      expect(spec.template.spec.taints).toContainEqual({
        key: "nvidia.com/gpu",
        value: "true",
        effect: "NoSchedule",
      });
      // A time-sliced node reports each replica as one nvidia.com/gpu, and Karpenter counts that.
      const units = p.sharing?.mode === "time-slicing" ? p.sharing.replicas! : 1;
      expect(String(spec.limits["nvidia.com/gpu"])).toBe(String(p.maxGpus * units));
    }
  });

  test("installs every add-on from a pinned chart version", () => {
    const charts = ofType(runs[stack], RELEASE).map((r) => r.inputs.chart as string);
    for (const chart of [
      "gpu-operator",
      "keda",
      "kube-prometheus-stack",
      "mlflow",
      "airflow",
      "kserve",
      "karpenter",
      "cert-manager",
    ]) {
      expect(charts.some((c) => c.includes(chart))).toBe(true);
    }
    for (const r of ofType(runs[stack], RELEASE)) expect(r.inputs.version).toMatch(/^v?\d+\.\d+\.\d+$/);
  });

  test("no Helm release carries a password, secret or token in its values", () => {
    const findings = scanHelmReleases(runs[stack].resources);
    expect(formatFindings(findings)).toBe("");
  });

  test.each(models)(
    "model %s gets serving, autoscaling, disruption budget, network policy, monitor, rules and a DAG",
    (model) => {
      const run = runs[stack];
      for (const type of [
        "kubernetes:serving.kserve.io/v1beta1:InferenceService",
        "kubernetes:keda.sh/v1alpha1:ScaledObject",
        "kubernetes:policy/v1:PodDisruptionBudget",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        "kubernetes:monitoring.coreos.com/v1:PodMonitor",
        "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
      ]) {
        expect(ofType(run, type).filter((r) => inNamespace(r, model)).length).toBeGreaterThan(0);
      }
      const dags = ofType(run, "kubernetes:core/v1:ConfigMap").filter((r) => inNamespace(r, "airflow"));
      expect(
        dags.some((r) =>
          Object.keys((r.inputs.data ?? {}) as object).some((k) => k.includes(model.replace(/-/g, "_"))),
        ),
      ).toBe(true);
    },
  );
});

describe.each(["staging", "prod"])("storage in the %s stack", (stack) => {
  test("Prometheus' claim names a StorageClass the stack creates, expandable, and the cluster's default", () => {
    const [prometheus] = ofType(runs[stack], RELEASE).filter(
      (r) => r.inputs.chart === "kube-prometheus-stack",
    );
    const className = (prometheus.inputs.values as any).prometheus.prometheusSpec.storageSpec
      .volumeClaimTemplate.spec.storageClassName;
    const classes = ofType(runs[stack], "kubernetes:storage.k8s.io/v1:StorageClass");
    const named = classes.filter((c) => (c.inputs.metadata as any).name === className);
    expect(named).toHaveLength(1);
    expect(named[0].inputs).toMatchObject({ provisioner: "ebs.csi.aws.com", allowVolumeExpansion: true });
    // Kubeflow Pipelines' and the Airflow triggerer's claims name no class: the default takes them.
    expect((named[0].inputs.metadata as any).annotations["storageclass.kubernetes.io/is-default-class"]).toBe(
      "true",
    );
    // The driver behind the provisioner is an EKS add-on of the same stack.
    expect(ofType(runs[stack], "aws:eks/addon:Addon").map((a) => a.inputs.addonName)).toContain(
      "aws-ebs-csi-driver",
    );
  });
});

describe("prod protects its stateful resources", () => {
  test.each([
    "aws:rds/instance:Instance",
    "aws:s3/bucket:Bucket",
    "aws:eks/cluster:Cluster",
    "aws:kms/key:Key",
    // Kubeflow Pipelines' CRDs and its MySQL and SeaweedFS volumes; Airflow's fernet key.
    "kubernetes:kustomize/v2:Directory",
    "random:index/randomBytes:RandomBytes",
  ])("%s is protected", (type) => {
    expect(ofType(runs.prod, type).length).toBeGreaterThan(0);
    const run = runs.prod;
    for (const r of ofType(run, type))
      expect(run.options.get(resourceKey(r.type, r.name))?.protect).toBe(true);
    for (const r of ofType(run, "aws:rds/instance:Instance")) expect(r.inputs.deletionProtection).toBe(true);
  });

  test("staging does not protect them (it can be torn down)", () => {
    for (const r of ofType(runs.staging, "aws:rds/instance:Instance")) {
      expect(runs.staging.options.get(resourceKey(r.type, r.name))?.protect).toBe(false);
    }
  });
});

test("a bad model spec stops the run before any resource is declared", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-bad-models-"));
  for (const m of models)
    fs.copyFileSync(path.join(ROOT, "models", `${m}.yaml`), path.join(dir, `${m}.yaml`));
  fs.writeFileSync(path.join(dir, "broken.yaml"), "name: broken\nteam: x\nserving: { runtime: onnx }\n");
  const sink: RecordedResource[] = [];
  await expect(runStack("prod", { modelsDir: dir, sink })).rejects.toBeInstanceOf(ConfigValidationError);
  expect(sink.filter((r) => r.type !== "pulumi:pulumi:Stack")).toEqual([]);
});

test("a canaryTraffic key of no model is listed with the specs' problems, and a rejected spec's key is not", async () => {
  const { tempStack } = await import("../helpers/program");
  const dir = tempStack(
    "staging",
    (config) => {
      config["mlops-platform:canaryTraffic"] = { "ghost-model": 25, "homepage-feed": 25 };
    },
    "staging",
  );
  fs.cpSync(path.join(ROOT, "models"), path.join(dir, "models"), { recursive: true });
  const spec = path.join(dir, "models", "homepage-feed.yaml");
  fs.writeFileSync(spec, fs.readFileSync(spec, "utf8").replace(/share: [\d.]+/, "share: 0.3"));
  const run = runStack("staging", { projectRoot: dir, modelsDir: path.join(dir, "models") });
  await expect(run).rejects.toBeInstanceOf(ConfigValidationError);
  const message = await run.catch((err: Error) => err.message);
  expect(message).toContain("homepage-feed.yaml: serving.gpu.share");
  expect(message).toContain("mlops-platform:canaryTraffic.ghost-model: no model of that name");
  expect(message).not.toContain("canaryTraffic.homepage-feed");
});

describe("sales-event pre-scaling from the traffic history", () => {
  const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";
  test("prod's Double-12 cron asks for the usual opening rate x 8, far above replicas.min x 8", () => {
    const so = ofType(runs.prod, SCALED_OBJECT).find((r) => r.name === "homepage-feed-scaler-stable")!;
    const soSpec = so.inputs.spec as { triggers: { name: string; metadata: Record<string, string> }[] };
    const cron = soSpec.triggers.find((t) => t.name === "event-double-12")!;
    expect(cron.metadata.end).toBe("15 0 12 12 *");
    // homepage-feed: min 3, so without history the floor would be 24 replicas.
    // The median day's 00:00-00:15 rate from the history, x 8, on stable's 90% share.
    const history = parseTrafficCsv(
      fs.readFileSync(path.join(ROOT, "models", "traffic", "sample-week.csv"), "utf8"),
      "sample-week.csv",
    );
    const config = loadStackConfig("prod", ROOT);
    const homepage = loadModelSpecs(path.join(ROOT, "models"), "prod", config).find(
      (m) => m.name === "homepage-feed",
    )!;
    const baseline = eventBaselinesFromHistory(history, "homepage-feed", config)["double-12"];
    expect(baseline).toBeGreaterThan(0);
    expect(Number(cron.metadata.desiredReplicas)).toBe(eventReplicas(homepage, 8, baseline * 0.9));
    expect(Number(cron.metadata.desiredReplicas)).toBeGreaterThan(200);
  });

  test("each weighted variant scales on its share of the model's forecast; a header-pinned one on its own rate", () => {
    const triggers = (name: string) =>
      (
        ofType(runs.prod, SCALED_OBJECT).find((r) => r.name === name)!.inputs.spec as {
          triggers: { name: string; metadata: Record<string, string> }[];
        }
      ).triggers;
    const forecast = (name: string) =>
      triggers(name).find((t) => t.name === "traffic-forecast")!.metadata.query;
    // homepage-feed: canary at 10%, stable carries the other 90%.
    expect(forecast("homepage-feed-scaler-stable")).toBe(
      'max(mlops:model_rps_forecast:4m{model="homepage-feed"}) * 0.9',
    );
    expect(forecast("homepage-feed-scaler-canary")).toBe(
      'max(mlops:model_rps_forecast:4m{model="homepage-feed"}) * 0.1',
    );
    const cron = (name: string) =>
      Number(triggers(name).find((t) => t.name === "event-double-12")!.metadata.desiredReplicas);
    expect(cron("homepage-feed-scaler-canary")).toBeLessThan(cron("homepage-feed-scaler-stable") / 5);
    // Each variant's night spare: its share of the model's drain level plus one of its replicas.
    const spare = (name: string) => triggers(name).find((t) => t.name === "drain-spare")!.metadata.query;
    expect(spare("homepage-feed-scaler-canary")).toBe(
      'max(mlops:model_rps_drain_level:4m{model="homepage-feed"}) * 0.1 + 100',
    );
    // search-ranking's ltr-v2 is pinned by header: its own request rate, and the spare on that rate
    // (a drain evicts its pods too).
    expect(triggers("search-ranking-scaler-ltr-v2").map((t) => t.name)).toEqual([
      "request-rate",
      "drain-spare",
    ]);
    const ltrRate = triggers("search-ranking-scaler-ltr-v2")[0].metadata.query;
    expect(ltrRate).toContain('nv_inference_request_success{model="search-ranking",variant="ltr-v2"}[1m]');
    expect(spare("search-ranking-scaler-ltr-v2")).toBe(
      `((${ltrRate} > 0) and on () (vector((time() / 60 + 1320) % 1440) >= 720)) + 60`,
    );
  });

  test("no stack renders a cron KEDA would refuse (desiredReplicas below 1) or one at the floor", () => {
    for (const run of [runs.prod, runs.staging]) {
      const crons = ofType(run, SCALED_OBJECT).flatMap((so) => {
        const spec = so.inputs.spec as {
          minReplicaCount: number;
          maxReplicaCount: number;
          triggers: { type: string; metadata: Record<string, string> }[];
        };
        return spec.triggers
          .filter((t) => t.type === "cron")
          .map((t) => ({
            floor: spec.minReplicaCount,
            max: spec.maxReplicaCount,
            desired: Number(t.metadata.desiredReplicas),
          }));
      });
      // Within the variant's own bounds: a canary's are not the stable variant's.
      for (const c of crons) {
        expect(c.desired).toBeGreaterThan(Math.max(c.floor, 0));
        expect(c.desired).toBeLessThanOrEqual(c.max);
      }
      if (run === runs.prod) expect(crons.length).toBeGreaterThanOrEqual(12); // two events, every stable variant
    }
    // Staging pins its models at one replica (push-ranking at 0-1, no history): nothing to pre-scale.
    expect(
      ofType(runs.staging, SCALED_OBJECT).flatMap((so) =>
        (so.inputs.spec as { triggers: { type: string }[] }).triggers.filter((t) => t.type === "cron"),
      ),
    ).toEqual([]);
  });

  test("a traffic history that does not exist stops the run with a message naming the key", async () => {
    const { tempStack } = await import("../helpers/program");
    const dir = tempStack(
      "prod",
      (config) => {
        config["mlops-platform:trafficHistory"] = "models/traffic/missing-week.csv";
      },
      "prod",
    );
    const sink: RecordedResource[] = [];
    const run = runStack("prod", { projectRoot: dir, sink });
    await expect(run).rejects.toBeInstanceOf(ConfigValidationError);
    await expect(run).rejects.toThrow(
      /Pulumi\.prod\.yaml: mlops-platform:trafficHistory: .*missing-week\.csv.*not found; trafficHistory is relative to the project root/s,
    );
    expect(sink.filter((r) => r.type !== "pulumi:pulumi:Stack")).toEqual([]);
  });
});

describe("secrets in the stack file", () => {
  async function problemsOf(edit: (config: Record<string, unknown>) => void): Promise<string> {
    const { tempStack } = await import("../helpers/program");
    const dir = tempStack("staging", edit, "staging");
    const run = runStack("staging", { projectRoot: dir, modelsDir: path.join(ROOT, "models") });
    await expect(run).rejects.toBeInstanceOf(ConfigValidationError);
    return run.then(
      () => "",
      (err: Error) => err.message,
    );
  }

  test("a secret key set in plain text says how to set it, without its value", async () => {
    const message = await problemsOf((config) => {
      config["mlops-platform:alertWebhookPlatform"] = "https://hooks.example.com/services/T0/secretTOKEN";
    });
    expect(message).toContain(
      "mlops-platform:alertWebhookPlatform: is the secret alerting.receivers.ml-platform.urlSecret names, but it is set in plain text (stored unencrypted in the stack file); run: pulumi config rm alertWebhookPlatform && pulumi config set --secret alertWebhookPlatform <value>",
    );
    expect(message).not.toContain("unknown key");
    expect(message).not.toContain("secretTOKEN");
  });

  test("a setting with a value set with --secret inside is refused, not dropped for its default", async () => {
    // The CLI marks the whole key secret, and the program leaves secret keys out: without this
    // problem the stack would deploy with no alert receivers at all.
    const message = await problemsOf((config) => {
      const alerting = config["mlops-platform:alerting"] as Record<string, unknown>;
      alerting.email = { smarthost: { secure: "AAABAKxyz" }, from: "alerts@example.com" };
    });
    expect(message).toMatch(/^1 configuration problem:/);
    expect(message).toContain(
      "Pulumi.staging.yaml: mlops-platform:alerting: is a secret (a value in it was set with --secret), but it is a setting the program must read",
    );
    expect(message).not.toContain("alerting.");
  });
});
