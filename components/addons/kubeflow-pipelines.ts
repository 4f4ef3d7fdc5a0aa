/**
 * Kubeflow Pipelines, standalone, platform-agnostic. KFP has no official Helm chart; its documented
 * install (kubeflow.org "Installation" page) is two kustomize targets applied in order:
 *   kubectl apply -k "github.com/kubeflow/pipelines/manifests/kustomize/cluster-scoped-resources?ref=$PIPELINE_VERSION"
 *   kubectl apply -k "github.com/kubeflow/pipelines/manifests/kustomize/env/platform-agnostic?ref=$PIPELINE_VERSION"
 * The first holds the CRDs and the `kubeflow` namespace; the second everything namespaced (it builds on
 * base/installs/generic with in-cluster MySQL and SeaweedFS, kubeflow/pipelines
 * manifests/kustomize/env/platform-agnostic/kustomization.yaml).
 *
 * `k8s.kustomize.v2.Directory` is a multi-language component: under the SDK's mock runtime (tests,
 * offline plan) it is one opaque resource whose inputs (`directory`, ...) are inspectable, but whose
 * children are not rendered. The real `pulumi up` fetches and expands the manifests.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../cluster/cluster-context";
import { StackConfig } from "../config/stack-schema";
import { NAMESPACES } from "./addons-context";
import { KFP_VERSION } from "./data-versions";

/** The kustomize remote target of a KFP manifests folder at a release tag. */
export function kfpManifestUrl(path: string, version: string): string {
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new Error(`Kubeflow Pipelines version "${version}" must be a release tag such as 2.17.2`);
  }
  return `github.com/kubeflow/pipelines/manifests/kustomize/${path}?ref=${version}`;
}

/** In-cluster URL of the KFP API server (`ml-pipeline` Service, HTTP port 8888). */
export function kfpApiUrl(namespace: string = NAMESPACES.kubeflow): string {
  return `http://ml-pipeline.${namespace}.svc.cluster.local:8888`;
}

/** Arguments of `KubeflowPipelines`. */
export interface KubeflowPipelinesArgs {
  readonly config: StackConfig;
  readonly cluster: ClusterContext;
  /** KFP release tag. @default KFP_VERSION */
  readonly version?: string;
}

/** What `createKubeflowPipelines` returns; empty when disabled in the stack config. */
export interface KubeflowPipelinesResources {
  readonly clusterScoped?: k8s.kustomize.v2.Directory;
  readonly platform?: k8s.kustomize.v2.Directory;
}

/** Creates the two kustomize targets in order, or nothing when `addons.kubeflowPipelines.enabled` is false. */
export function createKubeflowPipelines(
  name: string,
  args: KubeflowPipelinesArgs,
  parent: pulumi.Resource,
): KubeflowPipelinesResources {
  if (!args.config.addons.kubeflowPipelines.enabled) return {};
  const version = args.version ?? KFP_VERSION;
  // Prod protects both: the cluster-scoped target holds the CRDs (deleting them deletes every
  // pipeline run), the platform target KFP's MySQL and SeaweedFS volumes (runs, metadata,
  // artifacts). The provider's children inherit `protect` from the component, all of them: disabling
  // KFP in prod stops at preview instead of deleting them, and so does an upgrade that replaces or
  // drops an object (the README's upgrade step unprotects those). Protecting only the volumes and
  // CRDs would need a resource transform, which the offline plan's mock runtime cannot run.
  const opts = { parent, provider: args.cluster.kubeProvider, protect: args.config.environment === "prod" };
  const clusterScoped = new k8s.kustomize.v2.Directory(
    `${name}-cluster-scoped`,
    { directory: kfpManifestUrl("cluster-scoped-resources", version) },
    opts,
  );
  // The namespaced objects include Argo Workflows and KFP custom resources: their CRDs must exist first.
  const platform = new k8s.kustomize.v2.Directory(
    `${name}-platform`,
    { directory: kfpManifestUrl("env/platform-agnostic", version), namespace: NAMESPACES.kubeflow },
    { ...opts, dependsOn: [clusterScoped] },
  );
  return { clusterScoped, platform };
}

/** Kubeflow Pipelines (standalone) from the upstream kustomize manifests. */
export class KubeflowPipelines extends pulumi.ComponentResource {
  /** In-cluster KFP API URL; undefined when KFP is disabled. */
  readonly apiUrl?: pulumi.Output<string>;

  constructor(name: string, args: KubeflowPipelinesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:KubeflowPipelines", name, {}, opts);
    const created = createKubeflowPipelines(name, args, this);
    this.apiUrl = created.platform ? pulumi.output(kfpApiUrl()) : undefined;
    this.registerOutputs({ apiUrl: this.apiUrl });
  }
}
