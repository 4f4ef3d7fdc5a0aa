/**
 * PromQL building blocks shared by the model rules, the dashboards and the `promote` command:
 * recorded series names (one place, so a dashboard can only reference what a rule records),
 * selectors and the canary gate expressions. Pure: no Pulumi imports.
 */
import { durationSeconds } from "../config/duration";
import { DEFAULT_MAX_ERROR_RATIO } from "../config/canary-schema";
import type { ModelSpec } from "../config/model-schema";

/** One rule of a Prometheus rule group (promtool's rule-file format). */
export interface PromRule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  /** How long an alert keeps firing after its condition stops holding (Prometheus >= 2.42). */
  readonly keep_firing_for?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** A rule group; `interval` pins evaluation so detection times do not depend on the global setting. */
export interface PromRuleGroup {
  readonly name: string;
  readonly interval?: string;
  readonly rules: PromRule[];
}

/** The `spec` of a PrometheusRule, identical to a promtool rule file. */
export interface PromRuleFile {
  readonly groups: PromRuleGroup[];
}

/**
 * Recorded series. Naming follows Prometheus' `level:metric:operations` convention
 * (https://prometheus.io/docs/practices/rules/).
 */
export const SERIES = {
  /** Requests/s per model and variant over `w`. */
  variantRequests: (w: string) => `model_variant:mlops_model_requests:rate${w}`,
  /** Failed requests/s per model and variant over `w`. */
  variantErrors: (w: string) => `model_variant:mlops_model_errors:rate${w}`,
  /** Error ratio (0-1) per model and variant over `w`. */
  variantErrorRatio: (w: string) => `model_variant:mlops_model_error_ratio:rate${w}`,
  /** Latency quantile `q` (e.g. p99) in seconds per model and variant over `w`. */
  variantLatency: (q: "p50" | "p99", w: string) =>
    `model_variant:mlops_model_request_duration_seconds:${q}_rate${w}`,
  /** Requests/s per model (all variants) over `w`. */
  modelRequests: (w: string) => `model:mlops_model_requests:rate${w}`,
  /** Error ratio per model (all variants: what users see) over `w`. */
  modelErrorRatio: (w: string) => `model:mlops_model_error_ratio:rate${w}`,
  /** p99 latency per model in seconds over `w`. */
  modelLatencyP99: (w: string) => `model:mlops_model_request_duration_seconds:p99_rate${w}`,
  /** Declared sales-event traffic multiplier in force now (1 outside events). */
  eventMultiplier: "model:mlops_sales_event_multiplier:current",
  /** 5-minute request rate divided by the event multiplier in force: comparable across days. */
  normalizedRequests: "model:mlops_model_requests:rate5m_normalized",
  /** Lower bound of expected traffic (min of same time yesterday / last week, normalized). */
  expectedLow: "model:mlops_model_requests:expected_low",
  /** Upper bound of expected traffic (max of the raw baselines x event multiplier now). */
  expectedHigh: "model:mlops_model_requests:expected_high",
  /** Fraction of predictions per drift bin, current window. */
  predictionFractionCurrent: "model_bin:mlops_model_prediction:fraction_current",
  /** Fraction of predictions per drift bin, reference window (same time yesterday). */
  predictionFractionReference: "model_bin:mlops_model_prediction:fraction_reference",
  /** PSI of the prediction distribution against the reference. */
  predictionPsi: "model:mlops_model_prediction:psi",
  /** Fraction of a feature's observations per drift bin, current window. */
  featureFractionCurrent: "model_feature_bin:mlops_model_feature:fraction_current",
  /** Fraction per drift bin, reference window. */
  featureFractionReference: "model_feature_bin:mlops_model_feature:fraction_reference",
  /** PSI per feature. */
  featurePsi: "model_feature:mlops_model_feature:psi",
  /** Fraction of predictions per drift bin over the last hour (the weekly comparison's current side). */
  predictionFractionHour: "model_bin:mlops_model_prediction:fraction_1h",
  /** The same hour a week ago. */
  predictionFractionWeekAgo: "model_bin:mlops_model_prediction:fraction_1h_7d_ago",
  /** PSI of the last hour's predictions against the same hour a week ago. */
  predictionPsiWeek: "model:mlops_model_prediction:psi_7d",
  /** Fraction of a feature's observations per drift bin over the last hour. */
  featureFractionHour: "model_feature_bin:mlops_model_feature:fraction_1h",
  /** The same hour a week ago. */
  featureFractionWeekAgo: "model_feature_bin:mlops_model_feature:fraction_1h_7d_ago",
  /** PSI per feature, last hour against the same hour a week ago. */
  featurePsiWeek: "model_feature:mlops_model_feature:psi_7d",
  /** Click-through rate, current window. */
  ctr: "model:mlops_model_ctr:rate3m",
  /** Click-through-rate baseline (min of same hour yesterday / last week). */
  ctrBaseline: "model:mlops_model_ctr:baseline",
} as const;

/**
 * Upper bounds of the drift histogram buckets (metric contract extension): model servers observe the
 * prediction score (0-1) and each feature mapped through its training-set CDF (0-1), so ten equal
 * buckets are the reference deciles and PSI needs no per-feature bucket layout.
 */
export const DRIFT_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] as const;

/** Escapes a label value for a double-quoted PromQL string. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** `metric{a="x",b=~"y"}`; matchers given as `[name, op, value]` keep their order. */
export function selector(
  metric: string,
  matchers: ReadonlyArray<readonly [string, "=" | "=~" | "!=", string]>,
): string {
  const inner = matchers.map(([k, op, v]) => `${k}${op}${quote(v)}`).join(",");
  return `${metric}{${inner}}`;
}

