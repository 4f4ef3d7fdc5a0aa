/**
 * Pure serving builders: GPU share -> device request per pool sharing mode, variants and their
 * routing (canary weights, A/B weights and header pinning), autoscaling, scraping. The pod role's
 * artifact policy is in artifact-policy.test.ts.
 */
import { scalingBehavior } from "../../components/capacity/hpa-behavior";
import { ModelSpec } from "../../components/config/model-schema";
import { GpuPool, StackConfig } from "../../components/config/stack-schema";
import { devicePluginConfig } from "../../components/addons/gpu-operator-values";
import { gpuRequest } from "../../components/model/gpu-resources";
import { buildHttpRoute } from "../../components/model/http-route";
import { buildInferenceService, RUNTIME_PROFILES } from "../../components/model/inference-service";
import { buildNetworkPolicies } from "../../components/model/network-policies";
import { buildPodMonitor } from "../../components/model/pod-monitor";
import { buildScaledObject } from "../../components/model/scaled-object";
import { resolveModelUri, variantsOf } from "../../components/model/variants";
import { specFromYaml, stackConfig } from "./harness";

/** Staging config with extra MIG and whole-GPU serving pools. */
function poolsConfig(): StackConfig {
  return stackConfig("staging", (raw) => {
    raw.gpuPools.push(
      {
        name: "mig",
        purpose: "serving",
        instanceTypes: ["p4d.24xlarge"],
        sharing: { mode: "mig", profile: "1g.5gb" },
        maxGpus: 8,
      },
      {
        name: "whole",
        purpose: "serving",
        instanceTypes: ["g6.xlarge", "g6.12xlarge"],
        sharing: { mode: "none" },
        maxGpus: 4,
      },
    );
    raw.pricing.instances["p4d.24xlarge"] = { onDemand: 283 };
    raw.pricing.instances["g6.12xlarge"] = { onDemand: 40.3 };
  });
}

const BASE = `
name: m1
team: t
serving:
  runtime: triton
  modelUri: s3://<artifacts>/m1/v1
  gpu: { pool: inference, share: 0.25 }
  rpsPerReplica: 100
  replicas: { min: 2, max: 10 }
slo: { latencyP99Ms: 50, availability: 99.9 }
`;

const pool = (cfg: StackConfig, name: string): GpuPool => cfg.gpuPools.find((p) => p.name === name)!;

function isvcOf(spec: ModelSpec, cfg: StackConfig, variant = 0): any {
  return buildInferenceService({
    spec,
    variant: variantsOf(spec)[variant],
    pool: pool(cfg, spec.serving.gpu.pool),
    namespace: spec.name,
    serviceAccountName: spec.name,
  });
}

describe("GPU share to device request", () => {
  const cfg = poolsConfig();

  test("time-sliced pool: 0.5 of an 8-way GPU is four nvidia.com/gpu slices", () => {
    expect(gpuRequest(0.5, pool(cfg, "inference"))).toEqual({ resource: "nvidia.com/gpu", count: 4 });
  });

  test("MIG pool: one device of the pool's profile per 1/7 of a GPU, named nvidia.com/gpu as the single strategy advertises it", () => {
    expect(gpuRequest(2 / 7, pool(cfg, "mig"))).toEqual({ resource: "nvidia.com/gpu", count: 2 });
    // The operator's device plugin runs that strategy on the pool, so the names agree.
    expect(devicePluginConfig(pool(cfg, "mig")).flags).toEqual({ migStrategy: "single" });
  });

  test("whole-GPU pool: share 2 is two GPUs", () => {
    expect(gpuRequest(2, pool(cfg, "whole"))).toEqual({ resource: "nvidia.com/gpu", count: 2 });
  });

  test("the InferenceService requests the MIG devices and tolerates the GPU taint on a MIG pool", () => {
    const spec = specFromYaml(
      BASE.replace("{ pool: inference, share: 0.25 }", "{ pool: mig, share: 0.142857 }"),
      cfg,
    );
    const p = isvcOf(spec, cfg).spec.predictor;
    expect(p.model.resources.requests).toMatchObject({ "nvidia.com/gpu": "1" });
    expect(Object.keys(p.model.resources.requests).filter((k) => k.startsWith("nvidia.com/mig-"))).toEqual(
      [],
    );
    expect(p.tolerations).toEqual([
      { key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" },
    ]);
    expect(
      p.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]
        .matchExpressions[0].values,
    ).toEqual(["mig"]);
  });

  test("the InferenceService asks for whole GPUs on a pool without sharing", () => {
    const spec = specFromYaml(
      BASE.replace("{ pool: inference, share: 0.25 }", "{ pool: whole, share: 2 }"),
      cfg,
    );
    expect(isvcOf(spec, cfg).spec.predictor.model.resources.limits).toMatchObject({ "nvidia.com/gpu": "2" });
  });
});

