/**
 * ModelTrainingFailed fires from kube-state-metrics' pod phase of a failed training pod, and from
 * the scheduler's failed-run count of the model's DAG (promtool).
 */
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

/** Runs `tests` (promtool's unit-test cases) against the model's training rules; returns its output. */
function promtoolTest(tests: unknown[], evaluationInterval = "1m"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-train-"));
  fs.writeFileSync(
    path.join(dir, "rules.yaml"),
    YAML.stringify({ groups: [{ name: "t", rules: trainingRules(spec) }] }),
  );
  fs.writeFileSync(
    path.join(dir, "test.yaml"),
    YAML.stringify({ rule_files: ["rules.yaml"], evaluation_interval: evaluationInterval, tests }),
  );
  return execFileSync("promtool", ["test", "rules", path.join(dir, "test.yaml")], { encoding: "utf8" });
}

describe("ModelTrainingFailed", () => {
  test("only models that train get the rule", () => {
    expect(trainingRules(spec).map((r) => r.labels?.reason)).toEqual(["pod-failed", "run-failed"]);
    expect(trainingRules({ ...spec, training: undefined } as ModelSpec)).toEqual([]);
  });

  itPromtool(
    "fires a ticket for the model's team one minute after a train pod fails, not for other pods",
    () => {
      const out = promtoolTest(
        [
          {
            interval: "15s",
            input_series: [
              {
                series:
                  'kube_pod_status_phase{namespace="search-ranking",phase="Failed",pod="search-ranking-train-x7k2"}',
                values: "0x8 1x20",
              },
              {
                series: 'kube_pod_status_phase{namespace="search-ranking",phase="Failed",pod="other-job-1"}',
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
                    exp_labels: {
                      model: "search-ranking",
                      team: "search",
                      severity: "ticket",
                      reason: "pod-failed",
                    },
                    exp_annotations: trainingRules(spec)[0].annotations,
                  },
                ],
              },
            ],
          },
        ],
        "15s",
      );
      expect(out).toContain("SUCCESS");
    },
  );

  itPromtool(
    "fires for a failed run of the model's DAG - its first failure too - for an hour, not for other DAGs or successes",
    () => {
      const runFailed = {
        exp_labels: { model: "search-ranking", team: "search", severity: "ticket", reason: "run-failed" },
        exp_annotations: trainingRules(spec)[1].annotations,
      };
      const at = (minute: number, firing: boolean) => ({
        eval_time: `${minute}m`,
        alertname: "ModelTrainingFailed",
        exp_alerts: firing ? [runFailed] : [],
      });
      const exporter = 'job="airflow-statsd",instance="10.0.3.7:9102"';
      const out = promtoolTest([
        {
          // The chart's mapping name. The exporter has seen no failure of this DAG until minute 9,
          // when its series is born at 1; a second failure at minute 90.
          interval: "1m",
          input_series: [
            {
              series: `airflow_dagrun_failed_count{${exporter},dag_id="train_search_ranking"}`,
              values: "_x8 1x80 2x40",
            },
            // Another model's DAG failing, and this DAG's successful runs: not this alert.
            { series: `airflow_dagrun_failed_count{${exporter},dag_id="train_other"}`, values: "1x40 2x90" },
            {
              series: `airflow_dagrun_duration_count{${exporter},dag_id="train_search_ranking"}`,
              values: "0+1x130",
            },
          ],
          alert_rule_test: [
            at(5, false),
            at(10, true),
            at(60, true),
            at(75, false),
            at(95, true),
            at(125, true),
            at(155, false),
          ],
        },
        {
          // A mapping named after Airflow's metric: the same verdicts.
          interval: "1m",
          input_series: [
            {
              series: `airflow_dagrun_duration_failed_count{${exporter},dag_id="train_search_ranking"}`,
              values: "_x8 1x80 2x40",
            },
          ],
          alert_rule_test: [at(5, false), at(10, true), at(75, false), at(95, true)],
        },
      ]);
      expect(out).toContain("SUCCESS");
    },
  );

  itPromtool("an old failure does not fire again an hour after a gap in its scrapes", () => {
    // The DAG failed once before minute 0 and never since. Minutes 100-110 have no samples (a
    // Prometheus restart, or the exporter's scrape failing): an hour later, `offset 1h` finds no
    // sample within its 5-minute lookback, and reading the series as born then would say "a run
    // failed in the last 1h" for every DAG that ever failed.
    const out = promtoolTest([
      {
        interval: "1m",
        input_series: [
          {
            series: 'airflow_dagrun_failed_count{job="airflow-statsd",dag_id="train_search_ranking"}',
            values: "1x99 _x10 1x100",
          },
        ],
        alert_rule_test: [160, 165, 168, 172].map((minute) => ({
          eval_time: `${minute}m`,
          alertname: "ModelTrainingFailed",
          exp_alerts: [],
        })),
      },
    ]);
    expect(out).toContain("SUCCESS");
  });

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
