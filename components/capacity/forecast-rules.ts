/**
 * Prometheus recording rules that compute the traffic forecast of `forecast.ts` inside Prometheus, so
 * KEDA can scale on it. Subqueries over the raw request counter (not over a recorded series) give
 * the seasonal lookahead from the first day after deploy, as the counters' history is already kept.
 * Pure builder; the output is promtool's rule-file format `{ groups: [...] }`.
 */
import type { ModelSpec } from "../config/model-schema";
import type { GpuPool, StackConfig } from "../config/stack-schema";
import { drainsUnderused, underutilizedBlockUtc } from "./drain-window";
import { requestExprs } from "../model/request-metrics";
import { leadMinutes, MAD_TO_SIGMA, minNoisePoints, rampAheadFactor } from "./forecast";
import {
  DOWN_TREND_MINUTES,
  FORECAST_DEFAULTS,
  ForecastParams,
  RampTest,
  rampTests,
  SEASONS_MINUTES,
} from "./forecast-params";
import {
  EVENT_LIFT_MARGIN,
  EVENT_LIFT_MINUTES,
  EventWindow,
  eventHeldUntilMs,
  eventWindows,
} from "./event-windows";

/** One recording rule in promtool format. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

/** A rule group in promtool format. */
export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly RecordingRule[];
}

/** Name of the forecast series for a lead time in minutes, e.g. `mlops:model_rps_forecast:5m`. */
export function forecastSeriesName(leadMin: number): string {
  return `mlops:model_rps_forecast:${leadMin}m`;
}

/** Name of the forecast level (the forecast before its noise band), e.g. `mlops:model_rps_level:5m`. */
export function levelSeriesName(leadMin: number): string {
  return `mlops:model_rps_level:${leadMin}m`;
}

/**
 * Name of the drain-level series, e.g. `mlops:model_rps_drain_level:5m`: the larger of the level and
 * the current rate while the model's pool may drain underused nodes, absent otherwise.
 */
export function drainLevelSeriesName(leadMin: number): string {
  return `mlops:model_rps_drain_level:${leadMin}m`;
}

/**
 * A one-element vector while serving pools may drain underused nodes in `timeZone`'s window, empty
 * otherwise: the minutes since the daily blocking budget last began are at least its length
 * (`underutilizedConsolidationAllowed` of the same budget). Shifted forward rather than back, as
 * PromQL's `%` keeps the dividend's sign. For `and on () <this>`.
 */
export function drainWindowExpr(timeZone: string): string {
  const { blockFromUtcMin, blockedMinutes } = underutilizedBlockUtc(timeZone);
  return `(vector((time() / 60 + ${(1440 - blockFromUtcMin) % 1440}) % 1440) >= ${blockedMinutes})`;
}

const SEASON_LABEL: Record<number, string> = { 1440: "1d", 10080: "7d" };

