/**
 * Pure builders of the KServe chart values (v0.20 layout: `kserve-crd`, `kserve-resources`,
 * `kserve-runtime-configs`; keys from kserve/kserve `charts/_common/kserve-resources-specific.yaml` and
 * `charts/kserve-runtime-configs/README.md`).
 *
 * InferenceService canary contract for the model stacks (KServe v0.20, kserve/kserve PRs 5672 and
 * 5912, Standard mode only): `spec.canary` is a list; each entry has `trafficPercent` (0-100) and a
 * `predictor` (a PredictorSpec whose `name` is required, e.g. `canary`). Each canary gets its own
 * Deployment and Service `<isvc>-<name>-predictor`; the predictor HTTPRoute on the Gateway gets
 * weighted backendRefs (stable = 100 - sum of canaries). The webhook rejects canaries outside Standard
 * mode, duplicate names, a sum above 100 and autoscaling fields on a canary; `minReplicas` on the
 * canary predictor is optional (default: ceil(stable minReplicas x trafficPercent / 100)). Promotion =
 * set `spec.predictor.name` to the canary's name and drop the canary entry; rollback = drop the entry.
 */
import { StackConfig } from "../config/stack-schema";
import { INFERENCE_GATEWAY } from "./envoy-gateway-values";
import { systemNodeAffinity } from "./scheduling";

/**
 * KServe v0.16 renamed the deployment modes: `Standard` (was `RawDeployment`) and `Knative` (was
 * `Serverless`); v0.20's chart default is `Knative`.
 */
export const KSERVE_DEPLOYMENT_MODE = "Standard";

/** Inputs of `kserveValues` besides the stack config. */
export interface KserveValuesArgs {
  /** Domain of the generated hostnames `<isvc>-<namespace>.<domain>`. */
  readonly ingressDomain: string;
  /** Gateway the HTTPRoutes attach to. @default INFERENCE_GATEWAY */
  readonly gateway?: { readonly namespace: string; readonly name: string };
}

/** Default ingress domain of a stack when the caller gives none. */
export function defaultIngressDomain(config: Pick<StackConfig, "environment">): string {
  return `inference.${config.environment}.internal`;
}

/** Values of the `kserve-resources` chart (controller in Standard mode behind the Gateway API). */
export function kserveValues(args: KserveValuesArgs): Record<string, unknown> {
  const gateway = args.gateway ?? INFERENCE_GATEWAY;
  return {
    kserve: {
      controller: {
        deploymentMode: KSERVE_DEPLOYMENT_MODE,
        affinity: systemNodeAffinity(),
        gateway: {
          domain: args.ingressDomain,
          // Istio is not installed: routing is plain Gateway API HTTPRoutes.
          disableIstioVirtualHost: true,
          // The platform's own HTTPRoute per model (components/model/http-route.ts) holds the
          // canary and experiment weights. In Standard mode KServe would otherwise create a
          // top-level HTTPRoute named after each InferenceService - the stable variant is named
          // `<model>`, as is our route - and update it on every reconcile whoever owns it, which
          // would overwrite the weights. With creation off, KServe makes no routes and marks
          // IngressReady itself; the predictor Services our route points at are still created.
          disableIngressCreation: true,
          ingressGateway: {
            enableGatewayApi: true,
            // `<namespace>/<name>` of the Gateway; created by the EnvoyGateway component, not the chart.
            kserveGateway: `${gateway.namespace}/${gateway.name}`,
            createGateway: false,
          },
        },
      },
    },
  };
}

/** Values of the `kserve-runtime-configs` chart: the ClusterServingRuntimes (Triton, MLServer, ...). */
export function kserveRuntimeValues(): Record<string, unknown> {
  return { kserve: { servingruntime: { enabled: true } } };
}

/**
 * Image of the `models:/` storage initializer: the MLflow image of the community-charts line
 * (`burakince/mlflow`, chart 1.12.0's appVersion 3.14.0), whose `mlflow` CLI resolves registry
 * references and carries boto3 for an S3 artifact root.
 */
export const MLFLOW_STORAGE_IMAGE = "burakince/mlflow:3.14.0";

/** Name of the ClusterStorageContainer that serves `models:/` URIs. */
export const MLFLOW_STORAGE_CONTAINER = "mlflow-registry";

/**
 * The shell script of that container. KServe runs a storage container with the arguments
 * `<storageUri> <mount path>` (as its stock initializer); `sh -c` hands them to the script as $0 and
 * $1. `mlflow artifacts download` resolves `models:/<name>/<version>` through the registry and writes
 * the version's files into the mount path.
 */
export const MLFLOW_DOWNLOAD_SCRIPT = 'exec mlflow artifacts download --artifact-uri "$0" --dst-path "$1"';

/**
 * A ClusterStorageContainer (serving.kserve.io/v1alpha1, KServe 0.11+) for `models:/` URIs: KServe's
 * own storage initializer has no MLflow registry support (kserve/kserve#3555), so a model spec's
 * `modelUri: models:/<name>/<version>` (DESIGN section 3) would fail to load without it. The
 * container's name must be `storage-initializer` for KServe to recognise it.
 */
export function mlflowStorageContainer(trackingUri: string): Record<string, unknown> {
  return {
    apiVersion: "serving.kserve.io/v1alpha1",
    kind: "ClusterStorageContainer",
    metadata: { name: MLFLOW_STORAGE_CONTAINER },
    spec: {
      container: {
        name: "storage-initializer",
        image: MLFLOW_STORAGE_IMAGE,
        command: ["/bin/sh", "-c", MLFLOW_DOWNLOAD_SCRIPT],
        env: [{ name: "MLFLOW_TRACKING_URI", value: trackingUri }],
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "2Gi" } },
      },
      supportedUriFormats: [{ prefix: "models:/" }],
    },
  };
}
