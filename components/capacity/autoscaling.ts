/**
 * Autoscaling parameters of a model and their deployable form: the KEDA target per replica, the HPA
 * behaviour, the extra ScaledObject triggers (traffic forecast + one cron pre-scale per sales event),
 * and Karpenter disruption settings per pool. The simulator's `platform` strategy uses exactly these
 * values. Pure: no Pulumi imports.
 */
import type { ModelSpec } from "../config/model-schema";
import type { GpuPool, SalesEvent, StackConfig } from "../config/stack-schema";
import { EventWindow, eventWindows, leadMinutes } from "./forecast";
import {
  drainsUnderused,
  pinsItsNodes,
  underutilizedBlockUtc,
  utcOffsetMinutes,
  zonedClock,
} from "./drain-window";
import { drainLevelSeriesName, drainWindowExpr, forecastSeriesName } from "./forecast-rules";
import type { Traffic } from "./traffic";

/**
 * In-cluster Prometheus of kube-prometheus-stack (release `kube-prometheus-stack` in namespace
 * `monitoring`: the chart names its service `<release>-prometheus`, port 9090).
 */
export const DEFAULT_PROMETHEUS_URL = "http://kube-prometheus-stack-prometheus.monitoring.svc:9090";

/** HPA scale-down stabilisation (the Kubernetes default, which KEDA keeps): 300 s. */
export const SCALE_DOWN_STABILIZATION_SECONDS = 300;

/**
 * Requests/s per replica KEDA aims for: `rpsPerReplica` is what one replica serves within the
 * latency SLO (load test), `targetUtilization` the headroom for noise and the reaction time.
 */
export function kedaTargetPerReplica(spec: ModelSpec): number {
  return spec.serving.rpsPerReplica * spec.serving.targetUtilization;
}

/**
 * Fraction of the current-traffic target the forecast trigger aims for. 1: the forecast series
 * already carries its model's noise band (`forecastWithBand`). Before the band a fixed 0.97 gave
 * 84.4% utilization and 0.045% SLO misses on the sample week, but 0.4% misses at 5% per-minute noise.
 */
export const FORECAST_TARGET_FACTOR = 1;

/** Requests/s per replica the forecast trigger aims for (threshold of the `traffic-forecast` trigger). */
export function forecastTargetPerReplica(spec: ModelSpec): number {
  return kedaTargetPerReplica(spec) * FORECAST_TARGET_FACTOR;
}

/** Tolerance of the HPA on each side: a usage ratio within it of 1 changes nothing. */
export interface HpaTolerance {
  readonly scaleUp: number;
  readonly scaleDown: number;
}

/** Kubernetes' cluster-wide default (kube-controller-manager `--horizontal-pod-autoscaler-tolerance`). */
export const HPA_DEFAULT_TOLERANCE: HpaTolerance = { scaleUp: 0.1, scaleDown: 0.1 };

/**
 * The per-HPA tolerance the platform deploys (`behavior.scaleUp/scaleDown.tolerance`, KEP-4951).
 * With the default 10%, a replica set at target 0.9 only grows once usage reaches 99% of what it
 * serves within the SLO, and at 60 replicas it ignores a shortfall of 6: both cost SLO minutes or
 * force a low target. Scale-up acts on any excess (0); scale-down keeps 2% of hysteresis, and the
 * 300 s stabilisation window below still keeps noise from flapping replicas.
 */
export const PLATFORM_HPA_TOLERANCE: HpaTolerance = { scaleUp: 0, scaleDown: 0.02 };

/**
 * First Kubernetes minor version whose API server and controller manager honour a per-HPA
 * tolerance by default: the `HPAConfigurableTolerance` feature gate is alpha (off) in 1.33-1.34 and
 * beta (on) from 1.35 (KEP-4951 kep.yaml; Kubernetes feature-gates reference). KEDA copies
 * `advanced.horizontalPodAutoscalerConfig.behavior` into the HPA it owns and carries the field from
 * v2.18 (keda-docs #1660).
 */
export const CONFIGURABLE_TOLERANCE_SINCE = "1.35";

/**
 * The tolerance HPAs get on a cluster of `kubernetesVersion`: the platform's where the API honours
 * it; the default elsewhere (an older API server would drop the field, so it is not written).
 */
