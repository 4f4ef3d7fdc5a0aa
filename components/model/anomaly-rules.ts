/**
 * Anomaly rules of one model: traffic against its own history and the declared sales events,
 * prediction and feature drift (PSI, in drift-rules.ts) and online quality (CTR). Pure functions of
 * the spec.
 */
import type { ModelSpec } from "../config/model-schema";
import type { SalesEvent } from "../config/stack-schema";
import { zonedTimeMs } from "../config/iso-time";
import { MODEL_ALERTS, alertLabels } from "./alert-labels";
import { driftRules } from "./drift-rules";
import { PromRule, SERIES, round, selector } from "./promql";
import { NO_DATA_MIN_RPS, readinessRules, trafficExpectedExpr } from "./readiness-rules";

/** Traffic below this share of the lower expectation is an anomaly. */
export const TRAFFIC_LOW_RATIO = 0.4;
/** Traffic above this multiple of the upper expectation is an anomaly. */
export const TRAFFIC_HIGH_RATIO = 3;
/** Below this expected rate (req/s) a 2-minute rate is too noisy to judge. */
const TRAFFIC_MIN_RPS = 0.5;
/** Event windows are widened by this much: sale traffic ramps before the announced start and tails after. */
const EVENT_MARGIN_SECONDS = 30 * 60;
/**
 * Inside a declared sale, a fall below this share of the model's highest 5-minute rate of the last
 * `SALE_DROP_LOOKBACK` pages: the history floor is the normal day's (a sale's multiplier is an
 * estimate, and multiplying by it would page all sale long when it overstates), so a sale losing 70%
 * of its traffic stayed above it.
 */
export const SALE_DROP_RATIO = 0.4;
const SALE_DROP_LOOKBACK = "30m";
/** The sale-drop check skips an event's first and last minutes, where its own step moves traffic. */
const SALE_BODY_START_SECONDS = 10 * 60;
const SALE_BODY_END_SECONDS = 30 * 60;

/**
 * Without a day-old reference (a model's first day), traffic below this share of the model's own
 * median 5-minute rate of the last `RECENT_LOOKBACK` pages: the same ratio as against history.
 */
const RECENT_LOOKBACK = "1h";

/** Impressions needed in the CTR window before judging CTR. */
const CTR_MIN_IMPRESSIONS = 1000;

/**
 * The declared traffic multiplier now: 1, or the largest `trafficMultiplier` of the events whose
 * (widened) window contains `time()`. Each term carries its own `event` label because `or` between
 * label-less vectors would keep only the left one.
 */
export function eventMultiplierExpr(modelName: string, events: readonly SalesEvent[]): string {
  const terms = [`label_replace(vector(1), "event", "none", "", "")`];
  for (const e of events) {
    const start = Math.floor(zonedTimeMs(e.start) / 1000) - EVENT_MARGIN_SECONDS;
    const end = Math.floor(zonedTimeMs(e.end) / 1000) + EVENT_MARGIN_SECONDS;
    terms.push(
      `label_replace(vector(${e.trafficMultiplier}) and on() (vector(time()) >= ${start}) and on() (vector(time()) < ${end}), "event", "${e.name}", "", "")`,
    );
  }
  return `label_replace(max(${terms.join(" or ")}), "model", "${modelName}", "", "")`;
}

/**
 * 1 while `time()` is inside the body of a declared event (from 10 minutes after its start to 30
 * minutes before its end), for `modelName`; absent otherwise.
 */
export function saleBodyExpr(modelName: string, events: readonly SalesEvent[]): string | undefined {
  const terms = events.flatMap((e) => {
    const start = Math.floor(zonedTimeMs(e.start) / 1000) + SALE_BODY_START_SECONDS;
    const end = Math.floor(zonedTimeMs(e.end) / 1000) - SALE_BODY_END_SECONDS;
    if (end <= start || e.trafficMultiplier <= 1) return [];
    return [`(vector(1) and on() (vector(time()) >= ${start}) and on() (vector(time()) < ${end}))`];
  });
  if (terms.length === 0) return undefined;
  return `label_replace(max(${terms.join(" or ")}), "model", "${modelName}", "", "")`;
}

