/**
 * The generator's shape options of `generate-traffic`: `peakToTrough` draws each model's diurnal
 * ratio from a range (measured on every day's hourly means, within the range), and `flashSales`
 * adds undeclared sales at their multiplier (step or linear ramp) without touching the base.
 */
import { generateTraffic, shapeForRatio, diurnalLevel } from "../../components/capacity/traffic-generator";
import { flashSaleMultiplier } from "../../components/capacity/flash-sale";
import { trafficToCsv } from "../../components/capacity/traffic-csv-writer";
import type { Traffic } from "../../components/capacity/traffic";
import { fixtureSpecs, prodConfig } from "./helpers";

const config = prodConfig();
const specs = fixtureSpecs(config);
/** Prod without its declared sales, so every day is an ordinary one. */
const plainConfig = { ...config, events: [] };

/** Each model's busiest clock hour's mean over its quietest's, per day (the week starts at local midnight). */
function dailyRatios(t: Traffic): number[][] {
  return t.rps.map((series) =>
    Array.from({ length: t.minutes / 1440 }, (_, day) => {
      const hourly = Array.from({ length: 24 }, (_, h) => {
        let sum = 0;
        for (let i = 0; i < 60; i++) sum += series[day * 1440 + h * 60 + i];
        return sum / 60;
      });
      return Math.max(...hourly) / Math.min(...hourly);
    }),
  );
}

describe("peakToTrough", () => {
  test("every model's every day, weekend included, is within the range (noise-free: exactly)", () => {
    const t = generateTraffic(specs, plainConfig, { seed: 7, noise: 0, peakToTrough: [8, 10] });
    for (const days of dailyRatios(t)) {
      for (const r of days) {
        expect(r).toBeGreaterThanOrEqual(8 - 1e-9);
        expect(r).toBeLessThanOrEqual(10 + 1e-9);
      }
      // One ratio per model: its weekend days peak as many times over their trough as its weekdays.
      for (const r of days) expect(r).toBeCloseTo(days[0], 9);
    }
  });

  test("with the default 3% noise the days' hourly means stay within the range, give or take 3%", () => {
    const t = generateTraffic(specs, plainConfig, { seed: 7, peakToTrough: [8, 10] });
    const all = dailyRatios(t).flat();
    expect(Math.min(...all)).toBeGreaterThanOrEqual(8 * 0.97);
    expect(Math.max(...all)).toBeLessThanOrEqual(10 * 1.03);
    // The default shape would not reach it: its sample week measures 3.3-7.5x.
    const before = dailyRatios(generateTraffic(specs, plainConfig, { seed: 7 })).flat();
    expect(Math.max(...before)).toBeLessThan(8);
  });

  test("models draw different ratios across the range, reproducibly for a seed", () => {
    const opts = { noise: 0, days: 1, peakToTrough: [3, 10] as [number, number] };
    const ratios = dailyRatios(generateTraffic(specs, plainConfig, { seed: 7, ...opts })).map((d) => d[0]);
    expect(Math.max(...ratios) - Math.min(...ratios)).toBeGreaterThan(3);
    const again = dailyRatios(generateTraffic(specs, plainConfig, { seed: 7, ...opts })).map((d) => d[0]);
    expect(again).toEqual(ratios);
    const other = dailyRatios(generateTraffic(specs, plainConfig, { seed: 8, ...opts })).map((d) => d[0]);
    expect(other).not.toEqual(ratios);
  });

  test("one ratio (min = max) gives every model that ratio", () => {
    const t = generateTraffic(specs, plainConfig, { seed: 3, noise: 0, days: 2, peakToTrough: [3, 3] });
    for (const r of dailyRatios(t).flat()) expect(r).toBeCloseTo(3, 9);
  });

  test("the range keeps each model's hours: its evening peak falls in the same hour as without it", () => {
    const peakHour = (t: Traffic, m: number) => {
      const day = Array.from(t.rps[m].slice(0, 1440));
      return Math.floor(day.indexOf(Math.max(...day)) / 60);
    };
    const a = generateTraffic(specs, plainConfig, { seed: 7, noise: 0, days: 1 });
    const b = generateTraffic(specs, plainConfig, { seed: 7, noise: 0, days: 1, peakToTrough: [9, 9] });
    for (let m = 0; m < specs.length; m++) expect(peakHour(b, m)).toBe(peakHour(a, m));
  });

  test("declared events still fit replicas.max at the target: the base is sized for the new shape", () => {
    const t = generateTraffic(specs, config, { seed: 5, peakToTrough: [8, 10] });
    t.rps.forEach((series, m) => {
      const { rpsPerReplica, targetUtilization, replicas } = specs[m].serving;
      expect(Math.max(...series)).toBeLessThanOrEqual(replicas.max * rpsPerReplica * targetUtilization);
    });
  });

  test("shapeForRatio solves the curve's parameter for the hourly ratio", () => {
    const shape = shapeForRatio(4.5, 21, 6);
    for (const weekend of [false, true]) {
      const hourly = Array.from({ length: 24 }, (_, h) => {
        let sum = 0;
        for (let i = 0; i < 60; i++) sum += diurnalLevel(shape, h + i / 60, weekend);
        return sum / 60;
      });
      expect(Math.max(...hourly) / Math.min(...hourly)).toBeCloseTo(6, 9);
    }
  });
});

