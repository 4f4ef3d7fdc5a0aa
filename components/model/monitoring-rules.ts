/**
 * The Prometheus rules of one model, generated from its spec (DESIGN sections 4 and 5): recording
 * rules that put every runtime onto the same recorded series, and the SLO, latency and canary alerts.
 * Traffic and quality rules live in `anomaly-rules.ts`, drift rules in `drift-rules.ts`. Pure: the
 * result is the PrometheusRule `spec`, which is also a promtool rule file.
 */
import { DEFAULT_MAX_ERROR_RATIO } from "../config/canary-schema";
import { durationSeconds } from "../config/duration";
import type { ModelSpec } from "../config/model-schema";
import type { SalesEvent, StackConfig } from "../config/stack-schema";
import { MODEL_ALERTS, alertLabels } from "./alert-labels";
import { anomalyRules } from "./anomaly-rules";
import { trainingRules } from "./training-rules";
import { weeklyDriftRules } from "./drift-rules";
import { requestExprs, servedModelMatchers } from "./request-metrics";
import {
  PromRule,
  PromRuleFile,
  SERIES,
  canaryErrorDegradedExpr,
  canaryLatencyDegradedExpr,
  canaryLatencyLimitSeconds,
  errorBudget,
  round,
  selector,
  variantErrorDegradedExpr,
  variantLatencyDegradedExpr,
} from "./promql";

/** Evaluation interval of the fast groups: the 5-minute detection targets assume 15 s. */
export const FAST_INTERVAL = "15s";
/** Day-scale windows change slowly; evaluating them every minute keeps Prometheus' load down. */
export const SLOW_INTERVAL = "1m";

/** Windows recorded per variant (canary gates, dashboards). */
const VARIANT_WINDOWS = ["1m", "5m"] as const;
/** The window of an experiment's slow error check, recorded per variant where there is one. */
const EXPERIMENT_SLOW_WINDOW = "1h";
/** Model-level error-ratio windows of the burn-rate pairs that are evaluated every 15 s. */
const FAST_BURN_WINDOWS = ["1m", "5m", "30m", "1h", "6h"] as const;
/** Day-scale burn windows (ticket pairs), evaluated every minute. */
const SLOW_BURN_WINDOWS = ["2h", "1d", "3d"] as const;

/** One multi-window burn-rate pair. */
export interface BurnPair {
  readonly name: string;
  readonly long: string;
  readonly short: string;
  readonly factor: number;
  readonly severity: "page" | "ticket";
  readonly for: string;
  /** `keep_firing_for` of its alert, where its short window would let it flap. */
  readonly keepFiringFor?: string;
}

/**
 * Multi-window, multi-burn-rate pairs (Google SRE workbook, "Alerting on SLOs", table 5-8): an alert
 * fires when both the long and the short window burn faster than `factor` x the error budget.
 * The workbook's fastest pair (1h/5m at 14.4x) needs 8.6 min to notice 10% errors against a 99.9%
 * SLO (the 1h ratio must reach 1.44%), so a `fast` 5m/1m pair is added: at 14.4x it spends only
 * 14.4 x 5 min / 30 d = 0.17% of the monthly budget before paging. Its 1m short window would let
 * it resolve a minute after recovery, so errors that come and go every few minutes would resolve
 * and page again all along: it keeps firing 10 minutes after its condition ends (`keepFiringFor`).
 * Its threshold is capped at 5% errors (so a full outage pages within ~1 min whatever the SLO, even
 * where 14.4x the budget exceeds 100%) and kept >= 2x budget.
 */
export const BURN_PAIRS: readonly BurnPair[] = [
  { name: "fast", long: "5m", short: "1m", factor: 14.4, severity: "page", for: "1m", keepFiringFor: "10m" },
  { name: "1h", long: "1h", short: "5m", factor: 14.4, severity: "page", for: "0s" },
  { name: "6h", long: "6h", short: "30m", factor: 6, severity: "page", for: "0s" },
  { name: "1d", long: "1d", short: "2h", factor: 3, severity: "ticket", for: "0s" },
  { name: "3d", long: "3d", short: "6h", factor: 1, severity: "ticket", for: "0s" },
];

