/** ModelTrainingFailed fires from kube-state-metrics' pod phase of a failed training pod (promtool). */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { ModelSpec } from "../../components/config/model-schema";
import { modelRules } from "../../components/model/monitoring-rules";
import { trainingRules } from "../../components/model/training-rules";
import { modelsFor } from "./fixtures";
import { testWith } from "../helpers/tools";

const itPromtool = testWith("promtool");

const spec = {
  name: "search-ranking",
  team: "search",
  training: { schedule: "0 1 * * *" },
} as unknown as ModelSpec;

describe("ModelTrainingFailed", () => {
  test("only models that train get the rule", () => {
    expect(trainingRules(spec)).toHaveLength(1);
    expect(trainingRules({ ...spec, training: undefined } as ModelSpec)).toEqual([]);
  });

  itPromtool(
    "fires a ticket for the model's team one minute after a train pod fails, not for other pods",
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-train-"));
      fs.writeFileSync(
        path.join(dir, "rules.yaml"),
        YAML.stringify({ groups: [{ name: "t", rules: trainingRules(spec) }] }),
      );
      fs.writeFileSync(
        path.join(dir, "test.yaml"),
        YAML.stringify({
          rule_files: ["rules.yaml"],
          evaluation_interval: "15s",
          tests: [
            {
              interval: "15s",
              input_series: [
                {
                  series:
                    'kube_pod_status_phase{namespace="search-ranking",phase="Failed",pod="search-ranking-train-x7k2"}',
                  values: "0x8 1x20",
                },
                {
                  series:
                    'kube_pod_status_phase{namespace="search-ranking",phase="Failed",pod="other-job-1"}',
                  values: "1x28",
                },
              ],
              alert_rule_test: [
                { eval_time: "2m", alertname: "ModelTrainingFailed", exp_alerts: [] },
                {
                  eval_time: "4m",
                  alertname: "ModelTrainingFailed",
                  exp_alerts: [
                    {
                      exp_labels: { model: "search-ranking", team: "search", severity: "ticket" },
                      exp_annotations: trainingRules(spec)[0].annotations,
                    },
                  ],
                },
              ],
            },
          ],
        }),
      );
      const out = execFileSync("promtool", ["test", "rules", path.join(dir, "test.yaml")], {
        encoding: "utf8",
      });
      expect(out).toContain("SUCCESS");
    },
  );

  test("every committed model that trains has the rule in its rule file", () => {
    const models = modelsFor("prod");
    expect(models.length).toBeGreaterThan(0);
    for (const m of models) {
      const names = modelRules(m, { events: [] }).groups.flatMap((g) =>
        g.rules.map((r) => ("alert" in r ? r.alert : undefined)),
      );
      expect(names.includes("ModelTrainingFailed")).toBe(m.training !== undefined);
    }
  });
});
