/**
 * One Gateway API `HTTPRoute` (gateway.networking.k8s.io/v1) per model that owns the traffic split
 * between all its variants. Pure builder.
 *
 * Why one route of ours rather than KServe v0.20's `spec.canary` (kserve/kserve PRs 5672, 5912,
 * which put weighted backendRefs on KServe's own predictor HTTPRoute):
 * - experiments share the weight budget with the canary, and Gateway API cannot chain routes, so
 *   a canary split inside KServe's route and an experiment split in ours would both claim the same
 *   traffic;
 * - KServe's canary rejects autoscaling fields and derives canary replicas from `trafficPercent`,
 *   which would fight the KEDA ScaledObject each variant gets;
 * - the promote tool changes one number (the canary backend's weight) in one object.
 * So every variant is its own InferenceService and this route splits between their predictor
 * Services (`<isvc>-predictor`, port 80 in Standard mode). KServe's own route creation is off
 * (`disableIngressCreation` in components/addons/kserve-values.ts): its top-level route would have
 * this route's name and be rewritten by KServe on every reconcile.
 *
 * Clients call `<gateway>/<model>/...`; the prefix is stripped so servers see their usual paths
 * (`/v2/models/...`). Header-pinned rules come first: Gateway API gives precedence to the rule with
 * the most header matches among equal path matches, so a pinned request never falls to the split.
 */
import { predictorName, Variant } from "./variants";

/** Port of KServe's predictor Service in Standard mode. */
export const PREDICTOR_SERVICE_PORT = 80;

/** Inputs of a model's route. */
export interface HttpRouteInputs {
  readonly model: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly variants: readonly Variant[];
  /** Gateway the route attaches to. */
  readonly gateway: { readonly namespace: string; readonly name: string };
  /**
   * The canary's analysis steps (percent), written as `CANARY_STEPS_ANNOTATION` so the canary-cap
   * policy sees the shares promote will set, not only today's.
   */
  readonly canarySteps?: readonly number[];
}

/** Annotation holding the canary's analysis steps (`10,25,50,100`) on its model's route. */
export const CANARY_STEPS_ANNOTATION = "mlops.io/canary-steps";

/** Path prefix clients use for a model. */
export function routePrefix(model: string): string {
  return `/${model}`;
}

/** The HTTPRoute object. */
export function buildHttpRoute(inp: HttpRouteInputs): Record<string, unknown> {
  const path = { type: "PathPrefix", value: routePrefix(inp.model) };
  const filters = [
    { type: "URLRewrite", urlRewrite: { path: { type: "ReplacePrefixMatch", replacePrefixMatch: "/" } } },
  ];
  const backend = (v: Variant, weight?: number) => ({
    group: "",
    kind: "Service",
    name: predictorName(v.isvcName),
    port: PREDICTOR_SERVICE_PORT,
    ...(weight !== undefined ? { weight } : {}),
  });
  const pinned = inp.variants
    .filter((v) => v.header)
    .map((v) => ({
      matches: [{ path, headers: [{ type: "Exact", name: v.header!.name, value: v.header!.value }] }],
      filters,
      backendRefs: [backend(v)],
    }));
  // Zero-weight backends stay listed so the promote tool only edits numbers, never the list shape.
  const weighted = inp.variants.filter((v) => v.weight !== undefined);
  const split = {
    matches: [{ path }],
    filters,
    backendRefs: weighted.map((v) => backend(v, v.weight)),
  };
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "HTTPRoute",
    metadata: {
      name: inp.model,
      namespace: inp.namespace,
      labels: inp.labels,
      ...(inp.canarySteps?.length
        ? { annotations: { [CANARY_STEPS_ANNOTATION]: inp.canarySteps.join(",") } }
        : {}),
    },
    spec: {
      parentRefs: [
        {
          group: "gateway.networking.k8s.io",
          kind: "Gateway",
          namespace: inp.gateway.namespace,
          name: inp.gateway.name,
        },
      ],
      rules: [...pinned, split],
    },
  };
}
