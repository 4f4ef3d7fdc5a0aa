/**
 * Per-model traffic forecast over the next lead-time window, from the model's own history: the same
 * minutes yesterday and last week (seasonal lookahead), scaled by the recent trend (the last minutes
 * against the same minutes a day / a week ago), and by declared sales events. The simulator runs this
 * code; `forecast-rules.ts` computes the same formula inside Prometheus for KEDA.
 *
 *   forecast(t) = max over P in {1d, 7d} of  lookahead_P(t) * max(ahead_P(t), floor_P(t))
 *   lookahead_P = max of the 5-minute mean rate over [t - P, t - P + lead] / event multiplier then
 *   trend_P     = clamp((avg of the last K minutes + c) / (avg of the same K minutes P ago / event
 *                 multiplier then + c), lo, hi)
 *   ahead_P(t)  = trend_P(t) + rise × gain × (K / 2 + lead) / K (at most hi) while the rise of
 *                 trend_P over the last K minutes, trend_P(t) - trend_P(t - K), exceeds
 *                 rampSigmas × noise(t - K) × trend_P(t) (an undeclared ramp); else trend_P(t)
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

/**
 * Minutes of the trend that sets how far the forecast may go below the seasonal lookahead
 * (`floor_P`). The 10-minute trend raises the forecast at once but lowers it no further than this
 * one: on its own its noise would cut capacity (at 5% per-minute noise that doubled the SLO misses, to 0.13-0.16%). Without any
 * downward trend, traffic that fell and stayed low kept last week's level for seven days: a 14-day
 * replay whose traffic halved on day 8 cost 126,506 CNY against reactive's 90,176 at 64.3%
 * utilization. Measured when this trend came (f43593b, before the simulator's drain fixes): that
 * replay 97,141 CNY at 83.8%; the sample week 83.9% and 0.017% SLO misses (83.7% and 0.017%
 * without); 5% noise 0.075-0.088% misses. 30 minutes reached 0.099% at 5% noise, 120 gave back
 * 0.1-0.2 points. The price: after a dip the forecast recovers only with the 10-minute trend.
 */
export const DOWN_TREND_MINUTES = 60;

/** Minutes in a day and in a week: the two seasonal periods. */
export const SEASONS_MINUTES = [1440, 10080] as const;