/**
 * Fewer requests than this in the fast pair's 5 minutes is too little evidence to page on, unless
 * most of the last minute failed on at least `FAST_PAIR_OUTAGE_MIN_REQUESTS`: a model at 0.2 req/s
 * serving only errors was paged by the 1h pair after 7 minutes (a model-team review).
 */
const FAST_PAIR_MIN_REQUESTS = 100;
const FAST_PAIR_OUTAGE_MIN_REQUESTS = 20;

/** Error-ratio threshold of a burn pair for an availability SLO. */
export function burnThreshold(pair: BurnPair, availability: number): number {
  const budget = errorBudget(availability);
  const raw = pair.factor * budget;
  if (pair.name === "fast") return round(Math.max(2 * budget, Math.min(raw, 0.05)));
  // Below 93.06% availability 14.4x the budget is over 100% errors, and at 90% 6x is 60%: a pair
  // that can never (or barely) fire. Capped at half the requests failing, it still pages on a
  // major outage; with availability >= 90% the cap stays at least 5x the budget.
  return round(Math.min(raw, MAX_BURN_THRESHOLD));
}

/** Highest error-ratio threshold of the slower burn pairs. */
export const MAX_BURN_THRESHOLD = 0.5;

/** Raw latency-quantile expression (seconds) of the model's runtime, by the given labels (`le` added). */
export function latencyExpr(spec: ModelSpec, quantile: number, window: string, by: string): string {
  const m: [string, "=", string] = ["model", "=", spec.name];
  // The model's own latency (no `variant` in `by`) is stable's: a canary or experiment has its own,
  // looser, check (`maxLatencyP99Ms`) and carries a fraction of the traffic, so a canary within its
  // limit must not page for the whole model.
  const variant: [string, "=", string][] = by.includes("variant") ? [] : [["variant", "=", "stable"]];
  // The contract histogram first, the runtime's native latency where it is absent (DESIGN section 4,
  // as for the request counters in request-metrics.ts).
  const contract = `histogram_quantile(${quantile}, sum by (${by}, le) (rate(${selector("mlops_model_request_duration_seconds_bucket", [m, ...variant])}[${window}])))`;
  switch (spec.serving.runtime) {
    case "triton":
      // Triton has no latency histogram; with `--metrics-config summary_latencies=true` (set by
      // inference-service.ts) it exports summaries (`nv_inference_request_summary_us`,
      // microseconds) whose quantiles are computed over Triton's own sliding window. Quantiles
      // cannot be averaged across pods: take the worst.
      return `(${contract} or max by (${by}) (${selector("nv_inference_request_summary_us", [m, ...servedModelMatchers(spec), ...variant, ["quantile", "=", String(quantile)]])}) / 1e6)`;
    case "mlserver":
      // MLServer's REST server histogram (starlette_exporter's `<prefix>_request_duration_seconds`,
      // prefix `metrics_rest_server_prefix`, default rest_server), restricted to inference calls.
      return `(${contract} or histogram_quantile(${quantile}, sum by (${by}, le) (rate(${selector("rest_server_request_duration_seconds_bucket", [m, ...variant, ["path", "=~", ".*/infer"]])}[${window}]))))`;
    default:
      return contract;
  }
}

