/**
 * Names of the series the platform rules record (pure constants). In a file of their own so the
 * rule builders beside `platform-rules.ts` (`gpu-health-rules.ts`) and the platform dashboard can
 * read them without importing each other.
 */

/** Recorded platform series. */
export const PLATFORM_SERIES = {
  /** One series per GPU node: `node`, `pool`, `purpose`. */
  nodePool: "node:mlops_gpu_pool:info",
  /** One series per physical GPU (`node`, `gpu`), whatever pod dcgm-exporter last saw on it. */
  gpuUtilization: "gpu:mlops_gpu_utilization:max",
  /** Mean GPU utilization (0-100) per pool over 5 minutes. */
  poolUtilization: "pool:mlops_gpu_utilization:avg5m",
  /** GPUs present per pool (DCGM devices). */
  poolGpus: "pool:mlops_gpus:count",
  /** The last XID code dcgm-exporter reports per physical GPU (`node`, `gpu`); 0 before any. */
  gpuXid: "gpu:mlops_gpu_xid:last",
  /** 1 per GPU (`node`, `gpu`, `xid`) whose last XID changed to a non-zero code within the XID window. */
  gpuXidNew: "gpu:mlops_gpu_xid:new",
} as const;