/** Tuning of the forecast; shared by the simulator and the Prometheus rules. */
export interface ForecastParams {
  /** Minutes averaged for the trend ratio. @default 10 */
  readonly trendMinutes: number;
  /**
   * Lower and upper clamp of the trend ratio, so one odd minute cannot zero or explode the forecast.
   * The lower one also bounds how far traffic that fell and stayed low takes the forecast below the
   * seasonal lookahead: at 0.5 a model whose traffic stopped kept capacity for half of yesterday's
   * level for a week (a black-box review: 19-63 replicas at 0 requests/s, against 2 for reactive;
   * the sample week with search-ranking stopped on day 3 at 81.5% utilization). At 0.1 that week
   * is 82.4%; the sample and generated weeks (seeds, 5% and 8% noise, New Year) give the same
   * figures, the undeclared-sale week 72,197 CNY instead of 72,480, the 14-day replay whose traffic
   * halves 83.5% instead of 83.2%, and a 60- or 180-minute outage of every model the same misses at
   * recovery (77-80 minutes; the current-rate trigger brings the replicas back).
   * @default 0.1, 4
   */
  readonly minRatio: number;
  readonly maxRatio: number;
  /** Requests/s added to both sides of the ratio so idle models give 1, not 0/0. @default 1 */
  readonly ratioOffsetRps: number;
  /** Minutes of the trailing mean the lookahead reads (`rate(...[5m])`), damping per-minute noise. @default 5 */
  readonly smoothMinutes: number;
  /** Minutes over which the per-minute noise is measured. @default 30 */
  readonly noiseMinutes: number;
  /**
   * Standard deviations of per-minute noise added to the forecast (the robust estimate of
   * `noiseRatio`; the figures below were measured with the plain one, and the sample week and the
   * generated weeks give the same utilization and misses within 0.1 point and 0.01% with either). Measured on generated weeks
   * (tools/bench-capacity.ts, targetUtilization 0.95): 2 keeps SLO misses under 0.1% at 3% and at 5%
   * per-minute noise, 1.5 let them reach 0.14% at 5%, 2.5 cost another point of utilization.
   * @default 2
   */
  readonly noiseBand: number;
  /**
   * Fewest standard deviations of noise between the forecast and what the replicas serve at
   * `rpsPerReplica`, counting the spec's own `targetUtilization` headroom: the band is widened
   * until `(1 + band) / targetUtilization >= 1 + minMarginSigmas × noise`. A fixed headroom of 5%
   * (target 0.95) covers about two noise deviations at 3% per-minute noise but under one at 6%,
   * where `noiseBand` alone missed the SLO in 0.154% of model-minutes (0.274% at 8%, 0.384% at 10%).
   * Measured on generated weeks (tools/bench-capacity.ts, target 0.95): 4 keeps the misses at
   * 0.064% at 5% noise, 0.079% at 6% and 0.099% at 8% (0.124% at 10%), for 0.1-0.2 points of
   * utilization at 3%; 3.5 still missed 0.166% at 8%, 3 changed little. A model at the default
   * target (0.8) keeps `noiseBand` up to 16% noise.
   * @default 4
   */
  readonly minMarginSigmas: number;
  /**
   * Carrying an undeclared rise on over the lead time (`trendAhead`): the 10-minute trend lags a
   * ramp by 5 minutes and the lead adds 4-5, so capacity trailed a campaign's ramp all along. Only a
   * rise over the trend 10 minutes before of more than `rampSigmas` × the noise then × trend counts
   * (noise and day-to-day differences of the daily shape would buy capacity everywhere); `rampGain`
   * makes up for the minutes a ramp takes to pass it. Measured (prod, the no-event week `--start
   * 2026-12-13T16:00Z`, Saturday 19:00 local x2 for 4 h over 30 min): misses 0.174% -> 0.083%
   * (Thursday 11:00 0.169 -> 0.095%); over 60 min 0.083 -> 0.041%; 3x over 30 min 0.219 -> 0.125%;
   * 3x at once 0.066 -> 0.062%. Price: sample week 83.53 -> 83.42% (misses 0.015 -> 0.012%), seed 1
   * 83.54 -> 83.38%, 5% noise 78.00 -> 77.81%, 8% 69.87 -> 69.67%, the no-event week 63,338 -> 63,396
   * CNY. With the noise now, not 10 minutes ago: 0.095% (Thursday 0.109%) for 83.45%; 5 sigmas
   * 0.098% (0.104%); gain 1.5 at 5 sigmas 0.093% (0.104%); a 5-minute trend against the 10 before
   * 0.083% (0.089%) but 0.29 points at 8% noise.
   * @default 4, 1.25
   */
  readonly rampSigmas: number;
  readonly rampGain: number;
}

/** Defaults: a 10-minute trend reacts within one cold start yet averages out per-minute noise. */
export const FORECAST_DEFAULTS: ForecastParams = {
  trendMinutes: 10,
  minRatio: 0.1,
  maxRatio: 4,
  ratioOffsetRps: 1,
  smoothMinutes: 5,
  noiseMinutes: 30,
  noiseBand: 2,
  minMarginSigmas: 4,
  rampSigmas: 4,
  rampGain: 1.25,
};

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
 * History that fell inside a declared event is divided by that event's multiplier, so last
 * Saturday's flash sale does not make this Saturday look eight times busier.
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
  const eventFloor =
    event > held
      ? Math.max(held, shownEventFloor(event, eventLift(series, t, clock, params), params.maxRatio))
      : held;
  let best = -1;
  for (const p of SEASONS_MINUTES) {
    if (t - p - k - w < 0) continue;
    const agoMs = clock.nowMs - p * 60_000;
    // Lookahead on the trailing w-minute mean, shifted by half its window so it tracks the level.
    let look = 0;
    const end = Math.min(t - p + leadMin + half, t - 1);
    for (let i = t - p + half; i <= end; i++) look = Math.max(look, trailingMean(series, i, w));
    look /= eventMultiplier(clock.events, agoMs, leadMin);
    // A period with no traffic then (a day of outage or lost data, a model not yet serving) says
    // nothing about now: without it the forecast would be 0 and the platform purely reactive.
    // Traffic now against trend minutes that had none then is no trend (the ratio would read 4x);
    // both idle (a quiet night, as the night before) is a ratio of 1 and keeps the lookahead.
    const short = trendMeans(series, t, p, k, agoMs, clock.events);
    if (look <= 0 || (short.past === 0 && short.now > 0)) continue;
    const ratio = trendAhead(series, t, p, leadMin, clock, params, clampedRatio(short, params));
    // Up at once (the short trend), down only as far as the long trend says: a level that fell
    // for an hour, not a few noisy minutes. A declared event ahead floors it at its multiplier
    // while it is held, then at the lift its traffic shows.
    const floor =
      eventFloor > 1
        ? eventFloor
        : t - p - DOWN_TREND_MINUTES < 0
          ? 1
          : Math.min(
              1,
              clampedRatio(trendMeans(series, t, p, DOWN_TREND_MINUTES, agoMs, clock.events), params),
            );
    best = Math.max(best, look * Math.max(ratio, floor));
  }
  // Without history: the last minute's rate times the event ahead, less the event that minute was
  // already in (otherwise a model that starts during a sale sees the multiplier twice and holds max).
  return best >= 0 ? best : (series[t - 1] * event) / eventMultiplier(clock.events, clock.nowMs - 60_000, 0);
}

