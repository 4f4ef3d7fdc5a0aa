/**
 * Minute-by-minute replay of per-model traffic through four capacity strategies (DESIGN section 6):
 * - `static`   whole GPUs for each model's weekly peak, one model per GPU, always on (the "before");
 * - `reactive` KEDA/HPA on current traffic only with the stock HPA settings (10% tolerance),
 *              Karpenter nodes, time-sliced packing;
 * - `platform` what this project deploys: `reactive` plus the forecast trigger, the drain-spare
 *              trigger (in the daily drain window, one replica over the larger of the forecast level
 *              and the current rate at full `rpsPerReplica`) and the event cron triggers of
 *              `autoscaling.ts`, with the same targets and formula, and the HPA tolerance of
 *              `hpaTolerance(config.cluster.kubernetesVersion)`;
 * - `oracle`   perfect foresight and instant start: exactly the replicas each minute needs, packed
 *              into the cheapest nodes, billed per minute (the limit).
 * `levelForesightBound` is not a strategy but a reference between the two: what a controller that
 * foresees each model's traffic level, though not its per-minute noise, could reach - starting
 * replicas instantly, or through the deployed controls (`throughControls`).
 *
 * The model of the real controls, and its simplifications:
 * - KEDA polls every 15 s; with per-minute traffic this is one decision per minute that sees the
 *   rate of the previous minute (what `rate(...[1m])` holds at that moment);
 * - HPA: each metric proposes `ceil(value / target)` unless within the tolerance of the current
 *   replicas (per direction), the max proposal wins (cron triggers propose their `desiredReplicas`); scale-up is
 *   immediate, scale-down takes the max recommendation of the last 300 s (stabilisation window);
 * - a new pod is ready `coldStartSeconds` after it starts, and a pod that needs a new node starts
 *   when the node is ready, `provisioningSeconds` after Karpenter launches it (cheapest fit for all
 *   pods pending in that minute); a replica counts from the first whole minute it is ready;
 * - pods fill the oldest node with free GPU devices (a bin-packing placement); zone spread is not
 *   modelled here (see `packPool`); scale-down deletes the newest pods first; empty nodes are
 *   removed after the pool's `consolidateAfter`;
 * - warm capacity (`minGpus > 0`): `warmSlots(pool)` one-slot pause pods, as deployed. A replica
 *   that finds no free slot on a ready node preempts pause pods on one (it starts at once, ready
 *   after its cold start, with no node to wait for); the preempted pause pods take free slots
 *   elsewhere or a node of their own, so the headroom is always there, on top of the load;
 * - Karpenter consolidation follows `karpenterDisruption(pool, config.timeZone, config.events)`, the
 *   NodePool's `spec.disruption`: where its budgets allow reason `Underutilized` (serving pools,
 *   22:00-10:00 local, outside the declared sales' freezes), one underused node a minute whose pods fit on the other ready nodes for
 *   `consolidateAfter` is drained: the PodDisruptionBudget (`maxUnavailable: 1`) lets Karpenter
 *   evict one pod of each model at a time, the next once the replacement (started elsewhere at
 *   once) is ready, so a model with j pods there is one replica short for j cold starts; the node
 *   takes no new pods and is billed until its last pod has left. No node holding a pod of a model
 *   with a pod not ready is drained (its budget allows no eviction then), nor one holding a pod of
 *   a model whose replica count is fixed (`pinsItsNodes`: Karpenter's do-not-disrupt), and nodes empty for
 *   `consolidateAfter` are removed before a node with pods is drained, as Karpenter tries
 *   emptiness first;
 *   `reactive` and `platform` share the cluster, so both get the same consolidation;
 * - `maxGpus` is not enforced (the result reports the peak GPUs so a binding limit is visible);
 * - pods are packed by GPU slices only: their CPU and memory requests are not checked against the
 *   node's (a spec asking for more CPU than an instance's share per slice would need bigger nodes);
 * - a model is replayed as one variant carrying all its traffic (the CSV is per model); deployed, a
 *   canary or weighted experiment takes its weight's share of the same forecast and event floor, so
 *   the total differs by the rounding of one more variant.
 *
 * `gpuUtilization` = GPU-busy seconds (served rps / rpsPerReplica × the GPU part a replica holds:
 * `share` at the pool's granularity) / provisioned GPU seconds
 * (whole GPUs of every node from launch to removal). An SLO-miss minute is one in which a model's
 * demand exceeds its ready replicas × rpsPerReplica. Pure: no Pulumi imports.
 */
