/**
 * GPU nodes cost 10-100x a CPU node: a pod steered onto a GPU pool without requesting a GPU keeps a
 * node alive (Karpenter cannot consolidate it) while using none of its GPUs.
 */
import { GPU_POOL_LABELS, NAMESPACES } from "../../components/addons/addons-context";
import {
  ALWAYS_MANDATORY,
  PlatformPolicy,
  configWithDefaults,
  exemptNamespacesSchema,
} from "../lib/platform-policy";
import { podTemplates, requestsGpu, targetGpuPool } from "../lib/workloads";

/** Tunables. */
export interface GpuPoolOnlyConfig {
  /** Namespaces of node agents that must run on GPU nodes without a GPU. @default ["gpu-operator"] */
  readonly exemptNamespaces: string[];
}

const DEFAULTS: GpuPoolOnlyConfig = { exemptNamespaces: [NAMESPACES.gpuOperator] };

/** A pod template steered to a GPU pool (nodeSelector or node affinity on the pool label) requests a GPU. */
export const kubernetesGpuPoolRunsOnlyGpuWorkloads: PlatformPolicy = {
  checks: `pods selecting a GPU pool (${GPU_POOL_LABELS.pool}) request a GPU; nothing else lands on GPU nodes`,
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "kubernetes-gpu-pool-runs-only-gpu-workloads",
    description: "Only workloads that request a GPU may select a GPU node pool.",
    enforcementLevel: "mandatory",
    configSchema: exemptNamespacesSchema(DEFAULTS.exemptNamespaces),
    validateResource: (args, report) => {
      const { exemptNamespaces } = configWithDefaults(args, DEFAULTS);
      for (const t of podTemplates(args.type, args.props ?? {})) {
        // DaemonSets are node agents, ServingRuntimes are templates whose GPU request lives on the InferenceService.
        if (t.kind === "DaemonSet" || t.component === "runtime") continue;
        if (t.namespace !== undefined && exemptNamespaces.includes(t.namespace)) continue;
        const pool = targetGpuPool(t);
        if (pool === undefined || requestsGpu(t)) continue;
        report(
          `${t.kind} ${t.component} selects GPU pool ${pool} (${GPU_POOL_LABELS.pool}) but requests no GPU; request nvidia.com/gpu (or a nvidia.com/mig-* device) in resources.limits, or drop the GPU pool selector so it runs on system nodes.`,
        );
      }
    },
  },
};
