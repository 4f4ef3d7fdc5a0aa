/**
 * The level-foresight reference between `platform` and `oracle` (`levelForesightBound`, see
 * simulate.ts) and the level and noise of a traffic series it sizes on (`levelAndNoise`). Pure: no
 * Pulumi imports.
 */
import type { ModelSpec } from "../config/model-schema";
import type { StackConfig } from "../config/stack-schema";
import { runAutoscaled } from "./autoscaled-replay";
import { eventWindows } from "./event-windows";
import { runOracle } from "./oracle-replay";
import { ModelCtx, poolContexts } from "./replay-context";
import { Accumulator, StrategyResult } from "./strategy-result";
import type { Traffic } from "./traffic";

/** Options of `levelForesightBound`. */
export interface LevelForesightOptions {
  /** SLO-miss budget in percent of model-minutes. @default 0.1 (the target) */
  readonly maxMissPct?: number;
  /** Minutes on each side of the centred mean that stands for a model's traffic level. @default 7 */
  readonly halfWindowMinutes?: number;
  /**
   * Run the foreseen level through the deployed controls instead of starting replicas instantly:
   * `platform`'s replay with its forecast trigger replaced by the largest level of the next lead
   * time × (1 + zσ), aimed at the full `rpsPerReplica` (the margin is all in z), beside the
   * current-rate trigger, the drain spare (on the foreseen level), HPA tolerance and scale-down
   * window, cold starts, node provisioning and Karpenter consolidation. What the controls cost a
   * controller that knew the level.
   * @default false
   */
  readonly throughControls?: boolean;
}

/** Result of `levelForesightBound`: the strategy figures and the margin it needed. */
export interface LevelForesightResult extends StrategyResult {
  /** Standard deviations of each model's noise around its level that the replicas are sized for. */
  readonly z: number;
}

/**
 * A reference for the gap to `oracle`: the best a controller could do that foresees each model's
 * traffic level but not its per-minute noise. The level of minute t is the centred mean of the rate
 * over t ± `halfWindowMinutes` (the future included); σ is the model's noise around it over the
 * whole replay (standard deviation of rate / level - 1); each minute the model runs
 * ceil(level × (1 + zσ) / rpsPerReplica) replicas, started instantly and packed into the cheapest
 * nodes for that minute as in `oracle`. z is the smallest that keeps SLO misses within
 * `maxMissPct` (bisection: a larger z never runs fewer replicas, so never misses more).
 * Everything it is given is more than a deployed autoscaler has - the future level, the week's σ,
 * z fitted after the fact, no cold start, no node provisioning, no fragmentation - so no controller
 * that sizes on a forecast of the level is expected to beat it on the same traffic and miss rate.
 * With `throughControls` only the foresight and the fitted z remain an advantage; there a larger z
 * could in principle reshuffle pods onto nodes that consolidation drains differently, so the z
 * found keeps within the budget but is the smallest only as far as misses fall with z (they do on
 * every week measured).
 */
export function levelForesightBound(
  config: StackConfig,
  specs: readonly ModelSpec[],
  traffic: Traffic,
  options: LevelForesightOptions = {},
): LevelForesightResult {
  const maxMissPct = options.maxMissPct ?? 0.1;
  const pools = poolContexts(config, specs, traffic);
  // Declared sales start and end on known minutes: the level does not average across the step.
  const minuteOf = (ms: number) => Math.ceil((ms - traffic.startMs) / 60_000);
  const breaks = eventWindows(config.events).flatMap((e) => [minuteOf(e.startMs), minuteOf(e.endMs)]);
  const shapes = new Map<ModelCtx, { level: Float64Array; sigma: number }>();
  for (const { models } of pools.values())
    for (const c of models) shapes.set(c, levelAndNoise(c.series, options.halfWindowMinutes ?? 7, breaks));
  const run = (z: number) => {
    const acc = new Accumulator();
    for (const { pool, models } of pools.values()) {
      if (options.throughControls) {
        const forecast = (c: ModelCtx, t: number) => {
          const { level, sigma } = shapes.get(c)!;
          let peak = 0;
          for (let j = t; j <= Math.min(t + c.lead, level.length - 1); j++) peak = Math.max(peak, level[j]);
          return { rps: peak * (1 + z * sigma), perReplica: c.spec.serving.rpsPerReplica, level: peak };
        };
        runAutoscaled(true, pool, models, config, traffic, acc, { forecast });
      } else
        runOracle(pool, models, config, traffic.minutes, acc, (c, t) => {
          const { level, sigma } = shapes.get(c)!;
          return (level[t] * (1 + z * sigma)) / c.spec.serving.rpsPerReplica;
        });
    }
    return acc.result(traffic.models.length * traffic.minutes);
  };
  const met = (r: StrategyResult) => r.sloViolationPct <= maxMissPct;
  let best = run(0);
  if (met(best)) return { ...best, z: 0 };
  // Widen until the budget is met (a level that is a plain mean misses about half the minutes at
  // z = 0), then halve the interval: 0.001 sigma is far below one replica's step.
  let lo = 0;
  let hi = 1;
  best = run(hi);
  while (!met(best) && hi < 64) {
    lo = hi;
    hi *= 2;
    best = run(hi);
  }
  while (hi - lo > 1e-3 && met(best)) {
    const mid = (lo + hi) / 2;
    const r = run(mid);
    if (met(r)) {
      hi = mid;
      best = r;
    } else lo = mid;
  }
  return { ...best, z: hi };
}

/**
 * A series' level and its noise around it. The level of minute i is the mean of the minutes i ± `half`
 * other than i itself (so it carries none of that minute's noise), within the same stretch between
 * `breaks` (minute indices where the traffic steps by design, such as a declared sale's start and
 * end, which a controller knows in advance); shorter at the ends. The noise is the population
 * standard deviation of series / level - 1 over the minutes with a level above zero.
 */
export function levelAndNoise(
  series: Float64Array,
  half: number,
  breaks: readonly number[] = [],
): { level: Float64Array; sigma: number } {
  const n = series.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + series[i];
  const cuts = [0, ...breaks.filter((b) => b > 0 && b < n), n].sort((a, b) => a - b);
  const level = new Float64Array(n);
  let count = 0;
  let sq = 0;
  let seg = 0;
  for (let i = 0; i < n; i++) {
    while (cuts[seg + 1] <= i) seg++;
    const from = Math.max(cuts[seg], i - half);
    const to = Math.min(cuts[seg + 1] - 1, i + half);
    const others = to - from;
    level[i] = others > 0 ? (prefix[to + 1] - prefix[from] - series[i]) / others : series[i];
    if (level[i] > 0) {
      count++;
      sq += (series[i] / level[i] - 1) ** 2;
    }
  }
  return { level, sigma: count > 0 ? Math.sqrt(sq / count) : 0 };
}