import { durationSeconds } from "../config/duration";
import type { ModelSpec } from "../config/model-schema";
import type { GpuPool, StackConfig } from "../config/stack-schema";
import {
  HPA_DEFAULT_TOLERANCE,
  HpaTolerance,
  hpaTolerance,
  karpenterDisruption,
  cronFloorAt,
  cronStartMs,
  eventBaselinesFromHistory,
  forecastTargetPerReplica,
  kedaTargetPerReplica,
  DRAIN_SPARE_REPLICAS,
  SCALE_DOWN_STABILIZATION_SECONDS,
  underutilizedConsolidationAllowed,
} from "./autoscaling";
import { pinsItsNodes } from "./drain-window";
import { EventWindow, eventWindows, forecastLevelAndBand, leadMinutes } from "./forecast";
import {
  cheapestSplitMix,
  instanceOptions,
  InstanceOption,
  replicaDevices,
  smallestSlots,
  replicaGpus,
  staticFleet,
  staticGpus,
  staticReplicas,
  warmSlots,
} from "./packing";
import type { Traffic } from "./traffic";

/** The four strategies, in report order. */
export const STRATEGIES = ["static", "reactive", "platform", "oracle"] as const;
/** One strategy name. */
export type StrategyName = (typeof STRATEGIES)[number];

/** Outcome of one strategy over the replay. */
export interface StrategyResult {
  /** GPU-busy seconds / provisioned GPU seconds, 0-1. */
  readonly gpuUtilization: number;
  readonly gpuHours: number;
  readonly cost: number;
  /** Percent of model-minutes whose demand exceeded ready capacity. */
  readonly sloViolationPct: number;
  /**
   * Ready replicas' GPU share-seconds / provisioned GPU seconds, 0-1: how much of what is paid for
   * holds a replica that can serve (the rest: pods starting, nodes provisioning or draining, free
   * slices). `gpuUtilization` / `readyFraction` is how busy the ready replicas are.
   */
  readonly readyFraction: number;
  readonly sloMissMinutes: number;
  /** Most GPUs provisioned at once. */
  readonly peakGpus: number;
  /** Most GPUs provisioned at once in each pool, by pool name (to check against its `maxGpus`). */
  readonly peakGpusByPool: Readonly<Record<string, number>>;
}

/** One model's share of the replay: a total can hide one model that fails. */
export interface ModelResult {
  readonly name: string;
  readonly pool: string;
  /** Minutes in which this model's demand exceeded its ready capacity, per strategy. */
  readonly sloMissMinutes: Record<StrategyName, number>;
  /** `replicas.max` × `rpsPerReplica`: the most the deployed autoscaler lets the model serve. */
  readonly maxCapacityRps: number;
  /** Minutes whose demand is above `maxCapacityRps` (`oracle` and `static` do not stop at max). */
  readonly minutesAboveMaxReplicas: number;
  /**
   * Minutes with demand above 0: the minutes the model serves, which its own SLO-miss share counts
   * (a model launched on the last day is not diluted by the days before it).
   */
  readonly servingMinutes: number;
}

/** Result of `simulate`. */
export interface SimulationResult {
  readonly currency: string;
  readonly minutes: number;
  readonly modelMinutes: number;
  readonly strategies: Record<StrategyName, StrategyResult>;
  /** Per model, in name order. */
  readonly models: readonly ModelResult[];
  /** The replayed pools, in the stack's order, with their GPU limit. */
  readonly pools: readonly { readonly name: string; readonly maxGpus: number }[];
}

/** Karpenter v1 `spec.disruption.consolidationPolicy` values. */
export type ConsolidationPolicy = "WhenEmpty" | "WhenEmptyOrUnderutilized";

