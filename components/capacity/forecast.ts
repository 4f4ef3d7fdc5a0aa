/**
 * Per-model traffic forecast over the next lead-time window, from the model's own history: the same
 * minutes yesterday and last week (seasonal lookahead), scaled by the recent trend (the last minutes
 * against the same minutes a day / a week ago), and by declared sales events. The simulator runs this
 * code; `forecast-rules.ts` computes the same formula inside Prometheus for KEDA.
 *
 *   forecast(t) = max over P in {1d, 7d} of  lookahead_P(t) * max(ahead_P(t), floor_P(t))
 *   lookahead_P = max of the 5-minute mean event-free rate over [t - P, t - P + lead], and of the
 *                 smaller of minute t - P + lead's rate and the 5-minute mean from it (a step)
 *   trend_P     = clamp((avg of the last K minutes + c) / (avg event-free rate of the same K
 *                 minutes P ago + c), lo, hi)
 *   event-free  = each minute's rate divided by the multiplier of a declared event it fell in
 *   ahead_P(t)  = the largest of trend_P(t) and, for (M, S, G) = (K, rampSigmas, rampGain) and
 *                 (fastRampMinutes, fastRampSigmas, fastRampGain), the M-minute trend plus its rise
 *                 over the M minutes before × G × (M / 2 + lead) / M (at most hi) while that rise
 *                 exceeds S × noise(t - M) × the M-minute trend (an undeclared ramp)
 *   floor_P(t)  = during a declared event: its multiplier while held, after that the lift its
 *                 traffic shows (`shownEventFloor`); else min(1, the same ratio over 60 minutes)
 *   event(t)    = the multiplier of a declared event active anywhere in [t, t + lead], else 1
 *   held        = t within [start - lead, start + EVENT_HOLD_MINUTES) of that event
 *   lift        = the largest trend_P (either season) of the last EVENT_LIFT_MINUTES minutes
 *
 * A period with no history, with no traffic in its lookahead, or with none in its trend's minutes
 * while there is traffic now, is left out. Without either
 * period the forecast falls back to the current rate times `event`,
 * divided by the multiplier of an event the current minute is already in.
 * What KEDA scales on is the forecast with a noise band, `forecastWithBand`: the forecast times
 * max(1 + z × noise, targetUtilization × (1 + Z × noise)) (`bandFactor`: z deviations on top of the
 * spec's headroom, and at least Z in all), noise = a robust standard deviation (1.4826 × the median
 * absolute deviation) over the last 30 minutes of each minute's rate against its trailing 5-minute
 * mean. A model whose
 * traffic jitters more gets more headroom, a smooth one less, instead of one fixed margin for every
 * model; a step in the traffic (a push notification, a sale) moves a few of the 31 points, not the
 * median, so it is not taken for noise.
 * Pure: no Pulumi imports.
 */
import type { ModelSpec } from "../config/model-schema";
import type { GpuPool } from "../config/stack-schema";
import {
  EventWindow,
  eventMultiplier,
  heldEventMultiplier,
  shownEventFloor,
  EVENT_LIFT_MINUTES,
} from "./event-windows";
import {
  DOWN_TREND_MINUTES,
  FORECAST_DEFAULTS,
  ForecastParams,
  RampTest,
  rampTests,
  SEASONS_MINUTES,
} from "./forecast-params";

/** Seconds from a scale-up decision to a ready replica on a new node: node provisioning + cold start. */
export function leadTimeSeconds(spec: ModelSpec, pool: GpuPool): number {
  return pool.provisioningSeconds + spec.serving.coldStartSeconds;
}

/** The lead time in whole minutes (rounded up), the granularity of the traffic and of PromQL windows. */
export function leadMinutes(spec: ModelSpec, pool: GpuPool): number {
  return Math.max(1, Math.ceil(leadTimeSeconds(spec, pool) / 60));
}

/** When the forecast is made: the epoch ms of decision minute `t` and the declared events. */
export interface ForecastClock {
  readonly nowMs: number;
  readonly events: readonly EventWindow[];
}

/**
 * Forecast for decision minute `t` of `series` (requests/s per minute; minutes up to `t - 1` are
 * known, as the rate of the last full minute is what Prometheus has at the start of minute `t`).
 * Each minute of history that fell inside a declared event is divided by that event's multiplier, so
 * last Saturday's flash sale does not make this Saturday look eight times busier.
 */