/**
 * Regex matching an `le` label for `bound`. Client libraries disagree on float formatting (Go writes
 * `1`, Python `1.0`); Prometheus 3 normalizes on ingestion but 2.x does not, so accept both.
 */
export function leRegex(bound: number): string {
  if (!Number.isFinite(bound)) return "\\+Inf";
  const text = String(bound).replace(/\./g, "\\.");
  return Number.isInteger(bound) ? `${text}(\\.0)?` : text;
}

/** Burn-rate budget: the allowed error ratio for an availability SLO in percent (99.9 -> 0.001). */
export function errorBudget(availability: number): number {
  return round((100 - availability) / 100);
}

/** Rounds away binary noise so expressions stay readable (0.1 + 0.2 -> 0.3). */
export function round(x: number, digits = 10): number {
  return Number(x.toPrecision(digits));
}

/** Canary analysis window: `canary.analysis.intervalMinutes` capped to keep detection within 5 minutes. */
export const CANARY_WINDOW = "5m";

/** A series of one variant of the model (`variant` = stable, canary or an experiment's name). */
export function variantSeries(series: string, spec: ModelSpec, variant: string): string {
  return selector(series, [
    ["model", "=", spec.name],
    ["variant", "=", variant],
  ]);
}

/**
 * The canary's error ratio over `window` (NaN-free only when the canary has traffic). The `promote`
 * command queries exactly this expression.
 */
export function canaryErrorRatioExpr(spec: ModelSpec, window = CANARY_WINDOW): string {
  return variantSeries(SERIES.variantErrorRatio(window), spec, "canary");
}

/**
 * Requests a canary must serve in one analysis window before a step can pass: below it a canary
 * can fail most of its requests and still show fewer errors than `VARIANT_MIN_ERRORS` (2 of 6
 * requests passed a step), so the step is judged on too little traffic and not promoted.
 */
export const CANARY_MIN_REQUESTS = 100;

/** Non-empty when the canary served at least `CANARY_MIN_REQUESTS` requests over `window`; the value is the count. */
export function canaryEnoughRequestsExpr(spec: ModelSpec, window = CANARY_WINDOW): string {
  const requests = variantSeries(SERIES.variantRequests(window), spec, "canary");
  return `${requests} * ${durationSeconds(window)} >= ${CANARY_MIN_REQUESTS}`;
}

/** The stable variant's error ratio over `window`. */
export function stableErrorRatioExpr(spec: ModelSpec, window = CANARY_WINDOW): string {
  return variantSeries(SERIES.variantErrorRatio(window), spec, "stable");
}

/** The canary's p99 latency in seconds over `window`. */
export function canaryLatencyExpr(spec: ModelSpec, window = CANARY_WINDOW): string {
  return variantSeries(SERIES.variantLatency("p99", window), spec, "canary");
}

/** Canary p99 limit in seconds: `canary.analysis.maxLatencyP99Ms`, else the SLO. */
export function canaryLatencyLimitSeconds(spec: ModelSpec): number {
  return round((spec.canary?.analysis.maxLatencyP99Ms ?? spec.slo.latencyP99Ms) / 1000);
}

/**
 * Errors a variant must have in the window before it can be judged worse than stable: one or two
 * errors of a canary taking a few hundred requests are chance, not evidence, and would roll a
 * release back.
 */
export const VARIANT_MIN_ERRORS = 3;

/**
 * Non-empty when `variant`'s error ratio over `window` exceeds `maxRatio` x stable's AND `floor`,
 * with at least `VARIANT_MIN_ERRORS` errors in the window. `ignoring(variant)` drops the variant
 * label, hence `and on(model)`.
 */
export function variantErrorDegradedExpr(
  spec: ModelSpec,
  variant: string,
  maxRatio: number,
  floor: number,
  window = CANARY_WINDOW,
): string {
  const ratio = variantSeries(SERIES.variantErrorRatio(window), spec, variant);
  const errors = variantSeries(SERIES.variantErrors(window), spec, variant);
  return (
    `(${ratio} > ignoring(variant) ${maxRatio} * ${stableErrorRatioExpr(spec, window)})` +
    ` and on(model) (${ratio} > ${floor})` +
    ` and on(model) (${errors} * ${durationSeconds(window)} >= ${VARIANT_MIN_ERRORS})`
  );
}

/**
 * Non-empty when the canary's error ratio exceeds `maxErrorRatio` x stable's AND the SLO's error
 * budget: without the floor a single canary error against a perfect stable (0 x 1.5 = 0) would fail
 * a release. Used by the `ModelCanaryDegraded` alert and by `promote`.
 */
export function canaryErrorDegradedExpr(spec: ModelSpec, window = CANARY_WINDOW): string {
  const max = spec.canary?.analysis.maxErrorRatio ?? DEFAULT_MAX_ERROR_RATIO;
  return variantErrorDegradedExpr(spec, "canary", max, errorBudget(spec.slo.availability), window);
}

/** Non-empty when the canary's p99 exceeds its limit. Used by the alert and by `promote`. */
export function canaryLatencyDegradedExpr(spec: ModelSpec, window = CANARY_WINDOW): string {
  return variantLatencyDegradedExpr(spec, "canary", canaryLatencyLimitSeconds(spec), window);
}

/** Non-empty when `variant`'s p99 over `window` exceeds `limitSeconds`. */
export function variantLatencyDegradedExpr(
  spec: ModelSpec,
  variant: string,
  limitSeconds: number,
  window = CANARY_WINDOW,
): string {
  return `${variantSeries(SERIES.variantLatency("p99", window), spec, variant)} > ${limitSeconds}`;
}
