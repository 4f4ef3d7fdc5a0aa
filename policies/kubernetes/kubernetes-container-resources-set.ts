/** Requests let the scheduler pack GPU nodes; limits stop one model starving its neighbours. */
import {
  ALWAYS_MANDATORY,
  PlatformPolicy,
  configWithDefaults,
  exemptNamespacesSchema,
  ExemptNamespacesConfig,
} from "../lib/platform-policy";
import { at, obj, str } from "../lib/values";
import { podTemplates, UPSTREAM_MANIFEST_NAMESPACES } from "../lib/workloads";

/** Upstream manifests (Kubeflow Pipelines) are exempt by default. */
const DEFAULTS: ExemptNamespacesConfig = { exemptNamespaces: [...UPSTREAM_MANIFEST_NAMESPACES] };

const KEYS = ["requests.cpu", "requests.memory", "limits.cpu", "limits.memory"] as const;

/** Every container sets CPU and memory requests and limits. */
export const kubernetesContainerResourcesSet: PlatformPolicy = {
  checks: "every container sets CPU and memory requests and limits (upstream kubeflow manifests exempt)",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "kubernetes-container-resources-set",
    description: "Containers must set CPU and memory requests and limits.",
    enforcementLevel: "mandatory",
    configSchema: exemptNamespacesSchema(DEFAULTS.exemptNamespaces),
    validateResource: (args, report) => {
      const { exemptNamespaces } = configWithDefaults(args, DEFAULTS);
      for (const t of podTemplates(args.type, args.props ?? {})) {
        // Upstream manifests (Kubeflow Pipelines) set no limits; the platform does not author them.
        if (t.namespace !== undefined && exemptNamespaces.includes(t.namespace)) continue;
        for (const c of t.containers) {
          const resources = obj(c.container.resources);
          const missing = KEYS.filter((k) => at(resources, k) === undefined);
          if (missing.length === 0) continue;
          const name = str(c.container.name) ?? c.path;
          report(
            `${t.kind} ${t.component} container ${name} has no resources.${missing.join(", resources.")}; set CPU and memory requests and limits (${c.path}.resources).`,
          );
        }
      }
    },
  },
};