export function hpaTolerance(kubernetesVersion: string): HpaTolerance {
  const minor = (v: string) => Number(v.split(".")[1] ?? 0);
  return minor(kubernetesVersion) >= minor(CONFIGURABLE_TOLERANCE_SINCE)
    ? PLATFORM_HPA_TOLERANCE
    : HPA_DEFAULT_TOLERANCE;
}

/**
 * HPA behaviour for the ScaledObject (`spec.advanced.horizontalPodAutoscalerConfig.behavior`):
 * scale up at once (no stabilisation; double or +4 pods per 15 s, whichever is more, the HPA
 * defaults), scale down only after 300 s of lower recommendations so a dip does not throw away
 * replicas that cost a cold start to bring back. A `tolerance` other than the default is written
 * per direction as a quantity string (the CRD field is int-or-string, so 0.02 must be quoted).
 */
export function scalingBehavior(tolerance: HpaTolerance = HPA_DEFAULT_TOLERANCE): Record<string, unknown> {
  const custom = tolerance !== HPA_DEFAULT_TOLERANCE;
  const tol = (x: number) => (custom ? { tolerance: String(x) } : {});
  return {
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: "Max",
      policies: [
        { type: "Percent", value: 100, periodSeconds: 15 },
        { type: "Pods", value: 4, periodSeconds: 15 },
      ],
      ...tol(tolerance.scaleUp),
    },
    scaleDown: {
      stabilizationWindowSeconds: SCALE_DOWN_STABILIZATION_SECONDS,
      policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
      ...tol(tolerance.scaleDown),
    },
  };
}

/**
 * Replicas a model keeps beyond what its traffic needs at full load while its nodes may be drained.
 * A drain evicts a pod and its replacement is unready for a cold start; the forecast's noise band
 * covers noise, not a missing replica, and at a few replicas one is 10-30% of the capacity. On the
 * sample week before it (c50cf4c) nearly every SLO-miss minute was a night drain; a model at
 * constant traffic on 8 replicas missed 0.76% of its minutes (reactive, with the stock 10% HPA
 * tolerance, 0.09%). One spare, as the PodDisruptionBudget (`maxUnavailable: 1`) lets a drain take
 * one pod of a model at a time.
 */
export const DRAIN_SPARE_REPLICAS = 1;

/** Options of `forecastTriggers`. */
export interface ForecastTriggerOptions {
  /** Prometheus query endpoint. @default DEFAULT_PROMETHEUS_URL */
  readonly prometheusUrl?: string;
  /**
   * The model's usual rate (requests/s) in each sales event's local hours, by event name, from its
   * traffic history (`eventBaselineRps`); sizes the cron pre-scale.
   * @default replicas.min × target per replica
   */
  readonly eventBaselines?: Readonly<Record<string, number>>;
  /**
   * Fraction of the model's traffic this variant receives (0-1): the forecast and the event
   * baselines are the whole model's, so a 10% canary scales on a tenth of them. @default 1
   */
  readonly trafficShare?: number;
  /**
   * Replica bounds of the variant the triggers scale (a canary's or experiment's are its own, not
   * the stable variant's): event crons are clamped to them. @default spec.serving.replicas
   */
  readonly replicas?: Readonly<{ min: number; max: number }>;
}

/** A model whose history's last this many minutes are all 0 is off: no sale pre-scales it. */
const STOPPED_AFTER_MINUTES = 1440;

/**
 * A model's usual rate at an event's opening, from history: for each day of `series`, the mean rate
 * over the same local clock window as the event's cron hold ([start, `cronEndMs`) shifted by whole
 * days), leaving out minutes inside any declared event; the median day counts, so one odd day (an
 * undeclared past sale, an outage) cannot set the floor. Only minutes before `untilMs` count
 * (the simulator passes the pre-scale time, so its replay stays causal); days with less than half
 * the window are skipped. `undefined` without such a day. 0 when the history's last day (its last
 * 1440 minutes before `untilMs`) served no request at all: the model is off - retired, or its
 * traffic moved to another model - and a sale does not bring its traffic back, so its days before
 * that must not pre-scale it. Local clock times follow the zone's daylight-saving changes.
 */