export function forecastAt(
  series: Float64Array,
  t: number,
  leadMin: number,
  clock: ForecastClock,
  params: ForecastParams = FORECAST_DEFAULTS,
): number {
  const k = params.trendMinutes;
  const w = params.smoothMinutes;
  const half = Math.floor(w / 2);
  const event = eventMultiplier(clock.events, clock.nowMs, leadMin);
  if (t < 1) return 0;
  const held = heldEventMultiplier(clock.events, clock.nowMs, leadMin);
  const history: EventFree = { series, startMs: clock.nowMs - t * 60_000, events: clock.events };
  const eventFloor =
    event > held
      ? Math.max(held, shownEventFloor(event, eventLift(history, t, params), params.maxRatio))
      : held;
  let best = -1;
  for (const p of SEASONS_MINUTES) {
    if (t - p - k - w < 0) continue;
    // Lookahead on the trailing w-minute mean, shifted by half its window so it tracks the level;
    // each minute of it that fell in a declared event divided by that event's multiplier.
    let look = stepAt(history, t - p + leadMin, w);
    const end = Math.min(t - p + leadMin + half, t - 1);
    for (let i = t - p + half; i <= end; i++)
      look = Math.max(look, eventFreeSum(history, i - w + 1, i + 1) / w);
    // A period with no traffic then (a day of outage or lost data, a model not yet serving) says
    // nothing about now: without it the forecast would be 0 and the platform purely reactive.
    // Traffic now against trend minutes that had none then is no trend (the ratio would read 4x);
    // both idle (a quiet night, as the night before) is a ratio of 1 and keeps the lookahead.
    const short = trendMeans(history, t, p, k);
    if (look <= 0 || (short.past === 0 && short.now > 0)) continue;
    const ratio = trendAhead(history, t, p, leadMin, params, clampedRatio(short, params));
    // Up at once (the short trend), down only as far as the long trend says: a level that fell
    // for an hour, not a few noisy minutes. A declared event ahead floors it at its multiplier
    // while it is held, then at the lift its traffic shows.
    const floor =
      eventFloor > 1
        ? eventFloor
        : t - p - DOWN_TREND_MINUTES < 0
          ? 1
          : Math.min(1, clampedRatio(trendMeans(history, t, p, DOWN_TREND_MINUTES), params));
    best = Math.max(best, look * Math.max(ratio, floor));
  }
  // Without history: the last minute's rate times the event ahead, less the event that minute was
  // already in (otherwise a model that starts during a sale sees the multiplier twice and holds max).
  return best >= 0 ? best : (series[t - 1] * event) / eventMultiplier(clock.events, clock.nowMs - 60_000, 0);
}

/**
 * A step at minute `m` of the history: the smaller of that minute's rate and the mean of the `w`
 * minutes from it (both event-free). A mean centred on a step that came at `m` (a scheduled push,
 * traffic back after a night at zero) reads it at 3/5 of its height, and the replicas it needs
 * started 2 minutes late: reading the mean after it instead cost 0.2-0.3 points of utilization on
 * smooth weeks, as on a rising day it reads 2 minutes ahead. The minute alone is that mean's noise
 * five times over; the smaller of the two is above the centred mean at a step, and seldom elsewhere.
 */
function stepAt(history: EventFree, m: number, w: number): number {
  return Math.min(eventFreeSum(history, m, m + w) / w, eventFreeSum(history, m, m + 1));
}

/**
 * The lift the traffic shows: the largest short trend of either season over the decision minutes
 * of the last `EVENT_LIFT_MINUTES` (this one included), 0 without any - what
 * `max(max_over_time(<trend>[60m])) or vector(0)` reads in Prometheus. A season counts at a minute
 * where it has history and its trend is defined (as in `forecastAt`).
 */
function eventLift(history: EventFree, t: number, params: ForecastParams): number {
  const k = params.trendMinutes;
  let lift = 0;
  for (const p of SEASONS_MINUTES)
    for (let j = 0; j < EVENT_LIFT_MINUTES; j++) {
      if (t - j - p - k - params.smoothMinutes < 0) break;
      const short = trendMeans(history, t - j, p, k);
      if (!(short.past === 0 && short.now > 0)) lift = Math.max(lift, clampedRatio(short, params));
    }
  return lift;
}

