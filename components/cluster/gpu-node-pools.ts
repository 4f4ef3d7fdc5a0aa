/**
 * One Karpenter EC2NodeClass + NodePool per configured GPU pool, plus warm capacity for pools with
 * `minGpus > 0`.
 *
 * Why pause pods and not a static NodePool: Karpenter's static capacity (`NodePool.spec.replicas`,
 * alpha since v1.8 behind the `staticCapacity` feature gate, still alpha in v1.14) keeps an exact node
 * count, cannot be switched back to a dynamic pool, accepts only `limits.nodes` and is never
 * consolidated; a pool that must hold a floor *and* scale to `maxGpus` would need two NodePools and
 * an alpha gate in production. The overprovisioning pattern (negative-priority pause pods requesting
 * GPUs) works on every Karpenter version with the ordinary, consolidating pool.
 */
import * as k8s from "@pulumi/kubernetes";
import { karpenterDisruption } from "../capacity/karpenter-disruption";
import * as pulumi from "@pulumi/pulumi";
import { GpuPool, SalesEvent } from "../config/stack-schema";
import {
  WARM_CAPACITY_PRIORITY_CLASS,
  ec2NodeClassSpec,
  gpuPoolObjectName,
  nodeOverlaySpecs,
  nodePoolSpec,
  warmCapacityDeployment,
  warmCapacityPods,
} from "./gpu-node-pool-specs";

/** Namespace of the warm-capacity Deployments. */
export const WARM_CAPACITY_NAMESPACE = "gpu-warm-capacity";

/** Arguments of `GpuNodePools`. The Kubernetes provider comes through `opts.providers`. */
export interface GpuNodePoolsArgs {
  readonly pools: readonly GpuPool[];
  readonly clusterName: string;
  /** IAM role name of the GPU nodes (the Karpenter node role). */
  readonly nodeRoleName: pulumi.Input<string>;
  /** AMI alias. @default DEFAULT_GPU_AMI_ALIAS */
  readonly amiAlias?: string;
  /**
   * Platform time zone: serving pools drain underused nodes only from 22:00 to 10:00 in this zone
   * (components/capacity/karpenter-disruption.ts `karpenterDisruption`, the policy the simulator measured).
   * @default "UTC"
   */
  readonly timeZone?: string;
  /**
   * Declared sales events: serving pools drain no underused or drifted node from 30 minutes before
   * each until its end (`eventDisruptionBudgets`). @default []
   */
  readonly events?: readonly SalesEvent[];
  /** Resources the custom resources wait for (the Karpenter CRD release). @default [] */
  readonly dependsOn?: pulumi.Resource[];
}

/** Kubernetes objects of one GPU pool. */
export interface GpuPoolObjects {
  readonly nodeClass: k8s.apiextensions.CustomResource;
  readonly nodePool: k8s.apiextensions.CustomResource;
  /** A shared pool's NodeOverlays, one per instance type (none for whole GPUs). */
  readonly nodeOverlays: k8s.apiextensions.CustomResource[];
  readonly warmCapacity?: k8s.apps.v1.Deployment;
}

/** NodeClasses, NodePools and warm capacity of all GPU pools. */
export class GpuNodePools extends pulumi.ComponentResource {
  readonly pools: Record<string, GpuPoolObjects>;

  constructor(name: string, args: GpuNodePoolsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cluster:GpuNodePools", name, {}, opts);
    this.pools = createGpuNodePools(name, args, this);
    this.registerOutputs({ pools: Object.keys(this.pools) });
  }
}

/** Creates every pool's objects under `parent`. */
export function createGpuNodePools(
  name: string,
  args: GpuNodePoolsArgs,
  parent: pulumi.Resource,
): Record<string, GpuPoolObjects> {
  const dependsOn = args.dependsOn ?? [];
  const warmPools = args.pools.filter((p) => warmCapacityPods(p) > 0);
  const warmDeps: pulumi.Resource[] = [];
  if (warmPools.length > 0) {
    warmDeps.push(
      new k8s.core.v1.Namespace(
        `${name}-warm-capacity`,
        {
          metadata: {
            name: WARM_CAPACITY_NAMESPACE,
            labels: { "app.kubernetes.io/part-of": "mlops-platform" },
          },
        },
        { parent },
      ),
      new k8s.scheduling.v1.PriorityClass(
        `${name}-warm-capacity`,
        {
          metadata: { name: WARM_CAPACITY_PRIORITY_CLASS.name },
          value: WARM_CAPACITY_PRIORITY_CLASS.value,
          globalDefault: false,
          // Pause pods never evict anything; they only wait to be evicted.
          preemptionPolicy: "Never",
          description: "Placeholder pods holding warm GPU capacity; every real workload preempts them.",
        },
        { parent },
      ),
    );
  }

  const out: Record<string, GpuPoolObjects> = {};
  for (const pool of args.pools) {
    const objectName = gpuPoolObjectName(pool);
    const nodeClass = new k8s.apiextensions.CustomResource(
      `${name}-${pool.name}-nodeclass`,
      {
        apiVersion: "karpenter.k8s.aws/v1",
        kind: "EC2NodeClass",
        metadata: { name: objectName },
        spec: pulumi
          .output(args.nodeRoleName)
          .apply((nodeRoleName) =>
            ec2NodeClassSpec(pool, { clusterName: args.clusterName, nodeRoleName, amiAlias: args.amiAlias }),
          ),
      },
      { parent, dependsOn },
    );
    const nodePool = new k8s.apiextensions.CustomResource(
      `${name}-${pool.name}-nodepool`,
      {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: objectName },
        spec: nodePoolSpec(pool, {
          nodeClassName: objectName,
          // Training pools keep the cluster's own rule (never move a running job); serving pools use
          // the capacity planner's trough-only consolidation.
          disruption:
            pool.purpose === "serving"
              ? karpenterDisruption(pool, args.timeZone ?? "UTC", args.events)
              : undefined,
        }),
      },
      { parent, dependsOn: [nodeClass, ...dependsOn] },
    );
    const nodeOverlays = nodeOverlaySpecs(pool).map(
      (o) =>
        new k8s.apiextensions.CustomResource(
          `${name}-${o.name}-overlay`,
          {
            apiVersion: "karpenter.sh/v1alpha1",
            kind: "NodeOverlay",
            metadata: { name: o.name },
            spec: o.spec,
          },
          { parent, dependsOn },
        ),
    );
    let warmCapacity: k8s.apps.v1.Deployment | undefined;
    if (warmCapacityPods(pool) > 0) {
      const d = warmCapacityDeployment(pool, { namespace: WARM_CAPACITY_NAMESPACE });
      warmCapacity = new k8s.apps.v1.Deployment(
        `${name}-${pool.name}-warm-capacity`,
        {
          // Pause pods stay Pending until a GPU node and the GPU Operator's device plugin are up
          // (minutes); `pulumi up` must not wait for them.
          metadata: { ...d.metadata, annotations: { "pulumi.com/skipAwait": "true" } },
          spec: d.spec,
        },
        // After the overlays, so Karpenter sizes the pause pods' nodes by slices from the start.
        { parent, dependsOn: [nodePool, ...nodeOverlays, ...warmDeps] },
      );
    }
    out[pool.name] = { nodeClass, nodePool, nodeOverlays, warmCapacity };
  }
  return out;
}
