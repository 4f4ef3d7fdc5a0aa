/** Literal env values are stored in Pulumi state and visible to anyone who can read the pod spec. */
import {
  ALWAYS_MANDATORY,
  PlatformPolicy,
  configWithDefaults,
  exemptNamespacesSchema,
  ExemptNamespacesConfig,
} from "../lib/platform-policy";
import { arr, obj, str } from "../lib/values";
import { podTemplates, UPSTREAM_MANIFEST_NAMESPACES } from "../lib/workloads";

/** Upstream manifests (Kubeflow Pipelines) are exempt by default. */
const DEFAULTS: ExemptNamespacesConfig = { exemptNamespaces: [...UPSTREAM_MANIFEST_NAMESPACES] };

/** Env var names that look like credentials. */
export const SECRET_ENV_NAME = /PASSWORD|PASSWD|TOKEN|SECRET|KEY|CREDENTIAL/i;

/** No credential-like env var carries a literal `value`; use `valueFrom.secretKeyRef`. */
export const kubernetesNoLiteralSecretEnv: PlatformPolicy = {
  checks:
    "env vars named like *PASSWORD*/*TOKEN*/*SECRET*/*KEY* use valueFrom, never a literal value (upstream kubeflow manifests exempt)",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "kubernetes-no-literal-secret-env",
    description:
      "Credential-like environment variables must come from a Secret (valueFrom), not a literal value.",
    enforcementLevel: "mandatory",
    configSchema: exemptNamespacesSchema(DEFAULTS.exemptNamespaces),
    validateResource: (args, report) => {
      const { exemptNamespaces } = configWithDefaults(args, DEFAULTS);
      for (const t of podTemplates(args.type, args.props ?? {})) {
        // Upstream KFP's MySQL sets MYSQL_ALLOW_EMPTY_PASSWORD: "true", a flag, not a credential.
        if (t.namespace !== undefined && exemptNamespaces.includes(t.namespace)) continue;
        for (const c of t.containers) {
          for (const env of arr(c.container.env).map(obj)) {
            const name = str(env.name) ?? "";
            const literal = env.value !== undefined && env.value !== "";
            if (!SECRET_ENV_NAME.test(name) || !literal || env.valueFrom !== undefined) continue;
            report(
              `${t.kind} ${t.component} container ${str(c.container.name) ?? c.path} sets env ${name} as a literal value; store it in a Kubernetes Secret and use valueFrom.secretKeyRef.`,
            );
          }
        }
      }
    },
  },
};
