/** Durations written the Prometheus / Karpenter way with one unit (`30s`, `5m`, `6h`, `1d`, `2w`). Pure. */

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 } as const;

/**
 * Seconds of a one-unit duration such as `30s`, `5m`, `6h`, `1d` or `2w`. The stack schema validates the
 * durations users write, so a bad one here is a programming error and throws.
 */
export function durationSeconds(duration: string): number {
  const m = /^(\d+)([smhdw])$/.exec(duration);
  if (!m) throw new Error(`not a duration: ${duration} (expected e.g. 30s, 5m, 6h, 1d, 2w)`);
  return Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
}
