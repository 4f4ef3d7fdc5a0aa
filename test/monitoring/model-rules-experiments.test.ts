/** Model rules under promtool: an experiment's error budget, and a low-traffic canary's single error. */
import { modelRules } from "../../components/model/monitoring-rules";
import type { ModelSpec } from "../../components/config/model-schema";
import { fixtureModels, stackConfig } from "./fixtures";
import { firingAlerts, modelSeries } from "./scenario";
import { testWith } from "../helpers/tools";
import { detection, NORMAL, runScenario } from "./model-rules-harness";

const itPromtool = testWith("promtool");

describe("model rules", () => {
  itPromtool(
    "an experiment at 6x the error budget opens a ticket within the hour; a healthy one does not",
    () => {
      // 0.6% errors at a 0.1% budget: under the fast pair's 1.44%, and 5% of traffic dilutes it in
      // the model's own pairs. One-minute steps for 90 minutes, only the rules the check reads.
      const base = fixtureModels("prod").find((m) => m.name === "homepage-feed")!;
      const spec: ModelSpec = {
        ...base,
        experiments: [{ name: "exp-b", modelUri: "s3://<artifacts>/homepage-feed/b", weight: 5 }],
      };
      const rules = modelRules(spec, stackConfig("prod"))
        .groups.flatMap((g) => g.rules)
        .filter(
          (r) =>
            /^model_variant:mlops_model_(requests|errors|error_ratio):rate1h$/.test(r.record ?? "") ||
            (r.alert === "ModelExperimentDegraded" && r.labels?.check === "errors-1h"),
        );
      expect(rules).toHaveLength(4);
      // Healthy (0.02%) for 30 minutes, then `errorRatio`.
      const run = (errorRatio: number) =>
        firingAlerts({
          ruleFiles: { "rules.yaml": { groups: [{ name: "slow", interval: "60s", rules }] } },
          series: modelSeries(spec.name, 100, 60, (m) => ({
            ...NORMAL,
            experiment: { name: "exp-b", share: 0.05, errorRatio: m < 30 ? 0.0002 : errorRatio },
          })),
          intervalSeconds: 60,
          alertnames: ["ModelExperimentDegraded"],
          times: [45, 70, 95].map((m) => m * 60),
        });
      const fired = run(0.006);
      // The hour's ratio passes the 1-day pair's 0.3% once about half of it is at 0.6%, then 15
      // minutes pending: firing from minute 73 (measured), 43 minutes after the onset.
      expect(fired.map((f) => f.atSeconds / 60)).toEqual([95]);
      expect(fired[0].labels).toContain('check="errors-1h"');
      expect(fired[0].labels).toContain('severity="ticket"');
      expect(run(0.0002)).toEqual([]);
    },
  );

  itPromtool("one error of a low-traffic canary is not taken for a degraded canary", () => {
    // 100 rps all along, canary at 1%: 15 canary requests per step, one of them failing once.
    const f = runScenario((k) => ({ rps: 100, canaryShare: 0.01, canaryErrorRatio: k === 0 ? 1 / 15 : 0 }));
    expect(detection(f, "ModelCanaryDegraded")).toBeUndefined();
  });
});