export function eventBaselineRps(
  series: Float64Array,
  startMs: number,
  event: EventWindow,
  events: readonly EventWindow[],
  timeZone: string,
  untilMs = Infinity,
): number | undefined {
  const day = 86_400_000;
  const length = cronEndMs(event) - event.startMs;
  if (length <= 0 || length > day) return undefined;
  // Each minute at its own UTC offset: a July sale's 09:00 EDT is 09:00 EST in a November history.
  // Offsets change on a quarter hour at the finest (Newfoundland's 02:00 is 05:30 UTC), so each is
  // looked up once per UTC quarter hour.
  const offsets = new Map<number, number>();
  const offsetAt = (ms: number) => {
    const quarter = Math.floor(ms / 900_000);
    let o = offsets.get(quarter);
    if (o === undefined) offsets.set(quarter, (o = utcOffsetMinutes(timeZone, quarter * 900_000) * 60_000));
    return o;
  };
  // Local clock of the event's start, as ms since local midnight.
  const startOfDay = (((event.startMs + offsetAt(event.startMs)) % day) + day) % day;
  const seen = Math.min(series.length, Math.max(0, Math.ceil((untilMs - startMs) / 60_000)));
  if (
    seen >= STOPPED_AFTER_MINUTES &&
    series.subarray(seen - STOPPED_AFTER_MINUTES, seen).every((r) => r === 0)
  )
    return 0;
  const sums = new Map<number, { sum: number; n: number }>();
  for (let i = 0; i < series.length; i++) {
    const ms = startMs + i * 60_000;
    if (ms >= untilMs) break;
    if (events.some((e) => ms >= e.startMs && ms < e.endMs)) continue;
    const local = ms + offsetAt(ms);
    const sinceStart = (((local - startOfDay) % day) + day) % day;
    if (sinceStart >= length) continue;
    const k = Math.floor((local - startOfDay) / day);
    const acc = sums.get(k) ?? { sum: 0, n: 0 };
    acc.sum += series[i];
    acc.n++;
    sums.set(k, acc);
  }
  const days = [...sums.values()]
    .filter(({ n }) => n * 60_000 >= length / 2)
    .map(({ sum, n }) => sum / n)
    .sort((a, b) => a - b);
  if (days.length === 0) return undefined;
  const mid = Math.floor(days.length / 2);
  return days.length % 2 === 1 ? days[mid] : (days[mid - 1] + days[mid]) / 2;
}

/**
 * Replicas a cron trigger pre-scales to for an event: the baseline rate times the multiplier at the
 * target per replica, within the replica bounds of the variant it scales (the model's by default).
 * A floor under the forecast trigger, which already multiplies its seasonal lookahead by the
 * event's multiplier and keeps working if the cron is off.
 */
export function eventReplicas(
  spec: ModelSpec,
  multiplier: number,
  baselineRps: number,
  bounds: Readonly<{ min: number; max: number }> = spec.serving.replicas,
): number {
  const target = kedaTargetPerReplica(spec);
  const { min, max } = bounds;
  return Math.min(max, Math.max(min, Math.ceil((baselineRps * multiplier) / target - 1e-9)));
}

/**
 * The whole model's rate an event multiplies: the history's baseline for it (`eventBaselineRps`), or
 * without one the model's minimum (replicas.min at target).
 */
export function eventBaseline(
  spec: ModelSpec,
  event: string,
  baselines?: Readonly<Record<string, number>>,
): number {
  return baselines?.[event] ?? spec.serving.replicas.min * kedaTargetPerReplica(spec);
}

