/**
 * Minute-by-minute replay of per-model traffic through four capacity strategies (DESIGN section 6):
 * - `static`   whole GPUs for each model's weekly peak, one model per GPU, always on (the "before");
 * - `reactive` KEDA/HPA on current traffic only with the stock HPA settings (10% tolerance),
 *              Karpenter nodes, time-sliced packing;
 * - `platform` what this project deploys: `reactive` plus the forecast trigger, the drain-spare
 *              trigger (in the daily drain window, one replica over the larger of the forecast level
 *              and the current rate at full `rpsPerReplica`) and the event cron triggers of
 *              `autoscaling.ts` and `event-prescale.ts`, with the targets of `hpa-behavior.ts` and
 *              the same formula, and the HPA tolerance of `hpaTolerance(config.cluster.kubernetesVersion)`;
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
 * - pods fill the oldest node with room for them, GPU by GPU: a time-sliced replica's slices on one
 *   GPU, the layout the platform plans for (gpu-fit.ts says what the device plugin does); zone spread is not
 *   modelled here (see `packPool`); scale-down deletes the newest pods first; empty nodes are
 *   removed after the pool's `consolidateAfter`;
 * - warm capacity (`minGpus > 0`): `warmSlots(pool)` one-slot pause pods, as deployed. A replica
 *   that finds no free slot on a ready node preempts pause pods on one (it starts at once, ready
 *   after its cold start, with no node to wait for); the preempted pause pods take free slots
 *   elsewhere or a node of their own, so the headroom is always there, on top of the load;
 * - Karpenter consolidation follows `karpenterDisruption(pool, config.timeZone, config.events)`, the
 *   NodePool's `spec.disruption`: where its budgets allow reason `Underutilized` (serving pools,
 *   22:00-10:00 local, outside the declared sales' freezes), one underused node a minute whose pods fit on the other ready nodes for
 *   `consolidateAfter` is drained (the least used whose pods find a place GPU by GPU: a candidate
 *   whose do not is passed over, up to `MAX_DRAIN_CANDIDATES` tried a minute): the PodDisruptionBudget (`maxUnavailable: 1`) lets Karpenter
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
 *
 * simulate.ts holds the replay's entry point and its strategy loop; the parts are in their own files:
 * the models' replay inputs in replay-context.ts, the result accounting in strategy-result.ts, the
 * strategies in static-replay.ts, oracle-replay.ts and autoscaled-replay.ts (with the node model),
 * the HPA's proposal in hpa-proposal.ts and the level-foresight reference in level-foresight.ts.
 */
import type { ModelSpec } from "../config/model-schema";
import type { StackConfig } from "../config/stack-schema";
import { HpaTolerance } from "./hpa-behavior";
import { ConsolidationPolicy, runAutoscaled } from "./autoscaled-replay";
import { runOracle } from "./oracle-replay";
import { ModelCtx, poolContexts } from "./replay-context";
import { runStatic } from "./static-replay";
import { Accumulator, StrategyResult } from "./strategy-result";
import type { Traffic } from "./traffic";

/** The four strategies, in report order. */
export const STRATEGIES = ["static", "reactive", "platform", "oracle"] as const;
/** One strategy name. */
export type StrategyName = (typeof STRATEGIES)[number];

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

/**
 * One strategy's result as `simulate` reports it: with the part of its SLO misses that no autoscaler
 * within `replicas.max` could avoid, so a week whose demand outgrows the specs' max does not read as a
 * controller that failed.
 */
export interface SimulatedStrategy extends StrategyResult {
  /**
   * SLO-miss minutes whose demand is above the model's `replicas.max` × `rpsPerReplica` (0 for
   * `static` and `oracle`, which do not stop at max).
   */
  readonly sloMissMinutesAboveMax: number;
  /** Percent of model-minutes missed with demand within `replicas.max`: the controller's own share. */
  readonly sloViolationPctWithinMax: number;
}

/** Result of `simulate`. */
export interface SimulationResult {
  readonly currency: string;
  readonly minutes: number;
  readonly modelMinutes: number;
  readonly strategies: Record<StrategyName, SimulatedStrategy>;
  /** Per model, in name order. */
  readonly models: readonly ModelResult[];
  /** The replayed pools, in the stack's order, with their GPU limit. */
  readonly pools: readonly { readonly name: string; readonly maxGpus: number }[];
}

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
    strategies: withinMax(strategies, models, modelMinutes),
    models,
    pools: replayed,
  };
}

/**
 * Each strategy's misses split at `replicas.max`. A minute above a model's max is a miss of every
 * autoscaler (its replicas stop there), so for `reactive` and `platform` the minutes above max are
 * among its misses; `min` only guards the count against a strategy that served some of them.
 */
function withinMax(
  strategies: Record<StrategyName, StrategyResult>,
  models: readonly ModelResult[],
  modelMinutes: number,
): Record<StrategyName, SimulatedStrategy> {
  const out = {} as Record<StrategyName, SimulatedStrategy>;
  for (const name of STRATEGIES) {
    const s = strategies[name];
    const stopsAtMax = name === "reactive" || name === "platform";
    const above = stopsAtMax
      ? models.reduce((n, m) => n + Math.min(m.sloMissMinutes[name], m.minutesAboveMaxReplicas), 0)
      : 0;
    const within = s.sloMissMinutes - above;
    out[name] = {
      ...s,
      sloMissMinutesAboveMax: above,
      sloViolationPctWithinMax: modelMinutes > 0 ? (100 * within) / modelMinutes : 0,
    };
  }
  return out;
}
