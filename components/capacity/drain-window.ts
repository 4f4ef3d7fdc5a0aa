/**
 * When serving pools may drain underused nodes (Karpenter `Underutilized` consolidation): the local
 * hours, and the daily UTC budget that blocks the rest of the day. Shared by the NodePool's
 * disruption budgets (`karpenterDisruption`), the recorded drain-level series that sizes a spare
 * replica in those hours (`forecast-rules.ts`) and the simulator. Pure: no Pulumi imports.
 */
import type { GpuPool } from "../config/stack-schema";
import { gpuInstanceType } from "./instance-catalog";

/**
 * Local hours [start, end) in which a serving pool may drain underused nodes (Karpenter
 * `Underutilized` consolidation); empty nodes go at any hour. 22:00-10:00 covers the evening
 * decline, the night trough and the morning ramp, when scale-down leaves nodes part-filled; the
 * PodDisruptionBudget (`maxUnavailable: 1`) makes a drain move one pod of a model at a time, so a
 * model is at most one replica short for a cold start. 10:00-22:00, the day and evening peak, only
 * removes empty nodes. Measured on the sample week (tools/bench-capacity.ts, before the forecast's
 * noise band, with a fixed margin): 01:00-05:00 gave 83.3% utilization, 22:00-10:00 84.4% for the
 * same SLO misses (0.04-0.05%), all hours 84.6%. With the drain spare (autoscaling.ts
 * `DRAIN_SPARE_REPLICAS`), 00:00-08:00 gave 82.9% and 16 SLO-miss minutes, 22:00-10:00 83.5% and
 * 18, 20:00-12:00 83.7% and 16, all but 09:00-10:00 83.8% and 18 (on 5% noise 77.5%, 78.0%,
 * 78.1%, 78.4%): wider windows gain a few tenths of a point for drains at the day peak, which
 * evict pods carrying it; the night window is kept.
 */
export const UNDERUTILIZED_CONSOLIDATION_HOURS = { start: 22, end: 10 } as const;

/**
 * The daily budget that blocks `Underutilized` consolidation of a serving pool, in UTC: from minute
 * `blockFromUtcMin` of the day for `blockedMinutes`. It starts when
 * `UNDERUTILIZED_CONSOLIDATION_HOURS` end in `timeZone` (its UTC offset in January) and lasts until
 * they open again; drains may run in the rest of the day.
 */
export function underutilizedBlockUtc(timeZone: string): { blockFromUtcMin: number; blockedMinutes: number } {
  const { start, end } = UNDERUTILIZED_CONSOLIDATION_HOURS;
  const offsetMin = utcOffsetMinutes(timeZone, Date.UTC(2026, 0, 15));
  return {
    blockFromUtcMin: (((end * 60 - offsetMin) % 1440) + 1440) % 1440,
    blockedMinutes: ((((start - end) % 24) + 24) % 24) * 60,
  };
}

/**
 * Whether `pool`'s nodes may be drained while they hold pods: serving pools, whose NodePool
 * `karpenterDisruption` gives `WhenEmptyOrUnderutilized` within the daily window; training pools
 * only lose empty nodes. Nor a serving pool of one instance type whose node holds one pod (a
 * one-GPU type, no sharing): a node with a pod is full, no other node has room for it, and no
 * cheaper type can replace it, so draining would never happen and the drain spare would only cost.
 */
export function drainsUnderused(pool: GpuPool): boolean {
  if (pool.purpose !== "serving") return false;
  const [only, ...others] = pool.instanceTypes;
  return others.length > 0 || pool.sharing.mode !== "none" || (gpuInstanceType(only)?.gpus ?? 1) > 1;
}

/** One formatter per zone: building an `Intl.DateTimeFormat` costs far more than using one. */
const ZONED_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of `timeZone` at `atMs`: year, month (1-12), day, hour (0-23) and minute. */
export function zonedClock(
  timeZone: string,
  atMs: number,
): { year: number; month: number; day: number; hour: number; minute: number } {
  let format = ZONED_FORMATS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    ZONED_FORMATS.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(atMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
  };
}

/** Minutes `timeZone` is ahead of UTC at `atMs` (Asia/Shanghai: 480). */
export function utcOffsetMinutes(timeZone: string, atMs: number): number {
  const { year, month, day, hour, minute } = zonedClock(timeZone, atMs);
  const local = Date.UTC(year, month - 1, day, hour, minute);
  return Math.round((local - Math.floor(atMs / 60_000) * 60_000) / 60_000);
}

/**
 * The Karpenter pod annotation that keeps a node from being consolidated or drift-replaced while the
 * pod runs (expiry, repair and spot interruptions still end it).
 */
export const DO_NOT_DISRUPT_ANNOTATION = "karpenter.sh/do-not-disrupt";

/**
 * Whether a variant's pods keep their nodes from being drained (`DO_NOT_DISRUPT_ANNOTATION`): in a
 * pool that drains underused nodes, a variant whose replica count cannot vary (`max <= min`, such as
 * a model of one replica) cannot get the drain spare that covers the others' evictions, and a drain
 * would leave it a replica short for a cold start - all of it, at one replica (a night without the
 * model). Its nodes stay instead: at most one node per such pod that consolidation cannot shrink.
 */
export function pinsItsNodes(pool: GpuPool, bounds: Readonly<{ min: number; max: number }>): boolean {
  return drainsUnderused(pool) && bounds.max <= bounds.min;
}