describe("InferenceService", () => {
  const cfg = stackConfig("staging");

  test("Triton: kserve-tritonserver runtime, pinned version, health probes on 8080, metrics port 8002", () => {
    const m = isvcOf(specFromYaml(BASE, cfg), cfg).spec.predictor.model;
    expect(m.runtime).toBe("kserve-tritonserver");
    expect(m.modelFormat).toEqual({ name: "triton" });
    expect(m.runtimeVersion).toBe(RUNTIME_PROFILES.triton.runtimeVersion);
    expect(m.readinessProbe.httpGet).toEqual({ path: "/v2/health/ready", port: 8080 });
    expect(m.ports).toContainEqual({ name: "metrics", containerPort: 8002, protocol: "TCP" });
    expect(m.ports[0].containerPort).toBe(8080);
    // The latency rules read Triton's p99 summaries, which it exports only with this flag.
    expect(m.args).toEqual(["--metrics-config=summary_latencies=true"]);
  });

  test("the startup probe waits for the cold start (plus half again) before liveness applies", () => {
    const spec = specFromYaml(BASE.replace("replicas:", "coldStartSeconds: 120\n  replicas:"), cfg);
    const probe = isvcOf(spec, cfg).spec.predictor.model.startupProbe;
    expect(probe.periodSeconds * probe.failureThreshold).toBeGreaterThanOrEqual(180);
  });

  test("a model's runtimeVersion overrides the platform pin", () => {
    const spec = specFromYaml(
      BASE.replace("runtime: triton", "runtime: triton\n  runtimeVersion: 24.12-py3"),
      cfg,
    );
    expect(isvcOf(spec, cfg).spec.predictor.model.runtimeVersion).toBe("24.12-py3");
  });

  test("custom runtime: one kserve-container with the image and STORAGE_URI, TCP probes", () => {
    const yaml = BASE.replace("runtime: triton", "runtime: custom\n  image: reg.example.com/x/server:1.0.0");
    const c = isvcOf(specFromYaml(yaml, cfg), cfg).spec.predictor.containers[0];
    expect(c.image).toBe("reg.example.com/x/server:1.0.0");
    expect(c.env).toEqual([{ name: "STORAGE_URI", value: "s3://<artifacts>/m1/v1" }]);
    expect(c.readinessProbe.tcpSocket).toEqual({ port: 8080 });
  });

  test("containers run restricted: non-root, read-only root, all capabilities dropped", () => {
    const m = isvcOf(specFromYaml(BASE, cfg), cfg).spec.predictor.model;
    expect(m.securityContext).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
  });
});

describe("nodes held against drains", () => {
  const cfg = poolsConfig();
  const annotations = (yaml: string, variant = 0) =>
    isvcOf(specFromYaml(yaml, cfg), cfg, variant).spec.predictor.annotations;

  test("a fixed replica count (one replica, or min = max) keeps its nodes: Karpenter's do-not-disrupt", () => {
    for (const bounds of ["{ min: 1, max: 1 }", "{ min: 3, max: 3 }"])
      expect(annotations(BASE.replace("{ min: 2, max: 10 }", bounds))).toEqual({
        "karpenter.sh/do-not-disrupt": "true",
      });
  });

  test("a variant that can take the drain spare is drained as usual; so is a one-replica canary's stable", () => {
    expect(annotations(BASE)).toBeUndefined();
    // max 2, the default steps up to 50%: the canary's derived bounds are { min: 1, max: 1 }.
    const canary = BASE.replace("{ min: 2, max: 10 }", "{ min: 1, max: 2 }").concat(
      "canary: { modelUri: s3://<artifacts>/m1/v2, trafficPercent: 10 }\n",
    );
    expect(annotations(canary, 0)).toBeUndefined();
    expect(annotations(canary, 1)).toEqual({ "karpenter.sh/do-not-disrupt": "true" });
  });
});

