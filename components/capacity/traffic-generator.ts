/**
 * Seeded generator of realistic synthetic traffic weeks for the simulator and the tests: per model a
 * diurnal cycle (trough before dawn, evening peak, a lunch bump; peak-to-trough 3.3-7.5x on
 * the sample week, or drawn from `peakToTrough`), a weekend shape (more afternoon traffic, 10% more
 * overall), autocorrelated per-minute noise, the stack's declared sales events as a step to their
 * `trafficMultiplier`, and any undeclared `flashSales`. Deterministic for a seed,
 * and per model: a model's traffic depends on the seed and its own spec, not on the other models.
 * Unless given, a model's peak rate is sized from its spec: the largest for which `replicas.max`
 * serves every declared event at the target utilization (`defaultPeak`), so the week and the specs
 * agree (a midnight sale multiplies the late-evening level, which leaves a busier normal day than
 * a sale at the evening peak would).
 * Pure: no Pulumi imports.
 */
import type { ModelSpec } from "../config/model-schema";
import type { StackConfig } from "../config/stack-schema";
import { EventWindow, eventWindows } from "./event-windows";
import { MAX_RPS, Traffic } from "./traffic";
import { utcOffsetMinutes } from "./drain-window";
import { FlashSale, flashSaleMultiplier } from "./flash-sale";

/** Options of `generateTraffic`. */
export interface GeneratorOptions {
  /** PRNG seed; the same seed gives the same traffic. */
  readonly seed: number;
  /** First minute (epoch ms). @default Monday 2026-12-07 00:00 Asia/Shanghai (the week of Double-12) */
  readonly startMs?: number;
  /** @default 7 */
  readonly days?: number;
  /** Standard deviation of the multiplicative per-minute noise. @default 0.03 */
  readonly noise?: number;
  /**
   * Weekday peak requests/s per model.
   * @default the largest rate for which the model's `replicas.max` at its target utilization
   * still serves every declared event (the event's multiplier times this shape's level during the
   * event's own local hours, plus 4 standard deviations of noise) and the plain weekly peak; a
   * model with no event is sized so that its weekly peak needs half of `replicas.max`
   */
  readonly peakRps?: Readonly<Record<string, number>>;
  /**
   * Range `[min, max]` each model's diurnal peak-to-trough ratio is drawn from (uniformly, with the
   * model's seeded stream): its busiest clock hour's mean over its quietest's, on every day of the
   * noise-free curve, weekdays and weekend days alike (`shapeForRatio`).
   * @default the curve's parameter drawn from 3.5-8.5 (a weekday's peak is 0.9 of the curve's top),
   * which measures 3.3-7.5x on the committed sample week's days
   */
  readonly peakToTrough?: readonly [number, number];
  /**
   * Undeclared sales on top of the stack's declared events (combined as the larger multiplier);
   * the base traffic is not sized for them, so one above what `replicas.max` serves shows as demand
   * above max. @default none
   */
  readonly flashSales?: readonly FlashSale[];
}

/** Standard deviation of the per-minute noise when `GeneratorOptions.noise` is not given. */
export const DEFAULT_NOISE = 0.03;

/** 2026-12-07T00:00:00+08:00, a Monday. */
export const DEFAULT_TRAFFIC_START_MS = Date.parse("2026-12-06T16:00:00Z");

/** Mulberry32: small, fast, good enough for synthetic traffic; deterministic per seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Seed of one model's random stream: FNV-1a over the model name, started from the run's seed. Each
 * model draws from its own stream so that adding, removing or renaming a model leaves every other
 * model's traffic as it was (one shared stream would shift the draws of every model after it).
 */
export function modelSeed(seed: number, model: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (const ch of Buffer.from(model, "utf8")) h = Math.imul(h ^ ch, 0x01000193) >>> 0;
  return h;
}

/** Shape of one model's day: trough and peak hours and the curve's peak-to-trough parameter. */
export interface DayShape {
  readonly troughHour: number;
  readonly peakHour: number;
  /** The trough is `1 / ratio` of the curve's top (which a weekday reaches only in part, 0.9). */
  readonly ratio: number;
  /** `ratio` on Saturdays and Sundays. @default ratio */
  readonly weekendRatio?: number;
}

