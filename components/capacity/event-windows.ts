/**
 * Declared sales events as epoch windows, and how far each holds the forecast up: its multiplier
 * from one lead time before its start through its first `EVENT_HOLD_MINUTES`, then only the lift
 * its traffic shows. The forecast (forecast.ts), its Prometheus rules (forecast-rules.ts), the cron
 * pre-scale (event-prescale.ts) and the simulator share these. Pure: no Pulumi imports.
 */
import type { SalesEvent } from "../config/stack-schema";
import { zonedTimeMs } from "../config/iso-time";

/** A declared event as epoch milliseconds. */
export interface EventWindow {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly multiplier: number;
}

/** Parses the stack's events into epoch windows. */
export function eventWindows(events: readonly SalesEvent[]): EventWindow[] {
  return events.map((e) => ({
    name: e.name,
    startMs: zonedTimeMs(e.start),
    endMs: zonedTimeMs(e.end),
    multiplier: e.trafficMultiplier,
  }));
}

/**
 * Multiplier expected within the next `leadMin` minutes from `nowMs`: an event counts from `lead`
 * before its start until its end (or `until`), so capacity is ready when it begins. The largest
 * wins; 1 outside every event.
 */
export function eventMultiplier(
  events: readonly EventWindow[],
  nowMs: number,
  leadMin: number,
  until: (e: EventWindow) => number = (e) => e.endMs,
): number {
  let m = 1;
  for (const e of events) {
    if (nowMs >= e.startMs - leadMin * 60_000 && nowMs < until(e)) m = Math.max(m, e.multiplier);
  }
  return m;
}

/**
 * Minutes from a declared event's start during which its multiplier floors the forecast whatever the
 * traffic does: the opening step, before the trend has seen it. After them the floor is the lift
 * the traffic shows (`shownEventFloor`): a sale that was declared but did not come (cancelled,
 * moved) or came far below its estimate kept capacity for its full multiplier to its end.
 */
export const EVENT_HOLD_MINUTES = 15;

/**
 * When an event's hold ends: `EVENT_HOLD_MINUTES` into it, or its end if sooner. The forecast, its
 * Prometheus rule and the KEDA cron pre-scale all stop holding the multiplier here.
 */
export function eventHeldUntilMs(e: EventWindow): number {
  return Math.min(e.endMs, e.startMs + EVENT_HOLD_MINUTES * 60_000);
}

/**
 * Minutes over which the largest lift is read (`shownEventFloor`): an hour, so a dip inside a sale
 * (an upstream outage, a lull between two waves) of up to about that long keeps the floor for the
 * sale's return. At 30 the sample week with Double-12 back to its usual level for 40 minutes of its
 * second hour missed 0.039% of model-minutes (0.016% with the multiplier held to the end) for no
 * saving; a sale that fades holds its lift an hour, not half an hour, past its fall.
 */
export const EVENT_LIFT_MINUTES = 60;

/**
 * Headroom over the lift read, for a sale still rising. Measured on the sample week with Double-12
 * edited (tools/bench-capacity.ts' replay): a sale ramping over 90 minutes to 5x (declared 8x)
 * missed 0.052% of model-minutes at 1 (0.015% with the multiplier held to the end), 0.029% at
 * 1.25 and 0.031% at 1.5; a sale at 3x cost 82.2% utilization at 1, 82.1% at 1.25, 81.4% at 1.5.
 */
export const EVENT_LIFT_MARGIN = 1.25;

/**
 * The lift (largest short trend of the last `EVENT_LIFT_MINUTES` minutes: traffic against the
 * same minutes a day or a week ago, past events divided out) that shows an event of multiplier `m`
 * has come: a quarter of the way to its multiplier, at most 2x, so a day merely busier than
 * yesterday (10-20%) does not show an event of 2x or more. A smaller event is shown by it: a 1.3x
 * event (1.075) declared on a Saturday, 10% over Friday, that did not come kept its floor (the
 * sample week: 63,603 CNY against 63,338 without it; on a Wednesday 63,395) - a small price for a
 * small multiplier. A sale that starts late shows within the trend's minutes.
 */
export function eventShownRatio(m: number): number {
  return Math.min(2, 1 + (m - 1) / 4);
}

/**
 * The floor a declared event of multiplier `m` keeps after its held minutes, from the lift its
 * traffic shows: none (1) below `eventShownRatio`; the lift times `EVENT_LIFT_MARGIN`, up to `m`,
 * above it; the full multiplier once the lift reaches the trend's clamp (`maxRatio`), where it can
 * no longer be read. The largest lift of `EVENT_LIFT_MINUTES`, not the current one, so a dip inside
 * the sale shorter than that does not drop it.
 */
export function shownEventFloor(m: number, lift: number, maxRatio: number): number {
  if (lift < eventShownRatio(m)) return 1;
  return lift >= maxRatio ? m : Math.min(m, lift * EVENT_LIFT_MARGIN);
}

/**
 * The largest multiplier of an event whose floor is held now whatever the traffic: from `leadMin`
 * before its start until `EVENT_HOLD_MINUTES` into it (or its end); 1 outside.
 */
export function heldEventMultiplier(events: readonly EventWindow[], nowMs: number, leadMin: number): number {
  return eventMultiplier(events, nowMs, leadMin, eventHeldUntilMs);
}