/** Recording rules: per-variant rates, error ratios and latency quantiles, model-level rollups. */
export function recordingRules(spec: ModelSpec, windows: readonly string[] = FAST_BURN_WINDOWS): PromRule[] {
  const rules: PromRule[] = [];
  for (const w of VARIANT_WINDOWS) {
    const { requests, errors } = requestExprs(spec, w, "model, variant");
    rules.push(
      { record: SERIES.variantRequests(w), expr: requests },
      { record: SERIES.variantErrors(w), expr: errors },
      {
        record: SERIES.variantErrorRatio(w),
        expr: `${SERIES.variantErrors(w)}{model="${spec.name}"} / ${SERIES.variantRequests(w)}{model="${spec.name}"}`,
      },
      { record: SERIES.variantLatency("p50", w), expr: latencyExpr(spec, 0.5, w, "model, variant") },
      { record: SERIES.variantLatency("p99", w), expr: latencyExpr(spec, 0.99, w, "model, variant") },
      { record: SERIES.modelLatencyP99(w), expr: latencyExpr(spec, 0.99, w, "model") },
    );
  }
  // An experiment's hour, for its slow error check (`experimentRules`): only where there is one.
  if (spec.experiments.length > 0) {
    const { requests, errors } = requestExprs(spec, EXPERIMENT_SLOW_WINDOW, "model, variant");
    const w = EXPERIMENT_SLOW_WINDOW;
    rules.push(
      { record: SERIES.variantRequests(w), expr: requests },
      { record: SERIES.variantErrors(w), expr: errors },
      {
        record: SERIES.variantErrorRatio(w),
        expr: `${SERIES.variantErrors(w)}{model="${spec.name}"} / ${SERIES.variantRequests(w)}{model="${spec.name}"}`,
      },
    );
  }
  // Traffic windows: 1m/2m for the "now" side of the traffic alert, 5m for baselines.
  for (const w of ["1m", "2m", "5m"]) {
    rules.push({ record: SERIES.modelRequests(w), expr: requestExprs(spec, w, "model").requests });
  }
  for (const w of windows) {
    const { requests, errors } = requestExprs(spec, w, "model");
    rules.push({ record: SERIES.modelErrorRatio(w), expr: `${errors} / ${requests}` });
  }
  return rules;
}

/**
 * Day-scale windows read the recorded 5-minute rates, not the raw counters: a rate over 3 days of
 * every pod's counters loads each pod's samples of those days (about 800 pods at a 15 s scrape
 * would be some 69 million samples, above Prometheus' default `query.max-samples` of 50 million,
 * and the rule would fail). The recorded series has one sample per variant and evaluation.
 */
const RECORDED_RATE_WINDOWS: ReadonlySet<string> = new Set(["1d", "3d"]);

/**
 * The model's error ratio over `window` for the slow burn pairs: from the raw counters up to hours,
 * and for `RECORDED_RATE_WINDOWS` the errors over the requests of the window's recorded 5-minute
 * rates, summed (a traffic-weighted ratio, as the counters' would be).
 */
export function slowErrorRatio(spec: ModelSpec, window: string): string {
  if (!RECORDED_RATE_WINDOWS.has(window)) {
    const { requests, errors } = requestExprs(spec, window, "model");
    return `${errors} / ${requests}`;
  }
  const sum = (series: string) =>
    `sum by (model) (sum_over_time(${series}{model="${spec.name}"}[${window}]))`;
  return `${sum(SERIES.variantErrors("5m"))} / ${sum(SERIES.variantRequests("5m"))}`;
}

/** `ModelErrorBudgetBurn`, one rule per burn pair (label `burn_window`), from `slo.availability`. */
export function errorBudgetRules(spec: ModelSpec, pairs: ReadonlyArray<BurnPair> = BURN_PAIRS): PromRule[] {
  const sel = (w: string) => `${SERIES.modelErrorRatio(w)}{model="${spec.name}"}`;
  return pairs.map((pair) => {
    const t = burnThreshold(pair, spec.slo.availability);
    let expr = `${sel(pair.long)} > ${t} and ${sel(pair.short)} > ${t}`;
    if (pair.name === "fast") {
      const requests = `${SERIES.modelRequests("5m")}{model="${spec.name}"} * 300`;
      expr += ` and on(model) (${requests} >= ${FAST_PAIR_MIN_REQUESTS} or ${requests} >= ${FAST_PAIR_OUTAGE_MIN_REQUESTS} and on(model) ${sel(pair.short)} > 0.5)`;
    }
    return {
      alert: MODEL_ALERTS.errorBudgetBurn,
      expr,
      for: pair.for,
      ...(pair.keepFiringFor ? { keep_firing_for: pair.keepFiringFor } : {}),
      labels: { ...alertLabels(spec, pair.severity), burn_window: pair.name },
      annotations: {
        summary: `${spec.name} burns its ${spec.slo.availability}% availability budget over ${pair.factor}x (${pair.long}/${pair.short} windows)`,
        description: `Error ratio {{ $value | humanizePercentage }} over ${pair.long} and ${pair.short} is above ${t} (${pair.factor}x the error budget).`,
      },
    };
  });
}

/** Window over which `ModelLatencyHigh` adds up the time the p99 spent above the SLO. */
export const LATENCY_WINDOW = "5m";
/** Time above the SLO within `LATENCY_WINDOW` that pages (seconds). */
export const LATENCY_SECONDS_ABOVE = 120;