/**
 * `gain` × (`minutes` / 2 + lead) / `minutes`: the rise of a `minutes` trend over the `minutes` before
 * is carried on from the middle of its window to the end of the lead time (the 10-minute test's by
 * default).
 */
export function rampAheadFactor(
  leadMin: number,
  params: ForecastParams = FORECAST_DEFAULTS,
  minutes = params.trendMinutes,
  gain = params.rampGain,
): number {
  return (gain * (minutes / 2 + leadMin)) / minutes;
}

/**
 * The short trend `ratio` of season `p`, carried on over the lead time while it rises: the larger of
 * `ratio` and the two ramp tests of `rampAhead` (the 10-minute and the fast 5-minute one).
 */
function trendAhead(
  history: EventFree,
  t: number,
  p: number,
  leadMin: number,
  params: ForecastParams,
  ratio: number,
): number {
  return Math.max(ratio, ...rampTests(params).map((test) => rampAhead(history, t, p, leadMin, params, test)));
}

/**
 * One ramp test: the `m`-minute trend of season `p` plus its rise over the same trend `m` minutes
 * earlier × `rampAheadFactor` with the test's `gain` (at most `maxRatio`) while that rise exceeds
 * `sigmas` × the noise then × the trend; else 0. 0 too without either trend (no history, or no
 * traffic then against some now).
 */
function rampAhead(
  history: EventFree,
  t: number,
  p: number,
  leadMin: number,
  params: ForecastParams,
  { minutes: m, sigmas, gain }: RampTest,
): number {
  if (t - m - p - m - params.smoothMinutes < 0) return 0;
  const now = trendMeans(history, t, p, m);
  const before = trendMeans(history, t - m, p, m);
  if ((now.past === 0 && now.now > 0) || (before.past === 0 && before.now > 0)) return 0;
  const ratio = clampedRatio(now, params);
  const rise = ratio - clampedRatio(before, params);
  // The noise as it was m minutes ago, before the rise: a ramp's own minutes read as noise (3% a
  // minute is 6% off the trailing 5-minute mean), which held the threshold above the ramp it measured.
  if (!(rise > 0 && rise > ratio * (sigmas * noiseRatio(history.series, t - m, params)))) return 0;
  return Math.min(params.maxRatio, ratio + rise * rampAheadFactor(leadMin, params, m, gain));
}

/** A model's per-minute rates from `startMs` (minute 0), and the declared events to take out of them. */
interface EventFree {
  readonly series: Float64Array;
  readonly startMs: number;
  readonly events: readonly EventWindow[];
}

/**
 * Sum of minutes [from, to) of the history, each minute that fell in a declared event divided by
 * that event's multiplier: minute by minute, so a window across an event's start or end is not
 * divided whole by one multiplier (a window of minutes before a sale divided by 8 read a 4x trend
 * the next day, at the sale's start; minutes of a sale's end left whole read its 8x).
 */
function eventFreeSum({ series, startMs, events }: EventFree, from: number, to: number): number {
  const fromMs = startMs + from * 60_000;
  const toMs = startMs + to * 60_000;
  let sum = 0;
  if (!events.some((e) => e.startMs < toMs && e.endMs > fromMs)) {
    for (let i = from; i < to; i++) sum += series[i];
    return sum;
  }
  for (let i = from; i < to; i++) sum += series[i] / eventMultiplier(events, startMs + i * 60_000, 0);
  return sum;
}

/**
 * Mean rate of the last `k` minutes, and of the same minutes `p` minutes ago without the declared
 * events then (`eventFreeSum`).
 */
function trendMeans(history: EventFree, t: number, p: number, k: number): { now: number; past: number } {
  let now = 0;
  for (let i = t - k; i < t; i++) now += history.series[i];
  return { now: now / k, past: eventFreeSum(history, t - p - k, t - p) / k };
}

/** The trend: `now / past`, both plus `ratioOffsetRps`, clamped. */
function clampedRatio({ now, past }: { now: number; past: number }, params: ForecastParams): number {
  const c = params.ratioOffsetRps;
  return clamp((now + c) / (past + c), params.minRatio, params.maxRatio);
}

