/** Valid Kubernetes fixtures for the policy tests: a model's InferenceService, Deployment, training Job, namespace and monitoring. */
import type { Fixture } from "./fixtures";

const restricted = () => ({
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  readOnlyRootFilesystem: true,
});
const gpuToleration = () => ({
  key: "nvidia.com/gpu",
  operator: "Equal",
  value: "true",
  effect: "NoSchedule",
});

/** The homepage-feed InferenceService: Triton on a quarter of a time-sliced GPU. */
export const inferenceService = (): Fixture => ({
  type: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
  name: "homepage-feed-isvc",
  props: {
    apiVersion: "serving.kserve.io/v1beta1",
    kind: "InferenceService",
    metadata: {
      name: "homepage-feed",
      namespace: "homepage-feed",
      labels: { "mlops.io/model": "homepage-feed", "mlops.io/team": "homepage" },
    },
    spec: {
      predictor: {
        minReplicas: 2,
        maxReplicas: 40,
        automountServiceAccountToken: false,
        priorityClassName: "mlops-serving",
        nodeSelector: { "mlops.io/gpu-pool": "inference" },
        tolerations: [gpuToleration()],
        securityContext: { runAsNonRoot: true, runAsUser: 1000 },
        model: {
          modelFormat: { name: "triton" },
          storageUri: "s3://mlops-artifacts/homepage-feed/v42",
          image: "nvcr.io/nvidia/tritonserver:25.10-py3",
          resources: {
            requests: { cpu: "2", memory: "8Gi", "nvidia.com/gpu": "1" },
            limits: { cpu: "2", memory: "8Gi", "nvidia.com/gpu": "1" },
          },
          securityContext: restricted(),
          readinessProbe: { httpGet: { path: "/v2/health/ready", port: 8080 } },
          livenessProbe: { httpGet: { path: "/v2/health/live", port: 8080 } },
          env: [
            { name: "MLFLOW_TRACKING_TOKEN", valueFrom: { secretKeyRef: { name: "mlflow", key: "token" } } },
          ],
        },
      },
    },
  },
});

/** A CPU Deployment in a model namespace (a feature-cache sidecar service). */
export const deployment = (): Fixture => ({
  type: "kubernetes:apps/v1:Deployment",
  name: "feature-cache",
  props: {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "feature-cache", namespace: "homepage-feed" },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "feature-cache" } },
      template: {
        metadata: { labels: { app: "feature-cache" } },
        spec: {
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true },
          containers: [
            {
              name: "cache",
              image: "registry.example.com/recs/feature-cache:1.2.3",
              resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
              securityContext: restricted(),
              env: [{ name: "CACHE_TTL", value: "60" }],
            },
          ],
        },
      },
    },
  },
});

/** The nightly training Job on the spot training pool at the preemptible priority. */
export const trainingJob = (): Fixture => ({
  type: "kubernetes:batch/v1:Job",
  name: "homepage-feed-train",
  props: {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: "homepage-feed-train",
      namespace: "homepage-feed",
      labels: { "mlops.io/model": "homepage-feed" },
    },
    spec: {
      template: {
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          priorityClassName: "mlops-training",
          nodeSelector: { "mlops.io/gpu-pool": "training", "mlops.io/gpu-purpose": "training" },
          tolerations: [gpuToleration()],
          securityContext: { runAsNonRoot: true, runAsUser: 1000 },
          containers: [
            {
              name: "trainer",
              image: "registry.example.com/recs/trainer:1.4.2",
              resources: {
                requests: { cpu: "8", memory: "64Gi", "nvidia.com/gpu": "1" },
                limits: { cpu: "8", memory: "64Gi", "nvidia.com/gpu": "1" },
              },
              securityContext: restricted(),
            },
          ],
        },
      },
    },
  },
});

export const modelNamespace = (): Fixture => ({
  type: "kubernetes:core/v1:Namespace",
  name: "homepage-feed-ns",
  props: {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: "homepage-feed",
      labels: { "mlops.io/model": "homepage-feed", "mlops.io/team": "homepage" },
    },
  },
});
export const defaultDeny = (): Fixture => ({
  type: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  name: "homepage-feed-default-deny",
  props: {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: { name: "default-deny", namespace: "homepage-feed" },
    spec: { podSelector: {}, policyTypes: ["Ingress"] },
  },
});
export const pdb = (): Fixture => ({
  type: "kubernetes:policy/v1:PodDisruptionBudget",
  name: "homepage-feed-pdb",
  props: {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: "homepage-feed", namespace: "homepage-feed" },
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: { "serving.kserve.io/inferenceservice": "homepage-feed" } },
    },
  },
});
export const prometheusRule = (): Fixture => ({
  type: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
  name: "homepage-feed-rules",
  props: {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: {
      name: "homepage-feed",
      namespace: "homepage-feed",
      labels: { "mlops.io/model": "homepage-feed" },
    },
    spec: { groups: [{ name: "homepage-feed", rules: [{ alert: "ModelLatencyHigh", expr: "vector(1)" }] }] },
  },
});
export const podMonitor = (): Fixture => ({
  type: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
  name: "homepage-feed-monitor",
  props: {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: {
      name: "homepage-feed",
      namespace: "homepage-feed",
      labels: { "mlops.io/model": "homepage-feed" },
    },
    spec: {
      podMetricsEndpoints: [{ port: "metrics" }],
      selector: { matchLabels: { "serving.kserve.io/inferenceservice": "homepage-feed" } },
    },
  },
});
export const scaledObject = (max = 40): Fixture => ({
  type: "kubernetes:keda.sh/v1alpha1:ScaledObject",
  name: "homepage-feed-scaler",
  props: {
    apiVersion: "keda.sh/v1alpha1",
    kind: "ScaledObject",
    metadata: { name: "homepage-feed", namespace: "homepage-feed" },
    spec: { scaleTargetRef: { name: "homepage-feed-predictor" }, minReplicaCount: 2, maxReplicaCount: max },
  },
});
export const helmRelease = (): Fixture => ({
  type: "kubernetes:helm.sh/v3:Release",
  name: "keda",
  props: {
    chart: "keda",
    version: "2.20.2",
    namespace: "keda",
    repositoryOpts: { repo: "https://kedacore.github.io/charts" },
  },
});