/** `min`/`max` of a series at the same time yesterday and last week; either may be missing. */
function baselineExpr(fn: "min" | "max", expr: (offset: string) => string): string {
  const term = (o: string) => `label_replace(${expr(o)}, "baseline", "${o}", "", "")`;
  return `${fn} without (baseline) (${term("1d")} or ${term("1w")})`;
}

/**
 * `ModelTrafficAnomaly`. Both bounds err towards silence. The lower expectation is the smaller of
 * yesterday and last week (a Monday is compared with last Monday, not Sunday's dip) of the traffic
 * divided by the event multiplier then in force, so a sale day does not inflate tomorrow's floor.
 * The upper one is the larger of the raw rates (never normalized: the widened event window would
 * divide pre-sale traffic by the multiplier and make the next day look like a surge) times the
 * multiplier declared for now. Drops page (2m rate, `for: 2m`: 20% traffic fires in about 3.5 min);
 * surges open a ticket, since they are usually a success, on the same 2m rate and `for: 2m`: the
 * 5m rate with `for: 5m` saw an undeclared 3.5x surge only after 525 s, beyond DESIGN's 5 minutes
 * (found by an SRE review; now 225 s).
 */
export function trafficRules(spec: ModelSpec, events: readonly SalesEvent[]): PromRule[] {
  const m = `{model="${spec.name}"}`;
  return [
    { record: SERIES.eventMultiplier, expr: eventMultiplierExpr(spec.name, events) },
    {
      record: SERIES.normalizedRequests,
      expr: `${SERIES.modelRequests("5m")}${m} / on(model) ${SERIES.eventMultiplier}${m}`,
    },
    {
      record: SERIES.expectedLow,
      expr: baselineExpr("min", (o) => `${SERIES.normalizedRequests}${m} offset ${o}`),
    },
    {
      record: SERIES.expectedHigh,
      expr: `${baselineExpr("max", (o) => `${SERIES.modelRequests("5m")}${m} offset ${o}`)} * on(model) ${SERIES.eventMultiplier}${m}`,
    },
    {
      alert: MODEL_ALERTS.trafficAnomaly,
      expr: `${SERIES.modelRequests("2m")}${m} < on(model) ${TRAFFIC_LOW_RATIO} * ${SERIES.expectedLow}${m} and on(model) ${SERIES.expectedLow}${m} > ${TRAFFIC_MIN_RPS}`,
      for: "2m",
      labels: { ...alertLabels(spec, "page"), direction: "down" },
      annotations: {
        summary: `${spec.name} traffic far below what yesterday and last week predict`,
        description: `Requests/s {{ $value | humanize }} is below ${TRAFFIC_LOW_RATIO} x the expected rate.`,
      },
    },
    {
      // Traffic to zero with the pods up and scraped (an ingress, DNS or client outage: the counters
      // are there and flat). The drop rule above reads a 2-minute rate, which falls below 0.4x only
      // 72 s in, then waits its `for: 2m`: a full outage paged after 180 s (an SRE review), where
      // DESIGN promises 2 minutes. Not one request in a minute, with at least TRAFFIC_MIN_RPS
      // expected (30 a minute; no request in a minute at 0.5 req/s has odds of e^-30), for 30 s
      // (three evaluations, so one scrape's hiccup as pods are replaced does not page): 90 s with
      // promtool 2.42 (promtool test). A model with idle nights (yesterday under 0.5 req/s) stays silent as
      // with the drop rule; a scrape gap leaves no rate at all (the no-data rule's case), not 0.
      alert: MODEL_ALERTS.trafficAnomaly,
      expr: `${SERIES.modelRequests("1m")}${m} == 0 and on(model) ${SERIES.expectedLow}${m} > ${TRAFFIC_MIN_RPS}`,
      for: "30s",
      labels: { ...alertLabels(spec, "page"), direction: "down", reason: "zero-traffic" },
      annotations: {
        summary: `${spec.name} receives no requests at all while its pods are up and traffic is expected`,
        description:
          "Request counters flat for a minute: check the gateway, the model's HTTPRoute and DNS, and its clients.",
      },
    },
    {
      // Every pod gone (crash loop, lost node, scraping blocked): no request series is left, so the
      // drop rule above (and every ratio) compares nothing. No requests recorded for 2 minutes while
      // the model served traffic in the last 30 minutes, or history expects it now, pages; a scrape
      // gap of 3 minutes stays silent. The last-30-minutes term covers a model's first day.
      alert: MODEL_ALERTS.trafficAnomaly,
      expr: `0 * absent_over_time(${SERIES.modelRequests("2m")}${m}[2m]) and on(model) ${trafficExpectedExpr(spec.name, NO_DATA_MIN_RPS)}`,
      labels: { ...alertLabels(spec, "page"), direction: "down", reason: "no-data" },
      annotations: {
        summary: `${spec.name} reports no requests at all (pods gone or not scraped) while traffic is expected`,
        description: "No request metrics for 2 minutes: check the model's pods, their node and the scrape.",
      },
    },
    // Stable, the canary or an experiment with no ready replica (crash loop, image pull failure, lost
    // nodes), seen at once in kube-state-metrics' Deployment status: a full outage pages within 2
    // minutes (DESIGN section 5), where the no-data rule above waits for the request rates to vanish.
    ...readinessRules(spec),
    ...saleDropRules(spec, events),
    noHistoryDropRule(spec),
    {
      alert: MODEL_ALERTS.trafficAnomaly,
      expr: `${SERIES.modelRequests("2m")}${m} > on(model) ${TRAFFIC_HIGH_RATIO} * ${SERIES.expectedHigh}${m} and on(model) ${SERIES.modelRequests("5m")}${m} > ${TRAFFIC_MIN_RPS}`,
      for: "2m",
      // The 2-minute rate lets traffic hovering around the threshold resolve and open the ticket
      // again every few minutes; held 10 minutes after it last held, it opens once.
      keep_firing_for: "10m",
      labels: { ...alertLabels(spec, "ticket"), direction: "up" },
      annotations: {
        summary: `${spec.name} traffic far above expectation (no declared sales event covers it)`,
        description: `Requests/s {{ $value | humanize }} is above ${TRAFFIC_HIGH_RATIO} x the expected rate.`,
      },
    },
  ];
}

