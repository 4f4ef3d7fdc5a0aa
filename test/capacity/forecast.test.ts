import { FORECAST_DEFAULTS } from "../../components/capacity/forecast-params";
import {
  forecastAt,
  bandFactor,
  forecastWithBand,
  noiseRatio,
  MAD_TO_SIGMA,
  leadMinutes,
  leadTimeSeconds,
  rampAheadFactor,
} from "../../components/capacity/forecast";
import {
  EVENT_HOLD_MINUTES,
  EVENT_LIFT_MARGIN,
  eventHeldUntilMs,
  eventMultiplier,
  eventShownRatio,
  eventWindows,
  heldEventMultiplier,
  shownEventFloor,
} from "../../components/capacity/event-windows";
import { spec, tinyConfig } from "./helpers";

const START = Date.parse("2026-12-07T00:00:00Z");
const DAY = 1440;

/** A clean daily sine between 100 and 500 rps, optionally times `trend` from day 7 on. */
function seasonal(days: number, trend = 1): Float64Array {
  const s = new Float64Array(days * DAY);
  for (let i = 0; i < s.length; i++) {
    const level = 300 - 200 * Math.cos((2 * Math.PI * i) / DAY);
    s[i] = level * (i >= 7 * DAY ? trend : 1);
  }
  return s;
}