describe("variants and routing", () => {
  const cfg = stackConfig("staging");
  const canaryYaml = `${BASE}canary:
  modelUri: s3://<artifacts>/m1/v2
  trafficPercent: 10
  analysis: { steps: [10, 50, 100] }
`;

  test("a canary is its own InferenceService <model>-canary, weighted 10 against stable's 90", () => {
    const spec = specFromYaml(canaryYaml, cfg);
    const vs = variantsOf(spec);
    expect(vs.map((v) => [v.name, v.isvcName, v.weight])).toEqual([
      ["stable", "m1", 90],
      ["canary", "m1-canary", 10],
    ]);
    const route: any = buildHttpRoute({
      model: "m1",
      namespace: "m1",
      labels: {},
      variants: vs,
      gateway: { namespace: "gw", name: "inference" },
    });
    expect(route.spec.rules).toHaveLength(1);
    expect(route.spec.rules[0].backendRefs).toEqual([
      { group: "", kind: "Service", name: "m1-predictor", port: 80, weight: 90 },
      { group: "", kind: "Service", name: "m1-canary-predictor", port: 80, weight: 10 },
    ]);
    // Without steps no annotation; with them, the canary-cap policy reads where promote will go.
    expect(route.metadata.annotations).toBeUndefined();
    const planned: any = buildHttpRoute({
      model: "m1",
      namespace: "m1",
      labels: {},
      variants: vs,
      gateway: { namespace: "gw", name: "inference" },
      canarySteps: [10, 25, 50, 100],
    });
    expect(planned.metadata.annotations).toEqual({ "mlops.io/canary-steps": "10,25,50,100" });
  });

  test("the canary may grow to the largest step below 100 of stable's max", () => {
    const canary = variantsOf(specFromYaml(canaryYaml, cfg))[1];
    expect(canary.replicas).toEqual({ min: 1, max: 5 });
  });

  test("A/B: weighted experiments join the split, header-pinned ones get a rule ahead of it", () => {
    const yaml = `${canaryYaml}experiments:
  - { name: exp-a, modelUri: s3://<artifacts>/m1/a, weight: 20 }
  - { name: exp-b, modelUri: s3://<artifacts>/m1/b, header: { name: x-exp-bucket, value: b } }
`;
    const vs = variantsOf(specFromYaml(yaml, cfg));
    const route: any = buildHttpRoute({
      model: "m1",
      namespace: "m1",
      labels: {},
      variants: vs,
      gateway: { namespace: "gw", name: "inference" },
    });
    const [pinned, split] = route.spec.rules;
    expect(pinned.matches).toEqual([
      {
        path: { type: "PathPrefix", value: "/m1" },
        headers: [{ type: "Exact", name: "x-exp-bucket", value: "b" }],
      },
    ]);
    expect(pinned.backendRefs).toEqual([
      { group: "", kind: "Service", name: "m1-exp-b-predictor", port: 80 },
    ]);
    expect(split.matches).toEqual([{ path: { type: "PathPrefix", value: "/m1" } }]);
    expect(split.backendRefs.map((b: any) => [b.name, b.weight])).toEqual([
      ["m1-predictor", 70],
      ["m1-canary-predictor", 10],
      ["m1-exp-a-predictor", 20],
    ]);
    expect(route.spec.rules.every((r: any) => r.filters[0].urlRewrite.path.replacePrefixMatch === "/")).toBe(
      true,
    );
  });

  test("<artifacts> resolves to the platform bucket; other buckets stay", () => {
    expect(resolveModelUri("s3://<artifacts>/m/v1", "b1")).toBe("s3://b1/m/v1");
    expect(resolveModelUri("s3://other/m/v1", "b1")).toBe("s3://other/m/v1");
  });
});

