/**
 * A mounted service-account token lets a compromised model server talk to the Kubernetes API. Only
 * the add-ons that are controllers (and workloads annotated as needing the API) keep it.
 */
import { NAMESPACES } from "../../components/addons/addons-context";
import {
  ALWAYS_MANDATORY,
  PlatformPolicy,
  configWithDefaults,
  exemptNamespacesSchema,
} from "../lib/platform-policy";
import { at, obj } from "../lib/values";
import { podTemplates } from "../lib/workloads";

/** Annotation a workload sets (value "true") to declare that it calls the Kubernetes API. */
export const NEEDS_KUBE_API_ANNOTATION = "mlops.io/needs-kube-api";

/** Tunables. */
export interface TokenAutomountConfig {
  /** Namespaces whose workloads may mount a token (controllers). @default the add-on namespaces except mlflow */
  readonly exemptNamespaces: string[];
}

const DEFAULTS: TokenAutomountConfig = {
  exemptNamespaces: [
    NAMESPACES.gpuOperator,
    NAMESPACES.keda,
    NAMESPACES.monitoring,
    NAMESPACES.airflow,
    NAMESPACES.kserve,
    NAMESPACES.kubeflow,
    NAMESPACES.certManager,
    NAMESPACES.gateway,
    NAMESPACES.karpenter,
  ],
};

/** Pods set `automountServiceAccountToken: false` unless exempt or annotated as needing the API. */
export const kubernetesServiceAccountTokenNotAutomounted: PlatformPolicy = {
  checks:
    "pods set automountServiceAccountToken: false unless they need the API (annotation or exempt namespace)",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "kubernetes-service-account-token-not-automounted",
    description: "Pods that do not call the Kubernetes API must not mount a service-account token.",
    enforcementLevel: "mandatory",
    configSchema: exemptNamespacesSchema(DEFAULTS.exemptNamespaces),
    validateResource: (args, report) => {
      const { exemptNamespaces } = configWithDefaults(args, DEFAULTS);
      const props = args.props ?? {};
      if (obj(at(props, "metadata.annotations"))[NEEDS_KUBE_API_ANNOTATION] === "true") return;
      for (const t of podTemplates(args.type, props)) {
        if (t.component === "runtime") continue; // ServingRuntime templates: the InferenceService decides.
        if (t.namespace !== undefined && exemptNamespaces.includes(t.namespace)) continue;
        if (t.podSpec.automountServiceAccountToken === false) continue;
        report(
          `${t.kind} ${t.component} mounts a service-account token; set automountServiceAccountToken: false at ${t.path}, or annotate the object ${NEEDS_KUBE_API_ANNOTATION}: "true" if it calls the Kubernetes API.`,
        );
      }
    },
  },
};