/**
 * The forecast rules of one model. Evaluated in order within the group, so each rule reads the
 * previous ones at the same evaluation:
 * 1. `mlops:model_rps_lookahead:<lead>{season}` max 5-minute mean rate over the same minutes a day /
 *    week ago, from now to now + lead, each minute divided by the multiplier of an event it was in;
 *    absent when 0 (no traffic then says nothing about now);
 * 2. `mlops:model_rps_trend:<K>{season}` clamped ratio of the last K minutes to the same K minutes
 *    a period ago (event-corrected minute by minute; both sides plus `ratioOffsetRps` so an idle model gives 1, not NaN;
 *    absent when those minutes a period ago had no traffic and the last ones had, which leaves the
 *    season out),
 *    and the same over `DOWN_TREND_MINUTES` (60), which bounds how far the forecast may go below
 *    the lookahead;
 * 3. `mlops:model_event_multiplier:<lead>` the multiplier of a declared event from lead before its
 *    start until its end, else 1 (from `time()`, so no extra series is needed), and
 *    `mlops:model_event_held:<lead>` the same until `EVENT_HOLD_MINUTES` into it;
 * 4. `mlops:model_rps_noise:<N>m` robust standard deviation (1.4826 × median absolute deviation)
 *    over N minutes of the 1-minute rate against the 5-minute rate (idle minutes left out; absent
 *    with fewer than `minNoisePoints` non-idle minutes);
 * 5. `mlops:model_rps_trend_ahead:<lead>{season}` the largest of the short trend and its two ramp
 *    tests (`trendAhead`): the K-minute trend plus its rise over the same trend K minutes before
 *    times `rampAheadFactor`, while that rise exceeds `rampSigmas` × noise then × the trend, and the
 *    same of the `fastRampMinutes` trend (recorded like the K-minute one, `mlops:model_rps_trend:5m`)
 *    over `fastRampSigmas` with `fastRampGain` (each at most `maxRatio`);
 * 6. the forecast: max over seasons of lookahead × max(trend ahead, floor), floor = the held event's
 *    multiplier, after that the lift the traffic shows (`shownEventFloor` of the largest short trend
 *    of the last `EVENT_LIFT_MINUTES`), else min(1, the 60-minute trend); or, without history, the
 *    current rate × event / the multiplier of an event the last minute was in (its rate already
 *    holds it); times `bandFactor` (1 + band × noise, widened to leave `minMarginSigmas` of noise
 *    over the spec's `targetUtilization`), noise read as 0 until it has a value; recorded twice:
 *    without the band as the level (`levelSeriesName`), and with it as the forecast;
 * 7. in a pool that drains underused nodes, the drain level (`drainLevelSeriesName`): the larger of
 *    the level and the current rate, only within the daily drain window and above 0, which the
 *    `drain-spare` trigger (`forecastTriggers`) turns into one replica over what it needs.
 * Every rule carries a static `model` label, so rules of many models in one file stay distinct
 * (promtool flags identical name + labels as duplicates).
 */