/** Options of `simulate`. */
export interface SimulateOptions {
  /** Called with the fraction done (0-1) after each simulated day of each strategy. */
  readonly onProgress?: (fraction: number, strategy: StrategyName) => void;
  /**
   * Karpenter consolidation to model instead of the deployed one, at every hour (what-if runs of
   * the benchmark). @default `karpenterDisruption(pool, config.timeZone, config.events)` with its
   * budget window and the sales' freezes
   */
  readonly consolidationPolicy?: ConsolidationPolicy;
  /**
   * Whether declared sales freeze the draining of underused nodes, as deployed (what-if: `false`
   * drains them during sales too). @default true
   */
  readonly salesFreeze?: boolean;
  /**
   * HPA tolerance of `reactive` instead of the Kubernetes default (what-if: the platform's tolerance
   * without its forecast). @default HPA_DEFAULT_TOLERANCE
   */
  readonly reactiveTolerance?: HpaTolerance;
  /**
   * `oracle` keeps each model's `targetUtilization` headroom instead of running replicas at 100%
   * (what-if: separates the headroom the specs ask for from what control costs). @default false
   */
  readonly oracleAtTarget?: boolean;
  /** Called for every model-minute with the demand and the ready replicas (tests, debugging). */
  readonly trace?: (
    strategy: StrategyName,
    model: string,
    minute: number,
    demand: number,
    ready: number,
  ) => void;
}

interface ModelCtx {
  readonly spec: ModelSpec;
  readonly series: Float64Array;
  readonly devices: number;
  /**
   * The part of a GPU one replica holds: its devices at the pool's granularity, not the spec's
   * `share`, which may be up to 5% off a MIG slice (0.1495 for a 1/7 slice counted 104.7% busy).
   */
  readonly gpus: number;
  readonly lead: number;
  readonly target: number;
  readonly forecastTarget: number;
  /** The model's usual rate in each event's hours, from the replayed days before its pre-scale. */
  readonly eventBaselines: Readonly<Record<string, number>>;
}

/** Replays `traffic` (its models must all have a spec) through every strategy. */
export function simulate(
  config: StackConfig,
  specs: readonly ModelSpec[],
  traffic: Traffic,
  options: SimulateOptions = {},
): SimulationResult {
  const pools = poolContexts(config, specs, traffic);
  const modelMinutes = traffic.models.length * traffic.minutes;
  const strategies = {} as Record<StrategyName, StrategyResult>;
  const missesByModel = new Map<string, Record<StrategyName, number>>();
  STRATEGIES.forEach((name, k) => {
    const trace = options.trace;
    const acc = new Accumulator(trace && ((model, t, d, r) => trace(name, model, t, d, r)));
    for (const { pool, models } of pools.values()) {
      const progress = (f: number) => options.onProgress?.((k + f) / STRATEGIES.length, name);
      if (name === "static") runStatic(pool, models, config, traffic.minutes, acc);
      else if (name === "oracle") {
        const perReplica = (c: ModelCtx) =>
          options.oracleAtTarget ? c.target : c.spec.serving.rpsPerReplica;
        runOracle(
          pool,
          models,
          config,
          traffic.minutes,
          acc,
          (c, t) => c.series[t] / perReplica(c),
          progress,
        );
      } else
        runAutoscaled(name === "platform", pool, models, config, traffic, acc, {
          progress,
          policy: options.consolidationPolicy,
          salesFreeze: options.salesFreeze,
          reactiveTolerance: options.reactiveTolerance,
        });
    }
    strategies[name] = acc.result(modelMinutes);
    for (const model of traffic.models) {
      const row = missesByModel.get(model) ?? ({} as Record<StrategyName, number>);
      row[name] = acc.missesOf(model);
      missesByModel.set(model, row);
    }
    options.onProgress?.((k + 1) / STRATEGIES.length, name);
  });
  const models = [...pools.values()]
    .flatMap(({ pool, models: ctxs }) =>
      ctxs.map((c): ModelResult => {
        const maxCapacityRps = c.spec.serving.replicas.max * c.spec.serving.rpsPerReplica;
        let above = 0;
        let serving = 0;
        for (const v of c.series) {
          if (v > maxCapacityRps + 1e-9) above++;
          if (v > 0) serving++;
        }
        return {
          name: c.spec.name,
          pool: pool.name,
          sloMissMinutes: missesByModel.get(c.spec.name)!,
          maxCapacityRps,
          minutesAboveMaxReplicas: above,
          servingMinutes: serving,
        };
      }),
    )
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const replayed = config.gpuPools
    .filter((p) => pools.has(p.name))
    .map((p) => ({ name: p.name, maxGpus: p.maxGpus }));
  return {
    currency: config.pricing.currency,
    minutes: traffic.minutes,
    modelMinutes,
    strategies,
    models,
    pools: replayed,
  };
}

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

