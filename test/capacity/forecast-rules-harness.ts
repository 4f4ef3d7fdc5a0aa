/**
 * The forecast rules' promtool harness: a one-pool stack's rule file for model `m`, and its recorded
 * samples compared exactly by `promtool test rules`.
 */
import * as YAML from "yaml";
import { forecastRecordingRules } from "../../components/capacity/forecast-rules";
import type { StackConfig } from "../../components/config/stack-schema";
import { expectPromtoolTestPasses, requestCounter, tmpFile } from "../helpers/promtool";
import { spec, tinyConfig } from "./helpers";

/** 60 minutes alternating 90 and 110 requests/s, then 40 at a steady 100: noise, then none. */
export const JITTER_THEN_STEADY = Float64Array.from({ length: 100 }, (_, i) =>
  i >= 60 ? 100 : i % 2 === 0 ? 90 : 110,
);

/** Rule file of model `m` (lead 3 minutes: 60 s provisioning + 90 s cold start) with `events`. */
export function modelRules(
  events: any[] = [],
  serving: Record<string, unknown> = {},
): { config: StackConfig; rules: string } {
  const config = tinyConfig({}, events);
  const m = spec("m", { coldStartSeconds: 90, ...serving });
  const rules = tmpFile("rules.yaml", YAML.stringify(forecastRecordingRules(m, config.gpuPools[0], config)));
  return { config, rules };
}

/**
 * A one-pool stack with an 8x "flash" sale from `start` to `end`, and the forecast rules file of
 * model `m` (90 s cold start) for it.
 */
export function flashSaleRules(start: string, end: string): { config: StackConfig; rules: string } {
  return modelRules([{ name: "flash", start, end, trafficMultiplier: 8 }]);
}

/** An expected sample of an expression, at minute `at`, that promtool compares exactly. */
export function sampleAt(expr: string, at: number, value: number) {
  return { eval_time: `${at}m`, expr, exp_samples: [{ labels: "{}", value }] };
}

/** `m`'s recorded forecast at minute `at`, rounded to a thousandth. */
export function forecastSample(at: number, value: number) {
  return sampleAt('round(1e3 * max(mlops:model_rps_forecast:3m{model="m"}))', at, Math.round(1e3 * value));
}

/** Runs `promtool test rules` on `rules` with `m` serving `perMinute` and expects `samples`. */
export function expectRecorded(rules: string, perMinute: ArrayLike<number>, samples: unknown[]): void {
  expectPromtoolTestPasses({
    rule_files: [rules],
    evaluation_interval: "1m",
    tests: [
      {
        interval: "1m",
        input_series: [
          {
            series: 'nv_inference_request_success{model="m",variant="stable"}',
            values: requestCounter(perMinute).join(" "),
          },
        ],
        promql_expr_test: samples,
      },
    ],
  });
}