export function forecastRecordingRules(
  spec: ModelSpec,
  pool: GpuPool,
  config: StackConfig,
  params: ForecastParams = FORECAST_DEFAULTS,
): { groups: RuleGroup[] } {
  const lead = leadMinutes(spec, pool);
  const k = params.trendMinutes;
  const half = Math.floor(params.smoothMinutes / 2);
  const sel = `{model="${spec.name}"}`;
  // The runtime's own counters where it has them (an uninstrumented Triton or MLServer).
  const rate = (w: number) => requestExprs(spec, `${w}m`, "model").requests;
  // The event-free rate (`eventFreeSum`): each minute's rate divided by the multiplier of a declared
  // event that minute was in, inside the subqueries, whose `time()` is each step's (offset too), so
  // a window across an event's start or end is corrected minute by minute. Without declared events
  // it is the rate itself, and Prometheus's own w-minute rate is cheaper than a nested subquery.
  const declared = eventWindows(config.events).length > 0;
  const perMinuteFree = declared ? `(${rate(1)} / scalar(${eventExpr(config, 1, 0)}))` : `(${rate(1)})`;
  const freeRate = (w: number) => (declared ? `avg_over_time(${perMinuteFree}[${w}m:1m])` : rate(w));
  const lookName = `mlops:model_rps_lookahead:${lead}m`;
  const trendOf = (minutes: number) => `mlops:model_rps_trend:${minutes}m`;
  const trendName = trendOf(k);
  const downTrendName = trendOf(DOWN_TREND_MINUTES);
  const eventName = `mlops:model_event_multiplier:${lead}m`;
  const heldName = `mlops:model_event_held:${lead}m`;
  const noiseName = `mlops:model_rps_noise:${params.noiseMinutes}m`;
  const aheadName = `mlops:model_rps_trend_ahead:${lead}m`;
  const c = params.ratioOffsetRps;
  const rules: RecordingRule[] = [];
  for (const p of SEASONS_MINUTES) {
    const season = SEASON_LABEL[p];
    // Samples of the smoothed rate at the ends of minutes [t-P+half, t-P+lead+half]: the level over
    // [t-P, t-P+lead], as a trailing 5-minute mean lags its window's centre by half its length.
    // With the step at t-P+lead (`stepAt`): the smaller of that minute's rate and the w-minute
    // mean from it (the one ending at t-P+lead+w-1), each a one-point subquery, as `offset` takes
    // no expression; `(a >= b) or b` is the larger of two series of one label set, and without a
    // step (no history that far yet) the smoothed samples alone.
    const w = params.smoothMinutes;
    const at = (expr: string, offset: number) => `max_over_time((${expr})[1m:1m] offset ${offset}m)`;
    const minute = at(perMinuteFree, p - lead - 1);
    const from = at(freeRate(w), p - lead - w);
    const step = `((${minute} <= ${from}) or (${from} < ${minute}))`;
    const smoothed = `max_over_time((${freeRate(w)})[${lead + 1}m:1m] offset ${p - lead - half - 1}m)`;
    rules.push({
      record: lookName,
      expr: `((${smoothed} >= ${step}) or ${step} or ${smoothed}) > 0`,
      labels: { model: spec.name, season },
    });
    // The trends the ramp tests read (the first is the forecast's own `trendMinutes` trend), then
    // the 60-minute downward one.
    for (const minutes of [...rampTests(params).map((r) => r.minutes), DOWN_TREND_MINUTES])
      rules.push({
        record: trendOf(minutes),
        expr:
          `clamp((avg_over_time((${rate(1)})[${minutes}m:1m]) + ${c}) / ` +
          `(avg_over_time(${perMinuteFree}[${minutes}m:1m] offset ${p}m) + ${c}),` +
          ` ${params.minRatio}, ${params.maxRatio})` +
          // Traffic now against minutes without any then is no trend (it would read 4x).
          (minutes !== DOWN_TREND_MINUTES
            ? ` unless on (model) (avg_over_time((${rate(1)})[${minutes}m:1m] offset ${p}m) == 0` +
              ` and on (model) avg_over_time((${rate(1)})[${minutes}m:1m]) > 0)`
            : ""),
        labels: { model: spec.name, season },
      });
  }
  // max(short trend, the floor): the floor is the long trend capped at 1 (1 while it has no value),
  // or during a declared event `eventFloorExpr` (0 outside events).
  const onSeason = "on (model, season)";
  const downFloor = `(clamp_max(${downTrendName}${sel}, 1) or ${onSeason} (${trendName}${sel} * 0 + 1))`;
  const eventFloor = eventFloorExpr(`${eventName}${sel}`, `${heldName}${sel}`, `${trendName}${sel}`, params);
  const factor = `clamp_min((${aheadName}${sel} > ${onSeason} ${downFloor}) or ${onSeason} ${downFloor}, ${eventFloor})`;
  rules.push({ record: eventName, expr: eventExpr(config, 0, lead), labels: { model: spec.name } });
  rules.push({
    record: heldName,
    expr: eventExpr(config, 0, lead, eventHeldUntilMs),
    labels: { model: spec.name },
  });
  const deviations = `(abs(${rate(1)} / (${rate(params.smoothMinutes)} > 0) - 1))[${params.noiseMinutes}m:1m]`;
  rules.push({
    record: noiseName,
    expr:
      `${MAD_TO_SIGMA} * quantile_over_time(0.5, ${deviations})` +
      ` and on (model) count_over_time(${deviations}) >= ${minNoisePoints(params)}`,
    labels: { model: spec.name },
  });
  const noise = `scalar(max(${noiseName}${sel}) or vector(0))`;
  // trendAhead: each ramp test reads a recorded trend and itself m minutes ago (no subquery
  // repeated): its rise, when above sigmas × the noise then × the trend, carried on over the lead
  // time; absent otherwise. `label_replace` keeps the two tests apart for `max`.
  const rampTest = ({ minutes: m, sigmas, gain }: RampTest) => {
    const tr = `${trendOf(m)}${sel}`;
    const rise = `(${tr} - ${onSeason} (${tr} offset ${m}m))`;
    const noiseBefore = `scalar(max(${noiseName}${sel} offset ${m}m) or vector(0))`;
    return (
      `label_replace(clamp_max(${tr} + ${onSeason} ((${rise} > ${onSeason} ${tr} * (${sigmas} * ${noiseBefore}))` +
      ` * ${rampAheadFactor(lead, params, m, gain)}), ${params.maxRatio}), "ramp", "${m}m", "", "")`
    );
  };
  rules.push({
    record: aheadName,
    expr:
      `max by (model, season) (${trendName}${sel}` +
      rampTests(params)
        .map((r) => ` or ${rampTest(r)}`)
        .join("") +
      ")",
    labels: { model: spec.name },
  });
  // bandFactor: max(1 + band × noise, target × (1 + minMarginSigmas × noise)), as a scalar.
  const band =
    `scalar(clamp_min(vector(1 + ${params.noiseBand} * ${noise}),` +
    ` ${spec.serving.targetUtilization} * (1 + ${params.minMarginSigmas} * ${noise})))`;
  const levelName = levelSeriesName(lead);
  rules.push({
    record: levelName,
    expr:
      `max by (model) ((${lookName}${sel} * ${onSeason} ${factor}) and ${onSeason} ${trendName}${sel})` +
      ` or on (model) (${rate(1)} * on (model) ${eventName}${sel} / scalar(${eventExpr(config, 1, 0)}))`,
    labels: { model: spec.name },
  });
  rules.push({
    record: forecastSeriesName(lead),
    expr: `${levelName}${sel} * ${band}`,
    labels: { model: spec.name },
  });
  if (drainsUnderused(pool)) {
    // `>= on (model)` keeps the level where it is the larger, `or` adds the rate where it is not.
    rules.push({
      record: drainLevelSeriesName(lead),
      expr:
        `(((${levelName}${sel} >= on (model) ${rate(1)}) or on (model) ${rate(1)}) > 0)` +
        ` and on () ${drainWindowExpr(config.timeZone)}`,
      labels: { model: spec.name },
    });
  }
  return { groups: [{ name: `mlops-capacity-forecast-${spec.name}`, rules }] };
}

