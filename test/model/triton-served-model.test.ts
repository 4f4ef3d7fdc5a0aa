/**
 * `serving.servedModel`: a Triton server whose repository holds an ensemble counts each request once
 * for the ensemble and again for each composing model, so summing every model of the pod multiplied
 * the rate the autoscaler, the SLO rules and the forecast read. With `servedModel` only the called
 * model's counters and latency are read; without it, every model is summed (one model per repository).
 */
import { requestExprs, requestRateQuery } from "../../components/model/request-metrics";
import { modelRules } from "../../components/model/monitoring-rules";
import type { ModelSpec } from "../../components/config/model-schema";
import { modelsFor, stackConfig } from "../monitoring/fixtures";
import { expectRuleTestsPass } from "../helpers/promtool";
import { testWith } from "../helpers/tools";
import { problemsOfEdited } from "./bad-spec-harness";

const itPromtool = testWith("promtool");

const triton = (servedModel?: string) => ({
  name: "feed",
  serving: { runtime: "triton" as const, servedModel },
});

test("a Triton model's request queries read only its servedModel's counters", () => {
  const { requests, errors } = requestExprs(triton("ensemble_dlrm"), "1m", "");
  expect(requests).toContain('nv_inference_request_success{model="feed",exported_model="ensemble_dlrm"}');
  expect(errors).toContain('nv_inference_request_failure{model="feed",exported_model="ensemble_dlrm"}');
  expect(requestRateQuery(triton("ensemble_dlrm"), "stable")).toContain('exported_model="ensemble_dlrm"');
  expect(requestExprs(triton(), "1m", "").requests).not.toContain("exported_model");
});

itPromtool(
  "the recorded request rate and p99 are the ensemble's, not the sum with its composing models",
  () => {
    const base = modelsFor("prod").find((m) => m.name === "homepage-feed")!;
    const spec: ModelSpec = { ...base, serving: { ...base.serving, servedModel: "ensemble" } };
    // 600 requests a minute (10/s) reach the ensemble; Triton counts them again for each of its two
    // composing models, whose p99 is lower than the ensemble's end-to-end 40 ms.
    const pod = (m: string) => `model="homepage-feed",variant="stable",pod="p-1",exported_model="${m}"`;
    const input_series = ["ensemble", "two_tower", "dlrm"].flatMap((m) => [
      { series: `nv_inference_request_success{${pod(m)}}`, values: "0+600x20" },
      {
        series: `nv_inference_request_summary_us{${pod(m)},quantile="0.99"}`,
        values: `${m === "ensemble" ? 40000 : 15000}x20`,
      },
    ]);
    expectRuleTestsPass(modelRules(spec, stackConfig("prod")), "15s", [
      {
        interval: "1m",
        input_series,
        promql_expr_test: [
          {
            expr: "model:mlops_model_requests:rate5m",
            eval_time: "10m",
            exp_samples: [{ labels: 'model:mlops_model_requests:rate5m{model="homepage-feed"}', value: 10 }],
          },
          {
            expr: "max(model:mlops_model_request_duration_seconds:p99_rate5m)",
            eval_time: "10m",
            exp_samples: [{ labels: "{}", value: 0.04 }],
          },
        ],
      },
    ]);
  },
);

test("servedModel on another runtime, and runtimeVersion on a custom server, are refused: they would do nothing", () => {
  const msg = problemsOfEdited("sm", (y) =>
    y
      .replace("runtime: triton", "runtime: custom\n  image: registry.example.com/recs/server:1.2.3")
      .replace(
        "  modelUri: s3://<artifacts>/sm/v1\n",
        "  modelUri: s3://<artifacts>/sm/v1\n  servedModel: ensemble\n  runtimeVersion: 25.01-py3\n",
      ),
  );
  expect(msg).toContain(
    "models/sm.yaml: serving.servedModel: applies to runtime triton only (its ensembles' composing models count each request again); runtime custom is read as one model",
  );
  expect(msg).toContain(
    "models/sm.yaml: serving.runtimeVersion: applies to the triton, mlserver and torchserve runtimes; runtime custom runs its image's own tag (serving.image)",
  );
});

test("a servedModel that is not a repository model name says what one is", () => {
  const msg = problemsOfEdited("sm2", (y) =>
    y.replace(
      "  modelUri: s3://<artifacts>/sm2/v1\n",
      '  modelUri: s3://<artifacts>/sm2/v1\n  servedModel: "a b"\n',
    ),
  );
  expect(msg).toContain(
    'serving.servedModel = "a b": must be a model name of the server\'s repository, such as ensemble_dlrm',
  );
});