/**
 * The lift the traffic shows: the largest short trend of either season over the decision minutes
 * of the last `EVENT_LIFT_MINUTES` (this one included), 0 without any - what
 * `max(max_over_time(<trend>[60m])) or vector(0)` reads in Prometheus. A season counts at a minute
 * where it has history and its trend is defined (as in `forecastAt`).
 */
function eventLift(series: Float64Array, t: number, clock: ForecastClock, params: ForecastParams): number {
  const k = params.trendMinutes;
  let lift = 0;
  for (const p of SEASONS_MINUTES)
    for (let j = 0; j < EVENT_LIFT_MINUTES; j++) {
      if (t - j - p - k - params.smoothMinutes < 0) break;
      const short = trendMeans(series, t - j, p, k, clock.nowMs - (p + j) * 60_000, clock.events);
      if (!(short.past === 0 && short.now > 0)) lift = Math.max(lift, clampedRatio(short, params));
    }
  return lift;
}

/**
 * `rampGain` × (trendMinutes / 2 + lead) / trendMinutes: the rise of the trend over its last
 * `trendMinutes` is carried on from the middle of its window to the end of the lead time.
 */
export function rampAheadFactor(leadMin: number, params: ForecastParams = FORECAST_DEFAULTS): number {
  return (params.rampGain * (params.trendMinutes / 2 + leadMin)) / params.trendMinutes;
}

/**
 * The short trend `ratio` of season `p`, carried on over the lead time while it rises: rise = ratio
 * - the same trend `trendMinutes` earlier; above `rampSigmas` × the noise then × ratio, ratio + rise ×
 * `rampAheadFactor` (at most `maxRatio`), else ratio. Without the earlier trend (no history, or no
 * traffic then against some now), ratio.
 */
function trendAhead(
  series: Float64Array,
  t: number,
  p: number,
  leadMin: number,
  clock: ForecastClock,
  params: ForecastParams,
  ratio: number,
): number {
  const k = params.trendMinutes;
  if (t - k - p - k - params.smoothMinutes < 0) return ratio;
  const before = trendMeans(series, t - k, p, k, clock.nowMs - (p + k) * 60_000, clock.events);
  if (before.past === 0 && before.now > 0) return ratio;
  const rise = ratio - clampedRatio(before, params);
  // The noise as it was 10 minutes ago, before the rise: a ramp's own minutes read as noise (3% a
  // minute is 6% off the trailing 5-minute mean), which held the threshold above the ramp it measured.
  if (!(rise > 0 && rise > ratio * (params.rampSigmas * noiseRatio(series, t - k, params)))) return ratio;
  return Math.min(params.maxRatio, ratio + rise * rampAheadFactor(leadMin, params));
}

/**
 * Mean rate of the last `k` minutes and of the same minutes `p` minutes ago, that window divided by
 * the multiplier of an event in it.
 */
function trendMeans(
  series: Float64Array,
  t: number,
  p: number,
  k: number,
  agoMs: number,
  events: readonly EventWindow[],
): { now: number; past: number } {
  let now = 0;
  let past = 0;
  for (let i = t - k; i < t; i++) {
    now += series[i];
    past += series[i - p];
  }
  return { now: now / k, past: past / eventMultiplier(events, agoMs - k * 60_000, k) / k };
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
