/**
 * The platform dashboard's "needed by traffic" counts whole GPUs as the plan does (`binnedGpus`):
 * evaluated by promtool on synthetic request rates, and every query of the dashboard parsed by it.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { platformDashboard } from "../../components/addons/platform-dashboard";
import type { ModelSpec } from "../../components/config/model-schema";
import type { StackConfig } from "../../components/config/stack-schema";
import { SERIES } from "../../components/model/promql";
import { spec, tinyConfig } from "../capacity/helpers";
import { testWith } from "../helpers/tools";
import { fixtureModels, stackConfig } from "./fixtures";

const itPromtool = testWith("promtool");

/** The "needed by traffic" query of the platform dashboard. */
function neededExpr(cfg: StackConfig, models: readonly ModelSpec[]): string {
  const panel = platformDashboard(cfg, models).panels.find(
    (p) => p.title === "GPUs provisioned against needed",
  )!;
  return panel.targets.find((t) => t.legendFormat === "needed by traffic")!.expr;
}

/** What promtool evaluates `expr` to, at 10 minutes into constant request rates (model -> rps). */
function evaluate(expr: string, rps: Record<string, number>, expected: number): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-dash-"));
  fs.writeFileSync(path.join(dir, "rules.yaml"), YAML.stringify({ groups: [] }));
  const test = {
    rule_files: ["rules.yaml"],
    evaluation_interval: "1m",
    tests: [
      {
        interval: "1m",
        input_series: Object.entries(rps).map(([model, r]) => ({
          series: `${SERIES.modelRequests("5m")}{model="${model}"}`,
          values: `${r}x15`,
        })),
        promql_expr_test: [{ expr, eval_time: "10m", exp_samples: [{ labels: "{}", value: expected }] }],
      },
    ],
  };
  fs.writeFileSync(path.join(dir, "test.yaml"), YAML.stringify(test, { lineWidth: 0 }));
  expect(
    execFileSync("promtool", ["test", "rules", path.join(dir, "test.yaml")], { encoding: "utf8" }),
  ).toContain("SUCCESS");
}

/** One serving pool of g6.xlarge, each GPU time-sliced 8 ways. */
const eighths = tinyConfig({ sharing: { mode: "time-slicing", replicas: 8 } });
/** 100 rps a replica at targetUtilization 0.8: 80 rps each. */
const model = (name: string, share: number) => spec(name, { gpu: { pool: "inference", share } });

describe("the platform dashboard's GPUs needed by traffic", () => {
  itPromtool("ten replicas of 5 of 8 slices need 10 GPUs, not the 6.25 their shares add up to", () => {
    // 790 rps / 80 = 9.9: 10 replicas, each alone on a GPU (no two 5-slice replicas fit one).
    evaluate(neededExpr(eighths, [model("big", 0.625)]), { big: 790 }, 10);
  });

  itPromtool("one-slice replicas of two models share GPUs: 5 + 2 replicas of 1/8 need one GPU", () => {
    // Rounded up per model it would read 2; summed as shares, 0.875.
    evaluate(neededExpr(eighths, [model("a", 0.125), model("b", 0.125)]), { a: 400, b: 160 }, 1);
  });

  itPromtool(
    "without sharing a replica takes its whole GPUs; a model without traffic keeps replicas.min",
    () => {
      const whole = tinyConfig({ sharing: { mode: "none" } });
      // a: 3 replicas of 2 GPUs; b: no series, its 1 replica at min.
      evaluate(neededExpr(whole, [model("a", 2), model("b", 2)]), { a: 200 }, 8);
    },
  );

  test("prod's one-slice models are rounded up once, over the pool, not once per model", () => {
    const cfg = stackConfig("prod");
    const prodLike = fixtureModels("prod").map((m) => ({
      ...m,
      serving: { ...m.serving, gpu: { ...m.serving.gpu, share: 0.125 } },
    }));
    const expr = neededExpr(cfg, prodLike);
    expect(expr.match(/ceil\(\(clamp_min/g)).toHaveLength(1);
    expect(expr).toMatch(/^ceil\(\(clamp_min.*\) \/ 8\)$/);
  });

  itPromtool.each(["staging", "prod"])(
    "promtool parses every query of the %s platform dashboard",
    (stack) => {
      const exprs = platformDashboard(stackConfig(stack), fixtureModels(stack)).panels.flatMap((p) =>
        p.targets.map((t) => t.expr),
      );
      const rules = {
        groups: [{ name: "dashboard", rules: exprs.map((expr, k) => ({ record: `dash:q${k}`, expr })) }],
      };
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-dash-"));
      fs.writeFileSync(path.join(dir, "rules.yaml"), YAML.stringify(rules, { lineWidth: 0 }));
      expect(
        execFileSync("promtool", ["check", "rules", path.join(dir, "rules.yaml")], { encoding: "utf8" }),
      ).toContain("SUCCESS");
    },
  );
});