/**
 * Seconds within `window` the model's 1-minute p99 was above `limit`: each point of a subquery at the
 * fast evaluation interval counts for that interval. A sum of seconds, not an average, so that a
 * model with only a few points yet (just deployed) needs as much time above as one with a full
 * window, and the figure holds whether a subquery takes both ends of its range (Prometheus 2.x: 21
 * points in 5m) or not (3.x: 20).
 */
export function latencySecondsAboveExpr(spec: ModelSpec, limit: number, window = LATENCY_WINDOW): string {
  const p99 = `${SERIES.modelLatencyP99("1m")}{model="${spec.name}"}`;
  return `sum_over_time((${p99} > bool ${limit})[${window}:${FAST_INTERVAL}]) * ${durationSeconds(FAST_INTERVAL)}`;
}

/**
 * `ModelLatencyHigh`: the p99 over 1m above the SLO for 2 minutes in total within the last 5. A
 * 2-minute `for:` on the instantaneous p99 never fired on a p99 that dipped under the SLO for 30 s of
 * every 2 minutes (found by an SRE review: 3x the SLO 90 s of every 120 s for 20 minutes paged
 * nothing); time added up over the window sees it, and one slow minute (the 1-minute p99 above for
 * about 105 s) still does not page. A 5m quantile window instead would wait until 1% of five minutes'
 * requests were slow: a tail of 1.2-1.5% (p99 at 2-5x the SLO) was seen only after 330-375 s.
 * The value is the worst 1-minute p99 of the window.
 */
export function latencyRules(spec: ModelSpec): PromRule[] {
  const limit = round(spec.slo.latencyP99Ms / 1000);
  const p99 = `${SERIES.modelLatencyP99("1m")}{model="${spec.name}"}`;
  return [
    {
      alert: MODEL_ALERTS.latencyHigh,
      expr:
        `max_over_time(${p99}[${LATENCY_WINDOW}]) > ${limit}` +
        ` and on(model) ${latencySecondsAboveExpr(spec, limit)} >= ${LATENCY_SECONDS_ABOVE}`,
      labels: alertLabels(spec, "page"),
      annotations: {
        summary: `${spec.name} p99 latency above its ${spec.slo.latencyP99Ms} ms SLO`,
        description: `p99 over 1m above the SLO for at least ${LATENCY_SECONDS_ABOVE / 60} of the last ${durationSeconds(LATENCY_WINDOW) / 60} minutes, at worst {{ $value | humanizeDuration }}.`,
      },
    },
  ];
}

/** `ModelCanaryDegraded` (errors and latency), using the exact expressions `promote` queries. */
export function canaryRules(spec: ModelSpec): PromRule[] {
  if (!spec.canary) return [];
  const annotations = (what: string) => ({
    summary: `${spec.name} canary is worse than stable (${what})`,
    description: "The promote command rolls the canary back when this expression is non-empty.",
  });
  return [
    {
      alert: MODEL_ALERTS.canaryDegraded,
      expr: canaryErrorDegradedExpr(spec),
      for: "2m",
      // `ignoring(variant)` drops the label from the result: set it, as the latency check has it.
      labels: { ...alertLabels(spec, "ticket"), check: "errors", variant: "canary" },
      annotations: annotations(`error ratio above ${spec.canary.analysis.maxErrorRatio}x stable`),
    },
    {
      alert: MODEL_ALERTS.canaryDegraded,
      expr: canaryLatencyDegradedExpr(spec),
      for: "2m",
      labels: { ...alertLabels(spec, "ticket"), check: "latency" },
      annotations: annotations(`p99 above ${canaryLatencyLimitSeconds(spec) * 1000} ms`),
    },
  ];
}

/**
 * `ModelExperimentDegraded` (beyond the contract), per A/B experiment (label `variant`): the model's
 * burn pairs see an experiment only through its share of the traffic, so a header-pinned cohort
 * could fail outright with nothing paging. It pages when the experiment's own error ratio is over
 * 1.5x stable's and the fast burn pair's threshold (its users burn the budget 14.4x), opens a
 * ticket when over an hour it is over 1.5x stable's and the 1-day pair's threshold (3x), and one
 * when its p99 is above the SLO.
 */