/**
 * The event floor of the forecast as a scalar, 0 outside events: max(held, shown), held = the held
 * multiplier when above 1, shown = `shownEventFloor` of the lift (the largest short trend of either
 * season over `EVENT_LIFT_MINUTES`, 0 without one) while an event is active:
 * `(lift >= shownRatio) × min(m, (lift >= maxRatio) × m + lift × margin)`, shownRatio =
 * min(2, 1 + (m - 1) / 4) (`eventShownRatio`).
 */
function eventFloorExpr(event: string, held: string, trend: string, params: ForecastParams): string {
  const m = `scalar(${event})`;
  const h = `scalar(${held})`;
  const lift = `scalar(max(max_over_time(${trend}[${EVENT_LIFT_MINUTES}m])) or vector(0))`;
  const shownRatio = `scalar(clamp_max(vector(1 + (${m} - 1) / 4), 2))`;
  const shown =
    `(${m} > bool 1) * (${lift} >= bool ${shownRatio}) *` +
    ` scalar(clamp_max(vector((${lift} >= bool ${params.maxRatio}) * ${m} + ${lift} * ${EVENT_LIFT_MARGIN}), ${m}))`;
  return `scalar(clamp_min(vector(${h} * (${h} > bool 1)), ${shown}))`;
}

/**
 * `max(<m1> and <in window 1> or ... or vector(1))`: the largest multiplier of an event active
 * anywhere in [now - shift, now - shift + window] (minutes) - until `until` (its end by default) -
 * else 1. `time()` shifted instead of an `offset`, so it needs no recorded history.
 */
function eventExpr(
  config: StackConfig,
  shiftMin: number,
  windowMin: number,
  until: (e: EventWindow) => number = (e) => e.endMs,
): string {
  const terms = eventWindows(config.events).map((e) => {
    const from = Math.floor((e.startMs - windowMin * 60_000) / 1000) + shiftMin * 60;
    const to = Math.floor(until(e) / 1000) + shiftMin * 60;
    // A distinct `event` label per term, so `or` keeps every active event and `max` picks the largest.
    return (
      `label_replace(vector(${e.multiplier}), "event", "${e.name}", "", "")` +
      ` and on () (vector(time()) >= ${from}) and on () (vector(time()) < ${to})`
    );
  });
  return `max(${[...terms, "vector(1)"].join(" or ")})`;
}
