/**
 * GPU device requests and scheduling constraints for a share of a pool. Pure.
 *
 * The GPU Operator's device plugin advertises, per pool sharing mode (GPU_POOL_LABELS.sharing):
 * - none: `nvidia.com/gpu` = physical GPUs;
 * - time-slicing with r replicas: `nvidia.com/gpu` = r x GPUs (each "GPU" is one time slice; with
 *   `renameByDefault: false`, the NVIDIA default, the name stays `nvidia.com/gpu`);
 * - MIG with the `single` strategy (the platform's, `devicePluginConfig`): `nvidia.com/gpu` = MIG
 *   devices of the pool's one profile. (The `mixed` strategy would name them `nvidia.com/mig-<profile>`,
 *   which Karpenter does not know an instance type to offer, so it would never provision for them.)
 * (NVIDIA GPU Operator docs, "Time-Slicing GPUs in Kubernetes" and "GPU Operator with MIG".)
 */
import { replicaDevices } from "../capacity/gpu-slots";
import type { GpuPool } from "../config/stack-schema";
import { GPU_POOL_LABELS, GPU_TAINT } from "../addons/addons-context";

/** Extended-resource name and count one replica asks for. */
export interface GpuRequest {
  readonly resource: string;
  readonly count: number;
}

/** The device request for `share` of one GPU (or `share` whole GPUs) on `pool`. */
export function gpuRequest(share: number, pool: GpuPool): GpuRequest {
  return { resource: "nvidia.com/gpu", count: replicaDevices(share, pool) };
}

/** Toleration of the GPU taint every GPU pool carries. */
export function gpuToleration(): Record<string, string> {
  return { key: GPU_TAINT.key, operator: "Equal", value: GPU_TAINT.value, effect: GPU_TAINT.effect };
}

/** Required node affinity to the pool's nodes (label set by the cluster layer's NodePools). */
export function poolAffinity(pool: string): Record<string, unknown> {
  return {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: GPU_POOL_LABELS.pool, operator: "In", values: [pool] }] },
        ],
      },
    },
  };
}
