/** The traffic generator: deterministic, diurnal in the stack's local time, with the declared events, and readable by the CSV parser. */
import { defaultPeak, generateTraffic } from "../../components/capacity/traffic-generator";
import { eventWindows } from "../../components/capacity/event-windows";
import { MAX_RPS, parseTrafficCsv } from "../../components/capacity/traffic";
import {
  minTrafficCsvBytes,
  trafficCsvBytes,
  trafficToCsv,
} from "../../components/capacity/traffic-csv-writer";
import { fixtureSpecs, prodConfig } from "./helpers";

describe("traffic generator", () => {
  const config = prodConfig();
  const specs = fixtureSpecs(config).slice(0, 4);

  test("is deterministic for a seed and differs across seeds", () => {
    const a = generateTraffic(specs, config, { seed: 42, days: 2 });
    const b = generateTraffic(specs, config, { seed: 42, days: 2 });
    const c = generateTraffic(specs, config, { seed: 43, days: 2 });
    expect(trafficToCsv(a)).toBe(trafficToCsv(b));
    expect(trafficToCsv(a)).not.toBe(trafficToCsv(c));
  });

  test("a model's traffic depends on the seed and its own spec, not on the other models", () => {
    const all = generateTraffic(specs, config, { seed: 42, days: 1 });
    // Without the first model, and in reverse order: every other model's minutes are unchanged.
    const rest = generateTraffic([...specs.slice(1)].reverse(), config, { seed: 42, days: 1 });
    for (const [i, name] of rest.models.entries()) {
      expect(Array.from(rest.rps[i])).toEqual(Array.from(all.rps[all.models.indexOf(name)]));
    }
    // Two models of one seed still differ in shape: their streams are not one stream.
    const level = (series: Float64Array) => series[300] / Math.max(...series);
    expect(level(all.rps[0])).not.toBeCloseTo(level(all.rps[1]), 3);
  });

  test("diurnal peak-to-trough of hourly means is 3-10x on every weekday", () => {
    const t = generateTraffic(specs, config, { seed: 1 });
    t.rps.forEach((series) => {
      for (let day = 0; day < 5; day++) {
        const hourly = Array.from({ length: 24 }, (_, h) => {
          let s = 0;
          for (let i = 0; i < 60; i++) s += series[day * 1440 + h * 60 + i];
          return s / 60;
        });
        const ratio = Math.max(...hourly) / Math.min(...hourly);
        expect(ratio).toBeGreaterThanOrEqual(3);
        expect(ratio).toBeLessThanOrEqual(10);
      }
    });
  });

  test("the diurnal curve follows the stack's local time across a daylight-saving change", () => {
    // New York leaves daylight saving at 06:00 UTC on Sunday 1 November 2026 (02:00 back to 01:00).
    const ny = { ...config, timeZone: "America/New_York", events: [] };
    const startMs = Date.parse("2026-10-29T04:00:00Z"); // local midnight, Thursday
    const t = generateTraffic(specs, ny, { seed: 4, days: 6, noise: 0, startMs });
    // Minute for minute: summer time (UTC-4) until the change, winter time (UTC-5) from the morning
    // after, weekend included (local Saturday and Sunday).
    const fixed = (zone: string) =>
      generateTraffic(specs, { ...ny, timeZone: zone }, { seed: 4, days: 6, noise: 0, startMs }).rps;
    const [edt, est] = [fixed("Etc/GMT+4"), fixed("Etc/GMT+5")];
    const change = (Date.parse("2026-11-01T06:00:00Z") - startMs) / 60_000;
    const morning = change + 6 * 60;
    const steps = (series: Float64Array, from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => Math.abs(series[from + i + 1] / series[from + i] - 1));
    t.rps.forEach((series, m) => {
      expect(Array.from(series.slice(0, change))).toEqual(Array.from(edt[m].slice(0, change)));
      expect(Array.from(series.slice(morning))).toEqual(Array.from(est[m].slice(morning)));
      // In between, people sleep through the change: no minute steps more than the night's
      // ordinary minutes do (the wall clock going back an hour would jump to 01:00's level).
      const ordinary = Math.max(...steps(edt[m], change - 1440, morning - 1440));
      expect(Math.max(...steps(series, change - 1, morning))).toBeLessThanOrEqual(1.5 * ordinary);
    });
    // So the evening peak comes an hour later in UTC after the change.
    const peakMinute = (series: Float64Array, day: number) => {
      const d = Array.from(series.slice(day * 1440, (day + 1) * 1440));
      return d.indexOf(Math.max(...d));
    };
    for (const series of t.rps) expect(peakMinute(series, 4)).toBe(peakMinute(series, 0) + 60);
  });

  test("the declared Double-12 event steps traffic to its multiplier", () => {
    const peakRps = { [specs[0].name]: 1000 };
    const t = generateTraffic(specs, config, { seed: 1, peakRps });
    const plain = generateTraffic(specs, { ...config, events: [] }, { seed: 1, peakRps });
    const start = (Date.parse("2026-12-12T00:00:00+08:00") - t.startMs) / 60_000;
    const ratio = (i: number) => t.rps[0][i] / plain.rps[0][i];
    expect(ratio(start - 1)).toBe(1);
    expect(ratio(start)).toBeCloseTo(8, 9);
    expect(ratio(start + 179)).toBeCloseTo(8, 9);
    expect(ratio(start + 180)).toBe(1);
  });

  test("by default every declared event fits replicas.max at the target utilization", () => {
    const t = generateTraffic(specs, config, { seed: 5 });
    t.rps.forEach((series, m) => {
      const { rpsPerReplica, targetUtilization, replicas } = specs[m].serving;
      expect(Math.max(...series)).toBeLessThanOrEqual(replicas.max * rpsPerReplica * targetUtilization);
      // ... and uses most of it: the event, not a blanket margin, sizes the traffic.
      expect(Math.max(...series)).toBeGreaterThan(0.7 * replicas.max * rpsPerReplica * targetUtilization);
    });
  });

  test("a midnight sale allows a busier normal day than the same sale at the evening peak", () => {
    const shape = { troughHour: 4.5, peakHour: 21, ratio: 5 };
    const sale = (from: string, to: string) =>
      eventWindows([
        {
          name: "s",
          start: `2026-12-12T${from}:00+08:00`,
          end: `2026-12-12T${to}:00+08:00`,
          trafficMultiplier: 8,
        },
      ]);
    const midnight = defaultPeak(specs[0], shape, sale("00:00", "03:00"), config.timeZone, 0.03);
    const evening = defaultPeak(specs[0], shape, sale("20:00", "22:00"), config.timeZone, 0.03);
    expect(midnight).toBeGreaterThan(1.3 * evening);
    // Without events the weekly peak needs half of max.
    const { rpsPerReplica, targetUtilization, replicas } = specs[0].serving;
    const plain = defaultPeak(specs[0], shape, [], config.timeZone, 0.03);
    expect(plain * 1.1 * 1.12).toBeCloseTo((replicas.max * rpsPerReplica * targetUtilization) / 2, 6);
  });

  test("a spec that serves tens of millions of requests/s still gets a file the CSV reader takes", () => {
    const huge = {
      ...specs[0],
      serving: { ...specs[0].serving, rpsPerReplica: 1e6, replicas: { min: 1, max: 20 } },
    };
    // Double-12 (8x) on day 1 at this spec's own sizing would reach some 17 million requests/s.
    const t = generateTraffic([huge], config, {
      seed: 3,
      days: 1,
      startMs: Date.parse("2026-12-11T16:00:00Z"),
    });
    expect(Math.max(...t.rps[0])).toBeLessThanOrEqual(MAX_RPS);
    expect(() => parseTrafficCsv(trafficToCsv(t), "gen.csv", t.models)).not.toThrow();
  });

  test("round-trips through the CSV parser", () => {
    const t = generateTraffic(specs, config, { seed: 3, days: 1 });
    const back = parseTrafficCsv(trafficToCsv(t), "gen.csv", t.models);
    expect(back.minutes).toBe(1440);
    expect(back.rps[2][700]).toBeCloseTo(t.rps[2][700], 3);
  });

  test("its size is known before the text is built (generate-traffic refuses files too large to read)", () => {
    const t = generateTraffic(specs, config, { seed: 5, days: 1 });
    expect(trafficCsvBytes(t)).toBe(Buffer.byteLength(trafficToCsv(t), "utf8"));
    // Multi-byte names and large rates count by their UTF-8 bytes and digits.
    const odd = {
      models: ["modèle-ü", "b"],
      startMs: t.startMs,
      minutes: 2,
      rps: [t.rps[0].slice(0, 2), Float64Array.from([1e6, 0.0004])],
    };
    expect(trafficCsvBytes(odd)).toBe(Buffer.byteLength(trafficToCsv(odd), "utf8"));
    // The lower bound generate-traffic checks first: all rates "0.000", never above the real size.
    expect(minTrafficCsvBytes(t.models, t.startMs, t.minutes)).toBeLessThan(trafficCsvBytes(t));
    const idle = { ...odd, rps: odd.rps.map((r) => new Float64Array(r.length)) };
    expect(minTrafficCsvBytes(idle.models, idle.startMs, idle.minutes)).toBe(
      Buffer.byteLength(trafficToCsv(idle), "utf8"),
    );
  });
});