describe("forecast", () => {
  test("lead time = node provisioning + cold start, in whole minutes", () => {
    const cfg = tinyConfig({ provisioningSeconds: 150 });
    const m = spec("m", { coldStartSeconds: 90 });
    expect(leadTimeSeconds(m, cfg.gpuPools[0])).toBe(240);
    expect(leadMinutes(m, cfg.gpuPools[0])).toBe(4);
    expect(leadMinutes(spec("m", { coldStartSeconds: 91 }), cfg.gpuPools[0])).toBe(5);
  });

  test("on a clean seasonal signal the forecast is within 2% of the peak over the lead window", () => {
    const s = seasonal(9);
    const lead = 5;
    let worst = 0;
    for (let t = 8 * DAY; t < 9 * DAY - lead; t++) {
      let actual = 0;
      for (let i = t; i <= t + lead; i++) actual = Math.max(actual, s[i]);
      const f = forecastAt(s, t, lead, { nowMs: START + t * 60_000, events: [] });
      worst = Math.max(worst, Math.abs(f - actual) / actual);
    }
    expect(worst).toBeLessThan(0.02);
  });

  test("the recent trend scales the seasonal lookahead", () => {
    const s = seasonal(9, 1.5); // from day 7 on, 50% above yesterday
    const t = 7 * DAY + 600;
    const f = forecastAt(s, t, 5, { nowMs: START + t * 60_000, events: [] });
    expect(f / s[t + 5 - DAY]).toBeGreaterThan(1.45); // yesterday's level scaled up by the trend
    expect(Math.abs(f / s[t + 5] - 1)).toBeLessThan(0.03); // ... which matches today's
  });

  test("traffic that stops takes the forecast to a tenth of yesterday's level within the hour", () => {
    // A flat 1,000 requests/s for a day, then 0 from minute 1500: an hour later the trends read
    // (0 + 1) / (1000 + 1), clamped at minRatio 0.1, not 0.5 (which kept half for a week).
    const s = Float64Array.from({ length: DAY + 200 }, (_, i) => (i < DAY + 60 ? 1000 : 0));
    const at = (t: number) => forecastAt(s, t, 3, { nowMs: START + t * 60_000, events: [] });
    expect(at(DAY + 50)).toBeCloseTo(1000, 6);
    expect(at(DAY + 60 + 61)).toBeCloseTo(100, 6);
  });

  test("without a day of history the forecast is the current rate", () => {
    const s = seasonal(1);
    expect(forecastAt(s, 100, 5, { nowMs: START, events: [] })).toBe(s[99]);
  });

  test("an undeclared ramp is carried on over the lead time; a rise within the noise is not", () => {
    // Yesterday flat at 100; today from minute DAY + 100 a ramp of 3% a minute.
    const lead = 5;
    const ramp = (jitter: number) =>
      Float64Array.from({ length: DAY + 200 }, (_, i) => {
        const level = i < DAY + 100 ? 100 : 100 + 3 * (i - DAY - 100);
        return i < DAY ? 100 : level * (1 + jitter * (i % 2 === 0 ? -1 : 1));
      });
    // The 10-minute test alone: the fast 5-minute one has its own test below.
    const at = (s: Float64Array, t: number, rampSigmas: number) =>
      forecastAt(
        s,
        t,
        lead,
        { nowMs: START + t * 60_000, events: [] },
        { ...FORECAST_DEFAULTS, rampSigmas, fastRampSigmas: Infinity },
      );
    const t = DAY + 112;
    const plain = ramp(0);
    // The trend of the last ten minutes (mean 100 + 3 x 6.5) against the ten before (100.3), both
    // plus 1 against yesterday's 100 + 1: its rise is carried on over the lead time.
    const [now, before] = [(100 + 3 * 6.5 + 1) / 101, (100.3 + 1) / 101];
    expect(at(plain, t, Infinity)).toBeCloseTo(100 * now, 6);
    expect(at(plain, t, 4)).toBeCloseTo(100 * (now + (now - before) * rampAheadFactor(lead)), 6);
    // 25 minutes in, the ramp's own minutes read as noise now (6% off their 5-minute mean); the
    // noise 10 minutes ago does not hold the threshold above the ramp, which reaches the lead time.
    expect(noiseRatio(plain, DAY + 125)).toBeGreaterThan(0.05);
    expect(at(plain, DAY + 125, 4)).toBeGreaterThanOrEqual(100 + 3 * (25 + lead));
    // +-20% per-minute noise: that rise is under 4 deviations of it.
    const noisy = ramp(0.2);
    expect(noiseRatio(noisy, t)).toBeGreaterThan(0.1);
    expect(at(noisy, t, 4)).toBe(at(noisy, t, Infinity));
    expect(at(noisy, t, 0)).toBeGreaterThan(at(noisy, t, Infinity));
  });

  test("a fast ramp passes the 5-minute test minutes before the 10-minute one; a few percent of noise does not", () => {
    // Yesterday flat at 100; today +-2% per-minute jitter and, from minute DAY + 100, 3x over 30
    // minutes (6.7 a minute), an undeclared campaign.
    const lead = 4;
    const series = (slope: number, jitter: number) =>
      Float64Array.from({ length: DAY + 200 }, (_, i) =>
        i < DAY ? 100 : (100 + slope * Math.max(0, i - DAY - 100)) * (1 + jitter * (i % 2 === 0 ? -1 : 1)),
      );
    const at = (s: Float64Array, t: number, fastRampSigmas: number) =>
      forecastAt(
        s,
        t,
        lead,
        { nowMs: START + t * 60_000, events: [] },
        { ...FORECAST_DEFAULTS, fastRampSigmas },
      );
    const mean = (s: Float64Array, from: number, to: number) =>
      s.slice(from, to).reduce((a, b) => a + b) / (to - from);
    const ramp = series(20 / 3, 0.02);
    const t = DAY + 107; // seven minutes of the ramp known
    // The 5-minute trend against yesterday's 100 (both plus 1) and its rise over the 5 minutes before.
    const fast = (mean(ramp, t - 5, t) + 1) / 101;
    const rise = fast - (mean(ramp, t - 10, t - 5) + 1) / 101;
    const carried = 100 * (fast + rise * rampAheadFactor(lead, FORECAST_DEFAULTS, 5, 1.5));
    expect(at(ramp, t, 8)).toBeCloseTo(carried, 6);
    // Without it (the 10-minute test alone) the forecast trails the ramp by far: its rise is the
    // mean of seven ramp minutes against a flat window, under the 4-deviation threshold yet.
    expect(at(ramp, t, Infinity)).toBeLessThan(100 + (20 / 3) * 9);
    expect(carried).toBeGreaterThan(100 + (20 / 3) * (t - DAY - 100 + lead) * 0.85);
    // Flat traffic with +-4% noise and a 6% step: the 5-minute rise is far under 8 deviations.
    const step = Float64Array.from(series(0, 0.04), (v, i) => (i >= DAY + 100 ? v * 1.06 : v));
    for (const m of [DAY + 102, DAY + 105, DAY + 110]) expect(at(step, m, 8)).toBe(at(step, m, Infinity));
  });

  test("without history, a sale already in the current rate is not multiplied again", () => {
    // The replay (or the model) starts during a sale: 100 rps, then 800 from minute 30 (8x event).
    const evStart = START + 30 * 60_000;
    const events = eventWindows([
      {
        name: "flash",
        start: new Date(evStart).toISOString(),
        end: new Date(evStart + 3_600_000).toISOString(),
        trafficMultiplier: 8,
      },
    ]);
    const s = Float64Array.from({ length: 120 }, (_, i) => (i >= 30 && i < 90 ? 800 : 100));
    const at = (t: number) => forecastAt(s, t, 4, { nowMs: START + t * 60_000, events });
    expect(at(20)).toBe(100); // before the lead window
    expect(at(27)).toBe(800); // pre-scale: the last minute is not in the sale yet
    expect(at(31)).toBe(800); // the sale's first minute is in the rate: not 6400
    expect(at(60)).toBe(800);
    expect(at(95)).toBe(100); // after the sale
  });

  test("an event's multiplier applies from one lead time before its start until its end", () => {
    const cfg = tinyConfig({}, [
      { name: "flash", start: "2026-12-08T12:00:00Z", end: "2026-12-08T13:00:00Z", trafficMultiplier: 8 },
    ]);
    const events = eventWindows(cfg.events);
    const start = Date.parse("2026-12-08T12:00:00Z");
    expect(eventMultiplier(events, start - 5 * 60_000, 4)).toBe(1);
    expect(eventMultiplier(events, start - 4 * 60_000, 4)).toBe(8);
    expect(eventMultiplier(events, start + 59 * 60_000, 4)).toBe(8);
    expect(eventMultiplier(events, start + 60 * 60_000, 4)).toBe(1);
    const s = seasonal(3);
    const t = 2 * DAY - 4; // four minutes before the event
    const plain = forecastAt(s, t, 4, { nowMs: start - 5 * 60_000, events });
    const pre = forecastAt(s, t, 4, { nowMs: start - 4 * 60_000, events });
    expect(pre / plain).toBeCloseTo(8, 1);
  });

  test("history inside a past event is divided by its multiplier", () => {
    const s = seasonal(3);
    const evStart = START + DAY * 60_000 + 600 * 60_000; // day 1, minute 600, one hour at 8x
    for (let i = DAY + 600; i < DAY + 660; i++) s[i] *= 8;
    const events = eventWindows([
      {
        name: "flash",
        start: new Date(evStart).toISOString(),
        end: new Date(evStart + 3_600_000).toISOString(),
        trafficMultiplier: 8,
      },
    ]);
    const t = 2 * DAY + 620; // the same time one day later, no event today
    const f = forecastAt(s, t, 5, { nowMs: START + t * 60_000, events });
    expect(f / s[t + 5]).toBeLessThan(1.1);
    expect(f / s[t + 5]).toBeGreaterThan(0.9);
  });
});