export function experimentRules(spec: ModelSpec): PromRule[] {
  const threshold = burnThreshold(BURN_PAIRS[0], spec.slo.availability);
  const slowThreshold = burnThreshold(
    BURN_PAIRS.find((p) => p.name === "1d")!,
    spec.slo.availability,
  );
  const limit = round(spec.slo.latencyP99Ms / 1000);
  return spec.experiments.flatMap((e) => {
    const labels = (severity: "page" | "ticket", check: string) => ({
      ...alertLabels(spec, severity),
      variant: e.name,
      check,
    });
    return [
      {
        alert: MODEL_ALERTS.experimentDegraded,
        expr: variantErrorDegradedExpr(spec, e.name, DEFAULT_MAX_ERROR_RATIO, threshold),
        for: "2m",
        labels: labels("page", "errors"),
        annotations: {
          summary: `${spec.name} experiment ${e.name} fails its users (error ratio over ${DEFAULT_MAX_ERROR_RATIO}x stable and ${threshold})`,
          description:
            "Error ratio {{ $value | humanizePercentage }} over 5m; remove the experiment or fix it.",
        },
      },
      {
        // An experiment at a few times the budget stays under the fast pair's threshold, and the
        // model's pairs see it diluted by its share (a review: 0.6% errors at a 0.1% budget was
        // caught only after hours). Over an hour, above the 1-day pair's threshold (3x the budget):
        // a ticket about 45 minutes after such an onset.
        alert: MODEL_ALERTS.experimentDegraded,
        expr: variantErrorDegradedExpr(
          spec,
          e.name,
          DEFAULT_MAX_ERROR_RATIO,
          slowThreshold,
          EXPERIMENT_SLOW_WINDOW,
        ),
        for: "15m",
        labels: labels("ticket", "errors-1h"),
        annotations: {
          summary: `${spec.name} experiment ${e.name} burns its users' error budget (error ratio over ${DEFAULT_MAX_ERROR_RATIO}x stable and ${slowThreshold} for an hour)`,
          description:
            "Error ratio {{ $value | humanizePercentage }} over 1h; remove the experiment or fix it.",
        },
      },
      {
        alert: MODEL_ALERTS.experimentDegraded,
        expr: variantLatencyDegradedExpr(spec, e.name, limit),
        for: "2m",
        labels: labels("ticket", "latency"),
        annotations: {
          summary: `${spec.name} experiment ${e.name} p99 above the ${spec.slo.latencyP99Ms} ms SLO`,
          description: "p99 over 5m is {{ $value | humanizeDuration }}.",
        },
      },
    ];
  });
}

/** Group names of a model's rule file. */
export function modelGroupNames(modelName: string): { fast: string; slow: string } {
  return { fast: `mlops-model-${modelName}`, slow: `mlops-model-${modelName}-slow` };
}

/**
 * The whole rule file of one model. Recording rules come first inside the fast group: rules of one
 * group are evaluated in order, so alerts see this cycle's recorded values, not the last cycle's.
 */
export function modelRules(spec: ModelSpec, config: Pick<StackConfig, "events">): PromRuleFile {
  const groups = modelGroupNames(spec.name);
  const pairs = BURN_PAIRS;
  return {
    groups: [
      {
        name: groups.fast,
        interval: FAST_INTERVAL,
        rules: [
          ...recordingRules(spec),
          ...anomalyRules(spec, config.events as readonly SalesEvent[]),
          ...errorBudgetRules(
            spec,
            pairs.filter((p) => p.severity === "page"),
          ),
          ...latencyRules(spec),
          ...canaryRules(spec),
          ...experimentRules(spec),
        ],
      },
      {
        name: groups.slow,
        interval: SLOW_INTERVAL,
        rules: [
          ...SLOW_BURN_WINDOWS.map((w) => ({
            record: SERIES.modelErrorRatio(w),
            expr: slowErrorRatio(spec, w),
          })),
          ...errorBudgetRules(
            spec,
            pairs.filter((p) => p.severity === "ticket"),
          ),
          ...weeklyDriftRules(spec),
          ...trainingRules(spec),
        ],
      },
    ],
  };
}