/**
 * Extra triggers for the model's KEDA ScaledObject (the ScaledObject builder's `extraTriggers`):
 * - `prometheus` on the forecast series, threshold = `forecastTargetPerReplica`. HPA takes the max over its
 *   metrics, so the model scales on the larger of current traffic and the forecast;
 * - `prometheus` `drain-spare` (`drainSpareTrigger`): while Karpenter may drain
 *   (`UNDERUTILIZED_CONSOLIDATION_HOURS`), `DRAIN_SPARE_REPLICAS` more replicas than the variant's
 *   share of the larger of the forecast level (without its noise band) and the current rate needs
 *   at full `rpsPerReplica`, from the recorded drain-level series (absent by day, and while both
 *   are 0);
 * - one `cron` per declared sales event, pre-scaling from one lead time (node provisioning + cold
 *   start) before `start` until `end`, in the platform's time zone. KEDA cron `start`/`end` are
 *   five-field cron expressions, so the window recurs yearly on the same date (events are dated).
 *
 * Trigger metadata keys per the KEDA scaler docs (keda.sh/docs/2.17/scalers/cron,
 * keda.sh/docs/2.10/scalers/prometheus): cron `timezone`, `start`, `end`, `desiredReplicas`;
 * prometheus `serverAddress`, `query`, `threshold`, `ignoreNullValues`. All values are strings.
 */
export function forecastTriggers(
  spec: ModelSpec,
  pool: GpuPool,
  config: StackConfig,
  options: ForecastTriggerOptions = {},
): Record<string, unknown>[] {
  const lead = leadMinutes(spec, pool);
  const share = options.trafficShare ?? 1;
  const forecast = `max(${forecastSeriesName(lead)}{model="${spec.name}"})`;
  const triggers: Record<string, unknown>[] = [
    {
      type: "prometheus",
      name: "traffic-forecast",
      metadata: {
        serverAddress: options.prometheusUrl ?? DEFAULT_PROMETHEUS_URL,
        query: shareOf(forecast, share),
        threshold: formatNumber(forecastTargetPerReplica(spec)),
        // Before a day of history exists the series can be empty: read it as 0 (the current-traffic
        // trigger still scales) instead of failing the whole ScaledObject.
        ignoreNullValues: "true",
      },
    },
  ];
  const bounds = options.replicas ?? spec.serving.replicas;
  const level = `max(${drainLevelSeriesName(lead)}{model="${spec.name}"})`;
  const spare = drainSpareTrigger(spec, pool, shareOf(level, share), {
    bounds,
    prometheusUrl: options.prometheusUrl,
  });
  if (spare) triggers.push(spare);
  for (const e of eventWindows(config.events)) {
    // This variant's share of the model's rate, with or without history.
    const baseline = eventBaseline(spec, e.name, options.eventBaselines) * share;
    const replicas = eventReplicas(spec, e.multiplier, baseline, bounds);
    // A cron asking for no more than the floor changes nothing, and KEDA rejects desiredReplicas "0"
    // (a new model at replicas.min 0) and then creates no HPA at all (kedacore/keda#6863): leave it
    // out; the forecast trigger still multiplies by the event.
    if (replicas > bounds.min) triggers.push(cronTrigger(e, lead, config.timeZone, replicas));
  }
  return triggers;
}

/** A variant's share of a whole-model rate expression (the expression itself at share 1). */
function shareOf(expr: string, share: number): string {
  return share < 1 ? `${expr} * ${formatNumber(share, 4)}` : expr;
}

/**
 * The `drain-spare` trigger of a variant whose rate (requests/s) is `level`, a PromQL expression that
 * is empty outside the drain window and while the level is 0: ceil(query / threshold) = the
 * replicas the level needs at full `rpsPerReplica`, plus `DRAIN_SPARE_REPLICAS`. Empty, KEDA reads
 * 0 (`ignoreNullValues`), under the activation threshold: no spare, and the constant alone never
 * wakes a variant. `undefined` where the pool drains no node with pods or the replicas cannot vary.
 */
export function drainSpareTrigger(
  spec: ModelSpec,
  pool: GpuPool,
  level: string,
  {
    bounds = spec.serving.replicas,
    prometheusUrl = DEFAULT_PROMETHEUS_URL,
  }: { bounds?: Readonly<{ min: number; max: number }>; prometheusUrl?: string } = {},
): Record<string, unknown> | undefined {
  // A fixed replica count cannot take a spare: its nodes are not drained instead (`pinsItsNodes`).
  if (!drainsUnderused(pool) || pinsItsNodes(pool, bounds)) return undefined;
  const rps = spec.serving.rpsPerReplica;
  const spare = formatNumber(rps * DRAIN_SPARE_REPLICAS);
  return {
    type: "prometheus",
    name: "drain-spare",
    metadata: {
      serverAddress: prometheusUrl,
      query: `${level} + ${spare}`,
      threshold: formatNumber(rps),
      activationThreshold: spare,
      ignoreNullValues: "true",
    },
  };
}

