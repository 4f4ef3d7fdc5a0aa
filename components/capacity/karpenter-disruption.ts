/**
 * Karpenter disruption settings of a GPU pool (NodePool `spec.disruption`): when serving pools may
 * drain underused nodes, the freezes around declared sales events, and the evaluation of those
 * budgets the simulator's `platform` strategy replays. Pure: no Pulumi imports.
 */
import type { GpuPool, SalesEvent } from "../config/stack-schema";
import { eventWindows } from "./event-windows";
import { drainsUnderused, underutilizedBlockUtc } from "./drain-window";
import { cronAt } from "./event-prescale";

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
 * year: its schedule fires on the same day of the year, so a freeze dated across the end of a
 * common year's February (28 February to 1 March, or a freeze from December into March of the next
 * year) would end a day early where 29 February exists. A freeze whose dates already hold 29
 * February counts that day (one day longer in common years: safe side).
 */
function leapDayMinutes(fromMs: number, toMs: number): number {
  for (let year = new Date(fromMs).getUTCFullYear(); year <= new Date(toMs).getUTCFullYear(); year++) {
    const marchFirst = Date.UTC(year, 2, 1);
    const leap = new Date(Date.UTC(year, 1, 29)).getUTCMonth() === 1;
    if (!leap && fromMs < marchFirst && toMs > marchFirst) return 1440;
  }
  return 0;
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
