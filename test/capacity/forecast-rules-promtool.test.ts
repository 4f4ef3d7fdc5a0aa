/** The forecast recording rules under promtool: the rules check, and the forecast equals the rate, with events multiplied. */
import { spawnSync } from "child_process";
import * as YAML from "yaml";
import { forecastRecordingRules } from "../../components/capacity/forecast-rules";
import { forecastWithBand } from "../../components/capacity/forecast";
import { eventWindows } from "../../components/capacity/event-windows";
import { fixtureSpecs, prodConfig } from "./helpers";
import { expectPromtoolTestPasses, havePromtool, PROMTOOL, tmpFile } from "../helpers/promtool";
import { expectRecorded, flashSaleRules, forecastSample, modelRules } from "./forecast-rules-harness";

describe("forecast recording rules", () => {
  test("promtool check rules accepts the rules of every fixture model", () => {
    if (!havePromtool()) return;
    const config = prodConfig();
    const groups = fixtureSpecs(config).flatMap(
      (s) => forecastRecordingRules(s, config.gpuPools[0], config).groups,
    );
    const file = tmpFile("rules.yaml", YAML.stringify({ groups }));
    const run = spawnSync(PROMTOOL, ["check", "rules", file], { encoding: "utf8" });
    // Lookahead and three trends per season, event and held event, noise, trend ahead, level, forecast,
    // drain level.
    expect(run.stdout + run.stderr).toContain(`SUCCESS: ${groups.length * 15} rules found`);
    expect(run.status).toBe(0);
  });

  test.each([
    // Uninstrumented Triton: its own success counter; an instrumented server: the contract counter.
    ["triton", 'nv_inference_request_success{model="m",variant="stable"}'],
    ["mlserver", 'model_infer_request_success_total{model="m",variant="stable"}'],
    ["custom", 'mlops_model_requests_total{model="m",variant="stable",outcome="success"}'],
  ])(
    "promtool test rules (%s): the forecast equals the rate, and 8x from one lead time before an event",
    (runtime, series) => {
      if (!havePromtool()) return;
      // Event at 2880 + 3 minutes after the epoch; lead = 60 s provisioning + 90 s cold start = 3 min.
      const { rules } = modelRules(
        [{ name: "flash", start: "1970-01-03T00:03:00Z", end: "1970-01-03T01:00:00Z", trafficMultiplier: 8 }],
        { runtime },
      );
      const expect100 = (at: string, v: number) => ({
        eval_time: at,
        expr: 'mlops:model_rps_forecast:3m{model="m"}',
        exp_samples: [{ labels: 'mlops:model_rps_forecast:3m{model="m"}', value: v }],
      });
      const test = {
        rule_files: [rules],
        evaluation_interval: "1m",
        tests: [
          {
            interval: "1m",
            input_series: [{ series, values: "0+6000x2890" }], // 100 requests/s for two days and ten minutes
            // From 40m the noise window has full 5-minute rates (no series-start edge): no band.
            promql_expr_test: [expect100("40m", 100), expect100("2879m", 100), expect100("2880m", 800)],
          },
        ],
      };
      expectPromtoolTestPasses(test);
    },
  );

  test("promtool test rules: without history a sale already in the rate is not multiplied again", () => {
    if (!havePromtool()) return;
    // 8x event from 30m to 90m after the epoch (no day of history); lead 3 minutes.
    const { config, rules } = flashSaleRules("1970-01-01T00:30:00Z", "1970-01-01T01:30:00Z");
    const perMinute = Array.from({ length: 120 }, (_, i) => (i >= 30 && i < 90 ? 800 : 100));
    // The simulator's forecast for the same decision minutes (the rules see minutes up to t - 1).
    const events = eventWindows(config.events);
    const sim = (t: number) =>
      forecastWithBand(Float64Array.from(perMinute), t, 3, { nowMs: t * 60_000, events }, 0.8);
    const minutes = [20, 28, 31, 60, 100];
    expect(minutes.map(sim)).toEqual([100, 800, 800, 800, 100]);
    expectRecorded(
      rules,
      perMinute,
      minutes.map((at) => forecastSample(at, sim(at))),
    );
  });

  test.each([
    ["does not come", () => 100],
    ["comes at 3x", () => 300],
    ["comes 30 minutes late at 8x", (i: number) => (i >= 30 ? 800 : 100)],
    ["dips to 1x for 40 minutes at 8x", (i: number) => (i >= 30 && i < 70 ? 100 : 800)],
  ])(
    "promtool test rules: a declared 8x sale that %s, held then the lift it shows, as the simulator's",
    (_, during) => {
      if (!havePromtool()) return;
      // A day at 100 requests/s; the sale declared 1970-01-02 00:30-02:30 UTC (minutes 1470-1590).
      const { config, rules } = flashSaleRules("1970-01-02T00:30:00Z", "1970-01-02T02:30:00Z");
      const perMinute = Float64Array.from({ length: 1440 + 200 }, (_, i) =>
        i >= 1470 && i < 1590 ? during(i - 1470) : 100,
      );
      const events = eventWindows(config.events);
      const sim = (t: number) => forecastWithBand(perMinute, t, 3, { nowMs: t * 60_000, events }, 0.8);
      // Held from one lead time ahead (1467) to 15 minutes in (1485); then the shown lift. 1488, not
      // 1486: at 1486 the 3x sale's trend ahead (its rise over the step 10 minutes before) passes the
      // lift in promtool 2.x, whose 11-point subqueries read that step a minute longer.
      const minutes = [1468, 1480, 1488, 1500, 1510, 1560];
      expect(minutes.slice(0, 2).map(sim)).toEqual([800, 800]);
      expectRecorded(
        rules,
        perMinute,
        minutes.map((at) => forecastSample(at, sim(at))),
      );
    },
  );
});
