/**
 * Placement rules shared by the add-on values builders: controllers stay on the system nodes, GPU
 * node agents tolerate the GPU taint. Pure data, no Pulumi resources.
 */
import { GPU_POOL_LABELS, GPU_TAINT } from "./addons-context";

/**
 * Node affinity that keeps a controller off GPU nodes. Every GPU pool node carries the
 * `mlops.io/gpu-pool` label, so "label absent" means a system node; this works without knowing how
 * the cluster layer labels its system node group, and a controller never holds a GPU node awake
 * (Karpenter could not consolidate it to zero).
 */
export function systemNodeAffinity(): Record<string, unknown> {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: GPU_POOL_LABELS.pool, operator: "DoesNotExist" }] }],
      },
    },
  };
}

/** Toleration for the GPU taint, for agents that must run on every GPU node (device plugin, DCGM). */
export function gpuTaintToleration(): Record<string, string> {
  return { key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect };
}
