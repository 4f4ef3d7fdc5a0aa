/**
 * Rows of a traffic file dated apart from the rest (nearly always a typo in the year), which the
 * traffic parser (traffic.ts) reports as one line each to fix rather than as months of missing
 * minutes. Pure.
 */

/** Rows further than this from every other row's minute start a separate group (`strayRows`). */
const STRAY_GAP_MS = 86_400_000;
/** A group of rows is stray when it holds less than this fraction of all rows (or one minute's rows). */
const STRAY_MAX_FRACTION = 0.01;

/**
 * Rows that sit apart from the file's data: grouped by time (a new group where consecutive minutes
 * are more than a day apart), the rows of every group but the largest that holds under 1% of the
 * rows or fewer rows than one minute of every model (`models`); 1 marks a stray row. Such a row is
 * nearly always a typo in its date (2027 for 2026), which would otherwise show up as a gap of months
 * in every model instead of one line to fix. Undefined when there are none.
 */
export function strayRows(minutes: Float64Array, models: number): Uint8Array | undefined {
  const sorted = Float64Array.from(minutes).sort();
  const groups: { from: number; to: number; count: number }[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const last = groups[groups.length - 1];
    if (last && sorted[i] - last.to <= STRAY_GAP_MS) {
      last.to = sorted[i];
      last.count++;
    } else groups.push({ from: sorted[i], to: sorted[i], count: 1 });
  }
  if (groups.length < 2) return undefined;
  const main = groups.reduce((a, g) => (g.count > a.count ? g : a));
  const small = Math.max(STRAY_MAX_FRACTION * minutes.length, models);
  const strays = groups.filter((g) => g !== main && g.count < small);
  if (strays.length === 0) return undefined;
  const rows = new Uint8Array(minutes.length);
  minutes.forEach((ms, r) => {
    if (strays.some((g) => ms >= g.from && ms <= g.to)) rows[r] = 1;
  });
  return rows;
}