/** The models of `traffic` grouped by the pool they serve from, with what every strategy needs. */
function poolContexts(
  config: StackConfig,
  specs: readonly ModelSpec[],
  traffic: Traffic,
): Map<string, { pool: GpuPool; models: ModelCtx[] }> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const pools = new Map<string, { pool: GpuPool; models: ModelCtx[] }>();
  // By name, not by the CSV's order: pods are placed model by model, and the same traffic must give
  // the same result however its rows are sorted.
  const order = traffic.models.map((name, m) => ({ name, m })).sort((a, b) => (a.name < b.name ? -1 : 1));
  order.forEach(({ name, m }) => {
    const spec = byName.get(name);
    if (!spec) throw new Error(`traffic has model ${name} but no model spec defines it`);
    const pool = config.gpuPools.find((p) => p.name === spec.serving.gpu.pool);
    if (!pool) throw new Error(`model ${name}: unknown pool ${spec.serving.gpu.pool}`);
    const entry = pools.get(pool.name) ?? { pool, models: [] };
    entry.models.push({
      spec,
      series: traffic.rps[m],
      devices: replicaDevices(spec.serving.gpu.share, pool),
      gpus: replicaGpus(spec.serving.gpu.share, pool),
      lead: leadMinutes(spec, pool),
      target: kedaTargetPerReplica(spec),
      forecastTarget: forecastTargetPerReplica(spec),
      eventBaselines: eventBaselinesFromHistory(traffic, name, config, (e) =>
        cronStartMs(e, leadMinutes(spec, pool)),
      ),
    });
    pools.set(pool.name, entry);
  });
  return pools;
}

class Accumulator {
  busyGpuSec = 0;
  readyGpuSec = 0;
  gpuSec = 0;
  cost = 0;
  misses = 0;
  peakGpus = 0;
  private readonly modelMisses = new Map<string, number>();
  /** Gpus provisioned per minute index, summed over pools (for the peak). */
  private readonly perMinute = new Map<number, number>();
  private readonly poolPeaks = new Map<string, number>();

  constructor(private readonly trace?: (model: string, t: number, demand: number, ready: number) => void) {}

  serve(demand: number, ready: number, model: Pick<ModelCtx, "spec" | "gpus">, t: number): void {
    const { spec, gpus } = model;
    this.trace?.(spec.name, t, demand, ready);
    const capacity = ready * spec.serving.rpsPerReplica;
    if (demand > capacity + 1e-9) {
      this.misses++;
      this.modelMisses.set(spec.name, (this.modelMisses.get(spec.name) ?? 0) + 1);
    }
    this.readyGpuSec += ready * gpus * 60;
    this.busyGpuSec += (Math.min(demand, capacity) / spec.serving.rpsPerReplica) * gpus * 60;
  }

  /** SLO-miss minutes of one model so far. */
  missesOf(model: string): number {
    return this.modelMisses.get(model) ?? 0;
  }

  provision(pool: string, t: number, gpus: number, hourly: number): void {
    if (gpus > (this.poolPeaks.get(pool) ?? 0)) this.poolPeaks.set(pool, gpus);
    this.gpuSec += gpus * 60;
    this.cost += hourly / 60;
    const total = (this.perMinute.get(t) ?? 0) + gpus;
    this.perMinute.set(t, total);
    if (total > this.peakGpus) this.peakGpus = total;
  }

  result(modelMinutes: number): StrategyResult {
    return {
      gpuUtilization: this.gpuSec > 0 ? this.busyGpuSec / this.gpuSec : 0,
      readyFraction: this.gpuSec > 0 ? this.readyGpuSec / this.gpuSec : 0,
      gpuHours: this.gpuSec / 3600,
      // To the cent: a sum of per-minute prices carries float dust (65493.049999999355) into --json.
      cost: Math.round(this.cost * 100) / 100,
      sloViolationPct: modelMinutes > 0 ? (100 * this.misses) / modelMinutes : 0,
      sloMissMinutes: this.misses,
      peakGpus: this.peakGpus,
      peakGpusByPool: Object.fromEntries(this.poolPeaks),
    };
  }
}

function runStatic(
  pool: GpuPool,
  models: ModelCtx[],
  config: StackConfig,
  minutes: number,
  acc: Accumulator,
) {
  const fleet: { gpus: number; replicaGpus: number }[] = [];
  const replicas = models.map((c) => {
    let peak = 0;
    for (const v of c.series) if (v > peak) peak = v;
    fleet.push({
      gpus: staticGpus(c.spec, peak, pool),
      replicaGpus: replicaGpus(c.spec.serving.gpu.share, pool),
    });
    return staticReplicas(c.spec, peak);
  });
  const { gpus, hourly } = staticFleet(pool, config, fleet);
  for (let t = 0; t < minutes; t++) {
    models.forEach((c, i) => acc.serve(c.series[t], replicas[i], c, t));
    acc.provision(pool.name, t, gpus, hourly);
  }
}