/** Mean of minutes [i - w + 1, i]: what `rate(...[<w>m])` holds at the end of minute i. */
function trailingMean(series: Float64Array, i: number, w: number): number {
  let sum = 0;
  for (let j = i - w + 1; j <= i; j++) sum += series[j];
  return sum / w;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** Prometheus's median convention (`quantile_over_time(0.5, ...)`): linear between the middle two. */
function median(sorted: ArrayLike<number>): number {
  const rank = 0.5 * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/**
 * Fewest non-idle minutes of the noise window that give a noise estimate: half of its
 * `noiseMinutes` + 1 points (16 of 31 by default).
 */
export function minNoisePoints(params: ForecastParams = FORECAST_DEFAULTS): number {
  return Math.ceil((params.noiseMinutes + 1) / 2);
}

/** Standard deviations per median absolute deviation of normally distributed noise. */
export const MAD_TO_SIGMA = 1.4826;

/**
 * Per-minute noise of `series` before decision minute `t`: `MAD_TO_SIGMA` × the median, over the
 * last `noiseMinutes` + 1 minutes, of |rate / trailing `smoothMinutes` mean - 1|, what
 * `1.4826 * quantile_over_time(0.5, abs(rate[1m] / rate[5m] - 1)[30m:1m])` gives in Prometheus (the
 * subquery takes both ends of its range: 31 points). The median, unlike a standard deviation, does
 * not read the few minutes around a step as noise: with the standard deviation a model whose
 * traffic stepped 4x ran three times the replicas it needed for half an hour after every step.
 * 0 without enough history or with fewer than `minNoisePoints` non-idle minutes; idle minutes
 * are skipped.
 */
export function noiseRatio(
  series: Float64Array,
  t: number,
  params: ForecastParams = FORECAST_DEFAULTS,
): number {
  const w = params.smoothMinutes;
  const from = t - params.noiseMinutes - 1;
  if (from - w + 1 < 0) return 0;
  // A typed array sorts numerically without a comparator: the replay calls this every minute of
  // every model, and the comparator sort of a plain array was a quarter of its time.
  const deviations = new Float64Array(t - from);
  let n = 0;
  for (let i = from; i < t; i++) {
    const mean = trailingMean(series, i, w);
    if (mean > 0) deviations[n++] = Math.abs(series[i] / mean - 1);
  }
  // A window mostly idle (traffic starting again after a night at zero) holds a few minutes of the
  // restart, whose median deviation is the step itself: up to six standard deviations of "noise",
  // and replicas.max for a model that needs a tenth of it.
  if (n < minNoisePoints(params)) return 0;
  return MAD_TO_SIGMA * median(deviations.subarray(0, n).sort());
}

/**
 * The factor the forecast is multiplied by: `1 + noiseBand × noise`, widened so that with the
 * spec's `targetUtilization` the replicas leave at least `minMarginSigmas` deviations of headroom.
 */
export function bandFactor(
  noise: number,
  targetUtilization: number,
  params: ForecastParams = FORECAST_DEFAULTS,
): number {
  return Math.max(1 + params.noiseBand * noise, targetUtilization * (1 + params.minMarginSigmas * noise));
}

/**
 * The forecast KEDA scales on (at `targetUtilization` of `rpsPerReplica` per replica):
 * `forecastAt` times `bandFactor`.
 */
export function forecastWithBand(
  series: Float64Array,
  t: number,
  leadMin: number,
  clock: ForecastClock,
  targetUtilization: number,
  params: ForecastParams = FORECAST_DEFAULTS,
): number {
  return forecastLevelAndBand(series, t, leadMin, clock, targetUtilization, params).withBand;
}

/**
 * `forecastAt` (the level, which the drain-spare trigger reads) and `forecastWithBand` (what the
 * forecast trigger reads) of one decision minute, computing the level once.
 */
export function forecastLevelAndBand(
  series: Float64Array,
  t: number,
  leadMin: number,
  clock: ForecastClock,
  targetUtilization: number,
  params: ForecastParams = FORECAST_DEFAULTS,
): { level: number; withBand: number } {
  const level = forecastAt(series, t, leadMin, clock, params);
  return { level, withBand: level * bandFactor(noiseRatio(series, t, params), targetUtilization, params) };
}
