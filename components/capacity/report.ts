/**
 * Text rendering of simulation results for the terminal (the `simulate` and `bench-capacity` tools).
 * Pure: no Pulumi imports.
 */
import { SimulationResult, STRATEGIES } from "./simulate";

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
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [
    line(head),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.map(line),
    `${result.minutes} minutes x ${result.modelMinutes / Math.max(1, result.minutes)} models`,
  ].join("\n");
}