/** The day's curve at local hour `h`, 0 at the trough hour, at most 1; the trough is set apart. */
function dayCurve(shape: DayShape, h: number, weekend: boolean): number {
  const rise = (((shape.peakHour - shape.troughHour) % 24) + 24) % 24;
  const since = (((h - shape.troughHour) % 24) + 24) % 24;
  const x = since <= rise ? since / rise : 1 - (since - rise) / (24 - rise);
  const f = (1 - Math.cos(Math.PI * x)) / 2;
  const lunch = Math.exp(-(((h - 12.5) / 1.2) ** 2)) * 0.15;
  const afternoon = Math.exp(-(((h - 15) / 2.5) ** 2)) * 0.35;
  return weekend ? Math.min(1, 0.75 * f + afternoon + lunch) : Math.min(1, 0.9 * f + lunch);
}

/** Relative level (trough 1/ratio .. peak about 1) at local hour `h` of a weekday or weekend day. */
export function diurnalLevel(shape: DayShape, h: number, weekend: boolean): number {
  const f = dayCurve(shape, h, weekend);
  const trough = 1 / (weekend ? (shape.weekendRatio ?? shape.ratio) : shape.ratio);
  return (trough + (1 - trough) * f) * (weekend ? 1.1 : 1);
}

/**
 * The shape whose busiest clock hour (its mean) is `peakToTrough` times its quietest, weekdays and
 * weekend days alike: the level is linear in the curve, `t + (1 - t) g`, so with `g`'s largest and
 * smallest hourly means the ratio `(1 + u gMax) / (1 + u gMin)`, `u = ratio - 1`, is solved for
 * `u`. Clock hours of the local day, as a day's traffic is read (hourly means smooth the noise out).
 */
export function shapeForRatio(troughHour: number, peakHour: number, peakToTrough: number): DayShape {
  const base = { troughHour, peakHour, ratio: 1 };
  const ratioFor = (weekend: boolean) => {
    const hourly = Array.from({ length: 24 }, (_, hour) => {
      let sum = 0;
      for (let m = 0; m < 60; m++) sum += dayCurve(base, hour + m / 60, weekend);
      return sum / 60;
    });
    const [gMax, gMin] = [Math.max(...hourly), Math.min(...hourly)];
    return 1 + (peakToTrough - 1) / (gMax - peakToTrough * gMin);
  };
  return { troughHour, peakHour, ratio: ratioFor(false), weekendRatio: ratioFor(true) };
}

/** Generates `days` of per-minute traffic for `specs`, with the stack's events and time zone. */
export function generateTraffic(
  specs: readonly ModelSpec[],
  config: StackConfig,
  opts: GeneratorOptions,
): Traffic {
  const startMs = opts.startMs ?? DEFAULT_TRAFFIC_START_MS;
  const minutes = (opts.days ?? 7) * 1440;
  const sigma = opts.noise ?? DEFAULT_NOISE;
  const events = eventWindows(config.events);
  const sales = opts.flashSales ?? [];
  // The wall clock is the same for every model: read once per minute, not once per model and minute.
  const local = localClock(config.timeZone);
  const hours = new Float64Array(minutes);
  const weekends = new Uint8Array(minutes);
  for (let i = 0; i < minutes; i++) {
    const { hour, weekend } = local(startMs + i * 60_000);
    hours[i] = hour;
    weekends[i] = weekend ? 1 : 0;
  }
  const rps = specs.map((spec) => {
    const rand = mulberry32(modelSeed(opts.seed, spec.name));
    const troughHour = 4 + rand() * 1.5;
    const peakHour = 20 + rand() * 2;
    // The third draw is the ratio's either way: a seed gives the same hours with or without the range.
    const draw = rand();
    const range = opts.peakToTrough;
    const shape: DayShape = range
      ? shapeForRatio(troughHour, peakHour, range[0] + draw * (range[1] - range[0]))
      : { troughHour, peakHour, ratio: 3.5 + draw * 5 };
    const peak = opts.peakRps?.[spec.name] ?? defaultPeak(spec, shape, events, config.timeZone, sigma);
    const out = new Float64Array(minutes);
    let ar = 0;
    for (let i = 0; i < minutes; i++) {
      const ms = startMs + i * 60_000;
      // AR(1) with rho 0.6, scaled so its stationary standard deviation is sigma.
      ar = 0.6 * ar + Math.sqrt(1 - 0.36) * sigma * gaussian(rand);
      let mult = 1;
      for (const e of events) if (ms >= e.startMs && ms < e.endMs) mult = Math.max(mult, e.multiplier);
      if (sales.length > 0) mult = Math.max(mult, flashSaleMultiplier(sales, ms));
      out[i] = Math.max(0, peak * diurnalLevel(shape, hours[i], weekends[i] === 1) * (1 + ar) * mult);
    }
    return out;
  });
  return { models: specs.map((s) => s.name), startMs, minutes, rps };
}