/**
 * Extra triggers of a header-pinned variant (an A/B cohort: its traffic is not a share of the
 * model's, so it has no forecast or event crons): the drain spare on its own current rate
 * (`rateQuery`, e.g. `sum(rate(...{variant="x"}[1m]))`) within the drain window, as a drain evicts
 * its pods too.
 */
export function pinnedVariantTriggers(
  spec: ModelSpec,
  pool: GpuPool,
  config: Pick<StackConfig, "timeZone">,
  options: { rateQuery: string; replicas: Readonly<{ min: number; max: number }>; prometheusUrl?: string },
): Record<string, unknown>[] {
  const level = `((${options.rateQuery} > 0) and on () ${drainWindowExpr(config.timeZone)})`;
  const spare = drainSpareTrigger(spec, pool, level, {
    bounds: options.replicas,
    prometheusUrl: options.prometheusUrl,
  });
  return spare ? [spare] : [];
}

function cronTrigger(
  e: EventWindow,
  leadMin: number,
  timeZone: string,
  replicas: number,
): Record<string, unknown> {
  const startMs = cronStartMs(e, leadMin);
  return {
    type: "cron",
    name: `event-${e.name}`,
    metadata: {
      timezone: timeZone,
      start: cronAt(startMs, timeZone),
      end: cronAt(cronEndMs(e), timeZone),
      desiredReplicas: String(replicas),
    },
  };
}

/**
 * `eventBaselineRps` of one model for every declared event, from a traffic history (events without a
 * usable day are left out, so their cron falls back to the spec). `until` bounds the minutes each
 * event may look at (the simulator: its pre-scale time).
 */
export function eventBaselinesFromHistory(
  history: Traffic | undefined,
  model: string,
  config: Pick<StackConfig, "events" | "timeZone">,
  until: (e: EventWindow) => number = () => Infinity,
): Record<string, number> {
  const m = history?.models.indexOf(model) ?? -1;
  if (!history || m < 0) return {};
  const events = eventWindows(config.events);
  const out: Record<string, number> = {};
  for (const e of events) {
    const rps = eventBaselineRps(history.rps[m], history.startMs, e, events, config.timeZone, until(e));
    if (rps !== undefined) out[e.name] = rps;
  }
  return out;
}

/** When an event's cron trigger starts: one lead time before the event, on a whole minute. */
export function cronStartMs(e: EventWindow, leadMin: number): number {
  return Math.floor((e.startMs - leadMin * 60_000) / 60_000) * 60_000;
}

/**
 * How long the cron floor holds after an event starts. It is there for the step: replicas that
 * must be ready when the sale opens, before any traffic shows it. Once the sale runs, the
 * request-rate and forecast triggers track it (the forecast keeps the event's multiplier until its
 * end) and a floor held for hours would only keep the opening level through the night's decline.
 */
export const EVENT_PRESCALE_HOLD_MINUTES = 30;

/** When an event's cron trigger ends: `EVENT_PRESCALE_HOLD_MINUTES` into it, or its end if sooner. */
export function cronEndMs(e: EventWindow): number {
  const end = Math.min(e.endMs, e.startMs + EVENT_PRESCALE_HOLD_MINUTES * 60_000);
  return Math.ceil(end / 60_000) * 60_000;
}

/** Five-field cron expression (minute hour day month *) for an instant, in `timeZone`. */
export function cronAt(epochMs: number, timeZone: string): string {
  const { month, day, hour, minute } = zonedClock(timeZone, epochMs);
  return `${minute} ${hour} ${day} ${month} *`;
}

/** The cron floor at `nowMs`: the largest `desiredReplicas` of an event cron active then, else 0. */
export function cronFloorAt(
  spec: ModelSpec,
  events: readonly EventWindow[],
  leadMin: number,
  nowMs: number,
  baselines?: Readonly<Record<string, number>>,
): number {
  let floor = 0;
  for (const e of events) {
    const start = cronStartMs(e, leadMin);
    if (nowMs >= start && nowMs < cronEndMs(e))
      floor = Math.max(floor, eventReplicas(spec, e.multiplier, eventBaseline(spec, e.name, baselines)));
  }
  return floor;
}

