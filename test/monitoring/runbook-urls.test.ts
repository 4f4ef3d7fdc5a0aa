/** `runbook_url` on alerting rules: the section an alert links to, and where the links are added. */
import { modelRuleFile } from "../../components/model/model-monitoring";
import { modelRules } from "../../components/model/monitoring-rules";
import type { PromRule, PromRuleFile } from "../../components/model/promql";
import {
  DEFAULT_RUNBOOK_BASE,
  runbookAnchor,
  runbookHeading,
  withRunbookUrls,
} from "../../components/model/runbook-urls";
import { fixtureModels, stackConfig } from "./fixtures";

const BASE = "https://git.example.com/ml/mlops-platform/blob/main/docs/runbooks.md";

function rulesOf(file: PromRuleFile): PromRule[] {
  return file.groups.flatMap((g) => g.rules);
}

describe("runbook sections", () => {
  test("an alert without a variant label has its name as heading; the anchor is GitHub's", () => {
    expect(runbookHeading("ModelLatencyHigh", { team: "search", severity: "page" })).toBe("ModelLatencyHigh");
    expect(runbookAnchor("GpuPoolSaturated", { pool: "inference" })).toBe("gpupoolsaturated");
  });

  test("reason, check, direction and baseline pick the section, reason first", () => {
    const cases: [string, Record<string, string>, string][] = [
      ["ModelTrafficAnomaly", { direction: "down", reason: "no-data" }, "modeltrafficanomaly-reason-no-data"],
      ["ModelTrafficAnomaly", { direction: "down" }, "modeltrafficanomaly-direction-down"],
      ["ModelTrafficAnomaly", { direction: "up" }, "modeltrafficanomaly-direction-up"],
      ["ModelCanaryDegraded", { check: "errors", variant: "canary" }, "modelcanarydegraded-check-errors"],
      ["ModelExperimentDegraded", { check: "errors-1h" }, "modelexperimentdegraded-check-errors-1h"],
      ["ModelPredictionDrift", { baseline: "7d" }, "modelpredictiondrift-baseline-7d"],
      ["ModelTrainingFailed", { reason: "run-failed" }, "modeltrainingfailed-reason-run-failed"],
    ];
    for (const [alert, labels, anchor] of cases) expect(runbookAnchor(alert, labels)).toBe(anchor);
    expect(runbookHeading("ModelTrafficAnomaly", { direction: "down", reason: "sale-drop" })).toBe(
      "ModelTrafficAnomaly (reason: sale-drop)",
    );
  });

  test("alerting rules get runbook_url beside their annotations; recording rules are left alone", () => {
    const file = withRunbookUrls(
      {
        groups: [
          {
            name: "g",
            rules: [
              { record: "r:x:rate1m", expr: "1" },
              { alert: "ModelQualityDrop", expr: "1", annotations: { summary: "s" } },
              { alert: "ModelTrafficAnomaly", expr: "1", labels: { direction: "up" } },
            ],
          },
        ],
      },
      BASE,
    );
    const [record, quality, surge] = rulesOf(file);
    expect(record).toEqual({ record: "r:x:rate1m", expr: "1" });
    expect(quality.annotations).toEqual({ summary: "s", runbook_url: `${BASE}#modelqualitydrop` });
    expect(surge.annotations).toEqual({ runbook_url: `${BASE}#modeltrafficanomaly-direction-up` });
  });

  test("without a configured base the links are the repository path docs/runbooks.md", () => {
    expect(DEFAULT_RUNBOOK_BASE).toBe("docs/runbooks.md");
    const spec = fixtureModels("prod").find((m) => m.name === "homepage-feed")!;
    const latency = rulesOf(modelRuleFile(spec, { events: [] })).find((r) => r.alert === "ModelLatencyHigh");
    expect(latency?.annotations?.runbook_url).toBe("docs/runbooks.md#modellatencyhigh");
  });

  test("a model's deployed rule file: every alert links into the configured base, extra groups kept", () => {
    const config = stackConfig("prod", (raw) => (raw.alerting.runbookBaseUrl = BASE));
    const spec = fixtureModels("prod").find((m) => m.name === "homepage-feed")!;
    const extra = { name: "extra", rules: [{ record: "model:x:sum", expr: "1" }] };
    const file = modelRuleFile(spec, config, [extra]);
    expect(file.groups.map((g) => g.name)).toEqual([
      ...modelRules(spec, config).groups.map((g) => g.name),
      "extra",
    ]);
    const alerts = rulesOf(file).filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThan(10);
    for (const r of alerts) {
      expect(r.annotations?.runbook_url).toBe(`${BASE}#${runbookAnchor(r.alert!, r.labels)}`);
    }
    // The summary and description the rule builders wrote are unchanged.
    const plain = rulesOf(modelRules(spec, config)).filter((r) => r.alert);
    expect(alerts.map((r) => ({ ...r.annotations, runbook_url: undefined }))).toEqual(
      plain.map((r) => ({ ...r.annotations, runbook_url: undefined })),
    );
  });
});