/**
 * Per-minute provisioning without any control delay: each minute every model gets
 * `ceil(replicasWanted(model, minute))` replicas (at least `replicas.min`), packed with the pool's
 * pause pods into the cheapest nodes for that minute alone and billed for it. `oracle` wants exactly
 * its demand; the level-foresight bound its smoothed level plus a noise margin.
 */
function runOracle(
  pool: GpuPool,
  models: ModelCtx[],
  config: StackConfig,
  minutes: number,
  acc: Accumulator,
  replicasWanted: (c: ModelCtx, t: number) => number,
  progress?: (f: number) => void,
) {
  const options = instanceOptions(pool, config);
  const smallest = smallestSlots(options);
  // The pool's pause pods hold their slots whatever the strategy: headroom on top of the replicas.
  const warm = warmSlots(pool);
  const cache = new Map<string, { gpus: number; hourly: number }>();
  for (let t = 0; t < minutes; t++) {
    // Slots of pods only the bigger types hold, and the largest of them; slots of the others.
    let big = 0;
    let largestBig = 0;
    let small = 0;
    for (const c of models) {
      const r = Math.max(c.spec.serving.replicas.min, Math.ceil(replicasWanted(c, t) - 1e-9));
      if (c.devices > smallest) {
        big += r * c.devices;
        if (r > 0) largestBig = Math.max(largestBig, c.devices);
      } else small += r * c.devices;
      acc.serve(c.series[t], r, c, t);
    }
    small += warm;
    const key = `${big}/${largestBig}/${small}`;
    let mix = cache.get(key);
    if (!mix) {
      const nodes = cheapestSplitMix(options, big, largestBig, small) ?? [];
      mix = { gpus: nodes.reduce((a, n) => a + n.gpus, 0), hourly: nodes.reduce((a, n) => a + n.hourly, 0) };
      cache.set(key, mix);
    }
    acc.provision(pool.name, t, mix.gpus, mix.hourly);
    if (t % 1440 === 1439) progress?.((t + 1) / minutes);
  }
}

interface SimNode {
  readonly option: InstanceOption;
  readonly readySec: number;
  used: number;
  emptySince: number;
  /** First minute since which the node's pods would fit on the other nodes (underutilized). */
  movableSince: number;
  /** Being drained by consolidation: tainted, removed once this second has passed. */
  drainedAtSec?: number;
  /** Warm-capacity pause pods on the node (one slot each, counted in `used`). */
  warm: number;
}

/** What `runAutoscaled` may vary beyond the strategy. */
interface AutoscaledOptions {
  readonly progress?: (f: number) => void;
  /** Consolidation at every hour instead of the deployed budget window. */
  readonly policy?: ConsolidationPolicy;
  /** Whether declared sales freeze consolidation. @default true */
  readonly salesFreeze?: boolean;
  /** HPA tolerance of `reactive`. @default HPA_DEFAULT_TOLERANCE */
  readonly reactiveTolerance?: HpaTolerance;
  /**
   * `platform`'s forecast trigger instead of `forecastWithBand` at `forecastTarget`, and the level
   * the drain-spare trigger reads instead of `forecastAt` (references).
   */
  readonly forecast?: (c: ModelCtx, t: number) => { rps: number; perReplica: number; level: number };
}

