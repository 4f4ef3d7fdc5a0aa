/**
 * NetworkPolicies of a model namespace: deny everything, then allow exactly what serving needs.
 * Pure builder.
 *
 * Allowed:
 * - ingress to the serving port from the inference gateway's proxies (Envoy Gateway runs them in
 *   its controller namespace, NAMESPACES.gateway, and the Gateway may live elsewhere: both allowed);
 * - ingress to the metrics port from Prometheus (NAMESPACES.monitoring);
 * - egress to cluster DNS (kube-system, 53 UDP/TCP);
 * - egress to MLflow (NAMESPACES.mlflow) for `models:/` references;
 * - egress to the EKS Pod Identity agent (169.254.170.23:80) for the pod role's credentials;
 * - egress on 443 to addresses outside the VPC: S3. S3's addresses (also behind a gateway VPC
 *   endpoint, which routes by the S3 prefix list) are public, many and changing, and a
 *   NetworkPolicy only matches CIDRs, so pinning them is impossible here. The VPC CIDR is excluded
 *   (no lateral 443 inside the cluster); which bucket and prefix a pod may read is enforced by its
 *   pod role (artifact-policy.ts), and exfiltration by the S3 gateway endpoint policy.
 * The KServe controller never calls predictor pods in Standard mode, so it needs no ingress.
 */
import { NAMESPACES } from "../addons/addons-context";

/** Link-local address of the EKS Pod Identity agent (AWS EKS docs, "EKS Pod Identity"). */
export const POD_IDENTITY_AGENT_CIDR = "169.254.170.23/32";

/** Inputs of the policies. */
export interface NetworkPolicyInputs {
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** Namespace of the Gateway the model's HTTPRoute attaches to. */
  readonly gatewayNamespace: string;
  readonly servingPort: number;
  readonly metricsPort: number;
  /** VPC CIDR, excluded from the 443 egress rule. */
  readonly vpcCidr: string;
}

const nsSelector = (ns: string) => ({
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ns } },
});

/** The NetworkPolicy objects, default-deny first. */
export function buildNetworkPolicies(inp: NetworkPolicyInputs): Record<string, unknown>[] {
  const meta = (name: string) => ({ name, namespace: inp.namespace, labels: inp.labels });
  const policy = (name: string, spec: Record<string, unknown>) => ({
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: meta(name),
    spec: { podSelector: {}, ...spec },
  });
  const gatewayNamespaces = [...new Set([NAMESPACES.gateway, inp.gatewayNamespace])];
  return [
    policy("default-deny", { policyTypes: ["Ingress", "Egress"] }),
    policy("allow-gateway", {
      policyTypes: ["Ingress"],
      ingress: [
        {
          from: gatewayNamespaces.map(nsSelector),
          ports: [{ protocol: "TCP", port: inp.servingPort }],
        },
      ],
    }),
    policy("allow-prometheus", {
      policyTypes: ["Ingress"],
      ingress: [
        { from: [nsSelector(NAMESPACES.monitoring)], ports: [{ protocol: "TCP", port: inp.metricsPort }] },
      ],
    }),
    policy("allow-dns", {
      policyTypes: ["Egress"],
      egress: [
        {
          to: [nsSelector("kube-system")],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    }),
    policy("allow-mlflow", {
      policyTypes: ["Egress"],
      egress: [{ to: [nsSelector(NAMESPACES.mlflow)] }],
    }),
    policy("allow-object-storage", {
      policyTypes: ["Egress"],
      egress: [
        {
          to: [{ ipBlock: { cidr: "0.0.0.0/0", except: [inp.vpcCidr] } }],
          ports: [{ protocol: "TCP", port: 443 }],
        },
        { to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT_CIDR } }], ports: [{ protocol: "TCP", port: 80 }] },
      ],
    }),
  ];
}
