/** Without a readiness probe a model server gets traffic before its model is loaded (cold start). */
import { ALWAYS_MANDATORY, PlatformPolicy } from "../lib/platform-policy";
import { str } from "../lib/values";
import { podTemplates } from "../lib/workloads";

/** Serving containers define readiness and liveness probes. */
export const kubernetesServingContainerProbes: PlatformPolicy = {
  checks: "serving containers define readiness and liveness probes",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "kubernetes-serving-container-probes",
    description: "Serving containers must define readiness and liveness probes.",
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
      for (const t of podTemplates(args.type, args.props ?? {})) {
        if (!t.serving) continue;
        for (const c of t.containers) {
          if (c.init) continue;
          const missing = ["readinessProbe", "livenessProbe"].filter((p) => c.container[p] === undefined);
          if (missing.length === 0) continue;
          report(
            `${t.kind} ${t.component} container ${str(c.container.name) ?? c.path} has no ${missing.join(" or ")}; probe the server's ready/live endpoints (e.g. Triton /v2/health/ready and /v2/health/live) and add a startupProbe covering the model load time.`,
          );
        }
      }
    },
  },
};