describe("a period without traffic says nothing about now", () => {
  test("after a day of zeros the forecast is the current rate (the no-history fallback), not 0", () => {
    const s = Float64Array.from({ length: DAY + 200 }, (_, i) => (i < DAY ? 0 : 100));
    const clock = { nowMs: START + (DAY + 100) * 60_000, events: [] };
    expect(forecastAt(s, DAY + 100, 3, clock)).toBeCloseTo(100, 9);
  });

  test("nor do trend minutes without traffic: no 4x ratio against an idle hour yesterday", () => {
    // Yesterday idle from minute 600 to 700, today steady at 100. At minute 700 the lookahead
    // already sees yesterday's traffic again, but the trend's minutes (690-699) were idle: their
    // ratio, (100 + 1) / (0 + 1) clamped to 4, would make the forecast 400.
    const s = Float64Array.from({ length: DAY + 800 }, (_, i) => (i >= 600 && i < 700 ? 0 : 100));
    const clock = { nowMs: START + (DAY + 700) * 60_000, events: [] };
    expect(forecastAt(s, DAY + 700, 3, clock)).toBeCloseTo(100, 9);
  });
});

describe("noise band", () => {
  test("a steady rate has no noise; alternating 90/110 has about 12%; too little history gives 0", () => {
    const steady = new Float64Array(100).fill(100);
    expect(noiseRatio(steady, 60)).toBe(0);
    const jitter = Float64Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 90 : 110));
    // Each minute over its 5-minute mean is 90/98 or 110/102: 31 points, the 16 even minutes (the
    // median) 8/98 from 1, the 15 odd ones 8/102.
    expect(noiseRatio(jitter, 61)).toBeCloseTo(MAD_TO_SIGMA * (8 / 98), 12);
    expect(noiseRatio(jitter, 20)).toBe(0);
  });

  test("traffic starting again after idle minutes is not noise until half the window has traffic", () => {
    // Idle, then 25 minutes at 100 from minute 60: the first non-idle minutes sit far above their
    // 5-minute means (100 against 20, 40, ...), and alone they would be their own median.
    const restart = Float64Array.from({ length: 120 }, (_, i) => (i >= 60 ? 100 : 0));
    expect(noiseRatio(restart, 63)).toBe(0); // 3 non-idle minutes
    expect(noiseRatio(restart, 75)).toBe(0); // 15
    expect(noiseRatio(restart, 80)).toBe(0); // 20: the restart is a minority of them
    const jitter = Float64Array.from({ length: 120 }, (_, i) => (i < 60 ? 0 : i % 2 === 0 ? 90 : 110));
    expect(noiseRatio(jitter, 75)).toBe(0); // 15 non-idle minutes: too few
    expect(noiseRatio(jitter, 101)).toBeCloseTo(MAD_TO_SIGMA * (8 / 98), 12);
  });

  test("a step is not noise: 4x for 15 minutes leaves the estimate of steady traffic at 0", () => {
    // Steady 100 rps with a 4x push from minute 40 to 54: at minute 61 the 31-minute window holds the
    // step's rise and fall, a minority of its points.
    const push = Float64Array.from({ length: 100 }, (_, i) => (i >= 40 && i < 55 ? 400 : 100));
    expect(noiseRatio(push, 61)).toBe(0);
  });

  test("the band widens the forecast by noiseBand standard deviations", () => {
    const jitter = Float64Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 90 : 110));
    const clock = { nowMs: 0, events: [] };
    expect(forecastWithBand(jitter, 61, 3, clock, 0.8)).toBeCloseTo(
      forecastAt(jitter, 61, 3, clock) * (1 + FORECAST_DEFAULTS.noiseBand * noiseRatio(jitter, 61)),
      9,
    );
  });

  test("a high targetUtilization gets a wider band: at least minMarginSigmas of noise in all", () => {
    const { noiseBand: z, minMarginSigmas: Z } = FORECAST_DEFAULTS;
    // Little noise: the spec's 5% headroom and the band together are at least Z deviations.
    expect(bandFactor(0.02, 0.95)).toBeCloseTo(1 + z * 0.02, 12);
    expect((1 + z * 0.02) / 0.95).toBeGreaterThan(1 + Z * 0.02);
    // More noise: the band grows so the replicas hold Z deviations over the forecast.
    expect(bandFactor(0.08, 0.95)).toBeCloseTo(0.95 * (1 + Z * 0.08), 12);
    expect(bandFactor(0.08, 0.95) / 0.95).toBeCloseTo(1 + Z * 0.08, 12);
    // The default target's 20% headroom needs no widening at that noise.
    expect(bandFactor(0.08, 0.8)).toBeCloseTo(1 + z * 0.08, 12);
    expect(bandFactor(0, 0.95)).toBe(1);
    const jitter = Float64Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 90 : 110));
    const clock = { nowMs: 0, events: [] };
    const noise = noiseRatio(jitter, 61);
    expect(forecastWithBand(jitter, 61, 3, clock, 0.95)).toBeCloseTo(
      forecastAt(jitter, 61, 3, clock) * 0.95 * (1 + Z * noise),
      9,
    );
  });
});

