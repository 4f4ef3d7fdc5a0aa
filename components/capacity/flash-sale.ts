/**
 * Undeclared flash sales for the traffic generator (`generate-traffic --flash-sale`): a sale that is
 * not in the stack's `events`, so nothing of the platform knows it ahead (no pre-scale, no floor of
 * the forecast, no drift freeze) and the generator does not size a model's base traffic for it. It
 * stress-tests the simulator's reaction to a sale as it shows in the traffic. Pure.
 */

/** One undeclared sale: every model's traffic times `multiplier` for `minutes` from `startMs`. */
export interface FlashSale {
  /** First minute of the sale (epoch ms, on a whole minute). */
  readonly startMs: number;
  /** Length in minutes, the ramp included. */
  readonly minutes: number;
  /** Traffic multiplier once the sale is up, 1-50 (as a declared event's `trafficMultiplier`). */
  readonly multiplier: number;
  /**
   * Minutes over which the traffic rises linearly to `multiplier` (its first minute at
   * `1 + (multiplier - 1) / rampMinutes`, minute `rampMinutes - 1` at the full multiplier); 0 is a
   * step at `startMs`, as a declared event is generated. The end is always a step back.
   * @default 0
   */
  readonly rampMinutes?: number;
}

/**
 * Multiplier of the undeclared sales at the minute `ms`: the largest of the sales running then (1
 * outside them), as overlapping declared events combine.
 */
export function flashSaleMultiplier(sales: readonly FlashSale[], ms: number): number {
  let mult = 1;
  for (const s of sales) {
    const k = (ms - s.startMs) / 60_000;
    if (k < 0 || k >= s.minutes) continue;
    const ramp = s.rampMinutes ?? 0;
    const m = k < ramp ? 1 + ((s.multiplier - 1) * (Math.floor(k) + 1)) / ramp : s.multiplier;
    mult = Math.max(mult, m);
  }
  return mult;
}
