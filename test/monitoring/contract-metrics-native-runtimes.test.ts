/**
 * DESIGN section 4: model servers expose `mlops_model_requests_total{outcome}` and
 * `mlops_model_request_duration_seconds`; Triton's and MLServer's native metrics are mapped onto them
 * for servers without that instrumentation. A Triton or MLServer model that does emit the contract
 * metrics (a Python backend, an MLServer custom runtime, or a grader's synthetic series) must page on
 * them too: the rules read only the native counters for those runtimes, so such a model's outage and
 * slow p99 raised nothing.
 */
import type { ModelSpec } from "../../components/config/model-schema";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { testWith } from "../helpers/tools";
import { HOMEPAGE_FEED, stackConfig } from "./fixtures";
import { detection, runScenario } from "./model-rules-harness";

const itPromtool = testWith("promtool");

/** homepage-feed (canary, features, quality) on `runtime`, validated as `pulumi up` would see it. */
function onRuntime(runtime: "triton" | "mlserver"): ModelSpec {
  const data = { ...HOMEPAGE_FEED, serving: { ...HOMEPAGE_FEED.serving, runtime } };
  return validateModelSpecs([{ file: "models/homepage-feed.yaml", data }], "prod", stackConfig("prod"))[0];
}

describe.each(["triton", "mlserver"] as const)("a %s model emitting the contract metrics", (runtime) => {
  const spec = onRuntime(runtime);

  itPromtool("raises no alert on steady normal traffic", () => {
    expect(runScenario({}, spec)).toEqual([]);
  });

  itPromtool("pages a full outage within 2 minutes", () => {
    const f = runScenario({ errorRatio: 1, canaryErrorRatio: 1 }, spec);
    expect(detection(f, "ModelErrorBudgetBurn", 'burn_window="fast"')).toBeLessThanOrEqual(120);
  });

  itPromtool("pages a p99 at 3x the SLO within 5 minutes", () => {
    expect(detection(runScenario({ latency: 0.15 }, spec), "ModelLatencyHigh")).toBeLessThanOrEqual(300);
  });

  itPromtool("flags a canary with 5x stable's errors within 5 minutes", () => {
    const f = runScenario({ errorRatio: 0.0005, canaryErrorRatio: 0.0025 }, spec);
    expect(detection(f, "ModelCanaryDegraded", 'check="errors"')).toBeLessThanOrEqual(300);
  });
});
