/**
 * The extra triggers of a model's KEDA ScaledObject, its deployable autoscaling beyond current
 * traffic: the traffic forecast, the drain spare and one cron pre-scale per sales event. The
 * simulator's `platform` strategy uses exactly these values. The rest of the autoscaling parameters
 * sit beside it: the HPA's target per replica, tolerance and behaviour (hpa-behavior.ts), the event
 * pre-scale floors and their cron windows (event-prescale.ts) and Karpenter disruption settings per
 * pool (karpenter-disruption.ts). Pure: no Pulumi imports.
 */
import type { ModelSpec } from "../config/model-schema";
import type { GpuPool, StackConfig } from "../config/stack-schema";
import { leadMinutes } from "./forecast";
import { EventWindow, eventWindows } from "./event-windows";
import { drainsUnderused, pinsItsNodes } from "./drain-window";
import { drainLevelSeriesName, drainWindowExpr, forecastSeriesName } from "./forecast-rules";
import { cronAt, cronEndMs, cronStartMs, eventBaseline, eventReplicas } from "./event-prescale";
import { forecastTargetPerReplica } from "./hpa-behavior";

/**
 * In-cluster Prometheus of kube-prometheus-stack (release `kube-prometheus-stack` in namespace
 * `monitoring`: the chart names its service `<release>-prometheus`, port 9090).
 */
export const DEFAULT_PROMETHEUS_URL = "http://kube-prometheus-stack-prometheus.monitoring.svc:9090";

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

function formatNumber(x: number, digits = 2): string {
  if (Number.isInteger(x)) return String(x);
  // A small positive value keeps two significant digits rather than rounding to "0" (a KEDA
  // threshold of 0 divides by zero); trailing zeros and a bare trailing point go.
  const text = Number(x.toFixed(digits)) === 0 && x !== 0 ? x.toPrecision(2) : x.toFixed(digits);
  return text.includes("e") ? text : text.replace(/0+$/, "").replace(/\.$/, "");
}