describe("ScaledObject", () => {
  const base = {
    model: "m1",
    runtime: "custom" as const,
    variant: "stable",
    isvcName: "m1",
    namespace: "m1",
    labels: {},
    minReplicas: 2,
    maxReplicas: 10,
    rpsPerReplica: 400,
    targetUtilization: 0.8,
  };

  test("scales the predictor Deployment on request rate per replica at rps x utilization", () => {
    const so: any = buildScaledObject(base);
    expect(so.spec.triggers).toEqual([
      expect.objectContaining({
        type: "prometheus",
        metricType: "AverageValue",
        metadata: expect.objectContaining({
          serverAddress: "http://kube-prometheus-stack-prometheus.monitoring.svc:9090",
          query: 'sum(rate(mlops_model_requests_total{model="m1",variant="stable"}[1m]))',
          threshold: "320",
        }),
      }),
    ]);
    expect(so.spec.pollingInterval).toBe(15);
  });

  test("a Triton or MLServer variant scales on the server's own request counters", () => {
    // Uninstrumented servers do not export mlops_model_requests_total: their successes and failures,
    // where the contract counter is absent.
    const query = (runtime: "triton" | "mlserver") =>
      (buildScaledObject({ ...base, runtime }) as any).spec.triggers[0].metadata.query;
    const contract = 'sum(rate(mlops_model_requests_total{model="m1",variant="stable"}[1m]))';
    const ok = 'sum(rate(nv_inference_request_success{model="m1",variant="stable"}[1m]))';
    const failed = 'sum(rate(nv_inference_request_failure{model="m1",variant="stable"}[1m]))';
    expect(query("triton")).toBe(`(${contract} or (${ok} + (${failed} or 0 * ${ok})))`);
    expect(query("mlserver")).toContain('model_infer_request_success_total{model="m1",variant="stable"}');
    expect(query("mlserver").startsWith(`(${contract} or `)).toBe(true);
  });

  test("scales up without stabilisation and down over a 5 minute window", () => {
    const b = (buildScaledObject(base) as any).spec.advanced.horizontalPodAutoscalerConfig.behavior;
    expect(b.scaleUp.stabilizationWindowSeconds).toBe(0);
    expect(b.scaleDown.stabilizationWindowSeconds).toBe(300);
    expect(b).toEqual(scalingBehavior()); // the behaviour the capacity simulator replays
  });

  test("extra triggers are appended and a min override replaces min, bounded by max", () => {
    const cron = {
      type: "cron",
      metadata: { timezone: "Asia/Shanghai", start: "0 20 * * *", end: "0 23 * * *", desiredReplicas: "8" },
    };
    const so: any = buildScaledObject({ ...base, extraTriggers: [cron], minReplicaOverride: 30 });
    expect(so.spec.triggers[1]).toBe(cron);
    expect(so.spec.minReplicaCount).toBe(10);
  });
});

describe("network policies and scraping", () => {
  test("gateway reaches only the serving port, Prometheus only the metrics port, 443 egress skips the VPC", () => {
    const nps: any[] = buildNetworkPolicies({
      namespace: "m1",
      labels: {},
      gatewayNamespace: "gw",
      servingPort: 8080,
      metricsPort: 8002,
      vpcCidr: "10.40.0.0/16",
    });
    const by = (n: string) => nps.find((p) => p.metadata.name === n).spec;
    expect(by("allow-gateway").ingress[0].ports).toEqual([{ protocol: "TCP", port: 8080 }]);
    expect(
      by("allow-gateway").ingress[0].from.map(
        (f: any) => f.namespaceSelector.matchLabels["kubernetes.io/metadata.name"],
      ),
    ).toEqual(["envoy-gateway-system", "gw"]);
    expect(by("allow-prometheus").ingress[0]).toEqual({
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
      ports: [{ protocol: "TCP", port: 8002 }],
    });
    expect(by("allow-object-storage").egress[0].to[0].ipBlock).toEqual({
      cidr: "0.0.0.0/0",
      except: ["10.40.0.0/16"],
    });
  });

  test("the PodMonitor maps the pod labels mlops.io/model and mlops.io/variant to model and variant", () => {
    const pm: any = buildPodMonitor({ model: "m1", namespace: "m1", labels: {} });
    const rl = pm.spec.podMetricsEndpoints[0].relabelings;
    expect(rl).toContainEqual({
      action: "replace",
      sourceLabels: ["__meta_kubernetes_pod_label_mlops_io_variant"],
      targetLabel: "variant",
    });
    expect(rl).toContainEqual({
      action: "replace",
      sourceLabels: ["__meta_kubernetes_pod_label_mlops_io_model"],
      targetLabel: "model",
    });
    expect(pm.spec.podMetricsEndpoints[0].port).toBe("metrics");
  });
});
