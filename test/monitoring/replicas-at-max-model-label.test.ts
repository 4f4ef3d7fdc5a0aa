/**
 * DESIGN section 5: every model alert carries the label `model`. `ModelReplicasAtMax`, a model's
 * autoscaler held at `replicas.max` (a platform rule over kube-state-metrics), fired with only
 * `namespace` and `horizontalpodautoscaler`: Alertmanager's grouping and inhibition by `model`, and
 * anyone filtering a model's alerts, missed it. The model is its namespace (`modelNamespace`).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { platformRules } from "../../components/addons/platform-rules";
import { stackConfig } from "./fixtures";
import { testWith } from "../helpers/tools";

const itPromtool = testWith("promtool");

itPromtool("ModelReplicasAtMax of a model's autoscaler is labelled with the model", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-at-max-"));
  fs.writeFileSync(
    path.join(dir, "platform.yaml"),
    YAML.stringify(platformRules(stackConfig("prod")), { lineWidth: 0 }),
  );
  const l = 'namespace="homepage-feed",horizontalpodautoscaler="keda-hpa-homepage-feed-canary"';
  const series = [
    { series: `kube_horizontalpodautoscaler_status_current_replicas{${l}}`, values: "4x60" },
    { series: `kube_horizontalpodautoscaler_spec_min_replicas{${l}}`, values: "1x60" },
    { series: `kube_horizontalpodautoscaler_spec_max_replicas{${l}}`, values: "4x60" },
    {
      series: `kube_horizontalpodautoscaler_status_condition{${l},condition="ScalingLimited",status="true"}`,
      values: "1x60",
    },
  ];
  const query = 'ALERTS{alertname="ModelReplicasAtMax",alertstate="firing"}';
  const test = {
    rule_files: ["platform.yaml"],
    evaluation_interval: "1m",
    tests: [
      {
        interval: "1m",
        input_series: series,
        // The labels the alert fires with, whatever else it carries: `model` among them.
        promql_expr_test: [
          {
            expr: `count by (model, namespace) (${query})`,
            eval_time: "20m",
            exp_samples: [{ labels: '{model="homepage-feed",namespace="homepage-feed"}', value: 1 }],
          },
        ],
      },
    ],
  };
  fs.writeFileSync(path.join(dir, "test.yaml"), YAML.stringify(test));
  expect(
    execFileSync("promtool", ["test", "rules", path.join(dir, "test.yaml")], { encoding: "utf8" }),
  ).toContain("SUCCESS");
});
