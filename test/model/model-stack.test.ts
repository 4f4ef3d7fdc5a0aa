/**
 * ModelStack under the mock runtime: for every committed model of each stack, the namespace,
 * policies, identity, serving variants, routing, autoscaling, scraping and training DAG exist with
 * the inputs the spec asks for.
 */
import * as pulumi from "@pulumi/pulumi";
import { ModelSpec } from "../../components/config/model-schema";
import { replicaDevices } from "../../components/capacity/gpu-slots";
import { StackConfig } from "../../components/config/stack-schema";
import {
  GPU_POOL_LABELS,
  GPU_TAINT,
  NAMESPACES,
  PRIORITY_CLASSES,
} from "../../components/addons/addons-context";
import { ModelStack, ModelStackArgs } from "../../components/model/model-stack";
import { requestRateQuery } from "../../components/model/request-metrics";
import { trainingDagId } from "../../components/model/training-dag";
import { variantsOf } from "../../components/model/variants";
import { RecordedResource } from "../../tools/offline/mock-cloud";
import {
  ARTIFACT_KEY_ARN,
  TYPES,
  committedModels,
  fakeAddons,
  fakeCluster,
  inNamespace,
  record,
  stackConfig,
} from "./harness";

const BUCKET = "mlops-artifacts-a1b2c3";

