/**
 * Pure builders for the Gateway API side of inference traffic: Envoy Gateway's chart values, the
 * GatewayClass it serves and the Gateway KServe attaches its HTTPRoutes to.
 */
import { NAMESPACES } from "./addons-context";

/** The inference Gateway (`AddonsContext.inferenceGateway`); KServe's `kserveGateway` points here. */
export const INFERENCE_GATEWAY = { namespace: NAMESPACES.kserve, name: "kserve-ingress-gateway" } as const;

/** GatewayClass served by Envoy Gateway. */
export const GATEWAY_CLASS_NAME = "envoy";

/** Controller name Envoy Gateway registers for (gateway.envoyproxy.io quickstart GatewayClass). */
export const ENVOY_GATEWAY_CONTROLLER = "gateway.envoyproxy.io/gatewayclass-controller";

/**
 * Envoy Gateway chart values. The defaults are what we need: the chart installs the Gateway API CRDs
 * (standard channel, the ones KServe's HTTPRoutes use) with Envoy Gateway's own CRDs; set
 * `crds.enabled: false` only if the cluster already manages Gateway API CRDs (install guide).
 */
export function envoyGatewayValues(): Record<string, unknown> {
  return {};
}

/** `spec` of the GatewayClass. */
export function gatewayClassSpec(): Record<string, unknown> {
  return { controllerName: ENVOY_GATEWAY_CONTROLLER };
}

/**
 * Annotations of the Service Envoy Gateway creates for the inference Gateway (type LoadBalancer):
 * an internal load balancer in the private subnets (tagged `kubernetes.io/role/internal-elb`), for
 * the AWS cloud controller manager and for the AWS Load Balancer Controller alike. Without them AWS
 * makes an internet-facing one, and the models' plain-HTTP API would be public.
 */
export const INTERNAL_LOAD_BALANCER_ANNOTATIONS = {
  "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
  "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
} as const;

/**
 * `spec` of the inference Gateway: one plain-HTTP listener that accepts HTTPRoutes from every
 * namespace, because each team's InferenceServices (and their HTTPRoutes) live in the team's own
 * namespace. Plain HTTP because callers are in-VPC services, which is why its load balancer is
 * internal (`spec.infrastructure.annotations`, which Envoy Gateway copies onto the Service it
 * creates; Gateway API GEP-1762); an HTTPS listener (cert-manager Certificate) is the step to add
 * before exposing it beyond the VPC.
 */
export function inferenceGatewaySpec(): Record<string, unknown> {
  return {
    gatewayClassName: GATEWAY_CLASS_NAME,
    infrastructure: { annotations: { ...INTERNAL_LOAD_BALANCER_ANNOTATIONS } },
    listeners: [{ name: "http", protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "All" } } }],
  };
}
