/**
 * What traffic asks of the capacity plan: per-model mean and peak rates, and the peaks too far above
 * a model's `replicas.max` to be anything but a unit slip. Pure: no Pulumi imports.
 */
import type { Traffic } from "./traffic";

/** Per-model weekly statistics the capacity plan sizes for. */
export function trafficLoad(traffic: Traffic): Map<string, { expectedRps: number; peakRps: number }> {
  const out = new Map<string, { expectedRps: number; peakRps: number }>();
  traffic.models.forEach((model, m) => {
    let sum = 0;
    let peak = 0;
    for (const v of traffic.rps[m]) {
      sum += v;
      if (v > peak) peak = v;
    }
    out.set(model, { expectedRps: sum / Math.max(1, traffic.minutes), peakRps: peak });
  });
  return out;
}

/**
 * A model's peak over this many times the replicas its `replicas.max` allows is taken for a unit
 * slip (a rate in the wrong unit, a wrong `rpsPerReplica`), not a what-if: no autoscaler goes past
 * `replicas.max`, and the static and oracle fleets would be sized for it - at 0.1 requests/s per
 * replica millions of replicas, a replay of hours and gigabytes. A smaller overshoot is replayed
 * and warned of (`modelWarnings`).
 */
export const IMPLAUSIBLE_PEAK_FACTOR = 100;

/** One problem per model whose traffic peaks beyond `IMPLAUSIBLE_PEAK_FACTOR` × its `replicas.max`. */
export function implausiblePeaks(
  traffic: Traffic,
  specs: readonly { name: string; serving: { rpsPerReplica: number; replicas: { max: number } } }[],
): string[] {
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  const out: string[] = [];
  for (const [model, { peakRps }] of trafficLoad(traffic)) {
    const spec = specs.find((s) => s.name === model);
    if (!spec) continue;
    const { rpsPerReplica, replicas } = spec.serving;
    const needed = peakRps / rpsPerReplica;
    if (needed > IMPLAUSIBLE_PEAK_FACTOR * replicas.max)
      out.push(
        `model ${model} peaks at ${fmt(peakRps)} requests/s: ${fmt(needed)} replicas at rpsPerReplica ${rpsPerReplica}, ` +
          `over ${IMPLAUSIBLE_PEAK_FACTOR} times its replicas.max (${replicas.max}). Rates must be requests per second ` +
          `(not per minute), and rpsPerReplica what one replica serves`,
      );
  }
  return out;
}
