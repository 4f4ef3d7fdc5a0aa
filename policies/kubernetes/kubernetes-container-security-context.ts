/**
 * Restricted pod security (Kubernetes Pod Security Standards "restricted"): non-root, no privilege
 * escalation, all capabilities dropped, read-only root filesystem. The GPU Operator's namespace is
 * exempt by default: its driver and toolkit daemonsets must run privileged to load kernel modules;
 * so are Kubeflow Pipelines' upstream manifests (`UPSTREAM_MANIFEST_NAMESPACES`).
 */
import {
  ALWAYS_MANDATORY,
  PlatformPolicy,
  configWithDefaults,
  exemptNamespacesSchema,
} from "../lib/platform-policy";
import { NAMESPACES } from "../../components/addons/addons-context";
import { arr, obj, str } from "../lib/values";
import { podTemplates, UPSTREAM_MANIFEST_NAMESPACES } from "../lib/workloads";

/** Tunables. */
export interface SecurityContextConfig {
  /** Namespaces whose workloads are exempt. @default ["gpu-operator", "kubeflow"] */
  readonly exemptNamespaces: string[];
}

const DEFAULTS: SecurityContextConfig = {
  exemptNamespaces: [NAMESPACES.gpuOperator, ...UPSTREAM_MANIFEST_NAMESPACES],
};

/** What a container's effective security context lacks (container settings override the pod's). */
export function securityContextProblems(
  podSecurity: Record<string, unknown>,
  container: Record<string, unknown>,
): string[] {
  const sc = obj(container.securityContext);
  const problems: string[] = [];
  const runAsNonRoot = sc.runAsNonRoot ?? podSecurity.runAsNonRoot;
  const runAsUser = sc.runAsUser ?? podSecurity.runAsUser;
  if (runAsNonRoot !== true || runAsUser === 0)
    problems.push("runAsNonRoot: true (and a non-zero runAsUser)");
  if (sc.allowPrivilegeEscalation !== false || sc.privileged === true)
    problems.push("allowPrivilegeEscalation: false");
  const drops = arr(obj(sc.capabilities).drop).map((d) => String(d).toUpperCase());
  if (!drops.includes("ALL")) problems.push('capabilities.drop: ["ALL"]');
  if (sc.readOnlyRootFilesystem !== true) problems.push("readOnlyRootFilesystem: true");
  return problems;
}

/** Containers run non-root, without privilege escalation, with capabilities dropped and a read-only root. */
export const kubernetesContainerSecurityContext: PlatformPolicy = {
  checks:
    "containers run non-root, no privilege escalation, drop ALL capabilities, read-only root FS (gpu-operator and upstream kubeflow manifests exempt)",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "kubernetes-container-security-context",
    description:
      "Containers must run as non-root, disallow privilege escalation, drop all capabilities and use a read-only root filesystem.",
    enforcementLevel: "mandatory",
    configSchema: exemptNamespacesSchema(DEFAULTS.exemptNamespaces),
    validateResource: (args, report) => {
      const { exemptNamespaces } = configWithDefaults(args, DEFAULTS);
      for (const t of podTemplates(args.type, args.props ?? {})) {
        if (t.namespace !== undefined && exemptNamespaces.includes(t.namespace)) continue;
        const podSecurity = obj(t.podSpec.securityContext);
        for (const c of t.containers) {
          const problems = securityContextProblems(podSecurity, c.container);
          if (problems.length === 0) continue;
          const name = str(c.container.name) ?? c.path;
          report(
            `${t.kind} ${t.component} container ${name} security context is not restricted; set ${problems.join(", ")} in ${c.path}.securityContext.`,
          );
        }
      }
    },
  },
};
