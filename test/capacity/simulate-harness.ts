/** The simulator tests' setup: hand-written traffic from a fixed start, and a strategy's ready replicas. */
import type { StrategyName } from "../../components/capacity/simulate";
import type { Traffic } from "../../components/capacity/traffic";

/** Where the hand-written traffic starts: a Monday, 00:00 UTC. */
export const START = Date.parse("2026-12-07T00:00:00Z");

/** Traffic of `models`, one series of requests/s per minute each, from START. */
export function traffic(models: string[], ...series: number[][]): Traffic {
  return { models, startMs: START, minutes: series[0].length, rps: series.map((s) => Float64Array.from(s)) };
}

/** Ready replicas per minute of one strategy. */
export function readyTrace(
  result: { strategy: StrategyName; ready: number }[],
  strategy: StrategyName,
): number[] {
  return result.filter((r) => r.strategy === strategy).map((r) => r.ready);
}
