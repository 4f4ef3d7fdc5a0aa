/**
 * Every alert the platform deploys links a section of docs/runbooks.md: both stacks are rendered by
 * the real program (every model in models/, the platform rules), and each alerting rule's
 * `runbook_url` must point at a heading of the runbooks. A new alert, or a new reason / check of
 * one, without its section fails here.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { ConfigValidationError } from "../../components/config/errors";
import type { PromRule, PromRuleFile } from "../../components/model/promql";
import { runbookAnchor } from "../../components/model/runbook-urls";
import type { RecordedResource } from "../../tools/offline/mock-cloud";
import { markdownAnchors, markdownHeadings, githubSlug } from "../helpers/markdown-anchors";
import { ofType, ROOT, runStack, tempStack } from "../helpers/program";
import { testWith } from "../helpers/tools";

const RUNBOOKS = "docs/runbooks.md";
const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const BASE = "https://git.example.com/ml/mlops-platform/blob/main/docs/runbooks.md";
const itPromtool = testWith("promtool");

const anchors = new Set(markdownAnchors(fs.readFileSync(path.join(ROOT, RUNBOOKS), "utf8")));
const rendered: Record<string, RecordedResource[]> = {};

beforeAll(async () => {
  for (const stack of ["staging", "prod"]) rendered[stack] = ofType(await runStack(stack), PROMETHEUS_RULE);
}, 120_000);

/** One alerting rule of a rendered PrometheusRule. */
interface RenderedAlert {
  readonly ruleFile: string;
  readonly rule: PromRule;
}

function alertsOf(rules: readonly RecordedResource[]): RenderedAlert[] {
  return rules.flatMap((r) =>
    ((r.inputs as { spec: PromRuleFile }).spec.groups ?? []).flatMap((g) =>
      g.rules.filter((rule) => rule.alert).map((rule) => ({ ruleFile: r.name, rule })),
    ),
  );
}

/**
 * The alerts whose `runbook_url` is missing, not under `base`, or names no section of the runbooks;
 * each said with its rule file, alert, labels and the URL.
 */
function unlinkedAlerts(alerts: readonly RenderedAlert[], base: string, known: Set<string>): string[] {
  const problems = new Set<string>();
  for (const { ruleFile, rule } of alerts) {
    const url = rule.annotations?.runbook_url;
    const anchor = url?.startsWith(`${base}#`) ? url.slice(base.length + 1) : undefined;
    if (anchor !== undefined && known.has(anchor)) continue;
    const { team: _team, model: _model, ...labels } = rule.labels ?? {};
    problems.add(
      `${ruleFile}: ${rule.alert} ${JSON.stringify(labels)} links ${url ?? "nothing"}` +
        (anchor !== undefined ? `, a section ${RUNBOOKS} does not have` : `, not under ${base}#`),
    );
  }
  return [...problems];
}

