/**
 * In prod a canary may take at most a capped share of traffic before metric-gated promotion, so a bad
 * model hurts a bounded fraction of users. Reads every place a canary share can live: KServe's legacy
 * `predictor.canaryTrafficPercent` (Serverless), v0.20's `spec.canary[].trafficPercent`
 * (kserve/kserve PR 5672), and Gateway API HTTPRoute backend weights.
 */
import { PROD_ONLY, PlatformPolicy, configWithDefaults } from "../lib/platform-policy";
import { Obj, arr, at, num, obj, str } from "../lib/values";

/** Tunables. */
export interface CanaryCapConfig {
  /** Highest canary traffic share in percent. @default 50 */
  readonly maxPercent: number;
}

const DEFAULTS: CanaryCapConfig = { maxPercent: 50 };
const ISVC = "kubernetes:serving.kserve.io/v1beta1:InferenceService";
const HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";

/** Canary shares (percent) declared by an InferenceService, with where each was read. */
export function inferenceServiceCanaryPercents(props: Obj): { where: string; percent: number }[] {
  const out: { where: string; percent: number }[] = [];
  const legacy = num(at(props, "spec.predictor.canaryTrafficPercent"));
  if (legacy !== undefined) out.push({ where: "spec.predictor.canaryTrafficPercent", percent: legacy });
  const canaries = arr(at(props, "spec.canary"));
  const total = canaries.reduce<number>((sum, c) => sum + (num(obj(c).trafficPercent) ?? 0), 0);
  if (canaries.length > 0) out.push({ where: "spec.canary[].trafficPercent", percent: total });
  return out;
}

/**
 * Canary shares (percent) per HTTPRoute rule: the weight of the route's canary backend over the
 * rule's total. The canary of model m is the InferenceService `m-canary` (Service
 * `m-canary-predictor`); m is the route's `mlops.io/model` label, else its name (without either, a
 * backend named `*-canary[-predictor]`). Matching "canary" anywhere would take a model named
 * `canary-scorer`, or an experiment named `canary-test`, for a canary.
 */
export function httpRouteCanaryPercents(props: Obj): { where: string; percent: number }[] {
  const model = str(obj(at(props, "metadata.labels"))["mlops.io/model"]) ?? str(at(props, "metadata.name"));
  const isCanary = (name: string) =>
    model === undefined
      ? /-canary(-predictor)?$/.test(name)
      : name === `${model}-canary-predictor` || name === `${model}-canary`;
  return arr(at(props, "spec.rules")).flatMap((rule, i) => {
    const refs = arr(obj(rule).backendRefs).map(obj);
    // Gateway API: weight defaults to 1 per backendRef.
    const weight = (r: Obj) => num(r.weight) ?? 1;
    const total = refs.reduce((s, r) => s + weight(r), 0);
    const canary = refs.filter((r) => isCanary(str(r.name) ?? "")).reduce((s, r) => s + weight(r), 0);
    return total > 0 && canary > 0
      ? [{ where: `spec.rules[${i}].backendRefs`, percent: (100 * canary) / total }]
      : [];
  });
}

/**
 * The shares the promote tool will give the canary, from its route's `mlops.io/canary-steps`
 * annotation (components/model/http-route.ts): every step below 100 (100 is the promotion itself,
 * no longer a canary share).
 */
export function plannedCanarySteps(props: Obj): number[] {
  const text = str(obj(at(props, "metadata.annotations"))["mlops.io/canary-steps"]);
  if (!text) return [];
  return text
    .split(",")
    .map((t) => Number(t.trim()))
    .filter((n) => Number.isFinite(n) && n < 100);
}

/** Canary traffic stays at or below `maxPercent` (default 50%); enforced in prod. */
export const mlopsCanaryTrafficCapped: PlatformPolicy = {
  checks:
    "canary traffic (InferenceService canary fields, HTTPRoute weights, and the canary's analysis steps on its route) is at most `maxPercent` (default 50%) (prod)",
  enforcement: PROD_ONLY,
  policy: {
    name: "mlops-canary-traffic-capped",
    description: "Canary traffic must not exceed the configured cap (default 50%) in production.",
    enforcementLevel: "mandatory",
    configSchema: {
      properties: { maxPercent: { type: "number", minimum: 0, maximum: 100, default: DEFAULTS.maxPercent } },
    },
    validateResource: (args, report) => {
      const { maxPercent } = configWithDefaults(args, DEFAULTS);
      const props = args.props ?? {};
      const shares =
        args.type === ISVC
          ? inferenceServiceCanaryPercents(props)
          : args.type === HTTP_ROUTE
            ? httpRouteCanaryPercents(props)
            : [];
      for (const s of shares) {
        if (s.percent <= maxPercent) continue;
        report(
          `Canary gets ${Number(s.percent.toFixed(2))}% of traffic (${s.where}), above the ${maxPercent}% cap; lower canary.trafficPercent in the spec (or the level promote holds in the stack config, mlops-platform:canaryTraffic) and let the promote tool take it to 100% after analysis.`,
        );
      }
      // A step above the cap would be refused only when promote reaches it, with the canary live.
      const over = args.type === HTTP_ROUTE ? plannedCanarySteps(props).filter((p) => p > maxPercent) : [];
      if (over.length > 0)
        report(
          `Canary analysis steps ${over.join("%, ")}% (metadata.annotations.mlops.io/canary-steps) are above the ${maxPercent}% cap: promote would stop there with the canary live; keep canary.analysis.steps below 100 at or under ${maxPercent}.`,
        );
    },
  },
};
