/**
 * The forecast's tuning (`ForecastParams`, `FORECAST_DEFAULTS`) and its fixed windows, shared by the
 * simulator (`forecast.ts`) and the Prometheus rules (`forecast-rules.ts`); each value is documented
 * with what it was measured against. Pure: no Pulumi imports.
 */
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
  /**
   * A second, faster ramp test beside it: the 5-minute trend's rise over the 5 minutes before, at a
   * high threshold. What the 10-minute test leaves to a fast ramp is its first 5-15 minutes: its
   * rise is the mean of a ramp not yet 10 minutes old against a flat window, under half the slope
   * (3x over 30 minutes: carried to 1.2x where 1.7x comes). Lowering `rampSigmas` bought that with
   * capacity on every noisy week; the 5-minute rise is twice as large early on, so it can wait for
   * 8 deviations (about 9 of the rise's own noise, which a noisy week almost never reaches) and still
   * see a 3x ramp 5-7 minutes in. Measured (prod, misses before -> after): 3x over 30 min 0.125 ->
   * 0.088%; 2.5x over 20 min on an unseen week (seed 11, Tuesday 14:30 local) 0.135 -> 0.094%; 2x
   * over 30 min 0.083 -> 0.070%; sample week 83.42 -> 83.40% (0.012%), seed 1 83.38 -> 83.37%, 5%
   * noise 77.81 -> 77.80%, 8% 69.67 -> 69.67%; a 3x step 83.47 -> 83.28% (0.062%). 7 sigmas cost
   * 0.05 points at 5% noise, 10 left 3x over 30 min at 0.098%, gain 1 at 8 sigmas 0.097%, gain 2
   * 0.07 points on the 3x step for no fewer misses; a 5-minute trend against the 10 minutes before
   * 0.116%. Persistence (the test met at 2-3 consecutive minutes) cost more minutes than it saved.
   * @default 5, 8, 1.5
   */
  readonly fastRampMinutes: number;
  readonly fastRampSigmas: number;
  readonly fastRampGain: number;
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
  fastRampMinutes: 5,
  fastRampSigmas: 8,
  fastRampGain: 1.5,
};

/** One ramp test: its trend window, the noise multiple its rise must pass, the gain it carries on. */
export interface RampTest {
  readonly minutes: number;
  readonly sigmas: number;
  readonly gain: number;
}

/**
 * The forecast's ramp tests, the `trendMinutes` one and the fast one: the simulator
 * (forecast.ts `trendAhead`) and the recorded rule (forecast-rules.ts) both read this list, so the
 * two cannot pair a window with another test's threshold or gain.
 */
export function rampTests(params: ForecastParams): RampTest[] {
  return [
    { minutes: params.trendMinutes, sigmas: params.rampSigmas, gain: params.rampGain },
    { minutes: params.fastRampMinutes, sigmas: params.fastRampSigmas, gain: params.fastRampGain },
  ];
}
