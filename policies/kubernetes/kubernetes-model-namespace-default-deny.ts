/**
 * Stack check: every model namespace (a Namespace labelled `mlops.io/model`) has a default-deny
 * NetworkPolicy - empty podSelector covering Ingress - so only explicit allows reach model servers.
 */
import { ALWAYS_MANDATORY, PlatformPolicy } from "../lib/platform-policy";
import { arr, isObj, k8sName, labelsOf, namespaceOf, obj } from "../lib/values";
import { MODEL_LABEL } from "../lib/workloads";

const NAMESPACE = "kubernetes:core/v1:Namespace";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/** True for a NetworkPolicy selecting every pod and allowing no ingress. */
export function isDefaultDenyIngress(props: Record<string, unknown>): boolean {
  const spec = obj(props.spec);
  const selector = obj(spec.podSelector);
  const selectsAll =
    isObj(spec.podSelector) &&
    Object.keys(obj(selector.matchLabels)).length === 0 &&
    arr(selector.matchExpressions).length === 0;
  // policyTypes defaults to [Ingress] (plus Egress when egress rules exist) per the NetworkPolicy API.
  const types = arr(spec.policyTypes);
  const coversIngress = types.length === 0 || types.includes("Ingress");
  return selectsAll && coversIngress && arr(spec.ingress).length === 0;
}

/** Every model namespace has a default-deny ingress NetworkPolicy. */
export const kubernetesModelNamespaceDefaultDeny: PlatformPolicy = {
  checks: "every model namespace (label mlops.io/model) has a default-deny ingress NetworkPolicy",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "kubernetes-model-namespace-default-deny",
    description: "Every model namespace must have a default-deny NetworkPolicy.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
      const denied = new Set(
        args.resources
          .filter((r) => r.type === NETWORK_POLICY && isDefaultDenyIngress(r.props))
          .map((r) => namespaceOf(r.props))
          .filter((ns): ns is string => ns !== undefined),
      );
      for (const ns of args.resources.filter((r) => r.type === NAMESPACE)) {
        if (labelsOf(ns.props)[MODEL_LABEL] === undefined) continue;
        const name = k8sName(ns.props, ns.name);
        if (!denied.has(name)) {
          report(
            `Model namespace ${name} has no default-deny NetworkPolicy; add one in namespace ${name} with podSelector: {}, policyTypes: [Ingress] and no ingress rules, then allow the gateway and Prometheus explicitly.`,
            ns.urn,
          );
        }
      }
    },
  },
};