/**
 * The peak rate `replicas.max` is sized for: every declared event at the diurnal level of its own
 * local hours (a midnight flash sale multiplies the late-evening level, not the daily peak) plus
 * 4 sigma of noise fits `max × rpsPerReplica × targetUtilization`.
 */
export function defaultPeak(
  spec: ModelSpec,
  shape: DayShape,
  events: readonly EventWindow[],
  timeZone: string,
  sigma: number,
): number {
  const capacity = spec.serving.replicas.max * spec.serving.rpsPerReplica * spec.serving.targetUtilization;
  // Without events the weekly peak (at most 1.1 on a weekend) needs half of max: room for growth.
  let need = 2 * 1.1;
  for (const e of events) {
    const local = localClock(timeZone);
    // Events last hours; scanning at most two days bounds the work for a misdeclared one.
    const end = Math.min(e.endMs, e.startMs + 2 * 86_400_000);
    for (let ms = e.startMs; ms < end; ms += 60_000) {
      const { hour, weekend } = local(ms);
      need = Math.max(need, e.multiplier * diurnalLevel(shape, hour, weekend));
    }
  }
  // Whatever the spec serves, the file must stay readable: rates above MAX_RPS are refused by the
  // CSV reader (a model of 20 replicas of a million requests/s each would be sized to 17 million).
  return Math.min(capacity, MAX_RPS / 2) / (need * (1 + 4 * sigma));
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

const QUARTER_HOUR_MS = 15 * 60_000;
/** How long people take to live by the new clock after a daylight-saving change: the night. */
const CLOCK_CHANGE_HOURS = 6;

/**
 * Local fractional hour and weekend flag in `timeZone`, following its daylight-saving changes: the
 * diurnal curve is people's day, so in New York it comes an hour later in UTC after clocks go back.
 * The change is spread over the `CLOCK_CHANGE_HOURS` after it: people sleep through it, and traffic
 * does not jump at 02:00 as the wall clock does. Zones change their offset only on quarter hours of
 * UTC, so the offset is read once per quarter hour.
 */
function localClock(timeZone: string): (ms: number) => { hour: number; weekend: boolean } {
  const offsets = new Map<number, number>();
  const offsetAt = (quarter: number) => {
    let o = offsets.get(quarter);
    if (o === undefined) offsets.set(quarter, (o = utcOffsetMinutes(timeZone, quarter * QUARTER_HOUR_MS)));
    return o;
  };
  const ramp = (CLOCK_CHANGE_HOURS * 3_600_000) / QUARTER_HOUR_MS;
  return (ms) => {
    const q = Math.floor(ms / QUARTER_HOUR_MS);
    const now = offsetAt(q);
    const before = offsetAt(q - ramp);
    let offset = now;
    if (before !== now) {
      // The quarter the clocks changed in: the first of (q - ramp, q] on the new offset.
      let lo = q - ramp;
      let hi = q;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(mid) === now) hi = mid;
        else lo = mid;
      }
      const done = (ms - hi * QUARTER_HOUR_MS) / (ramp * QUARTER_HOUR_MS);
      offset = before + (now - before) * done;
    }
    const d = new Date(ms + offset * 60_000);
    const day = d.getUTCDay();
    return {
      hour: d.getUTCHours() + d.getUTCMinutes() / 60 + d.getUTCSeconds() / 3600,
      weekend: day === 0 || day === 6,
    };
  };
}
