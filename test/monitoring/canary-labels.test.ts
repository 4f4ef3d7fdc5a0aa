/**
 * Both `ModelCanaryDegraded` checks carry the same labels: the contract's `model`, `team` and
 * `severity`, their `check`, and `variant="canary"`. The error check compares the canary with stable
 * `ignoring(variant)`, which drops the label from its result, so it fired without it while the
 * latency check had it: a silence or route on `variant="canary"` missed the errors (an SRE review).
 */
import { modelRules } from "../../components/model/monitoring-rules";
import { fixtureModels, stackConfig } from "./fixtures";
import { NORMAL_TRAFFIC, firingAlerts, modelSeries } from "./scenario";
import { testWith } from "../helpers/tools";

const itPromtool = testWith("promtool");
const STEP = 15;
const ONSET = 40;

itPromtool("a canary failing 1% of its requests fires ModelCanaryDegraded with variant=canary", () => {
  const spec = fixtureModels("prod").find((m) => m.canary)!;
  const series = modelSeries(spec.name, ONSET + 24, STEP, (s) => ({
    ...NORMAL_TRAFFIC,
    canaryShare: 0.1,
    canaryErrorRatio: s < ONSET ? 0 : 0.01,
  }));
  const firings = firingAlerts({
    ruleFiles: { "rules.yaml": modelRules(spec, stackConfig("prod")) },
    series,
    intervalSeconds: STEP,
    alertnames: ["ModelCanaryDegraded"],
    times: [(ONSET + 22) * STEP],
  });
  expect(firings.map((f) => f.labels)).toEqual([
    `alertname="ModelCanaryDegraded", check="errors", model="${spec.name}", severity="ticket", team="${spec.team}", variant="canary"`,
  ]);
});