describe("a declared event holds the forecast only while its traffic shows it", () => {
  // A day at 100 requests/s, then an 8x event declared from minute 2040 to 2220 of the replay.
  const s0 = DAY + 600;
  const events = eventWindows([
    {
      name: "sale",
      start: new Date(START + s0 * 60_000).toISOString(),
      end: new Date(START + (s0 + 180) * 60_000).toISOString(),
      trafficMultiplier: 8,
    },
  ]);
  /** 100 requests/s, and `during(i)` for minutes from the event's start on (undefined: 100). */
  const traffic = (during: (i: number) => number | undefined) =>
    Float64Array.from({ length: DAY + 900 }, (_, i) => (i < s0 ? 100 : (during(i - s0) ?? 100)));
  const at = (series: Float64Array, t: number) =>
    forecastAt(series, t, 3, { nowMs: START + t * 60_000, events });
  /** The trend of a 10-minute mean of `now` against yesterday's 100, as `clampedRatio` reads it. */
  const ratio = (now: number) => (now + 1) / (100 + 1);

  test("held from one lead time ahead through its first minutes, whatever the traffic", () => {
    const flat = traffic(() => undefined);
    expect(at(flat, s0 - 4)).toBeCloseTo(100, 6);
    expect(at(flat, s0 - 3)).toBeCloseTo(800, 6);
    expect(at(flat, s0 + EVENT_HOLD_MINUTES - 1)).toBeCloseTo(800, 6);
  });

  test("a sale that does not come releases the floor when the hold ends", () => {
    const flat = traffic(() => undefined);
    expect(at(flat, s0 + EVENT_HOLD_MINUTES)).toBeCloseTo(100, 6);
    expect(at(flat, s0 + 120)).toBeCloseTo(100, 6);
  });

  test("a sale at 3x keeps its lift with a margin, not the declared 8x", () => {
    const x3 = traffic((i) => (i < 180 ? 300 : undefined));
    expect(at(x3, s0 + 60)).toBeCloseTo(100 * ratio(300) * EVENT_LIFT_MARGIN, 6);
  });

  test("a sale at 8x (beyond what the trend reads) keeps the declared multiplier, through a dip", () => {
    const x8 = traffic((i) => (i < 180 && !(i >= 60 && i < 70) ? 800 : undefined));
    expect(at(x8, s0 + 50)).toBeCloseTo(800, 6);
    // Ten minutes back at 100 inside the sale: the lift of the last half hour still shows 8x.
    expect(at(x8, s0 + 70)).toBeCloseTo(800, 6);
  });

  test("a dip of 40 minutes inside the sale keeps the floor for its return", () => {
    // 8x, back to 100 from minute 60 to 100 of the sale (an upstream outage, a lull between two
    // waves), then 8x again: the forecast one lead time before the return still holds 800.
    const dip = traffic((i) => (i < 180 && !(i >= 60 && i < 100) ? 800 : undefined));
    expect(at(dip, s0 + 97)).toBeCloseTo(800, 6);
    // The lift of the last hour: at 40 minutes into the dip it still reads the sale.
    expect(at(dip, s0 + 100)).toBeCloseTo(800, 6);
  });

  test("a sale that starts late gets its floor back once its lift shows", () => {
    const late = traffic((i) => (i >= 40 && i < 180 ? 800 : undefined));
    // One minute of it in the trend's ten: (100 x 9 + 800) / 10 = 170, below the 2x that shows 8x;
    // its rise over the ten minutes before (at 100) is carried on over the lead time, no further.
    // So is its 5-minute trend's (100 x 4 + 800) / 5 = 240 over the 5 before, at most 4x: the
    // traffic had no noise, so any rise passes both tests.
    const rise = ratio(170) - ratio(100);
    const fast = ratio(240) + (ratio(240) - ratio(100)) * rampAheadFactor(3, FORECAST_DEFAULTS, 5, 1.5);
    expect(at(late, s0 + 41)).toBeCloseTo(
      100 * Math.min(4, Math.max(ratio(170) + rise * rampAheadFactor(3), fast)),
      6,
    );
    expect(at(late, s0 + 45)).toBeCloseTo(800, 6);
  });

  test("the shown ratio, the floor from a lift and the held multiplier", () => {
    expect([8, 5, 3, 1.4].map(eventShownRatio)).toEqual([2, 2, 1.5, 1.1]);
    expect(shownEventFloor(8, 1.9, 4)).toBe(1);
    expect(shownEventFloor(8, 3, 4)).toBe(3 * EVENT_LIFT_MARGIN);
    expect(shownEventFloor(8, 4, 4)).toBe(8);
    expect(shownEventFloor(3, 2.8, 4)).toBe(3);
    const start = START + s0 * 60_000;
    expect(heldEventMultiplier(events, start - 4 * 60_000, 3)).toBe(1);
    expect(heldEventMultiplier(events, start - 3 * 60_000, 3)).toBe(8);
    expect(heldEventMultiplier(events, start + (EVENT_HOLD_MINUTES - 1) * 60_000, 3)).toBe(8);
    expect(heldEventMultiplier(events, start + EVENT_HOLD_MINUTES * 60_000, 3)).toBe(1);
  });

  test("an event shorter than the hold is held to its end, not beyond", () => {
    const start = START + s0 * 60_000;
    const short = { name: "flash", startMs: start, endMs: start + 5 * 60_000, multiplier: 4 };
    expect(eventHeldUntilMs(short)).toBe(start + 5 * 60_000);
    expect(eventHeldUntilMs(events[0])).toBe(start + EVENT_HOLD_MINUTES * 60_000);
    expect(heldEventMultiplier([short], start + 4 * 60_000, 3)).toBe(4);
    expect(heldEventMultiplier([short], start + 5 * 60_000, 3)).toBe(1);
  });
});
