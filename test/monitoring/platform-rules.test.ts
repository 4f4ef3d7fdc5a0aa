/** Platform rules: promtool accepts them, and the GPU-pool saturation, utilization and replicas-at-max alerts fire when they should. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { platformRules } from "../../components/addons/platform-rules";
import { stackConfig } from "./fixtures";
import { testWith } from "../helpers/tools";

const itPromtool = testWith("promtool");

function tmp(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-mon-"));
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
}

/** Runs `promtool test rules` on `rulesFile` with `series` sampled every `interval`, expecting `checks`. */
function expectPromtoolTestPasses(
  rulesFile: string,
  interval: string,
  series: unknown[],
  checks: { alert_rule_test?: unknown[]; promql_expr_test?: unknown[] },
): void {
  const test = {
    rule_files: [path.basename(rulesFile)],
    evaluation_interval: interval,
    tests: [{ interval, input_series: series, ...checks }],
  };
  const testFile = path.join(path.dirname(rulesFile), "test.yaml");
  fs.writeFileSync(testFile, YAML.stringify(test));
  expect(execFileSync("promtool", ["test", "rules", testFile], { encoding: "utf8" })).toContain("SUCCESS");
}

/** `expectPromtoolTestPasses` with alert expectations only. */
function expectAlertTestPasses(
  rulesFile: string,
  interval: string,
  series: unknown[],
  alerts: unknown[],
): void {
  expectPromtoolTestPasses(rulesFile, interval, series, { alert_rule_test: alerts });
}

