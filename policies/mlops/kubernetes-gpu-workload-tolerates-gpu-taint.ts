/** GPU nodes carry the GPU taint; a GPU pod that does not tolerate it stays Pending forever. */
import { GPU_TAINT } from "../../components/addons/addons-context";
import { ALWAYS_MANDATORY, PlatformPolicy } from "../lib/platform-policy";
import { podTemplates, requestsGpu, toleratesGpuTaint } from "../lib/workloads";

const TAINT = `${GPU_TAINT.key}=${GPU_TAINT.value}:${GPU_TAINT.effect}`;

/** Every pod template that requests a GPU tolerates the GPU node taint. */
export const kubernetesGpuWorkloadToleratesGpuTaint: PlatformPolicy = {
  checks: `pods requesting nvidia.com/gpu or nvidia.com/mig-* tolerate the GPU taint ${TAINT}`,
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "kubernetes-gpu-workload-tolerates-gpu-taint",
    description: `GPU workloads must tolerate the GPU node taint ${TAINT}.`,
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
      for (const t of podTemplates(args.type, args.props ?? {})) {
        if (!requestsGpu(t) || toleratesGpuTaint(t)) continue;
        report(
          `${t.kind} ${t.component} requests a GPU but does not tolerate the GPU taint ${TAINT}; add tolerations: [{key: "${GPU_TAINT.key}", operator: "Equal", value: "${GPU_TAINT.value}", effect: "${GPU_TAINT.effect}"}] at ${t.path}.`,
        );
      }
    },
  },
};