describe("runbook links of the rendered alerts", () => {
  test.each(["staging", "prod"])("every alert of %s links a section of docs/runbooks.md", (stack) => {
    const alerts = alertsOf(rendered[stack]);
    // The platform's rule file and one per model.
    expect(rendered[stack].length).toBeGreaterThan(1);
    expect(alerts.length).toBeGreaterThan(100);
    expect(unlinkedAlerts(alerts, RUNBOOKS, anchors)).toEqual([]);
  });

  test("the check fails for an alert, or a new reason of one, that has no section", () => {
    const rule = (alert: string, labels: Record<string, string>): RenderedAlert => ({
      ruleFile: "new-rules",
      rule: {
        alert,
        expr: "1",
        labels,
        annotations: { runbook_url: `${RUNBOOKS}#${runbookAnchor(alert, labels)}` },
      },
    });
    const problems = unlinkedAlerts(
      [
        rule("ModelSomethingNew", { severity: "page" }),
        rule("ModelTrafficAnomaly", { direction: "down", reason: "brand-new-reason" }),
        rule("ModelLatencyHigh", { severity: "page" }),
      ],
      RUNBOOKS,
      anchors,
    );
    expect(problems).toEqual([
      `new-rules: ModelSomethingNew {"severity":"page"} links ${RUNBOOKS}#modelsomethingnew, a section ${RUNBOOKS} does not have`,
      `new-rules: ModelTrafficAnomaly {"direction":"down","reason":"brand-new-reason"} links ${RUNBOOKS}#modeltrafficanomaly-reason-brand-new-reason, a section ${RUNBOOKS} does not have`,
    ]);
    const unannotated = { ruleFile: "f", rule: { alert: "ModelLatencyHigh", expr: "1" } };
    expect(unlinkedAlerts([unannotated], RUNBOOKS, anchors)).toEqual([
      `f: ModelLatencyHigh {} links nothing, not under ${RUNBOOKS}#`,
    ]);
  });

  test("every alert and variant the rules render in either stack is linked (list of sections used)", () => {
    const used = new Set(
      ["staging", "prod"].flatMap((s) =>
        alertsOf(rendered[s]).map(({ rule }) => runbookAnchor(rule.alert!, rule.labels)),
      ),
    );
    // The contract's alerts and the variants whose response differs all appear.
    for (const anchor of [
      "modelerrorbudgetburn",
      "modellatencyhigh",
      "modeltrafficanomaly-direction-down",
      "modeltrafficanomaly-direction-up",
      "modeltrafficanomaly-reason-zero-traffic",
      "modeltrafficanomaly-reason-no-data",
      "modeltrafficanomaly-reason-no-ready-replicas",
      "modeltrafficanomaly-reason-replicas-flapping",
      "modeltrafficanomaly-reason-sale-drop",
      "modeltrafficanomaly-reason-no-history",
      "modelpredictiondrift",
      "modelpredictiondrift-baseline-7d",
      "modelfeaturedrift",
      "modelqualitydrop",
      "modelcanarydegraded-check-errors",
      "modelcanarydegraded-check-latency",
      "modelexperimentdegraded-check-errors-1h",
      "modeltrainingfailed-reason-pod-failed",
      "modeltrainingfailed-reason-run-failed",
      "gpupoolsaturated",
      "gpuutilizationlow",
      "modelreplicasatmax",
      "gpupodsunschedulable",
    ])
      expect(used).toContain(anchor);
  });

  itPromtool("promtool check rules accepts the rendered rule files with their runbook_url", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-runbook-rules-"));
    try {
      const files = ["staging", "prod"].flatMap((stack) =>
        rendered[stack].map((r) => {
          const file = path.join(dir, `${stack}-${r.name}.yaml`);
          fs.writeFileSync(file, YAML.stringify((r.inputs as { spec: unknown }).spec, { lineWidth: 0 }));
          return file;
        }),
      );
      const out = execFileSync("promtool", ["check", "rules", ...files], { encoding: "utf8" });
      expect(out).toContain("SUCCESS");
      expect(out).not.toContain("FAILED");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the runbooks file", () => {
  test("no two headings share an anchor (GitHub would suffix the second, and its links would miss it)", () => {
    const slugs = markdownHeadings(fs.readFileSync(path.join(ROOT, RUNBOOKS), "utf8")).map(githubSlug);
    expect(slugs.filter((s, i) => slugs.indexOf(s) !== i)).toEqual([]);
  });

  test("has the sections of the alerts being added beside these (GPU telemetry, Xid errors, no metrics)", () => {
    for (const [alert, labels] of [
      ["GpuTelemetryMissing", {}],
      ["GpuXidError", {}],
      ["ModelTrafficAnomaly", { direction: "down", reason: "no-metrics" }],
    ] as const)
      expect(anchors).toContain(runbookAnchor(alert, labels));
  });
});

describe("alerting.runbookBaseUrl through the program", () => {
  const withBase = (value: string) =>
    tempStack("staging", (config) => {
      const alerting = config["mlops-platform:alerting"] as Record<string, unknown>;
      config["mlops-platform:alerting"] = { ...alerting, runbookBaseUrl: value };
    });

  test("a configured base is the start of every alert's runbook_url, model and platform rules alike", async () => {
    const dir = withBase(BASE);
    const run = await runStack("staging", { projectRoot: dir, modelsDir: path.join(ROOT, "models") });
    const rules = ofType(run, PROMETHEUS_RULE);
    expect(rules.map((r) => r.name)).toContain("mlops-rules");
    expect(unlinkedAlerts(alertsOf(rules), BASE, anchors)).toEqual([]);
  }, 60_000);

  test("a repository path instead of a URL stops the program with the file, the key and what is allowed", async () => {
    const dir = withBase("docs/runbooks.md");
    const run = runStack("staging", { projectRoot: dir, modelsDir: path.join(ROOT, "models") });
    await expect(run).rejects.toBeInstanceOf(ConfigValidationError);
    await expect(run).rejects.toThrow(
      'Pulumi.staging.yaml: mlops-platform:alerting.runbookBaseUrl = "docs/runbooks.md": must be an http(s) URL of the runbooks where the repository is browsable',
    );
  }, 60_000);
});