/** `reactive` (forecast off) or `platform` (forecast + event cron triggers) on Karpenter nodes. */
function runAutoscaled(
  platform: boolean,
  pool: GpuPool,
  models: ModelCtx[],
  config: StackConfig,
  traffic: Traffic,
  acc: Accumulator,
  {
    progress,
    policy,
    salesFreeze = true,
    reactiveTolerance = HPA_DEFAULT_TOLERANCE,
    forecast: forecastOf,
  }: AutoscaledOptions,
): void {
  const options = instanceOptions(pool, config);
  const provSec = pool.provisioningSeconds;
  const disruption = karpenterDisruption(pool, config.timeZone, salesFreeze ? config.events : []);
  const consolidateMin = Math.ceil(durationSeconds(String(disruption.consolidateAfter)) / 60);
  const drainsAllowedBy = (budgets: Record<string, unknown>) => (nowMs: number) =>
    policy === undefined
      ? underutilizedConsolidationAllowed(budgets, nowMs)
      : policy === "WhenEmptyOrUnderutilized";
  const underutilizedAt = drainsAllowedBy(disruption);
  // The drain-spare trigger's window: the daily budget alone, as its recorded series knows nothing
  // of the sales' freezes (no drains then, so the spare only costs during a freeze's night hours).
  const spareAt = drainsAllowedBy(karpenterDisruption(pool, config.timeZone));
  const window = Math.max(1, Math.round(SCALE_DOWN_STABILIZATION_SECONDS / 60));
  const events = eventWindows(config.events);
  const nodes: SimNode[] = [];
  const podNode: number[][] = models.map(() => []);
  const podReady: number[][] = models.map(() => []);
  // Per pod, the second a drain evicts it (-Infinity: never): from then until its replacement is
  // ready (`podReady`) the model is one replica short.
  const podEvicted: number[][] = models.map(() => []);
  const tolerance = platform ? hpaTolerance(config.cluster.kubernetesVersion) : reactiveTolerance;
  // Models whose pods carry Karpenter's do-not-disrupt (a fixed replica count): their nodes are
  // never drained. On the InferenceService, so `reactive` and `platform` alike.
  const pinned = models.map((c) => pinsItsNodes(pool, c.spec.serving.replicas));
  const recs = models.map(() => new Int32Array(window));

  const smallest = smallestSlots(options);
  /** Nodes for pods of the given sizes (slots), and `extraSlots` more for any pod (the warm floor). */
  const launch = (pods: readonly number[], t: number, readySec: number, extraSlots = 0) => {
    const big = pods.filter((d) => d > smallest);
    const bigSlots = big.reduce((a, d) => a + d, 0);
    const small = pods.reduce((a, d) => a + d, 0) - bigSlots + extraSlots;
    for (const option of cheapestSplitMix(options, bigSlots, Math.max(0, ...big), small) ?? [])
      nodes.push({ option, readySec, used: 0, emptySince: t, movableSince: Infinity, warm: 0 });
  };
  const warmTotal = warmSlots(pool);
  /** Pause pods preempted by replicas and not yet placed again. */
  let warmPending = 0;
  /** Places the pending pause pods in free slots, launching nodes for those that find none. */
  const placeWarm = (t: number) => {
    const into = () => {
      for (const n of nodes) {
        if (warmPending === 0) return;
        if (n.drainedAtSec !== undefined) continue;
        const take = Math.min(warmPending, n.option.slots - n.used);
        n.used += take;
        n.warm += take;
        warmPending -= take;
      }
    };
    into();
    if (warmPending > 0) {
      launch(Array<number>(warmPending).fill(1), t, t * 60 + provSec);
      into();
    }
  };
  const gpus = () => nodes.reduce((a, n) => a + n.option.gpus, 0);
  const place = (m: number, t: number): boolean => {
    const d = models[m].devices;
    let i = nodes.findIndex((n) => n.drainedAtSec === undefined && n.option.slots - n.used >= d);
    // No free slot on a ready node: the scheduler preempts pause pods on one at once, before any
    // node Karpenter is still starting.
    if (warmTotal > 0 && (i < 0 || nodes[i].readySec > t * 60)) {
      const j = nodes.findIndex(
        (n) => n.drainedAtSec === undefined && n.readySec <= t * 60 && n.option.slots - n.used + n.warm >= d,
      );
      if (j >= 0) {
        const evict = Math.max(0, d - (nodes[j].option.slots - nodes[j].used));
        nodes[j].warm -= evict;
        nodes[j].used -= evict;
        warmPending += evict;
        i = j;
      }
    }
    if (i < 0) return false;
    nodes[i].used += d;
    podNode[m].push(i);
    podReady[m].push(Math.max(t * 60, nodes[i].readySec) + models[m].spec.serving.coldStartSeconds);
    podEvicted[m].push(-Infinity);
    return true;
  };

  /**
   * `WhenEmptyOrUnderutilized`: the least-used ready node whose pods have fit on the other ready
   * nodes' free devices for `consolidateAfter` is drained, one node per minute (Karpenter disrupts
   * one candidate at a time). Its pods are evicted and start again elsewhere: each is unready for
   * its cold start, the cost of consolidating serving pods. A node holding a pod of a model with a
   * pod not ready (starting, or being replaced after an eviction) is no candidate: that model's
   * PodDisruptionBudget (`maxUnavailable: 1`) allows no eviction then, and Karpenter does not
   * disrupt a node whose pods cannot be evicted.
   */
  const consolidateOne = (t: number) => {
    const usable = (n: SimNode) => n.readySec <= t * 60 && n.drainedAtSec === undefined;
    let free = 0;
    for (const n of nodes) if (usable(n)) free += n.option.slots - n.used;
    const blocked = new Set<number>();
    podReady.forEach((ready, m) => {
      if (pinned[m] || ready.some((r) => r > t * 60)) for (const i of podNode[m]) blocked.add(i);
    });
    let pick = -1;
    nodes.forEach((n, i) => {
      const fits = n.used > 0 && usable(n) && free - (n.option.slots - n.used) >= n.used;
      if (!fits) {
        n.movableSince = Infinity;
        return;
      }
      n.movableSince = Math.min(n.movableSince, t);
      if (blocked.has(i)) return;
      if (t - n.movableSince >= consolidateMin && (pick < 0 || n.used < nodes[pick].used)) pick = i;
    });
    if (pick < 0) return;
    // Karpenter drains a node only if every pod has a place: first fit, device by device, decided
    // before anything moves.
    const room = nodes.map((n, x) => (x !== pick && usable(n) ? n.option.slots - n.used : 0));
    const moves: { m: number; p: number; to: number }[] = [];
    for (const [m, c] of models.entries())
      for (let p = 0; p < podNode[m].length; p++) {
        if (podNode[m][p] !== pick) continue;
        const to = room.findIndex((r) => r >= c.devices);
        if (to < 0) return;
        room[to] -= c.devices;
        moves.push({ m, p, to });
      }
    // The node's pause pods move too (no disruption budget holds them), one slot each.
    const warmMoves: number[] = [];
    for (let w = 0; w < nodes[pick].warm; w++) {
      const to = room.findIndex((r) => r >= 1);
      if (to < 0) return;
      room[to] -= 1;
      warmMoves.push(to);
    }
    const from = nodes[pick];
    for (const to of warmMoves) {
      nodes[to].used += 1;
      nodes[to].warm += 1;
      from.used -= 1;
      from.warm -= 1;
    }
    let lastLeaves = t * 60;
    const evicted = models.map(() => 0); // per model: the PDB lets one pod go per cold start
    for (const { m, p, to } of moves) {
      const c = models[m];
      nodes[to].used += c.devices;
      from.used -= c.devices;
      podNode[m][p] = to;
      // The replacement starts when the old pod is evicted, k cold starts from now; until then
      // the old pod serves if it was ready (a pod still starting just starts over).
      const evictedAt = t * 60 + evicted[m]++ * c.spec.serving.coldStartSeconds;
      if (podReady[m][p] <= t * 60) podEvicted[m][p] = evictedAt;
      podReady[m][p] = evictedAt + c.spec.serving.coldStartSeconds;
      lastLeaves = Math.max(lastLeaves, evictedAt);
    }
    from.movableSince = Infinity;
    from.drainedAtSec = lastLeaves;
  };

  // Warm start: the replicas minute 0 needs, on ready nodes, all ready.
  const initial = models.map((c) => clampReplicas(c.spec, Math.ceil(c.series[0] / c.target - 1e-9)));
  const initPods = initial.flatMap((r, m) => Array<number>(r).fill(models[m].devices));
  launch(initPods, 0, -Infinity, warmTotal);
  // Pods only a bigger type holds go first, onto the nodes launched for them (as Karpenter nominates
  // them), before smaller pods take those nodes' slots; the others in model order.
  const bigFirst = (ms: readonly number[]) => [
    ...ms.filter((m) => models[m].devices > smallest),
    ...ms.filter((m) => models[m].devices <= smallest),
  ];
  for (const m of bigFirst(models.map((_c, m) => m))) for (let r = 0; r < initial[m]; r++) place(m, 0);
  warmPending = warmTotal;
  placeWarm(0);
  models.forEach((_c, m) => {
    podReady[m].fill(-Infinity);
    recs[m].fill(initial[m]);
  });

  for (let t = 0; t < traffic.minutes; t++) {
    const nowMs = traffic.startMs + t * 60_000;
    const spare = platform && spareAt(nowMs);
    const pending: number[] = [];
    models.forEach((c, m) => {
      const current = podNode[m].length;
      const observed = t > 0 ? c.series[t - 1] : c.series[0];
      let rec = propose(observed, c.target, current, tolerance);
      if (platform) {
        const forecast = forecastOf?.(c, t) ?? platformForecast(c, t, nowMs, events);
        rec = Math.max(rec, propose(forecast.rps, forecast.perReplica, current, tolerance));
        rec = Math.max(rec, cronFloorAt(c.spec, events, c.lead, nowMs, c.eventBaselines));
        const drainLevel = Math.max(forecast.level, observed);
        if (spare && drainLevel > 0) {
          const rps = c.spec.serving.rpsPerReplica;
          rec = Math.max(rec, propose(drainLevel + rps * DRAIN_SPARE_REPLICAS, rps, current, tolerance));
        }
      }
      rec = clampReplicas(c.spec, rec);
      recs[m][t % window] = rec;
      let next = rec;
      if (rec < current) {
        let stab = 0;
        for (const r of recs[m]) stab = Math.max(stab, r);
        next = Math.min(current, stab);
      }
      for (let r = current; r < next; r++) if (!place(m, t)) pending.push(m);
      for (let r = current; r > next; r--) {
        nodes[podNode[m].pop()!].used -= c.devices;
        podReady[m].pop();
        podEvicted[m].pop();
      }
    });
    if (pending.length > 0) {
      launch(
        pending.map((m) => models[m].devices),
        t,
        t * 60 + provSec,
      );
      for (const m of bigFirst(pending)) place(m, t);
    }
    if (warmPending > 0) placeWarm(t);
    // Empty nodes go first, as Karpenter's disruption loop tries emptiness before consolidating
    // nodes with pods: a node emptied by a scale-down is deleted, not refilled by draining a full
    // one onto it (which would restart every pod of the full node for no saving).
    // Consolidation: remove nodes empty for consolidateAfter, newest first (a node holding pause
    // pods is not empty).
    let total = gpus();
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i];
      if (n.drainedAtSec !== undefined) {
        // Karpenter deletes a drained node once its last pod is evicted.
        if (n.drainedAtSec > t * 60) continue;
        n.emptySince = t - consolidateMin;
      }
      if (n.used > 0) {
        n.emptySince = t + 1;
        continue;
      }
      if (t - n.emptySince >= consolidateMin) {
        total -= n.option.gpus;
        nodes.splice(i, 1);
        for (const list of podNode) for (let p = 0; p < list.length; p++) if (list[p] > i) list[p]--;
      }
    }
    if (underutilizedAt(nowMs)) consolidateOne(t);
    models.forEach((c, m) => {
      let ready = 0;
      const now = t * 60;
      podReady[m].forEach((r, p) => {
        if (r <= now || podEvicted[m][p] > now) ready++;
      });
      acc.serve(c.series[t], ready, c, t);
    });
    acc.provision(
      pool.name,
      t,
      total,
      nodes.reduce((a, n) => a + n.option.hourly, 0),
    );
    if (t % 1440 === 1439) progress?.((t + 1) / traffic.minutes);
  }
}

