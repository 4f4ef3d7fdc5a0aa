/** The forecast recording rules under promtool agree with the simulator: trends, steps, noise, the drain level and the band. */
import { pinnedVariantTriggers } from "../../components/capacity/autoscaling";
import {
  karpenterDisruption,
  underutilizedConsolidationAllowed,
} from "../../components/capacity/karpenter-disruption";
import {
  forecastAt,
  forecastWithBand,
  noiseRatio,
  rampAheadFactor,
} from "../../components/capacity/forecast";
import { FORECAST_DEFAULTS } from "../../components/capacity/forecast-params";
import { eventWindows } from "../../components/capacity/event-windows";
import { prodConfig, spec } from "./helpers";
import { expectPromtoolTestPasses, havePromtool, requestCounter } from "../helpers/promtool";
import {
  expectRecorded,
  flashSaleRules,
  forecastSample,
  JITTER_THEN_STEADY,
  modelRules,
  sampleAt,
} from "./forecast-rules-harness";

describe("forecast recording rules", () => {
  test("promtool test rules: traffic that halves brings the forecast down within the hour, as the simulator's", () => {
    if (!havePromtool()) return;
    const { rules } = modelRules();
    // A day at 100 requests/s, then 200 minutes more, then 50 from minute 1640.
    const perMinute = Float64Array.from({ length: 1440 + 330 }, (_, i) => (i < 1640 ? 100 : 50));
    const sim = (t: number) => forecastWithBand(perMinute, t, 3, { nowMs: t * 60_000, events: [] }, 0.8);
    // Yesterday's level while the drop is minutes old; half of it once the 60-minute trend sees it.
    expect(sim(1630)).toBeCloseTo(100, 6);
    expect(sim(1650)).toBeGreaterThan(90);
    expect(sim(1710)).toBeCloseTo((100 * (50 + 1)) / (100 + 1), 6);
    // Minutes whose trend and noise windows lie on one side of the step: promtool 2.x takes both
    // ends of a subquery's range (61 points in 60m), Prometheus 3 and the simulator 60.
    expectRecorded(
      rules,
      perMinute,
      [1630, 1710, 1760].map((at) => forecastSample(at, sim(at))),
    );
  });

  test("promtool test rules: a trend that keeps rising is extrapolated over the lead time, as the simulator's", () => {
    if (!havePromtool()) return;
    const { rules } = modelRules();
    // A day at 100 requests/s, then a rise: 110 at minute 1590, 100 for nine minutes, 200 from 1600.
    // At 1611 the trend of the last ten minutes (200 against 100 a day ago) has risen from the ten
    // before (110) by more than the noise, so the forecast runs that rise on over the lead time; at
    // 1640 the trend is flat again. The minutes are chosen so promtool 2.x, whose subqueries take
    // both ends of their range (11 points in 10m), averages what the simulator does.
    const perMinute = Float64Array.from({ length: 1440 + 220 }, (_, i) =>
      i === 1590 ? 110 : i >= 1600 ? 200 : 100,
    );
    const sim = (t: number) => forecastWithBand(perMinute, t, 3, { nowMs: t * 60_000, events: [] }, 0.8);
    const trend = 201 / 101;
    // Without the extrapolation (the code before it) 1611 read 100 x trend.
    expect(sim(1611)).toBeGreaterThan(100 * trend + 50);
    expect(sim(1640)).toBeCloseTo(100 * trend, 6);
    expectRecorded(
      rules,
      perMinute,
      [1611, 1640].map((at) => forecastSample(at, sim(at))),
    );
  });

  test("promtool test rules: a step passes the fast 5-minute ramp test at once, as the simulator's", () => {
    if (!havePromtool()) return;
    const { rules } = modelRules();
    // A day at 100 requests/s, then 200 from minute 1600 (120 at 1595). At 1606 the 5-minute trend
    // (200 against 100) has risen from the 5 before (120) by more than the noise (none): carried on
    // with `fastRampGain`, above what the 10-minute test carries. 1595 at 120 makes promtool 2.x's
    // 6-point subquery (1595-1600) average what the simulator's 5 minutes (1596-1600) do.
    const perMinute = Float64Array.from({ length: 1440 + 200 }, (_, i) =>
      i === 1595 ? 120 : i >= 1600 ? 200 : 100,
    );
    const sim = (t: number, fastRampSigmas = FORECAST_DEFAULTS.fastRampSigmas) =>
      forecastWithBand(perMinute, t, 3, { nowMs: t * 60_000, events: [] }, 0.8, {
        ...FORECAST_DEFAULTS,
        fastRampSigmas,
      });
    const [fast, before] = [201 / 101, 121 / 101];
    expect(sim(1606)).toBeCloseTo(
      100 * (fast + (fast - before) * rampAheadFactor(3, FORECAST_DEFAULTS, 5, 1.5)),
      6,
    );
    // The 10-minute test alone (the code before the fast one) carried it on less.
    expect(sim(1606)).toBeGreaterThan(sim(1606, Infinity) + 50);
    expectRecorded(
      rules,
      perMinute,
      [1606, 1640].map((at) => forecastSample(at, sim(at))),
    );
  });

  test("promtool test rules: after a day of zeros the forecast is the current rate, without a noise jump", () => {
    if (!havePromtool()) return;
    const { rules } = modelRules();
    const perMinute = Float64Array.from({ length: 1440 + 150 }, (_, i) => (i < 1440 ? 0 : 100));
    const sim = (t: number) => forecastWithBand(perMinute, t, 3, { nowMs: t * 60_000, events: [] }, 0.8);
    expect([1443, 1460, 1540].map(sim)).toEqual([100, 100, 100]);
    expectRecorded(
      rules,
      perMinute,
      [1443, 1460, 1540].map((at) => forecastSample(at, sim(at))),
    );
  });

  test("promtool test rules: traffic now against an idle hour yesterday is no 4x trend", () => {
    if (!havePromtool()) return;
    const { rules } = modelRules();
    const perMinute = Float64Array.from({ length: 1440 + 720 }, (_, i) => (i >= 600 && i < 700 ? 0 : 100));
    const sim = (t: number) => forecastWithBand(perMinute, t, 3, { nowMs: t * 60_000, events: [] }, 0.8);
    expect(sim(1440 + 700)).toBe(100);
    expectRecorded(rules, perMinute, [forecastSample(1440 + 700, 100)]);
  });

  test("promtool test rules: the noise series is the simulator's noiseRatio, and widens the forecast", () => {
    if (!havePromtool()) return;
    const { rules } = modelRules();
    const perMinute = JITTER_THEN_STEADY;
    // At 50m Prometheus has minutes 0-49: the noise of decision minute 50 (scaled, rounded: promtool
    // compares sample values exactly). Without a day of history the forecast is the last minute's
    // rate (110) times (1 + 2 x noise).
    const noise = noiseRatio(perMinute, 50);
    expect(noise).toBeGreaterThan(0.05);
    expectRecorded(rules, perMinute, [
      sampleAt('round(1e6 * max(mlops:model_rps_noise:30m{model="m"}))', 50, Math.round(1e6 * noise)),
      sampleAt(
        'round(1e6 * max(mlops:model_rps_forecast:3m{model="m"}))',
        50,
        Math.round(1e6 * 110 * (1 + 2 * noise)),
      ),
      // Once the window holds only steady minutes the noise is gone and so is the band.
      forecastSample(100, 100),
    ]);
  });

  test("promtool test rules: the drain level is the simulator's, only in the drain window and with traffic", () => {
    if (!havePromtool()) return;
    // prod's zone (Asia/Shanghai): drains 22:00-10:00 local = 14:00-02:00 UTC, so the epoch's first
    // 120 minutes are in the window, and from 840 on. 8x sale 00:30-01:30 UTC; idle 105-115;
    // 100 requests/s else.
    const { config, rules } = flashSaleRules("1970-01-01T00:30:00Z", "1970-01-01T01:30:00Z");
    const perMinute = Float64Array.from({ length: 860 }, (_, i) =>
      i >= 30 && i < 90 ? 800 : i >= 105 && i < 116 ? 0 : 100,
    );
    const events = eventWindows(config.events);
    const daily = karpenterDisruption(config.gpuPools[0], config.timeZone);
    // What the simulator's drain-spare trigger reads at decision minute t (undefined: no spare).
    const sim = (t: number) => {
      const level = Math.max(forecastAt(perMinute, t, 3, { nowMs: t * 60_000, events }), perMinute[t - 1]);
      return underutilizedConsolidationAllowed(daily, t * 60_000) && level > 0 ? level : undefined;
    };
    // The sale ahead (level 800 over a rate of 100), in it, after it, idle, the window's last
    // minute and its first outside, and the first minute it opens again.
    const inWindow = [28, 60, 100, 119, 840];
    const outside = [115, 120, 839];
    expect(inWindow.map(sim)).toEqual([800, 800, 100, 100, 100]);
    expect(outside.map(sim)).toEqual([undefined, undefined, undefined]);
    const drain = 'round(1e3 * max(mlops:model_rps_drain_level:3m{model="m"}))';
    expectRecorded(rules, perMinute, [
      ...inWindow.map((at) => sampleAt(drain, at, Math.round(1e3 * sim(at)!))),
      ...outside.map((at) => ({ eval_time: `${at}m`, expr: drain, exp_samples: [] })),
      // The forecast is the level times the band (1 here: steady traffic).
      sampleAt('round(1e3 * max(mlops:model_rps_level:3m{model="m"}))', 125, 100e3),
    ]);
  });

  test("promtool: a header-pinned variant's spare reads its own rate, only in the drain window", () => {
    if (!havePromtool()) return;
    const config = prodConfig();
    const m = spec("m", { rpsPerReplica: 100 });
    const rateQuery = 'sum(rate(mlops_model_requests_total{model="m",variant="b"}[1m]))';
    const [spare] = pinnedVariantTriggers(m, config.gpuPools[0], config, {
      rateQuery,
      replicas: { min: 1, max: 5 },
    }) as any[];
    expect(spare.name).toBe("drain-spare");
    expect(spare.metadata.threshold).toBe("100");
    // Cohort b: 30 requests/s, idle from minute 60 to 69. Shanghai's window: the epoch's first 120
    // minutes. The query is ceil(query / 100) = 2 replicas when it has a value.
    const perMinute = Array.from({ length: 140 }, (_, i) => (i >= 60 && i < 70 ? 0 : 30));
    const query = spare.metadata.query as string;
    const at = (minute: number, value?: number) => ({
      eval_time: `${minute}m`,
      expr: `round(${query})`,
      exp_samples: value === undefined ? [] : [{ labels: "{}", value }],
    });
    expectPromtoolTestPasses({
      rule_files: [],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [
            {
              series: 'mlops_model_requests_total{model="m",variant="b",outcome="success"}',
              values: requestCounter(perMinute).join(" "),
            },
          ],
          promql_expr_test: [at(30, 130), at(119, 130), at(65), at(120), at(130)],
        },
      ],
    });
    // Fixed bounds: no trigger at all.
    expect(
      pinnedVariantTriggers(m, config.gpuPools[0], config, { rateQuery, replicas: { min: 2, max: 2 } }),
    ).toEqual([]);
  });

  test("promtool test rules: at targetUtilization 0.95 the recorded band is the simulator's wider one", () => {
    if (!havePromtool()) return;
    const { rules } = modelRules([], { targetUtilization: 0.95 });
    const perMinute = JITTER_THEN_STEADY;
    const noise = noiseRatio(perMinute, 50);
    const sim = forecastWithBand(perMinute, 50, 3, { nowMs: 50 * 60_000, events: [] }, 0.95);
    // The spec's 5% headroom is less than what the noise needs: the band is widened, not 1 + 2 x noise.
    expect(sim).toBeCloseTo(110 * 0.95 * (1 + FORECAST_DEFAULTS.minMarginSigmas * noise), 9);
    expect(sim).toBeGreaterThan(110 * (1 + 2 * noise) * 1.01);
    expectRecorded(rules, perMinute, [
      sampleAt('round(1e6 * max(mlops:model_rps_forecast:3m{model="m"}))', 50, Math.round(1e6 * sim)),
      forecastSample(100, 100),
    ]);
  });
});