describe("platform rules", () => {
  itPromtool.each(["staging", "prod"])("promtool check rules accepts the %s platform rules", (stack) => {
    const file = tmp("platform.yaml", YAML.stringify(platformRules(stackConfig(stack)), { lineWidth: 0 }));
    expect(execFileSync("promtool", ["check", "rules", file], { encoding: "utf8" })).toContain("SUCCESS");
  });

  test("one saturation and one low-utilization alert per pool, with the pool's limits", () => {
    const cfg = stackConfig("prod");
    const rules = platformRules(cfg).groups.flatMap((g) => g.rules);
    for (const pool of cfg.gpuPools) {
      const sat = rules.find((r) => r.alert === "GpuPoolSaturated" && r.labels?.pool === pool.name)!;
      expect(sat.expr).toContain(`>= ${pool.maxGpus}`);
      const low = rules.find((r) => r.alert === "GpuUtilizationLow" && r.labels?.pool === pool.name)!;
      expect(low.expr).toContain(`> ${pool.minGpus}`);
      expect(low.labels?.team).toBe(cfg.alerting.platformTeam);
    }
  });

  /** Four inference nodes at 95% for 50 minutes; promtool must see exactly `expected` firing at 30m. */
  function saturation(stack: string, expected: Record<string, string>[]): void {
    const cfg = stackConfig(stack);
    const rules = platformRules(cfg);
    const rulesFile = tmp("platform.yaml", YAML.stringify(rules, { lineWidth: 0 }));
    const sat = rules.groups[0].rules.find(
      (r) => r.alert === "GpuPoolSaturated" && r.labels?.pool === "inference",
    )!;
    const nodes = ["n1", "n2", "n3", "n4"];
    const series = [
      ...nodes.map((n) => ({
        series: `kube_node_labels{node="${n}",label_mlops_io_gpu_pool="inference",label_mlops_io_gpu_purpose="serving"}`,
        values: "1x100",
      })),
      ...nodes.map((n) => ({ series: `DCGM_FI_DEV_GPU_UTIL{Hostname="${n}",gpu="0"}`, values: "95x100" })),
    ];
    expectAlertTestPasses(rulesFile, "30s", series, [
      { eval_time: "5m", alertname: "GpuPoolSaturated", exp_alerts: [] },
      {
        eval_time: "30m",
        alertname: "GpuPoolSaturated",
        exp_alerts: expected.map((l) => ({ exp_labels: l, exp_annotations: sat.annotations })),
      },
    ]);
  }

  itPromtool("a time-sliced GPU whose pod label changes counts once, and a removed node at once", () => {
    // dcgm-exporter labels a GPU with the pod it last saw: n1's GPU moves from pod a to pod b at
    // minute 10; n2 is removed at minute 10.
    const rulesFile = tmp(
      "platform.yaml",
      YAML.stringify(platformRules(stackConfig("prod")), { lineWidth: 0 }),
    );
    const node = (n: string) => ({
      series: `kube_node_labels{node="${n}",label_mlops_io_gpu_pool="inference",label_mlops_io_gpu_purpose="serving"}`,
      values: n === "n2" ? "1x20 stale" : "1x40",
    });
    const dcgm = (labels: string, values: string) => ({ series: `DCGM_FI_DEV_GPU_UTIL{${labels}}`, values });
    const series = [
      node("n1"),
      node("n2"),
      dcgm('Hostname="n1",gpu="0",pod="a"', "80x20 stale"),
      dcgm('Hostname="n1",gpu="0",pod="b"', "_x20 60x20"),
      dcgm('Hostname="n2",gpu="0",pod="c"', "50x20 stale"),
    ];
    expectPromtoolTestPasses(rulesFile, "30s", series, {
      promql_expr_test: [
        {
          expr: 'pool:mlops_gpus:count{pool="inference"}',
          eval_time: "5m",
          exp_samples: [{ labels: 'pool:mlops_gpus:count{pool="inference"}', value: 2 }],
        },
        {
          expr: 'pool:mlops_gpus:count{pool="inference"}',
          eval_time: "12m",
          exp_samples: [{ labels: 'pool:mlops_gpus:count{pool="inference"}', value: 1 }],
        },
      ],
    });
  });

  itPromtool(
    "a MIG GPU, which has no DCGM_FI_DEV_GPU_UTIL, is read from its devices' engine activity",
    () => {
      // m1: one A100 in MIG mode with two devices at 90% and 50%; n1: a whole GPU at 80%, whose own
      // engine-activity series (no GPU_I_ID) must not count twice.
      const rulesFile = tmp(
        "platform.yaml",
        YAML.stringify(platformRules(stackConfig("prod")), { lineWidth: 0 }),
      );
      const node = (n: string, pool: string) => ({
        series: `kube_node_labels{node="${n}",label_mlops_io_gpu_pool="${pool}",label_mlops_io_gpu_purpose="serving"}`,
        values: "1x40",
      });
      const engine = (labels: string, value: number) => ({
        series: `DCGM_FI_PROF_GR_ENGINE_ACTIVE{${labels}}`,
        values: `${value}x40`,
      });
      const sample = (series: string, value: number) => ({
        expr: series,
        eval_time: "10m",
        exp_samples: [{ labels: series, value }],
      });
      const series = [
        node("m1", "mig"),
        node("n1", "inference"),
        engine('Hostname="m1",gpu="0",GPU_I_ID="1",GPU_I_PROFILE="3g.20gb"', 0.9),
        engine('Hostname="m1",gpu="0",GPU_I_ID="2",GPU_I_PROFILE="3g.20gb"', 0.5),
        engine('Hostname="n1",gpu="0"', 0.8),
        { series: 'DCGM_FI_DEV_GPU_UTIL{Hostname="n1",gpu="0"}', values: "80x40" },
      ];
      expectPromtoolTestPasses(rulesFile, "30s", series, {
        promql_expr_test: [
          sample('pool:mlops_gpus:count{pool="mig"}', 1),
          sample('pool:mlops_gpu_utilization:avg5m{pool="mig"}', 70),
          sample('pool:mlops_gpus:count{pool="inference"}', 1),
          sample('pool:mlops_gpu_utilization:avg5m{pool="inference"}', 80),
        ],
      });
    },
  );

  itPromtool("GpuPoolSaturated fires for a busy pool at its GPU limit (staging: 4 of 4)", () => {
    saturation("staging", [{ pool: "inference", team: "ml-platform", severity: "page" }]);
  });

  itPromtool("GpuPoolSaturated stays quiet for an equally busy pool with headroom (prod: 4 of 48)", () => {
    saturation("prod", []);
  });

  itPromtool(
    "a nightly training queue (the training pool full and busy, a run Pending for it) pages nobody",
    () => {
      // prod: search-ranking's 8-GPU run fills the one-p4d training pool (maxGpus 8) at 95%, and
      // pdp-similar-items' 2-GPU run waits Pending for it, as the DAGs' schedule_timeout intends. A
      // serving pod Pending as long still pages.
      const rules = platformRules(stackConfig("prod"));
      const ann = (alert: string, pool?: string) =>
        rules.groups[0].rules.find((r) => r.alert === alert && (!pool || r.labels?.pool === pool))!
          .annotations;
      const rulesFile = tmp("platform.yaml", YAML.stringify(rules, { lineWidth: 0 }));
      const pod = (ns: string, name: string, phase: string, gpus: number) => [
        {
          series: `kube_pod_status_phase{namespace="${ns}",pod="${name}",phase="${phase}"}`,
          values: "1x100",
        },
        {
          series: `kube_pod_container_resource_requests{namespace="${ns}",pod="${name}",container="base",resource="nvidia_com_gpu"}`,
          values: `${gpus}x100`,
        },
      ];
      const series = [
        {
          series:
            'kube_node_labels{node="p1",label_mlops_io_gpu_pool="training",label_mlops_io_gpu_purpose="training"}',
          values: "1x100",
        },
        ...Array.from({ length: 8 }, (_, g) => ({
          series: `DCGM_FI_DEV_GPU_UTIL{Hostname="p1",gpu="${g}"}`,
          values: "95x100",
        })),
        ...pod("search-ranking", "search-ranking-train-a1b2", "Running", 8),
        ...pod("pdp-similar-items", "pdp-similar-items-train-c3d4", "Pending", 2),
        ...pod("cart-cross-sell", "cart-cross-sell-predictor-5f7d9-x2x9z", "Pending", 1),
        // A serving pod of a model whose name holds "-train-" is no training run.
        ...pod("pre-train-ranker", "pre-train-ranker-predictor-6c8b4-k7m2p", "Pending", 1),
      ];
      expectAlertTestPasses(rulesFile, "30s", series, [
        {
          eval_time: "40m",
          alertname: "GpuPoolSaturated",
          exp_alerts: [
            {
              exp_labels: { pool: "training", team: "ml-platform", severity: "ticket" },
              exp_annotations: ann("GpuPoolSaturated", "training"),
            },
          ],
        },
        {
          eval_time: "40m",
          alertname: "GpuPodsUnschedulable",
          exp_alerts: [
            {
              exp_labels: { namespace: "cart-cross-sell", team: "ml-platform", severity: "page" },
              exp_annotations: {
                ...ann("GpuPodsUnschedulable"),
                summary: "GPU pods in cart-cross-sell pending longer than node provisioning takes",
              },
            },
            {
              exp_labels: { namespace: "pre-train-ranker", team: "ml-platform", severity: "page" },
              exp_annotations: {
                ...ann("GpuPodsUnschedulable"),
                summary: "GPU pods in pre-train-ranker pending longer than node provisioning takes",
              },
            },
          ],
        },
      ]);
    },
  );

  itPromtool("ModelReplicasAtMax fires only for an autoscaler at max that wants more", () => {
    const cfg = stackConfig("prod");
    const rules = platformRules(cfg);
    const rulesFile = tmp("platform.yaml", YAML.stringify(rules, { lineWidth: 0 }));
    const atMax = rules.groups[0].rules.find((r) => r.alert === "ModelReplicasAtMax")!;
    // kube-state-metrics series of four KEDA HPAs: [current, min, max, ScalingLimited true?].
    const hpas: Record<string, [number, number, number, number]> = {
      "keda-hpa-spare": [2, 1, 2, 0], // at max 2 for the night's drain spare: DesiredWithinRange
      "keda-hpa-busy": [10, 1, 10, 1], // at max and the metrics want more: TooManyReplicas
      "keda-hpa-pinned": [1, 1, 1, 1], // min = max, below min: TooFewReplicas
      "keda-hpa-rising": [5, 1, 10, 1], // rate-limited on the way up: ScaleUpLimit
    };
    const series = Object.entries(hpas).flatMap(([hpa, [current, min, max, limited]]) => {
      const l = `namespace="m",horizontalpodautoscaler="${hpa}"`;
      return [
        { series: `kube_horizontalpodautoscaler_status_current_replicas{${l}}`, values: `${current}x60` },
        { series: `kube_horizontalpodautoscaler_spec_min_replicas{${l}}`, values: `${min}x60` },
        { series: `kube_horizontalpodautoscaler_spec_max_replicas{${l}}`, values: `${max}x60` },
        ...[
          ["true", limited],
          ["false", 1 - limited],
        ].map(([status, v]) => ({
          series: `kube_horizontalpodautoscaler_status_condition{${l},condition="ScalingLimited",status="${status}"}`,
          values: `${v}x60`,
        })),
      ];
    });
    const annotations = Object.fromEntries(
      Object.entries(atMax.annotations!).map(([k, v]) => [
        k,
        v
          .replace("{{ $labels.namespace }}", "m")
          .replace("{{ $labels.horizontalpodautoscaler }}", "keda-hpa-busy"),
      ]),
    );
    expectAlertTestPasses(rulesFile, "1m", series, [
      {
        eval_time: "20m",
        alertname: "ModelReplicasAtMax",
        exp_alerts: [
          {
            exp_labels: {
              namespace: "m",
              model: "m",
              horizontalpodautoscaler: "keda-hpa-busy",
              team: cfg.alerting.platformTeam,
              severity: "ticket",
            },
            exp_annotations: annotations,
          },
        ],
      },
    ]);
  });
});