/**
 * What `platform`'s forecast trigger reads: `forecastWithBand` at `forecastTarget` per replica, and
 * the level under it (`forecastAt`), which the drain-spare trigger reads.
 */
function platformForecast(
  c: ModelCtx,
  t: number,
  nowMs: number,
  events: readonly EventWindow[],
): { rps: number; perReplica: number; level: number } {
  const { level, withBand } = forecastLevelAndBand(
    c.series,
    t,
    c.lead,
    { nowMs, events },
    c.spec.serving.targetUtilization,
  );
  return { rps: withBand, perReplica: c.forecastTarget, level };
}

/**
 * HPA proposal for one metric: unchanged while the usage ratio `value / (target × current)` is
 * within the tolerance of 1 on its side (Kubernetes replica_calculator: above 1 by at most
 * `scaleUp`, below by at most `scaleDown`), else `ceil(value / target)`.
 */
export function propose(
  value: number,
  target: number,
  current: number,
  tolerance: HpaTolerance = HPA_DEFAULT_TOLERANCE,
): number {
  if (current > 0) {
    const ratio = value / (target * current);
    if (ratio >= 1 ? ratio - 1 <= tolerance.scaleUp : 1 - ratio <= tolerance.scaleDown) return current;
  }
  return Math.ceil(value / target - 1e-9);
}

function clampReplicas(spec: ModelSpec, r: number): number {
  return Math.min(spec.serving.replicas.max, Math.max(spec.serving.replicas.min, r));
}