/**
 * The model's median 5-minute rate over the last `RECENT_LOOKBACK`: the level it held for at least
 * half of the hour. A median, not a maximum, so a short undeclared burst (a push notification) does
 * not raise it and its end does not look like a drop; a model ramping up stays above it.
 */
export function recentLevelExpr(modelName: string): string {
  return `quantile_over_time(0.5, ${SERIES.modelRequests("5m")}{model="${modelName}"}[${RECENT_LOOKBACK}])`;
}

/**
 * A model with no day-old reference (`expected_low` absent: its first day) whose pods are up and
 * scraped: the drop rule compares nothing and the no-data rule sees series, so a broken route was
 * silent for a day (found by an SRE review). Until history exists, the 2-minute rate below
 * `TRAFFIC_LOW_RATIO` x its own median of the last hour, for 2 minutes, pages. Not within an hour of
 * a declared event (its end is a planned drop; the sale-drop rule covers its body), nor below
 * `TRAFFIC_MIN_RPS` (too few requests to judge, as for the drop rule).
 */
export function noHistoryDropRule(spec: ModelSpec): PromRule {
  const m = `{model="${spec.name}"}`;
  const level = recentLevelExpr(spec.name);
  return {
    alert: MODEL_ALERTS.trafficAnomaly,
    expr:
      `${SERIES.modelRequests("2m")}${m} < on(model) ${TRAFFIC_LOW_RATIO} * ${level}` +
      ` and on(model) ${level} > ${TRAFFIC_MIN_RPS}` +
      ` unless on(model) ${SERIES.expectedLow}${m}` +
      ` unless on(model) max_over_time(${SERIES.eventMultiplier}${m}[${RECENT_LOOKBACK}]) > 1`,
    for: "2m",
    labels: { ...alertLabels(spec, "page"), direction: "down", reason: "no-history" },
    annotations: {
      summary: `${spec.name} traffic far below its own level of the last hour (no day-old history yet)`,
      description: `Requests/s {{ $value | humanize }} is below ${TRAFFIC_LOW_RATIO} x its median of the last ${RECENT_LOOKBACK}.`,
    },
  };
}

