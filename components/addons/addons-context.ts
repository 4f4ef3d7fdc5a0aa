/**
 * Names and endpoints of the platform add-ons that model stacks depend on. Constants live here so
 * the add-on values builders, the model stacks, the monitoring rules and the policies agree.
 */
import * as pulumi from "@pulumi/pulumi";

/** Namespaces of the platform add-ons. */
export const NAMESPACES = {
  gpuOperator: "gpu-operator",
  keda: "keda",
  monitoring: "monitoring",
  mlflow: "mlflow",
  airflow: "airflow",
  kserve: "kserve",
  kubeflow: "kubeflow",
  certManager: "cert-manager",
  gateway: "envoy-gateway-system",
  karpenter: "kube-system",
} as const;

/** PriorityClass names: serving preempts training, training is preemptible (DESIGN section 1). */
export const PRIORITY_CLASSES = {
  serving: "mlops-serving",
  training: "mlops-training",
} as const;

/** Label on ConfigMaps that carry Airflow DAG files; the DAG sidecar in Airflow's pods watches it. */
export const AIRFLOW_DAG_LABEL = { key: "mlops.io/airflow-dag", value: "true" } as const;

/** Label on ConfigMaps that carry Grafana dashboards; kube-prometheus-stack's Grafana sidecar watches it. */
export const GRAFANA_DASHBOARD_LABEL = { key: "grafana_dashboard", value: "1" } as const;

/** Label on PrometheusRule / ServiceMonitor / PodMonitor objects that the Prometheus instance selects. */
export const PROMETHEUS_SELECTOR_LABEL = { key: "release", value: "kube-prometheus-stack" } as const;

/** GPU node taint every GPU pool carries; only GPU workloads tolerate it. */
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" } as const;

/** Node labels set on every GPU pool's nodes. */
export const GPU_POOL_LABELS = {
  pool: "mlops.io/gpu-pool",
  purpose: "mlops.io/gpu-purpose",
  /** Selects the GPU Operator device-plugin config (time-slicing / MIG) for the node. */
  sharing: "nvidia.com/device-plugin.config",
} as const;

/** What the add-on layer hands to the model stacks. */
export interface AddonsContext {
  /** In-cluster MLflow tracking/registry URL. */
  readonly mlflowTrackingUri: pulumi.Output<string>;
  /** S3 bucket holding model artifacts (and MLflow's artifact store). */
  readonly artifactBucket: pulumi.Output<string>;
  readonly artifactBucketArn: pulumi.Output<string>;
  /** KMS key the bucket encrypts objects with (SSE-KMS): readers of its objects need `kms:Decrypt` on it. */
  readonly artifactBucketKmsKeyArn: pulumi.Output<string>;
  /** Gateway API Gateway that KServe routes attach to: `namespace/name`. */
  readonly inferenceGateway: { readonly namespace: string; readonly name: string };
  /** Resources the model stacks must wait for (CRDs from KServe, KEDA, prometheus-operator). */
  readonly dependsOn: pulumi.Resource[];
}
