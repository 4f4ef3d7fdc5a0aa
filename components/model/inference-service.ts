/**
 * KServe `InferenceService` (serving.kserve.io/v1beta1) for one serving variant. Pure builder.
 *
 * Upstream facts (KServe v0.20, kserve/kserve `pkg/constants/constants.go`):
 * - `serving.kserve.io/deploymentMode: Standard` is the v0.20 name of RawDeployment (the old value is
 *   still accepted as a deprecated alias `LegacyRawDeployment`);
 * - `serving.kserve.io/autoscalerClass: external` makes KServe author no HPA/ScaledObject and ignore
 *   replica diffs on the Deployment, so our KEDA ScaledObject owns scaling (`AutoscalerClassExternal`);
 * - `predictor.model` embeds a core/v1 Container (resources, probes, ports) and `runtimeVersion`
 *   overrides the runtime image tag; `predictor.labels` are added to the predictor pods.
 * - KServe's runtimes listen for HTTP on 8080 (kserve-tritonserver args `--http-port=8080`);
 *   Triton serves metrics on 8002, MLServer and TorchServe on 8082.
 * - `predictor.model.args` are appended to the runtime container's args (KServe
 *   `MergeRuntimeContainers` concatenates them rather than let the merge patch replace them).
 */
import type { ModelSpec } from "../config/model-schema";
import type { GpuPool } from "../config/stack-schema";
import { PRIORITY_CLASSES } from "../addons/addons-context";
import { DO_NOT_DISRUPT_ANNOTATION, pinsItsNodes } from "../capacity/drain-window";
import { gpuRequest, gpuToleration, poolAffinity } from "./gpu-resources";
import { MODEL_LABELS, modelVersion, Variant, variantLabels, variantSelector } from "./variants";

/** Serving runtimes of the spec (`serving.runtime`). */
export type Runtime = ModelSpec["serving"]["runtime"];

/** What KServe needs to know per runtime, and where its health and metrics endpoints are. */
export interface RuntimeProfile {
  /** ClusterServingRuntime name; undefined for custom containers. */
  readonly runtime?: string;
  /** `modelFormat.name` the runtime supports. */
  readonly modelFormat?: string;
  /** Pinned runtime image tag, overridable per model with `serving.runtimeVersion`. */
  readonly runtimeVersion?: string;
  readonly protocolVersion: "v1" | "v2";
  readonly httpPort: number;
  readonly metricsPort: number;
  /** HTTP readiness path; undefined = TCP check (no standard health endpoint). */
  readonly readyPath?: string;
  readonly livePath?: string;
  /** Server flags appended to the runtime's own (`predictor.model.args`). @default none */
  readonly args?: readonly string[];
}

/**
 * Per-runtime facts. Versions are the runtime image tags the platform has load-tested; a model may
 * pin another with `serving.runtimeVersion`. TorchServe's KServe wrapper and custom servers have no
 * common health path, so they get TCP probes on the serving port.
 */
export const RUNTIME_PROFILES: Readonly<Record<Runtime, RuntimeProfile>> = {
  triton: {
    runtime: "kserve-tritonserver",
    modelFormat: "triton",
    runtimeVersion: "25.01-py3",
    protocolVersion: "v2",
    httpPort: 8080,
    metricsPort: 8002,
    readyPath: "/v2/health/ready",
    livePath: "/v2/health/live",
    // Triton has no latency histogram: its p99 comes from these summaries, which it exports only
    // when asked (`nv_inference_request_summary_us`, read by the latency rules and canary checks).
    args: ["--metrics-config=summary_latencies=true"],
  },
  mlserver: {
    runtime: "kserve-mlserver",
    modelFormat: "mlflow",
    runtimeVersion: "1.6.1",
    protocolVersion: "v2",
    httpPort: 8080,
    metricsPort: 8082,
    readyPath: "/v2/health/ready",
    livePath: "/v2/health/live",
  },
  torchserve: {
    runtime: "kserve-torchserve",
    modelFormat: "pytorch",
    runtimeVersion: "0.12.0-gpu",
    protocolVersion: "v1",
    httpPort: 8080,
    metricsPort: 8082,
  },
  custom: { protocolVersion: "v2", httpPort: 8080, metricsPort: 8082 },
};

/** Name of the metrics container port the PodMonitor scrapes. */
export const METRICS_PORT_NAME = "metrics";

/** Inputs of one variant's InferenceService. */
export interface InferenceServiceInputs {
  readonly spec: ModelSpec;
  readonly variant: Variant;
  readonly pool: GpuPool;
  readonly namespace: string;
  readonly serviceAccountName: string;
}

