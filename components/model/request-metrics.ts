/**
 * Where a model's request counts come from, by runtime (DESIGN section 4): the contract counter
 * `mlops_model_requests_total{outcome}` for servers instrumented with it, Triton's and MLServer's own
 * success and failure counters otherwise. Every reader of request rates - the recording rules, the
 * KEDA request-rate triggers, the forecast rules and the staging bake check - builds its query here,
 * so an uninstrumented Triton or MLServer model scales, is forecast and is checked like any other.
 * Pure: no Pulumi imports.
 */
import type { ModelSpec } from "../config/model-schema";
import { selector } from "./promql";

/** The part of a spec the request queries read (a `ModelSpec` is one). */
export interface RequestSource {
  readonly name: string;
  readonly serving: {
    readonly runtime: ModelSpec["serving"]["runtime"];
    readonly servedModel?: string;
  };
}

/**
 * The matcher of a Triton model's `servedModel`, or none. Triton labels its series `model`, which the
 * PodMonitor's `model` target label displaces to `exported_model` (Prometheus' honor_labels false).
 */
export function servedModelMatchers(spec: RequestSource): Matcher[] {
  const served = spec.serving.servedModel;
  return spec.serving.runtime === "triton" && served ? [["exported_model", "=", served]] : [];
}

/** A label matcher besides `model` (a variant, a model version). */
export type Matcher = readonly [string, "=" | "=~", string];

/** What to select and how to aggregate. */
export interface RequestQueryOptions {
  /** Matchers besides `model="<name>"`. @default [] */
  readonly matchers?: readonly Matcher[];
  /** `rate` (per second) or `increase` (requests in the window). @default "rate" */
  readonly fn?: "rate" | "increase";
}

/**
 * Request and error expressions of `spec`'s runtime over `window`, summed `by` the given labels (all
 * series into one when `by` is empty). A runtime whose errors have their own counter reads 0 errors
 * while that counter is absent (no error yet) rather than no value.
 */
export function requestExprs(
  spec: RequestSource,
  window: string,
  by: string,
  opts: RequestQueryOptions = {},
): { requests: string; errors: string } {
  const base: Matcher[] = [["model", "=", spec.name], ...(opts.matchers ?? [])];
  const agg = by ? `sum by (${by}) ` : "sum";
  const sumOf = (metric: string, m: readonly Matcher[]) =>
    `${agg}(${opts.fn ?? "rate"}(${selector(metric, m)}[${window}]))`;
  const contractRequests = sumOf("mlops_model_requests_total", base);
  const contract = {
    requests: contractRequests,
    errors: `(${sumOf("mlops_model_requests_total", [...base, ["outcome", "=", "error"]])} or 0 * ${contractRequests})`,
  };
  if (spec.serving.runtime !== "triton" && spec.serving.runtime !== "mlserver") return contract;
  // Triton counts successes and failures separately (docs: user_guide/metrics.md, "Counts").
  // MLServer's default metrics (docs.seldon.ai/mlserver/user-guide/metrics): prometheus_client
  // Counters, which it exposes with the `_total` suffix.
  const [ok, failed] =
    spec.serving.runtime === "triton"
      ? ["nv_inference_request_success", "nv_inference_request_failure"]
      : ["model_infer_request_success_total", "model_infer_request_failure_total"];
  const native: Matcher[] = [
    ["model", "=", spec.name],
    ...servedModelMatchers(spec),
    ...(opts.matchers ?? []),
  ];
  const success = sumOf(ok, native);
  const nativeErrors = `(${sumOf(failed, native)} or 0 * ${success})`;
  // The contract counter first, per group of `by`, the native ones where it is absent (DESIGN
  // section 4 maps native metrics onto the contract; it does not replace it): a Triton Python
  // backend or MLServer custom runtime that emits mlops_model_requests_total was read only from the
  // native counters, and a server exporting both is not counted twice. Requests and errors of one
  // group come from the same source, as each side's errors exist wherever its requests do.
  return {
    requests: `(${contract.requests} or (${success} + ${nativeErrors}))`,
    errors: `(${contract.errors} or ${nativeErrors})`,
  };
}

/** Request rate of one variant over the last minute, the KEDA request-rate trigger's query. */
export function requestRateQuery(spec: RequestSource, variant: string): string {
  return requestExprs(spec, "1m", "", { matchers: [["variant", "=", variant]] }).requests;
}
