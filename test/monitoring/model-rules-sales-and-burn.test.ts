/** Model rules under promtool: a declared sale losing its traffic, the 1-day and 3-day burn windows, and promote's request count. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { modelRules } from "../../components/model/monitoring-rules";
import { canaryEnoughRequestsExpr } from "../../components/model/promql";
import { fixtureModels, modelsFor } from "./fixtures";
import { testWith } from "../helpers/tools";
import { expectRuleTestsPass } from "../helpers/promtool";

const itPromtool = testWith("promtool");

describe("model rules", () => {
  itPromtool(
    "a declared sale that loses 70% of its traffic pages within 5 minutes; one that ends does not",
    () => {
      // homepage-feed (Triton): a normal day at 2,000/s, then an 8x sale from minute 1440 for 3 hours.
      const spec = modelsFor("prod").find((m) => m.name === "homepage-feed")!;
      const sale = {
        name: "flash",
        start: "1970-01-02T00:00:00Z",
        end: "1970-01-02T03:00:00Z",
        trafficMultiplier: 8,
      };
      /** Cumulative Triton counter for per-second rates by minute. */
      const counter = (rate: (minute: number) => number, minutes: number) => {
        let total = 0;
        return Array.from({ length: minutes }, (_, i) => (total += i === 0 ? 0 : rate(i) * 60)).join(" ");
      };
      const inSale = (i: number) => i >= 1440 && i < 1620;
      const dropped = (i: number) => (inSale(i) ? (i >= 1470 ? 4800 : 16000) : 2000);
      const whole = (i: number) => (inSale(i) ? 16000 : 2000);
      const firing = (reason: string) =>
        `count(ALERTS{alertname="ModelTrafficAnomaly",alertstate="firing"${reason}})`;
      const at = (minute: number, expr: string, value?: number) => ({
        eval_time: `${minute}m`,
        expr,
        exp_samples: value === undefined ? [] : [{ labels: "{}", value }],
      });
      const series = (rate: (i: number) => number) => [
        {
          series: 'nv_inference_request_success{model="homepage-feed",variant="stable"}',
          values: counter(rate, 1700),
        },
      ];
      expectRuleTestsPass(modelRules(spec, { events: [sale] }), "1m", [
        {
          interval: "1m",
          input_series: series(dropped),
          promql_expr_test: [
            at(1469, firing("")),
            at(1475, firing(',reason="sale-drop"'), 1), // onset at 1470: 5 minutes
            at(1475, firing(',reason!="sale-drop"')),
          ],
        },
        {
          interval: "1m",
          input_series: series(whole),
          // The sale's first minutes, its body, its end and the hour after: quiet.
          promql_expr_test: [1445, 1500, 1600, 1619, 1625, 1640, 1680].map((t) => at(t, firing(""))),
        },
      ]);
    },
  );

  itPromtool(
    "the 1-day and 3-day burn windows read the recorded 5-minute rates: the counters' ratio, and the 3d pair fires",
    () => {
      // homepage-feed (Triton, 99.9%: budget 0.1%) at 2,000 requests/s for 3 days and 30 minutes.
      const spec = modelsFor("prod").find((m) => m.name === "homepage-feed")!;
      const file = modelRules(spec, { events: [] });
      for (const g of file.groups)
        for (const r of g.rules)
          if (r.record?.endsWith("rate1d") || r.record?.endsWith("rate3d"))
            expect(r.expr).not.toMatch(/nv_inference_request_\w+\{[^}]*\}\[/); // no raw counter range
      // Only what the ticket pairs read, so that 4,350 one-minute steps stay quick.
      const needed = new Set([
        "model_variant:mlops_model_requests:rate5m",
        "model_variant:mlops_model_errors:rate5m",
        "model:mlops_model_error_ratio:rate6h",
      ]);
      const rules = {
        groups: file.groups.map((g) => ({
          ...g,
          rules: g.rules.filter(
            (r) =>
              (r.record && (needed.has(r.record) || g.interval === "1m")) ||
              (r.alert === "ModelErrorBudgetBurn" && r.labels?.severity === "ticket"),
          ),
        })),
      };
      const minutes = 4350;
      const counters = (errorRatio: (minute: number) => number) => {
        let ok = 0;
        let failed = 0;
        const okValues: number[] = [];
        const failedValues: number[] = [];
        for (let i = 0; i < minutes; i++) {
          if (i > 0) {
            failed += 2000 * 60 * errorRatio(i);
            ok += 2000 * 60 * (1 - errorRatio(i));
          }
          okValues.push(Math.round(ok));
          failedValues.push(Math.round(failed));
        }
        const sel = (m: string) => `${m}{model="homepage-feed",variant="stable"}`;
        return [
          { series: sel("nv_inference_request_success"), values: okValues.join(" ") },
          { series: sel("nv_inference_request_failure"), values: failedValues.join(" ") },
        ];
      };
      // 0.3% errors on the first day only: over the 3 days before minute 4349, the counters' ratio.
      const firstDay = (i: number): number => (i < 1440 ? 0.003 : 0);
      const end = minutes - 1;
      const counted =
        Array.from({ length: 4320 }, (_, k) => firstDay(end - k)).reduce((a, b) => a + b) / 4320;
      const ratio3d = 'model:mlops_model_error_ratio:rate3d{model="homepage-feed"}';
      const firing = (w: string) =>
        `count(ALERTS{alertname="ModelErrorBudgetBurn",alertstate="firing",burn_window="${w}"})`;
      const at = (minute: number, expr: string, value?: number) => ({
        eval_time: `${minute}m`,
        expr,
        exp_samples: value === undefined ? [] : [{ labels: "{}", value }],
      });
      expectRuleTestsPass(rules, "1m", [
        {
          interval: "1m",
          input_series: counters(firstDay),
          // Within 2% of the counters' ratio (the 5-minute rates at the window's edge differ).
          promql_expr_test: [at(end, `count(abs(${ratio3d} / ${counted} - 1) < 0.02)`, 1)],
        },
        {
          interval: "1m",
          // 0.15% all along: 1.5x the budget over 3 days and 6 hours, half the 1d pair's 3x.
          input_series: counters(() => 0.0015),
          promql_expr_test: [at(end, firing("3d"), 1), at(end, firing("1d"))],
        },
      ]);
    },
  );

  itPromtool("promote's request count: 300 requests in 5 minutes are enough to judge, 6 are not", () => {
    const spec = fixtureModels("prod").find((m) => m.canary)!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-canary-"));
    fs.writeFileSync(path.join(dir, "rules.yaml"), "groups: []\n");
    const series = (variant: string) =>
      `model_variant:mlops_model_requests:rate5m{model="${spec.name}",variant="${variant}"}`;
    const at = (canaryRps: number) => ({
      interval: "1m",
      input_series: [
        { series: series("canary"), values: `${canaryRps}x10` },
        { series: series("stable"), values: "50x10" },
      ],
      promql_expr_test: [
        {
          expr: canaryEnoughRequestsExpr(spec),
          eval_time: "5m",
          exp_samples:
            canaryRps * 300 >= 100
              ? [{ labels: `{model="${spec.name}",variant="canary"}`, value: canaryRps * 300 }]
              : [],
        },
      ],
    });
    const testFile = path.join(dir, "test.yaml");
    fs.writeFileSync(testFile, YAML.stringify({ rule_files: ["rules.yaml"], tests: [at(1), at(0.02)] }));
    expect(execFileSync("promtool", ["test", "rules", testFile], { encoding: "utf8" })).toContain("SUCCESS");
  });
});
