/** Autoscaling parameters: the KEDA targets and triggers, the sales' cron pre-scaling and the HPA behaviour. */
import { forecastTriggers } from "../../components/capacity/autoscaling";
import {
  cronAt,
  eventBaseline,
  eventReplicas,
  eventBaselineRps,
} from "../../components/capacity/event-prescale";
import {
  FORECAST_TARGET_FACTOR,
  kedaTargetPerReplica,
  scalingBehavior,
  hpaTolerance,
  HPA_DEFAULT_TOLERANCE,
  PLATFORM_HPA_TOLERANCE,
} from "../../components/capacity/hpa-behavior";
import { forecastRecordingRules } from "../../components/capacity/forecast-rules";
import { fixtureSpecs, prodConfig, spec } from "./helpers";

/** A declared sales event from local ISO times. */
function event(name: string, start: string, end: string, multiplier: number) {
  return { name, startMs: Date.parse(start), endMs: Date.parse(end), multiplier };
}

describe("autoscaling parameters", () => {
  const config = prodConfig();
  const pool = config.gpuPools[0];
  const homepage = fixtureSpecs(config).find((s) => s.name === "homepage-feed")!;

  test("KEDA target per replica = rpsPerReplica x targetUtilization", () => {
    expect(kedaTargetPerReplica(homepage)).toBeCloseTo(500 * 0.9, 9);
  });

  test("the forecast trigger reads the forecast series with the forecast target", () => {
    const [prom] = forecastTriggers(homepage, pool, config) as any[];
    expect(prom.type).toBe("prometheus");
    expect(prom.metadata.query).toBe('max(mlops:model_rps_forecast:4m{model="homepage-feed"})');
    expect(Number(prom.metadata.threshold)).toBeCloseTo(500 * 0.9 * FORECAST_TARGET_FACTOR, 2);
    expect(prom.metadata.serverAddress).toBe("http://kube-prometheus-stack-prometheus.monitoring.svc:9090");
    expect(Object.values(prom.metadata).every((v) => typeof v === "string")).toBe(true);
  });

  test("the drain-spare trigger asks for one replica over the drain level at full load", () => {
    const spare = (forecastTriggers(homepage, pool, config) as any[]).find((t) => t.name === "drain-spare");
    expect(spare.type).toBe("prometheus");
    // ceil((level + 500) / 500) = ceil(level / 500) + 1; absent series (by day, idle): no spare.
    expect(spare.metadata).toEqual({
      serverAddress: "http://kube-prometheus-stack-prometheus.monitoring.svc:9090",
      query: 'max(mlops:model_rps_drain_level:4m{model="homepage-feed"}) + 500',
      threshold: "500",
      activationThreshold: "500",
      ignoreNullValues: "true",
    });
    // A 10% canary: its share of the level, plus one of its own replicas.
    const canary = (
      forecastTriggers(homepage, pool, config, { trafficShare: 0.1, replicas: { min: 1, max: 3 } }) as any[]
    ).find((t) => t.name === "drain-spare");
    expect(canary.metadata.query).toBe(
      'max(mlops:model_rps_drain_level:4m{model="homepage-feed"}) * 0.1 + 500',
    );
  });

  test("no drain-spare trigger where nothing is drained or the replicas cannot vary", () => {
    const names = (p: typeof pool, replicas?: { min: number; max: number }) =>
      (forecastTriggers(homepage, p, config, { replicas }) as any[]).map((t) => t.name);
    expect(names(pool)).toContain("drain-spare");
    expect(names({ ...pool, purpose: "training" })).not.toContain("drain-spare");
    expect(names(pool, { min: 3, max: 3 })).not.toContain("drain-spare");
    const rules = (p: typeof pool) =>
      forecastRecordingRules(homepage, p, config).groups[0].rules.map((r) => r.record);
    expect(rules(pool)).toContain("mlops:model_rps_drain_level:4m");
    expect(rules({ ...pool, purpose: "training" })).not.toContain("mlops:model_rps_drain_level:4m");
  });

  test("thresholds are plain decimals that never round to 0 or end in a point", () => {
    const threshold = (rpsPerReplica: number, targetUtilization: number) =>
      (forecastTriggers(spec("m", { rpsPerReplica, targetUtilization }), pool, config) as any[])[0].metadata
        .threshold as string;
    for (const [rps, util] of [
      [0.1, 0.1],
      [0.3, 0.5],
      [100, 0.95],
      [1000 / 3, 1],
      [0.99999, 1], // "1.00" once rendered "1."
    ]) {
      const t = threshold(rps, util);
      expect(t).toMatch(/^\d+(\.\d*[1-9])?$/);
      expect(Number(t)).toBeGreaterThan(0);
      expect(Number(t)).toBeCloseTo(rps * util * FORECAST_TARGET_FACTOR, Number(t) < 0.1 ? 4 : 2);
    }
  });

  test("one cron trigger per event, starting one lead time early in the platform's time zone", () => {
    const crons = (forecastTriggers(homepage, pool, config) as any[]).filter((t) => t.type === "cron");
    expect(crons.map((c) => c.name)).toEqual(["event-double-12", "event-new-year-sale"]);
    // double-12 starts 2026-12-12 00:00 +08:00; lead = 150 s + 90 s = 4 min
    // The floor holds for the opening 15 minutes; without history it is min x multiplier.
    expect(crons[0].metadata).toEqual({
      timezone: "Asia/Shanghai",
      start: "56 23 11 12 *",
      end: "15 0 12 12 *",
      desiredReplicas: String(Math.min(192, 4 * 8)),
    });
  });

  test("a canary's crons keep within its own replica bounds, not the stable variant's", () => {
    // homepage-feed: min 4 without history; a 10% canary with bounds 1-3 (stable's would hide it).
    const crons = (b: { min: number; max: number }) =>
      (forecastTriggers(homepage, pool, config, { trafficShare: 0.1, replicas: b }) as any[])
        .filter((t) => t.type === "cron")
        .map((t) => Number(t.metadata.desiredReplicas));
    expect(crons({ min: 1, max: 20 })).toEqual([4, 2]); // ceil(4 x 8 x 0.1), ceil(4 x 5 x 0.1)
    expect(crons({ min: 1, max: 3 })).toEqual([3, 2]);
    expect(crons({ min: 2, max: 3 })).toEqual([3]); // 2 is the floor already
  });

  test("with history the cron pre-scales to the usual opening rate times the multiplier", () => {
    const crons = (
      forecastTriggers(homepage, pool, config, { eventBaselines: { "double-12": 500 } }) as any[]
    ).filter((t) => t.type === "cron");
    const perReplica = homepage.serving.rpsPerReplica * homepage.serving.targetUtilization;
    expect(crons[0].metadata.desiredReplicas).toBe(
      String(Math.min(homepage.serving.replicas.max, Math.ceil((500 * 8) / perReplica))),
    );
    expect(crons[1].metadata.desiredReplicas).toBe(String(Math.min(192, 4 * 5))); // no baseline
  });

  test("without history a cron asks for min x multiplier of the variant's share, and none when that is the floor", () => {
    const crons = (m: ReturnType<typeof spec>, share?: number) =>
      (forecastTriggers(m, pool, config, share === undefined ? {} : { trafficShare: share }) as any[]).filter(
        (t) => t.type === "cron",
      );
    const m = spec("m", { rpsPerReplica: 100, targetUtilization: 0.8, replicas: { min: 2, max: 30 } });
    expect(crons(m).map((c) => c.metadata.desiredReplicas)).toEqual(["16", "10"]); // 2 x 8, 2 x 5
    // A 10% canary of the same model: ceil(2 x 8 x 0.1) = 2 = its floor, ceil(2 x 5 x 0.1) = 1 < 2.
    expect(crons(m, 0.1)).toEqual([]);
    // A 25% one: ceil(4) = 4 and ceil(2.5) = 3, both above the floor.
    expect(crons(m, 0.25).map((c) => c.metadata.desiredReplicas)).toEqual(["4", "3"]);
  });

  test("the usual opening rate: median earlier day in the same local hold minutes, events left out", () => {
    // Three days from 2026-12-09 00:00 +08:00; an event opens 2026-12-12 00:00 local. Each day's
    // 00:00-00:15 runs at 100, 300 and 200 rps; day 2 also has a declared event at that hour.
    const start = Date.parse("2026-12-09T00:00:00+08:00");
    const series = Float64Array.from({ length: 3 * 1440 }, (_, i) => [100, 300, 200][Math.floor(i / 1440)]);
    const sale = event("sale", "2026-12-12T00:00:00+08:00", "2026-12-12T03:00:00+08:00", 8);
    const earlier = event("earlier", "2026-12-10T00:00:00+08:00", "2026-12-10T01:00:00+08:00", 2);
    expect(eventBaselineRps(series, start, sale, [sale], "Asia/Shanghai")).toBe(200);
    // Day 2's opening is inside the earlier event: left out, the median of 100 and 200 remains.
    expect(eventBaselineRps(series, start, sale, [sale, earlier], "Asia/Shanghai")).toBe(150);
    // Causal replay: only minutes before day 2 count.
    expect(
      eventBaselineRps(series, start, sale, [sale], "Asia/Shanghai", Date.parse("2026-12-10T00:00:00+08:00")),
    ).toBe(100);
    expect(
      eventBaselineRps(series.subarray(0, 600), start + 60 * 60_000, sale, [sale], "Asia/Shanghai"),
    ).toBe(undefined);
  });

  test("the opening rate reads the event's local clock on every history day, across daylight saving", () => {
    // A November week of history in New York (EST, -05:00) for a July sale at 09:00 EDT (-04:00):
    // 09:00-09:15 local runs at 246 rps, 08:00-08:15 local at 199.
    const start = Date.parse("2026-11-09T00:00:00-05:00");
    const series = Float64Array.from({ length: 7 * 1440 }, (_, i) => {
      const localMinute = i % 1440;
      return localMinute >= 9 * 60 && localMinute < 9 * 60 + 15
        ? 246
        : localMinute >= 8 * 60 && localMinute < 8 * 60 + 15
          ? 199
          : 100;
    });
    const sale = event("prime-day", "2027-07-14T09:00:00-04:00", "2027-07-14T12:00:00-04:00", 3);
    expect(eventBaselineRps(series, start, sale, [sale], "America/New_York")).toBe(246);
  });

  test("a model that served nothing in its history's last day is not pre-scaled from its days before", () => {
    const start = Date.parse("2026-12-09T00:00:00+08:00");
    const sale = event("sale", "2026-12-13T00:00:00+08:00", "2026-12-13T03:00:00+08:00", 8);
    // Three days at 100 rps, then a day of nothing: stopped.
    const stopped = Float64Array.from({ length: 4 * 1440 }, (_, i) => (i < 3 * 1440 ? 100 : 0));
    expect(eventBaselineRps(stopped, start, sale, [sale], "Asia/Shanghai")).toBe(0);
    // Still serving a single request/s in its last day: the median day of the history counts.
    const quiet = Float64Array.from(stopped, (r, i) => (i === 4 * 1440 - 1 ? 1 : r));
    expect(eventBaselineRps(quiet, start, sale, [sale], "Asia/Shanghai")).toBe(100);
    // Causal: before the stop, the replay still sees a serving model.
    const untilStop = Date.parse("2026-12-12T00:00:00+08:00");
    expect(eventBaselineRps(stopped, start, sale, [sale], "Asia/Shanghai", untilStop)).toBe(100);
    // A day that starts with 0 rows (a model launched later) is not a stop.
    const launched = Float64Array.from({ length: 3 * 1440 }, (_, i) => (i < 1440 ? 0 : 50));
    expect(eventBaselineRps(launched, start, sale, [sale], "Asia/Shanghai")).toBe(50);
  });

  test("event replicas follow the baseline when given, within the replica bounds", () => {
    const m = spec("m", { rpsPerReplica: 100, targetUtilization: 0.8, replicas: { min: 2, max: 30 } });
    expect(eventReplicas(m, 8, eventBaseline(m, "sale"))).toBe(16);
    expect(eventBaseline(m, "sale", { sale: 200, other: 5 })).toBe(200);
    expect(eventReplicas(m, 8, 200)).toBe(20);
    expect(eventReplicas(m, 8, 2000)).toBe(30);
  });

  test("cron expressions are rendered in the given zone", () => {
    expect(cronAt(Date.parse("2026-12-31T12:30:00Z"), "Asia/Shanghai")).toBe("30 20 31 12 *");
    expect(cronAt(Date.parse("2026-12-31T12:30:00Z"), "UTC")).toBe("30 12 31 12 *");
  });

  test("HPA behaviour: immediate scale-up, 300 s scale-down stabilisation", () => {
    const b = scalingBehavior() as any;
    expect(b.scaleUp.stabilizationWindowSeconds).toBe(0);
    expect(b.scaleDown.stabilizationWindowSeconds).toBe(300);
    expect(b.scaleUp).not.toHaveProperty("tolerance"); // the cluster default is not written
  });

  test("per-HPA tolerance from Kubernetes 1.35 (HPAConfigurableTolerance beta), quoted quantities", () => {
    expect(hpaTolerance("1.35")).toBe(PLATFORM_HPA_TOLERANCE);
    expect(hpaTolerance("1.36")).toBe(PLATFORM_HPA_TOLERANCE);
    expect(hpaTolerance("1.34")).toBe(HPA_DEFAULT_TOLERANCE);
    const b = scalingBehavior(hpaTolerance("1.35")) as any;
    expect(b.scaleUp.tolerance).toBe(String(PLATFORM_HPA_TOLERANCE.scaleUp));
    expect(b.scaleDown.tolerance).toBe(String(PLATFORM_HPA_TOLERANCE.scaleDown));
    expect(typeof b.scaleDown.tolerance).toBe("string"); // int-or-string CRD field: 0.02 must be quoted
  });
});