/**
 * Minutes before a declared sales event from which serving pools stop draining underused nodes,
 * until the event ends. The event's cron trigger pre-scales one lead time ahead (node provisioning
 * plus the model's cold start, a few minutes); 30 covers any lead the platform computes, so no
 * consolidation moves pods while capacity ramps for the sale or while it runs. Draining a node during
 * a sale evicts pods that are carrying it, and each is a replica short for a cold start: on a
 * generated week of one model (replicas 2-10 at 400 rps, the midnight Double-12 step), the drains
 * inside the sale were its only SLO misses.
 */
export const EVENT_DISRUPTION_FREEZE_LEAD_MINUTES = 30;

/** Karpenter duration of whole minutes as the NodePool CRD accepts it: `3h`, `45m` or `3h30m`. */
function budgetDuration(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m}m` : m === 0 ? `${h}h` : `${h}h${m}m`;
}

/**
 * One budget per declared sales event: `nodes: "0"` for reasons `Underutilized` and `Drifted` from
 * `EVENT_DISRUPTION_FREEZE_LEAD_MINUTES` before its start to its end. Empty nodes still go (nothing
 * is evicted). The schedule is a UTC cron of that date (`M H D Mon *`), so like the event's KEDA cron
 * trigger it recurs yearly: a stack declares this year's dates and drops past ones.
 */
export function eventDisruptionBudgets(events: readonly SalesEvent[]): Record<string, unknown>[] {
  return eventWindows(events).map((e) => {
    const from = Math.floor((e.startMs - EVENT_DISRUPTION_FREEZE_LEAD_MINUTES * 60_000) / 60_000) * 60_000;
    const to = Math.ceil(e.endMs / 60_000) * 60_000;
    return {
      nodes: "0",
      reasons: ["Underutilized", "Drifted"],
      schedule: cronAt(from, "UTC"),
      duration: budgetDuration((to - from) / 60_000 + leapDayMinutes(from, to)),
    };
  });
}

/**
 * The day a yearly freeze from `fromMs` to `toMs` (UTC) must add to reach the same date in a leap
 * year: its schedule fires on the same day of the year, so a freeze dated in a common year across
 * the end of February (28 February to 1 March) would end a day early where 29 February exists. A
 * freeze dated in a leap year already counts that day (one day longer in common years: safe side).
 */
function leapDayMinutes(fromMs: number, toMs: number): number {
  const year = new Date(fromMs).getUTCFullYear();
  const marchFirst = Date.UTC(year, 2, 1);
  const leap = new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 1;
  return !leap && fromMs < marchFirst && toMs > marchFirst ? 1440 : 0;
}

/**
 * Karpenter NodePool `spec.disruption` for a GPU pool (karpenter.sh/v1), to pass as the NodePool
 * builder's `disruption` (components/cluster/gpu-node-pool-specs.ts `NodePoolInputs.disruption`):
 * - serving pools: `WhenEmptyOrUnderutilized`, at most 10% of nodes at once, and a second budget
 *   with `nodes: "0"` for reason `Underutilized` outside `UNDERUTILIZED_CONSOLIDATION_HOURS` in
 *   `timeZone`. Budget schedules are UTC cron ("Timezones are not supported", karpenter.sh/v1
 *   NodePool `spec.disruption.budgets[].schedule`; `duration` in hours/minutes; `reasons` among
 *   Underutilized, Empty, Drifted), so the window is converted with the zone's UTC offset in
 *   January (a zone with daylight saving shifts it by an hour in summer). Each declared sales event
 *   adds a freeze (`eventDisruptionBudgets`): the most restrictive active budget wins;
 * - training pools: `WhenEmpty`: evicting a training pod loses the work since its last checkpoint;
 * - a serving pool of one-pod nodes of one type (`drainsUnderused` false): `WhenEmpty`, the sales'
 *   freezes kept for drift.
 */
export function karpenterDisruption(
  pool: GpuPool,
  timeZone = "UTC",
  events: readonly SalesEvent[] = [],
): Record<string, unknown> {
  if (!drainsUnderused(pool)) {
    return {
      consolidationPolicy: "WhenEmpty",
      consolidateAfter: pool.consolidateAfter,
      // A serving pool of one-pod nodes still keeps drift replacements out of its sales.
      budgets: [{ nodes: "10%" }, ...(pool.purpose === "serving" ? eventDisruptionBudgets(events) : [])],
    };
  }
  const { blockFromUtcMin, blockedMinutes } = underutilizedBlockUtc(timeZone);
  return {
    consolidationPolicy: "WhenEmptyOrUnderutilized",
    consolidateAfter: pool.consolidateAfter,
    budgets: [
      { nodes: "10%" },
      {
        nodes: "0",
        reasons: ["Underutilized"],
        schedule: `${blockFromUtcMin % 60} ${Math.floor(blockFromUtcMin / 60)} * * *`,
        duration: budgetDuration(blockedMinutes),
      },
      ...eventDisruptionBudgets(events),
    ],
  };
}

/**
 * Whether `disruption` lets Karpenter drain an underused node at `nowMs`: its policy is
 * `WhenEmptyOrUnderutilized` and no budget with `nodes: "0"` covering reason `Underutilized` is
 * active. Evaluates the budgets `karpenterDisruption` writes, UTC cron + duration: daily
 * (`M H * * *`) and yearly (`M H D Mon *`); throws on other schedules rather than guess.
 */
export function underutilizedConsolidationAllowed(
  disruption: Record<string, unknown>,
  nowMs: number,
): boolean {
  if (disruption.consolidationPolicy !== "WhenEmptyOrUnderutilized") return false;
  const budgets = (disruption.budgets ?? []) as {
    nodes: string;
    reasons?: string[];
    schedule?: string;
    duration?: string;
  }[];
  for (const b of budgets) {
    if (b.nodes !== "0" || (b.reasons && !b.reasons.includes("Underutilized"))) continue;
    if (b.schedule === undefined) return false;
    const m = /^(\d+) (\d+) (?:(\*) (\*)|(\d+) (\d+)) \*$/.exec(b.schedule);
    if (!m || b.duration === undefined)
      throw new Error(`unsupported budget schedule: ${b.schedule} for ${b.duration}`);
    const lengthMs = budgetDurationMs(b.duration);
    if (lastScheduleHits(m, nowMs).some((hit) => hit <= nowMs && nowMs - hit < lengthMs)) return false;
  }
  return true;
}

/** Milliseconds of a budget `duration` (`3h`, `45m`, `3h30m`, with Go's trailing `0s`). */
function budgetDurationMs(duration: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:0s)?$/.exec(duration);
  if (!m || (m[1] === undefined && m[2] === undefined))
    throw new Error(`unsupported budget duration: ${duration}`);
  return (Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60_000;
}

/** The schedule's hits that can still be active at `nowMs`: today's and yesterday's, or this and last year's. */
function lastScheduleHits(m: RegExpExecArray, nowMs: number): number[] {
  const [minute, hour] = [Number(m[1]), Number(m[2])];
  const now = new Date(nowMs);
  if (m[3] === "*") {
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour, minute);
    return [today, today - 86_400_000];
  }
  const [day, month] = [Number(m[5]), Number(m[6])];
  return [now.getUTCFullYear(), now.getUTCFullYear() - 1]
    .map((y) => Date.UTC(y, month - 1, day, hour, minute))
    .filter((hit) => new Date(hit).getUTCDate() === day); // cron skips 31 April, 29 February in 2027
}

function formatNumber(x: number, digits = 2): string {
  if (Number.isInteger(x)) return String(x);
  // A small positive value keeps two significant digits rather than rounding to "0" (a KEDA
  // threshold of 0 divides by zero); trailing zeros and a bare trailing point go.
  const text = Number(x.toFixed(digits)) === 0 && x !== 0 ? x.toPrecision(2) : x.toFixed(digits);
  return text.includes("e") ? text : text.replace(/0+$/, "").replace(/\.$/, "");
}
