/**
 * Text rendering of simulation results for the terminal (the `simulate` and `bench-capacity` tools).
 * Pure: no Pulumi imports.
 */
import { SimulationResult, STRATEGIES } from "./simulate";

/** A model's own SLO-miss share above which the table names it (the issue's target for the total). */
export const MODEL_MISS_WARN_PCT = 0.1;

/**
 * A fixed-width table: one row per strategy with utilization, the part of provisioned GPU time that
 * holds ready replicas (`readyFraction`), GPU-hours, cost, SLO misses and peak GPUs.
 */
export function formatSimulationTable(result: SimulationResult): string {
  const head = [
    "strategy",
    "GPU util",
    "ready",
    "GPU-hours",
    `cost (${result.currency})`,
    "SLO-miss %",
    "peak GPUs",
  ];
  const rows = STRATEGIES.map((name) => {
    const s = result.strategies[name];
    return [
      name,
      `${(s.gpuUtilization * 100).toFixed(1)}%`,
      `${(s.readyFraction * 100).toFixed(1)}%`,
      s.gpuHours.toFixed(1),
      s.cost.toFixed(0),
      s.sloViolationPct.toFixed(3),
      String(s.peakGpus),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const models = result.modelMinutes / Math.max(1, result.minutes);
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [
    line(head),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(line),
    `${result.minutes} minute${result.minutes === 1 ? "" : "s"} x ${models} model${models === 1 ? "" : "s"}`,
    ...aboveMaxLines(result),
    ...modelWarnings(result),
  ].join("\n");
}

/**
 * For `reactive` and `platform`, when some of their misses are demand above the specs' `replicas.max`:
 * how many, and the SLO-miss share within max (what the controller itself missed).
 */
export function aboveMaxLines(result: SimulationResult): string[] {
  return (["reactive", "platform"] as const).flatMap((name) => {
    const s = result.strategies[name];
    if (s.sloMissMinutesAboveMax === 0) return [];
    return [
      `${name}: ${s.sloMissMinutesAboveMax.toLocaleString("en-US")} of its ` +
        `${s.sloMissMinutes.toLocaleString("en-US")} SLO-miss minutes are demand above replicas.max; ` +
        `within max ${s.sloViolationPctWithinMax.toFixed(3)}%`,
    ];
  });
}

/**
 * One line per pool or model the totals hide: a pool whose `platform` replay needed more GPUs at once
 * than its `maxGpus` (Karpenter launches no more, so that capacity is not there when deployed); a
 * model's demand above what `replicas.max` serves, or `platform` missing the SLO in more than
 * `MODEL_MISS_WARN_PCT` of the minutes it serves (demand above 0).
 */
export function modelWarnings(result: SimulationResult): string[] {
  const out: string[] = [];
  for (const pool of result.pools) {
    const peak = result.strategies.platform.peakGpusByPool[pool.name] ?? 0;
    if (peak > pool.maxGpus)
      out.push(
        `! pool ${pool.name}: platform needed ${peak} GPUs at once, above its maxGpus ${pool.maxGpus} ` +
          `(oracle ${result.strategies.oracle.peakGpusByPool[pool.name] ?? 0}); Karpenter launches no more, so ` +
          `the replay's figures for it are not reachable: raise maxGpus or move models to another pool`,
      );
  }
  const minutes = (n: number) => `${n} minute${n === 1 ? "" : "s"}`;
  for (const m of result.models) {
    const percent = (n: number) => (100 * n) / Math.max(1, m.servingMinutes);
    const pct = (n: number) => percent(n).toFixed(2);
    // Rounded to two decimals, 3 minutes of 2,880 (0.104%) would read "0.10%, above the 0.1% target".
    const pctAbove = (n: number) => (Number(pct(n)) > MODEL_MISS_WARN_PCT ? pct(n) : percent(n).toFixed(3));
    if (m.minutesAboveMaxReplicas > 0)
      out.push(
        `! ${m.name}: demand above replicas.max x rpsPerReplica (${m.maxCapacityRps.toLocaleString("en-US")} rps) ` +
          `in ${minutes(m.minutesAboveMaxReplicas)}; no autoscaler within replicas.max serves them (oracle and ` +
          `static do not stop at max): raise replicas.max`,
      );
    const missed = m.sloMissMinutes.platform;
    // Every minute above max is a miss of any autoscaler (its replicas stop at max): said apart, so
    // a model that is only short of replicas.max does not read as a forecast that failed.
    const capped = Math.min(missed, m.minutesAboveMaxReplicas);
    if (percent(missed) > MODEL_MISS_WARN_PCT)
      out.push(
        `! ${m.name}: platform missed the SLO in ${pctAbove(missed)}% of its serving minutes (${missed}` +
          `${capped > 0 ? `, ${capped} of them above replicas.max` : ""}; reactive ` +
          `${pct(m.sloMissMinutes.reactive)}%), above the ${MODEL_MISS_WARN_PCT}% target`,
      );
  }
  return out.length > 0 ? ["", ...out] : [];
}
