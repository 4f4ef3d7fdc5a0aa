import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { platformRules } from "../../components/addons/platform-rules";
import {
  RETRAIN_WATCHER_DAG_ID,
  renderRetrainWatcherDag,
  retrainQuery,
  watchedModels,
} from "../../components/addons/retrain-watcher-dag";
import { trainingDagId } from "../../components/model/dag-id";
import { modelRules } from "../../components/model/monitoring-rules";
import { fixtureModels, modelsFor, stackConfig } from "./fixtures";

function has(tool: string): boolean {
  try {
    execFileSync(tool, ["--version"], { stdio: "pipe" });
    return true;
  } catch {
    if (process.env.CI === "true") throw new Error(`${tool} is required in CI`);
    return false;
  }
}
const itPromtool = has("promtool") ? test : test.skip;
const itPython = has("python3") ? test : test.skip;

function tmp(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-mon-"));
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
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
    const test = {
      rule_files: [path.basename(rulesFile)],
      evaluation_interval: "30s",
      tests: [
        {
          interval: "30s",
          input_series: series,
          alert_rule_test: [
            { eval_time: "5m", alertname: "GpuPoolSaturated", exp_alerts: [] },
            {
              eval_time: "30m",
              alertname: "GpuPoolSaturated",
              exp_alerts: expected.map((l) => ({ exp_labels: l, exp_annotations: sat.annotations })),
            },
          ],
        },
      ],
    };
    const testFile = path.join(path.dirname(rulesFile), "test.yaml");
    fs.writeFileSync(testFile, YAML.stringify(test));
    expect(execFileSync("promtool", ["test", "rules", testFile], { encoding: "utf8" })).toContain("SUCCESS");
  }

  itPromtool("GpuPoolSaturated fires for a busy pool at its GPU limit (staging: 4 of 4)", () => {
    saturation("staging", [{ pool: "inference", team: "ml-platform", severity: "page" }]);
  });

  itPromtool("GpuPoolSaturated stays quiet for an equally busy pool with headroom (prod: 4 of 48)", () => {
    saturation("prod", []);
  });
});

describe("retrain watcher", () => {
  const cfg = stackConfig("prod");
  const models = fixtureModels("prod");

  test("watches exactly the models with retrainOn, with their training DAG ids", () => {
    expect(watchedModels(models)).toEqual([
      { model: "cart-cross-sell", dagId: "train_cart_cross_sell", alerts: ["ModelQualityDrop"] },
      {
        model: "homepage-feed",
        dagId: "train_homepage_feed",
        alerts: ["ModelPredictionDrift", "ModelFeatureDrift", "ModelQualityDrop"],
      },
    ]);
    expect(trainingDagId("homepage-feed")).toBe("train_homepage_feed");
  });

  test.each(["staging", "prod"])(
    "contract (%s): every watched alert exists in the model's rules with retrain=true and model label",
    (stack) => {
      const stackCfg = stackConfig(stack);
      const specs = modelsFor(stack);
      const query = retrainQuery(specs);
      for (const w of watchedModels(specs)) {
        const spec = specs.find((s) => s.name === w.model)!;
        const rules = modelRules(spec, stackCfg).groups.flatMap((g) => g.rules);
        for (const alert of w.alerts) {
          const rule = rules.find((r) => r.alert === alert);
          expect(rule).toBeDefined();
          expect(rule!.labels?.retrain).toBe("true");
          expect(rule!.expr).toContain(`model="${w.model}"`);
          expect(query).toContain(alert);
        }
        expect(w.dagId).toBe(trainingDagId(w.model));
      }
      expect(query).toContain('alertstate="firing"');
      expect(query).toContain('retrain="true"');
    },
  );

  test("the DAG runs every minute, one run at a time, no catch-up, with the stack's cooldown", () => {
    const dag = renderRetrainWatcherDag({
      models,
      cooldown: cfg.alerting.retrainCooldown,
      prometheusUrl: "http://p:9090",
    });
    expect(dag).toContain(`dag_id="${RETRAIN_WATCHER_DAG_ID}"`);
    expect(dag).toContain('schedule="* * * * *"');
    expect(dag).toContain("max_active_runs=1");
    expect(dag).toContain("catchup=False");
    expect(dag).toContain("COOLDOWN = timedelta(seconds=21600)");
    expect(dag).toContain("train_homepage_feed");
  });

  itPython("the generated DAG compiles with python3 -m py_compile", () => {
    const dag = renderRetrainWatcherDag({ models, cooldown: "90m", prometheusUrl: "http://p:9090" });
    const file = tmp("mlops_retrain_watcher.py", dag);
    execFileSync("python3", ["-m", "py_compile", file], { stdio: "pipe" });
  });
});