/** The InferenceService object (apiVersion, kind, metadata, spec). */
export function buildInferenceService(inp: InferenceServiceInputs): Record<string, unknown> {
  const { spec, variant, pool } = inp;
  const profile = RUNTIME_PROFILES[spec.serving.runtime];
  const gpu = gpuRequest(spec.serving.gpu.share, pool);
  const { cpu, memory } = spec.serving.resources;
  const labels = {
    ...variantLabels(spec, variant.name),
    [MODEL_LABELS.version]: modelVersion(variant.modelUri),
  };
  const container = {
    resources: {
      requests: { cpu, memory, [gpu.resource]: String(gpu.count) },
      // limits == requests: extended resources require it, and Guaranteed QoS keeps a serving pod
      // out of the OOM-kill-first class on a shared GPU node and (with integer CPUs and the static
      // CPU manager) gives it exclusive cores, so a neighbour's burst cannot throttle its p99.
      limits: { cpu, memory, [gpu.resource]: String(gpu.count) },
    },
    // The serving port stays first: KServe's predictor Service targets the first container port.
    ports: [
      { name: "http1", containerPort: profile.httpPort, protocol: "TCP" },
      { name: METRICS_PORT_NAME, containerPort: profile.metricsPort, protocol: "TCP" },
    ],
    ...probes(profile, spec.serving.coldStartSeconds),
    // Restricted Pod Security; servers write scratch files only to the /tmp emptyDir.
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 1000,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    },
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
  };
  const runtimeVersion = spec.serving.runtimeVersion ?? profile.runtimeVersion;
  const predictorBody =
    spec.serving.runtime === "custom"
      ? {
          containers: [
            {
              name: "kserve-container",
              image: spec.serving.image,
              // KServe runs its storage initializer for custom containers that declare STORAGE_URI.
              env: [{ name: "STORAGE_URI", value: variant.modelUri }],
              ...container,
            },
          ],
        }
      : {
          model: {
            modelFormat: { name: profile.modelFormat },
            runtime: profile.runtime,
            ...(runtimeVersion ? { runtimeVersion } : {}),
            protocolVersion: profile.protocolVersion,
            storageUri: variant.modelUri,
            ...(spec.serving.image ? { image: spec.serving.image } : {}),
            ...(profile.args ? { args: [...profile.args] } : {}),
            ...container,
          },
        };
  return {
    apiVersion: "serving.kserve.io/v1beta1",
    kind: "InferenceService",
    metadata: {
      name: variant.isvcName,
      namespace: inp.namespace,
      labels,
      annotations: {
        "serving.kserve.io/deploymentMode": "Standard",
        "serving.kserve.io/autoscalerClass": "external",
      },
    },
    spec: {
      predictor: {
        minReplicas: variant.replicas.min,
        maxReplicas: variant.replicas.max,
        labels,
        // A fixed replica count gets no drain spare: a night drain would take a replica it cannot
        // replace in time, so its nodes are not drained (drain-window.ts `pinsItsNodes`).
        ...(pinsItsNodes(pool, variant.replicas)
          ? { annotations: { [DO_NOT_DISRUPT_ANNOTATION]: "true" } }
          : {}),
        serviceAccountName: inp.serviceAccountName,
        // Model servers never call the Kubernetes API; EKS Pod Identity mounts its own token.
        automountServiceAccountToken: false,
        priorityClassName: PRIORITY_CLASSES.serving,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "1Gi" } }],
        tolerations: [gpuToleration()],
        affinity: poolAffinity(pool.name),
        topologySpreadConstraints: [
          {
            // ScheduleAnyway: a zone without free GPU capacity must not block a scale-up at peak.
            maxSkew: 1,
            topologyKey: "topology.kubernetes.io/zone",
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: variantSelector(spec.name, variant.name) },
          },
        ],
        ...predictorBody,
      },
    },
  };
}

/**
 * Startup probe covers the model load (`coldStartSeconds` plus margin), so liveness never kills a
 * pod that is still loading; readiness then gates traffic every 5 s.
 */
export function probes(profile: RuntimeProfile, coldStartSeconds: number): Record<string, unknown> {
  const check = (path: string | undefined) =>
    path ? { httpGet: { path, port: profile.httpPort } } : { tcpSocket: { port: profile.httpPort } };
  const period = 5;
  return {
    startupProbe: {
      ...check(profile.readyPath),
      periodSeconds: period,
      failureThreshold: Math.max(3, Math.ceil((coldStartSeconds * 1.5) / period)),
    },
    readinessProbe: { ...check(profile.readyPath), periodSeconds: period, failureThreshold: 2 },
    livenessProbe: { ...check(profile.livePath), periodSeconds: 10, failureThreshold: 3 },
  };
}
