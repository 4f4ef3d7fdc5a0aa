/**
 * The replica floors a model keeps around declared sales events: its usual rate at an event's
 * opening (from traffic history), the replicas a cron trigger pre-scales to, and when that cron
 * window starts and ends. The ScaledObject's cron triggers (autoscaling.ts) and the simulator's
 * `platform` strategy use exactly these values. Pure: no Pulumi imports.
 */
import type { ModelSpec } from "../config/model-schema";
import type { StackConfig } from "../config/stack-schema";
import { EventWindow, eventHeldUntilMs, eventWindows } from "./event-windows";
import { utcOffsetMinutes, zonedClock } from "./drain-window";
import { kedaTargetPerReplica } from "./hpa-behavior";
import type { Traffic } from "./traffic";

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
 * When an event's cron trigger ends: `EVENT_HOLD_MINUTES` into it (the minutes the forecast, too,
 * holds its multiplier whatever the traffic), or its end if sooner. The cron is there for the step:
 * replicas that must be ready when the sale opens, before any traffic shows it. Once the sale runs,
 * the request-rate and forecast triggers track it, and a floor held for hours would only keep the
 * opening level through the night's decline - or through a sale that did not come.
 */
export function cronEndMs(e: EventWindow): number {
  return Math.ceil(eventHeldUntilMs(e) / 60_000) * 60_000;
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