/**
 * A sale losing most of its traffic (checkout down, a broken client release) pages: inside the body of
 * a declared event, the 2-minute rate below `SALE_DROP_RATIO` of the highest 5-minute rate of the last
 * 30 minutes, for 2 minutes. None without events.
 */
function saleDropRules(spec: ModelSpec, events: readonly SalesEvent[]): PromRule[] {
  const body = saleBodyExpr(spec.name, events);
  if (!body) return [];
  const m = `{model="${spec.name}"}`;
  return [
    {
      alert: MODEL_ALERTS.trafficAnomaly,
      expr:
        `${SERIES.modelRequests("2m")}${m} < on(model) ${SALE_DROP_RATIO} * max_over_time(${SERIES.modelRequests("5m")}${m}[${SALE_DROP_LOOKBACK}])` +
        ` and on(model) max_over_time(${SERIES.modelRequests("5m")}${m}[${SALE_DROP_LOOKBACK}]) > ${TRAFFIC_MIN_RPS} and on(model) ${body}`,
      for: "2m",
      labels: { ...alertLabels(spec, "page"), direction: "down", reason: "sale-drop" },
      annotations: {
        summary: `${spec.name} lost most of its traffic during a declared sale`,
        description: `Requests/s {{ $value | humanize }} is below ${SALE_DROP_RATIO} x its highest rate of the last ${SALE_DROP_LOOKBACK}.`,
      },
    },
  ];
}

/**
 * `ModelQualityDrop`: CTR over 3 minutes below `minRatio` x the lower of yesterday's and last week's
 * CTR for the same hour. 3 minutes plus `for: 1m` fires a 40% drop (minRatio 0.8) in about 3 minutes.
 */
export function qualityRules(spec: ModelSpec): PromRule[] {
  const quality = spec.monitoring.quality;
  if (!quality) return [];
  const sel = (metric: string) => selector(metric, [["model", "=", spec.name]]);
  const ctr = (range: string, offset = "") =>
    `sum by (model) (rate(${sel("mlops_model_clicks_total")}[${range}]${offset})) / sum by (model) (rate(${sel("mlops_model_impressions_total")}[${range}]${offset}))`;
  return [
    { record: SERIES.ctr, expr: ctr("3m") },
    { record: SERIES.ctrBaseline, expr: baselineExpr("min", (o) => `(${ctr("1h", ` offset ${o}`)})`) },
    {
      alert: MODEL_ALERTS.qualityDrop,
      expr:
        `${SERIES.ctr}{model="${spec.name}"} < on(model) ${round(quality.minRatio)} * ${SERIES.ctrBaseline}{model="${spec.name}"}` +
        ` and on(model) sum by (model) (rate(${sel("mlops_model_impressions_total")}[3m])) * 180 >= ${CTR_MIN_IMPRESSIONS}`,
      for: "1m",
      labels: alertLabels(spec, "ticket", "quality"),
      annotations: {
        summary: `${spec.name} CTR below ${quality.minRatio} x its baseline`,
        description: "CTR {{ $value | humanizePercentage }} over the last 3 minutes.",
      },
    },
  ];
}

/** All anomaly rules of one model. */
export function anomalyRules(spec: ModelSpec, events: readonly SalesEvent[]): PromRule[] {
  return [...trafficRules(spec, events), ...driftRules(spec), ...qualityRules(spec)];
}