describe("flashSales", () => {
  // Wednesday 2026-12-09 20:00 in Shanghai, the sample week's evening peak; not a declared event.
  const saleStart = Date.parse("2026-12-09T12:00:00Z");
  const at = (t: Traffic) => (saleStart - t.startMs) / 60_000;

  test("every model's minutes of the sale are the same minutes without it times the multiplier", () => {
    const plain = generateTraffic(specs, config, { seed: 7 });
    const t = generateTraffic(specs, config, {
      seed: 7,
      flashSales: [{ startMs: saleStart, minutes: 120, multiplier: 8 }],
    });
    const s = at(t);
    t.rps.forEach((series, m) => {
      expect(series[s - 1]).toBe(plain.rps[m][s - 1]);
      for (let i = s; i < s + 120; i++) expect(series[i] / plain.rps[m][i]).toBeCloseTo(8, 9);
      expect(series[s + 120]).toBe(plain.rps[m][s + 120]);
      // The base is not resized for an undeclared sale: every other minute is as it was.
      expect(Array.from(series.slice(0, s))).toEqual(Array.from(plain.rps[m].slice(0, s)));
    });
  });

  test("the sale's mean is 8x the same two hours a day earlier, within the noise", () => {
    const t = generateTraffic(specs, plainConfig, {
      seed: 11,
      flashSales: [{ startMs: saleStart, minutes: 120, multiplier: 8 }],
    });
    const s = at(t);
    const mean = (a: Float64Array, from: number) =>
      a.slice(from, from + 120).reduce((x, y) => x + y, 0) / 120;
    for (const series of t.rps) {
      const lift = mean(series, s) / mean(series, s - 1440);
      expect(lift).toBeGreaterThan(8 * 0.95);
      expect(lift).toBeLessThan(8 * 1.05);
    }
  });

  test("a ramp rises linearly to the multiplier over its minutes, then holds, and steps back at the end", () => {
    const sale = { startMs: saleStart, minutes: 60, multiplier: 5, rampMinutes: 20 };
    const minute = (k: number) => flashSaleMultiplier([sale], saleStart + k * 60_000);
    expect(minute(-1)).toBe(1);
    expect(minute(0)).toBeCloseTo(1 + 4 / 20, 12);
    expect(minute(9)).toBeCloseTo(1 + (4 * 10) / 20, 12);
    expect(minute(19)).toBe(5);
    expect(minute(59)).toBe(5);
    expect(minute(60)).toBe(1);
    // A step without a ramp; overlapping sales take the larger multiplier.
    const step = { startMs: saleStart, minutes: 30, multiplier: 9 };
    expect(flashSaleMultiplier([step], saleStart)).toBe(9);
    expect(flashSaleMultiplier([sale, step], saleStart + 5 * 60_000)).toBe(9);
    expect(flashSaleMultiplier([sale, step], saleStart + 45 * 60_000)).toBe(5);
  });

  test("inside a declared event the larger multiplier counts, not their product", () => {
    const d12 = Date.parse("2026-12-12T00:00:00+08:00");
    const plain = generateTraffic(specs, config, { seed: 7, days: 7 });
    const t = generateTraffic(specs, config, {
      seed: 7,
      flashSales: [{ startMs: d12, minutes: 60, multiplier: 10 }],
    });
    const s = (d12 - t.startMs) / 60_000;
    // Double-12 is 8x: the sale's 10x takes its first hour to 10/8 of the declared traffic.
    expect(t.rps[0][s] / plain.rps[0][s]).toBeCloseTo(10 / 8, 9);
    expect(t.rps[0][s + 60]).toBe(plain.rps[0][s + 60]);
  });

  test("is seeded: the same options give the same file", () => {
    const opts = {
      seed: 7,
      days: 2,
      peakToTrough: [8, 10] as [number, number],
      flashSales: [
        { startMs: Date.parse("2026-12-07T12:00:00Z"), minutes: 90, multiplier: 9, rampMinutes: 10 },
      ],
    };
    expect(trafficToCsv(generateTraffic(specs, config, opts))).toBe(
      trafficToCsv(generateTraffic(specs, config, opts)),
    );
  });
});
