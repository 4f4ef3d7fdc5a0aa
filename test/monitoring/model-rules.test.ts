/** Model rules: promtool accepts them, their labels and expressions, and a canary slower than the SLO but within its own limit. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { BURN_PAIRS, burnThreshold, modelRules } from "../../components/model/monitoring-rules";
import { retrainAlertNames } from "../../components/model/alert-labels";
import {
  canaryErrorDegradedExpr,
  canaryLatencyDegradedExpr,
  errorBudget,
} from "../../components/model/promql";
import type { ModelSpec } from "../../components/config/model-schema";
import { fixtureModels, modelsFor, stackConfig } from "./fixtures";
import { testWith } from "../helpers/tools";
import { expectRuleTestsPass } from "../helpers/promtool";

const itPromtool = testWith("promtool");

describe("model rules", () => {
  itPromtool.each(["staging", "prod"])("promtool check rules accepts every model's rules (%s)", (stack) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-rules-"));
    const cfg = stackConfig(stack);
    const files = modelsFor(stack).map((spec) => {
      const file = path.join(dir, `${spec.name}.yaml`);
      fs.writeFileSync(file, YAML.stringify(modelRules(spec, cfg), { lineWidth: 0 }));
      return file;
    });
    const out = execFileSync("promtool", ["check", "rules", ...files], { encoding: "utf8" });
    expect(out).toContain("SUCCESS");
    expect(out).not.toContain("FAILED");
  });

  test("only models that opted in carry retrain=true, on exactly their trigger alerts", () => {
    const cfg = stackConfig("prod");
    for (const spec of fixtureModels("prod")) {
      const rules = modelRules(spec, cfg).groups.flatMap((g) => g.rules);
      const retrain = [
        ...new Set(rules.filter((r) => r.labels?.retrain === "true").map((r) => r.alert)),
      ].sort();
      const expected = retrainAlertNames(spec).filter((a) => rules.some((r) => r.alert === a));
      expect(retrain).toEqual([...new Set(expected)].sort());
    }
  });

  test("every alert carries team and a page/ticket severity; model alerts select their model", () => {
    const cfg = stackConfig("prod");
    for (const spec of fixtureModels("prod")) {
      for (const r of modelRules(spec, cfg)
        .groups.flatMap((g) => g.rules)
        .filter((x) => x.alert)) {
        expect(r.labels?.team).toBe(spec.team);
        expect(["page", "ticket"]).toContain(r.labels?.severity);
        // Metric-contract alerts select the model's series; ModelTrainingFailed selects its namespace
        // (kube-state-metrics) and sets the model label itself.
        if (r.labels?.model === undefined) expect(r.expr).toContain(`model="${spec.name}"`);
        else expect(r.labels.model).toBe(spec.name);
      }
    }
  });

  test("the canary alerts use exactly the expressions promote queries", () => {
    const cfg = stackConfig("prod");
    const spec = fixtureModels("prod").find((m) => m.canary)!;
    const exprs = modelRules(spec, cfg)
      .groups.flatMap((g) => g.rules)
      .filter((r) => r.alert === "ModelCanaryDegraded")
      .map((r) => r.expr);
    expect(exprs).toEqual([canaryErrorDegradedExpr(spec), canaryLatencyDegradedExpr(spec)]);
    expect(exprs[0]).toContain("1.5 *");
    expect(exprs[1]).toContain("> 0.06");
  });

  test("every burn pair can fire at any allowed availability: its threshold is at least the budget and below 100% errors", () => {
    for (const availability of [90, 92.5, 93, 95, 99, 99.9, 99.999]) {
      const budget = errorBudget(availability);
      for (const pair of BURN_PAIRS) {
        const t = burnThreshold(pair, availability);
        expect([pair.name, availability, t >= budget && t < 1]).toEqual([pair.name, availability, true]);
      }
    }
    // Where 14.4x the budget is reachable, the 1h pair keeps the SRE workbook's factor.
    expect(burnThreshold(BURN_PAIRS[1], 99.9)).toBe(0.0144);
  });

  test("models without a canary get no canary alert", () => {
    const cfg = stackConfig("prod");
    const spec = fixtureModels("prod").find((m) => !m.canary)!;
    expect(
      modelRules(spec, cfg)
        .groups.flatMap((g) => g.rules)
        .some((r) => r.alert === "ModelCanaryDegraded"),
    ).toBe(false);
  });

  itPromtool(
    "a Triton canary slower than the SLO but within its own limit does not page for the model",
    () => {
      // homepage-feed (committed: Triton, 10% canary, SLO p99 50 ms, canary limit 60 ms). Triton's p99
      // is per pod (summaries): the model's p99 is stable's, so a canary pod at 55 ms is the canary
      // check's to judge; stable pods at 55 ms still page.
      const spec = modelsFor("prod").find((m) => m.name === "homepage-feed")!;
      expect(spec.serving.runtime).toBe("triton");
      const series = (variant: string, p99Us: string, perMinute: number) => [
        {
          series: `nv_inference_request_success{model="homepage-feed",variant="${variant}",pod="${variant}-1"}`,
          values: `0+${perMinute}x40`,
        },
        {
          series: `nv_inference_request_summary_us{model="homepage-feed",variant="${variant}",pod="${variant}-1",quantile="0.99"}`,
          values: p99Us,
        },
      ];
      const test = (stableP99: string, canaryP99: string, exp_alerts: object[]) => ({
        interval: "1m",
        input_series: [...series("stable", stableP99, 27000), ...series("canary", canaryP99, 3000)],
        alert_rule_test: [{ eval_time: "30m", alertname: "ModelLatencyHigh", exp_alerts }],
      });
      const page = {
        exp_labels: { model: "homepage-feed", team: "homepage", severity: "page" },
        exp_annotations: {
          description: "p99 over 1m above the SLO for at least 2 of the last 5 minutes, at worst 55ms.",
          summary: "homepage-feed p99 latency above its 50 ms SLO",
        },
      };
      expectRuleTestsPass(modelRules(spec, stackConfig("prod")), "15s", [
        test("20000x40", "20000x9 55000x31", []),
        test("20000x9 55000x31", "20000x40", [page]),
      ]);
    },
  );

  itPromtool("an MLServer canary slower than the SLO pages only through its own check, as on Triton", () => {
    // coupon-targeting (committed: MLServer, 20% canary, SLO p99 100 ms). MLServer's latency is a
    // histogram summed over pods: the model's p99 must be stable's alone, or a canary at 250 ms on a
    // fifth of the traffic would page for the model while its own check passes.
    const spec = modelsFor("prod").find((m) => m.name === "coupon-targeting")!;
    expect(spec.serving.runtime).toBe("mlserver");
    const withLimit: ModelSpec = {
      ...spec,
      canary: { ...spec.canary!, analysis: { ...spec.canary!.analysis, maxLatencyP99Ms: 400 } },
    };
    const buckets = ["0.05", "0.1", "0.25", "0.5", "+Inf"];
    /** Requests per 15 s scrape, all of them in the first bucket at or above `seconds`. */
    const series = (variant: string, seconds: string, perScrape: number) => [
      {
        series: `model_infer_request_success_total{model="coupon-targeting",variant="${variant}"}`,
        values: `0+${perScrape}x160`,
      },
      ...buckets.map((le) => ({
        series: `rest_server_request_duration_seconds_bucket{model="coupon-targeting",variant="${variant}",path="/v2/models/coupon-targeting/infer",le="${le}"}`,
        values: le === "+Inf" || Number(le) >= Number(seconds) ? `0+${perScrape}x160` : "0x160",
      })),
    ];
    const test = (stable: string, canary: string, exp_alerts: object[]) => ({
      interval: "15s",
      input_series: [...series("stable", stable, 6000), ...series("canary", canary, 1500)],
      alert_rule_test: [
        { eval_time: "30m", alertname: "ModelLatencyHigh", exp_alerts },
        { eval_time: "30m", alertname: "ModelCanaryDegraded", exp_alerts: [] },
      ],
    });
    const page = {
      exp_labels: { model: "coupon-targeting", team: "growth", severity: "page" },
      exp_annotations: {
        description: "p99 over 1m above the SLO for at least 2 of the last 5 minutes, at worst 248.5ms.",
        summary: "coupon-targeting p99 latency above its 100 ms SLO",
      },
    };
    expectRuleTestsPass(modelRules(withLimit, stackConfig("prod")), "15s", [
      test("0.05", "0.25", []),
      test("0.25", "0.05", [page]),
    ]);
  });
});
