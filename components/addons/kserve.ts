/**
 * KServe in Standard (raw Deployment) mode with the Gateway API: CRDs first, then the controller,
 * then the ClusterServingRuntimes the model specs name (triton, mlserver, torchserve) and the storage
 * container that loads `models:/` URIs from the MLflow registry.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config/stack-schema";
import { NAMESPACES } from "./addons-context";
import { INFERENCE_GATEWAY } from "./envoy-gateway-values";
import { createNamespace, createRelease } from "./helm-release";
import {
  defaultIngressDomain,
  kserveRuntimeValues,
  kserveValues,
  MLFLOW_STORAGE_CONTAINER,
  mlflowStorageContainer,
} from "./kserve-values";
import { mlflowTrackingUri } from "./mlflow-values";
import { CHARTS } from "./versions";

/** Arguments of `Kserve`. The Kubernetes provider comes through the resource options. */
export interface KserveArgs {
  readonly config: StackConfig;
  /** Namespace of the controller (and of the inference Gateway). @default NAMESPACES.kserve */
  readonly namespace?: string;
  /** Domain of generated hostnames. @default `inference.<environment>.internal` */
  readonly ingressDomain?: string;
  /**
   * Resources the controller waits for: cert-manager's release (webhook certificate) at least.
   * @default []
   */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** The children of a Kserve component. */
export interface KserveResources {
  readonly namespace: k8s.core.v1.Namespace;
  readonly crds: k8s.helm.v3.Release;
  readonly controller: k8s.helm.v3.Release;
  readonly runtimes: k8s.helm.v3.Release;
  /** Downloads `models:/` (MLflow registry) model URIs for the predictors. */
  readonly mlflowStorage: k8s.apiextensions.CustomResource;
}

/** Creates the namespace and the three KServe releases, in dependency order, under `parent`. */
export function createKserve(name: string, args: KserveArgs, parent: pulumi.Resource): KserveResources {
  const namespace = createNamespace(`${name}-namespace`, args.namespace ?? NAMESPACES.kserve, { parent });
  const crds = createRelease(
    `${name}-crd`,
    { pin: CHARTS.kserveCrd, releaseName: "kserve-crd", namespace: namespace.metadata.name, values: {} },
    // Deleting the CRDs deletes every InferenceService with them: never by accident in prod.
    { parent, protect: args.config.environment === "prod" },
  );
  const controller = createRelease(
    `${name}-controller`,
    {
      pin: CHARTS.kserve,
      releaseName: "kserve",
      namespace: namespace.metadata.name,
      values: kserveValues({
        ingressDomain: args.ingressDomain ?? defaultIngressDomain(args.config),
        gateway: INFERENCE_GATEWAY,
      }),
    },
    { parent, dependsOn: [crds, ...(args.dependsOn ?? [])] },
  );
  // ClusterServingRuntimes pass the controller's validating webhook, so the controller goes first.
  const runtimes = createRelease(
    `${name}-runtimes`,
    {
      pin: CHARTS.kserveRuntimes,
      releaseName: "kserve-runtime-configs",
      namespace: namespace.metadata.name,
      values: kserveRuntimeValues(),
    },
    { parent, dependsOn: [controller] },
  );
  // Cluster-scoped; admitted by the controller's webhook like the runtimes.
  const mlflowStorage = new k8s.apiextensions.CustomResource(
    `${name}-${MLFLOW_STORAGE_CONTAINER}`,
    mlflowStorageContainer(mlflowTrackingUri(NAMESPACES.mlflow)) as k8s.apiextensions.CustomResourceArgs,
    { parent, dependsOn: [controller] },
  );
  return { namespace, crds, controller, runtimes, mlflowStorage };
}

/** KServe add-on (`mlops:addons:Kserve`). */
export class Kserve extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** Everything a model stack's InferenceService needs (CRDs, controller, runtimes). */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: KserveArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:Kserve", name, {}, opts);
    const created = createKserve(name, args, this);
    this.namespace = created.namespace.metadata.name;
    this.ready = [created.crds, created.controller, created.runtimes, created.mlflowStorage];
    this.registerOutputs({ namespace: this.namespace });
  }
}
