/**
 * Valid fixtures for the policy tests: every function returns a fresh resource that passes every
 * policy, so a test changes one field and asserts the one violation that causes.
 */
import { EvaluatedResource, evaluatePolicies } from "../../policies/evaluate";
import type { PlatformPolicy } from "../../policies/lib/platform-policy";

/** A resource fixture. */
export type Fixture = { type: string; name: string; props: Record<string, any> };

/** Sets (or, with `undefined`, deletes) a dotted path like `spec.predictor.model.image`; `[i]` indexes arrays. */
export function set(r: Fixture, path: string, value: unknown): Fixture {
  const keys = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  let cur: any = r.props;
  for (const k of keys.slice(0, -1)) {
    if (cur[k] === undefined) cur[k] = {};
    cur = cur[k];
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return r;
}

/** Messages one policy reports for the resources, run through the in-process evaluator (forced on). */
export async function messages(
  p: PlatformPolicy,
  resources: readonly EvaluatedResource[],
  config: Record<string, unknown> = {},
): Promise<string[]> {
  const name = p.policy.name;
  const violations = await evaluatePolicies(resources, {
    environment: "prod",
    only: [name],
    enforcement: { [name]: "mandatory" },
    config: { [name]: config },
  });
  return violations.map((v) => v.message);
}

const BUCKET = "mlops-artifacts";

export const bucket = (): Fixture => ({
  type: "aws:s3/bucket:Bucket",
  name: "artifacts",
  props: { bucket: BUCKET },
});
export const publicAccessBlock = (): Fixture => ({
  type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  name: "artifacts-pab",
  props: {
    bucket: BUCKET,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  },
});
export const bucketEncryption = (): Fixture => ({
  type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  name: "artifacts-sse",
  props: {
    bucket: BUCKET,
    rules: [
      {
        applyServerSideEncryptionByDefault: {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: "arn:aws:kms:ap-southeast-1:123456789012:key/k",
        },
        bucketKeyEnabled: true,
      },
    ],
  },
});
export const bucketVersioning = (): Fixture => ({
  type: "aws:s3/bucketVersioning:BucketVersioning",
  name: "artifacts-versioning",
  props: { bucket: BUCKET, versioningConfiguration: { status: "Enabled" } },
});
export const tlsStatement = () => ({
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
  Condition: { Bool: { "aws:SecureTransport": "false" } },
});
export const bucketPolicy = (): Fixture => ({
  type: "aws:s3/bucketPolicy:BucketPolicy",
  name: "artifacts-policy",
  props: { bucket: BUCKET, policy: JSON.stringify({ Version: "2012-10-17", Statement: [tlsStatement()] }) },
});
export const rds = (): Fixture => ({
  type: "aws:rds/instance:Instance",
  name: "mlflow-db",
  props: {
    engine: "postgres",
    instanceClass: "db.r6g.large",
    storageEncrypted: true,
    publiclyAccessible: false,
    backupRetentionPeriod: 14,
    deletionProtection: true,
    multiAz: true,
  },
});
export const eks = (): Fixture => ({
  type: "aws:eks/cluster:Cluster",
  name: "cluster",
  props: {
    vpcConfig: {
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["198.51.100.0/24"],
      subnetIds: ["subnet-1"],
    },
    encryptionConfig: {
      resources: ["secrets"],
      provider: { keyArn: "arn:aws:kms:ap-southeast-1:123456789012:key/k" },
    },
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
  },
});
export const kmsKey = (): Fixture => ({
  type: "aws:kms/key:Key",
  name: "platform-key",
  props: { enableKeyRotation: true },
});
export const leastPrivilege = () =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::${BUCKET}/*`] }],
  });
export const rolePolicy = (): Fixture => ({
  type: "aws:iam/rolePolicy:RolePolicy",
  name: "homepage-feed-s3",
  props: { role: "homepage-feed", policy: leastPrivilege() },
});
export const securityGroup = (): Fixture => ({
  type: "aws:ec2/securityGroup:SecurityGroup",
  name: "lb-sg",
  props: {
    ingress: [
      { fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] },
      { fromPort: 5432, toPort: 5432, protocol: "tcp", cidrBlocks: ["10.40.0.0/16"] },
    ],
  },
});
export const ingressRule = (): Fixture => ({
  type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  name: "lb-http",
  props: { securityGroupId: "sg-1", cidrIpv4: "0.0.0.0/0", fromPort: 80, toPort: 80, ipProtocol: "tcp" },
});
export const ecr = (): Fixture => ({
  type: "aws:ecr/repository:Repository",
  name: "trainer",
  props: { imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } },
});

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

/** Capacity config shaped like Pulumi.prod.yaml's pools, budget and pricing. */
export const capacity = () => ({
  pools: [
    {
      name: "inference",
      purpose: "serving" as const,
      maxGpus: 48,
      minGpus: 4,
      instanceTypes: ["g6.xlarge", "g6.12xlarge"],
      capacityType: "on-demand" as const,
      sharing: { mode: "time-slicing" as const, replicas: 4 },
    },
    {
      name: "training",
      purpose: "training" as const,
      maxGpus: 8,
      minGpus: 0,
      instanceTypes: ["p4d.24xlarge"],
      capacityType: "spot" as const,
      sharing: { mode: "none" as const },
    },
  ],
  budget: { monthlyGpuCost: 400000 },
  pricing: {
    currency: "CNY",
    instances: {
      "g6.xlarge": { onDemand: 7.0, spot: 2.8 },
      "g6.12xlarge": { onDemand: 40.3, spot: 16.1 },
      "p4d.24xlarge": { onDemand: 283.0, spot: 113.0 },
    },
  },
});

/** Every valid fixture: together they pass the whole pack. */
export const validStack = (): Fixture[] => [
  bucket(),
  publicAccessBlock(),
  bucketEncryption(),
  bucketVersioning(),
  bucketPolicy(),
  rds(),
  eks(),
  kmsKey(),
  rolePolicy(),
  securityGroup(),
  ingressRule(),
  ecr(),
  modelNamespace(),
  defaultDeny(),
  inferenceService(),
  pdb(),
  prometheusRule(),
  podMonitor(),
  scaledObject(),
  deployment(),
  trainingJob(),
  helmRelease(),
];