describe.each(["staging", "prod"])("ModelStack for every committed model of %s", (stack) => {
  let cfg: StackConfig;
  let models: ModelSpec[];
  let resources: RecordedResource[];
  let stacks: ModelStack[];

  beforeAll(async () => {
    cfg = stackConfig(stack);
    models = committedModels(stack, cfg);
    const { cluster } = fakeCluster();
    const addons = fakeAddons();
    const out = await record(
      () => models.map((spec) => new ModelStack(spec.name, { spec, config: cfg, stack, cluster, addons })),
      stack,
    );
    resources = out.resources;
    stacks = out.built;
  });

  const byName = (type: string, name: string) => {
    const found = resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} ${name}, found ${found.length}`);
    return found[0].inputs as any;
  };

  // Ten-plus, not exactly twelve: a team adding its model's file must not fail this.
  test("ten or more models, one component each", () => {
    expect(models.length).toBeGreaterThanOrEqual(10);
    expect(resources.filter((r) => r.type === TYPES.component)).toHaveLength(models.length);
  });

  test("each model has its own labelled namespace", () => {
    for (const m of models) {
      const ns = byName(TYPES.namespace, `${m.name}-namespace`);
      expect(ns.metadata.name).toBe(m.name);
      expect(ns.metadata.labels).toMatchObject({
        "mlops.io/team": m.team,
        "mlops.io/model": m.name,
        "app.kubernetes.io/managed-by": "pulumi",
      });
    }
  });

  test("each namespace denies all traffic by default and allows gateway, Prometheus, DNS, MLflow, S3", () => {
    for (const m of models) {
      const policies = inNamespace(resources, TYPES.networkPolicy, m.name).map((r) => r.inputs as any);
      const deny = policies.find((p) => p.metadata.name === "default-deny");
      expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
      expect(policies.map((p) => p.metadata.name).sort()).toEqual([
        "allow-dns",
        "allow-gateway",
        "allow-mlflow",
        "allow-object-storage",
        "allow-prometheus",
        "default-deny",
      ]);
    }
  });

  test("the pod role reads only the model's artifact prefixes (stable, canary, experiments)", () => {
    for (const m of models) {
      const role = byName(TYPES.iamRole, `${m.name}-pod-role`);
      const doc = JSON.parse(role.inlinePolicies[0].policy);
      const expected = variantsOf(m)
        .map((v) => `arn:aws:s3:::${BUCKET}/${v.modelUri.replace("s3://<artifacts>/", "")}/*`)
        .sort();
      expect(doc.Statement[0].Resource).toEqual(expected);
      expect(JSON.stringify(doc)).not.toContain(`arn:aws:s3:::${BUCKET}/*`);
      expect(byName(TYPES.serviceAccount, `${m.name}-sa`).metadata).toMatchObject({
        name: m.name,
        namespace: m.name,
      });
    }
  });

  test("the pod role may decrypt with the artifact bucket's KMS key, and with no other key", () => {
    // The bucket is SSE-KMS: without kms:Decrypt the storage initializer's GetObject is AccessDenied.
    for (const m of models) {
      const doc = JSON.parse(byName(TYPES.iamRole, `${m.name}-pod-role`).inlinePolicies[0].policy);
      const kms = doc.Statement.filter((s: any) =>
        [s.Action].flat().some((a: string) => a.startsWith("kms:")),
      );
      expect(kms).toEqual([
        {
          Sid: "DecryptModelArtifacts",
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: ARTIFACT_KEY_ARN,
        },
      ]);
    }
  });

  test("every variant is an InferenceService in Standard mode scaled externally, on the serving pool", () => {
    for (const m of models) {
      const pool = cfg.gpuPools.find((p) => p.name === m.serving.gpu.pool)!;
      for (const v of variantsOf(m)) {
        const isvc = byName(TYPES.isvc, `${m.name}-isvc-${v.name}`);
        expect(isvc.metadata.name).toBe(v.isvcName);
        expect(isvc.metadata.annotations).toEqual({
          "serving.kserve.io/deploymentMode": "Standard",
          "serving.kserve.io/autoscalerClass": "external",
        });
        const p = isvc.spec.predictor;
        expect(p.labels["mlops.io/variant"]).toBe(v.name);
        expect(p.minReplicas).toBe(v.replicas.min);
        expect(p.maxReplicas).toBe(v.replicas.max);
        expect(p.priorityClassName).toBe(PRIORITY_CLASSES.serving);
        expect(p.serviceAccountName).toBe(m.name);
        expect(p.tolerations).toContainEqual(
          expect.objectContaining({ key: GPU_TAINT.key, effect: GPU_TAINT.effect }),
        );
        expect(
          p.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
            .matchExpressions[0],
        ).toEqual({ key: GPU_POOL_LABELS.pool, operator: "In", values: [m.serving.gpu.pool] });
        expect(p.topologySpreadConstraints[0].topologyKey).toBe("topology.kubernetes.io/zone");
        const container = m.serving.runtime === "custom" ? p.containers[0] : p.model;
        const uri = v.modelUri.replace("<artifacts>", BUCKET);
        if (m.serving.runtime === "custom")
          expect(container.env).toContainEqual({ name: "STORAGE_URI", value: uri });
        else expect(p.model.storageUri).toBe(uri);
        expect(container.resources.requests["nvidia.com/gpu"]).toBe(
          String(replicaDevices(m.serving.gpu.share, pool)),
        );
        expect(container.resources.limits["nvidia.com/gpu"]).toBe(
          String(replicaDevices(m.serving.gpu.share, pool)),
        );
      }
    }
  });

  test("every variant has a ScaledObject on its predictor Deployment and a PDB allowing one disruption", () => {
    for (const m of models) {
      for (const v of variantsOf(m)) {
        const so = byName(TYPES.scaledObject, `${m.name}-scaler-${v.name}`);
        expect(so.spec.scaleTargetRef).toEqual({
          apiVersion: "apps/v1",
          kind: "Deployment",
          name: `${v.isvcName}-predictor`,
        });
        expect(so.spec.minReplicaCount).toBe(v.replicas.min);
        expect(so.spec.maxReplicaCount).toBe(v.replicas.max);
        // Kubernetes 1.35: the HPA acts on any excess and keeps 2% of scale-down hysteresis.
        const behavior = so.spec.advanced.horizontalPodAutoscalerConfig.behavior;
        expect([behavior.scaleUp.tolerance, behavior.scaleDown.tolerance]).toEqual(["0", "0.02"]);
        // The runtime's own counters where it has them (uninstrumented Triton and MLServer).
        const counter = {
          triton: "nv_inference_request_success",
          mlserver: "model_infer_request_success_total",
        }[m.serving.runtime as string];
        expect(so.spec.triggers[0].metadata.query).toBe(requestRateQuery(m, v.name));
        expect(so.spec.triggers[0].metadata.query).toContain(
          `${counter ?? "mlops_model_requests_total"}{model="${m.name}",variant="${v.name}"}[1m]`,
        );
        expect(Number(so.spec.triggers[0].metadata.threshold)).toBeCloseTo(
          m.serving.rpsPerReplica * m.serving.targetUtilization,
          2,
        );
        const pdb = byName(TYPES.pdb, `${m.name}-pdb-${v.name}`);
        expect(pdb.spec).toEqual({
          maxUnavailable: 1,
          selector: { matchLabels: { "mlops.io/model": m.name, "mlops.io/variant": v.name } },
        });
      }
    }
  });

  test("one HTTPRoute per model on the inference gateway; weights sum to 100", () => {
    for (const m of models) {
      const route = byName(TYPES.httpRoute, `${m.name}-route`);
      expect(route.spec.parentRefs[0]).toMatchObject({
        namespace: "envoy-gateway-system",
        name: "inference",
      });
      const split = route.spec.rules[route.spec.rules.length - 1];
      const total = split.backendRefs.reduce((s: number, b: any) => s + b.weight, 0);
      expect(total).toBe(100);
      expect(split.backendRefs[0]).toMatchObject({ name: `${m.name}-predictor`, port: 80 });
    }
  });

  test("one PodMonitor per model selected by Prometheus, relabelling model and variant", () => {
    for (const m of models) {
      const pm = byName(TYPES.podMonitor, `${m.name}-podmonitor`);
      expect(pm.metadata.labels.release).toBe("kube-prometheus-stack");
      expect(pm.spec.selector.matchLabels).toEqual({ "mlops.io/model": m.name });
      const ep = pm.spec.podMetricsEndpoints[0];
      expect(ep.interval).toBe("15s");
      expect(ep.relabelings.map((r: any) => r.targetLabel)).toEqual(
        expect.arrayContaining(["model", "variant"]),
      );
    }
  });

  test("every training model ships its DAG to Airflow and lets Airflow start pods in its namespace", () => {
    const training = models.filter((m) => m.training);
    expect(training.length).toBeGreaterThan(0);
    for (const m of training) {
      const cm = byName(TYPES.configMap, `${m.name}-dag`);
      expect(cm.metadata.namespace).toBe(NAMESPACES.airflow);
      expect(cm.metadata.labels["mlops.io/airflow-dag"]).toBe("true");
      const file = cm.data[`${trainingDagId(m.name)}.py`];
      expect(file).toContain(`schedule=${JSON.stringify(m.training!.schedule)}`);
      const binding = byName(TYPES.roleBinding, `${m.name}-airflow-binding`);
      expect(binding.metadata.namespace).toBe(m.name);
      expect(binding.subjects[0].name).toBe(`system:serviceaccounts:${NAMESPACES.airflow}`);
    }
    const ids = stacks.filter((s) => s.trainingDagId).map((s) => s.trainingDagId);
    expect(new Set(ids).size).toBe(training.length);
  });
});

/** The resources of prod's committed homepage-feed ModelStack, with `args` over the fakes'. */
async function prodHomepageFeed(args: Partial<ModelStackArgs>): Promise<RecordedResource[]> {
  const cfg = stackConfig("prod");
  const spec = committedModels("prod", cfg).find((m) => m.name === "homepage-feed")!;
  const { resources } = await record(
    () =>
      new ModelStack(spec.name, {
        spec,
        config: cfg,
        stack: "prod",
        cluster: fakeCluster().cluster,
        addons: fakeAddons(),
        ...args,
      }),
    "prod",
  );
  return resources;
}

describe("ModelStack scaling seam", () => {
  test("extra triggers and a replica floor from capacity planning reach the variant's ScaledObject", async () => {
    const cron = {
      type: "cron",
      metadata: {
        timezone: "Asia/Shanghai",
        start: "0 20 12 12 *",
        end: "0 3 13 12 *",
        desiredReplicas: "12",
      },
    };
    const resources = await prodHomepageFeed({
      scaling: {
        extraTriggers: (v) => (v.name === "stable" ? [cron] : []),
        minReplicaOverride: (v) => (v.name === "stable" ? 6 : undefined),
      },
    });
    const so = (name: string) =>
      resources.find((r) => r.type === TYPES.scaledObject && r.name === name)!.inputs as any;
    expect(so("homepage-feed-scaler-stable").spec.triggers[1]).toEqual(cron);
    expect(so("homepage-feed-scaler-stable").spec.minReplicaCount).toBe(6);
    expect(so("homepage-feed-scaler-canary").spec.triggers).toHaveLength(1);
  });
});

describe("ModelStack in a China region", () => {
  test("the pod role names the artifact bucket in the bucket's own partition (aws-cn)", async () => {
    const addons = { ...fakeAddons(), artifactBucketArn: pulumi.output(`arn:aws-cn:s3:::${BUCKET}`) };
    const resources = await prodHomepageFeed({ addons });
    const role = resources.find((r) => r.type === TYPES.iamRole && r.name === "homepage-feed-pod-role")!;
    const doc = JSON.parse((role.inputs as any).inlinePolicies[0].policy);
    const s3Arns = doc.Statement.flatMap((s: any) => [s.Resource].flat()).filter((a: string) =>
      a.includes(":s3:::"),
    );
    expect(s3Arns.length).toBeGreaterThan(0);
    for (const arn of s3Arns) expect(arn).toMatch(/^arn:aws-cn:s3:::/);
  });
});
