import * as YAML from "yaml";
import { alertsByModel, dashboardFiles, findAlertmanagerConfig, ruleFiles } from "../../tools/plan/artifacts";
import { renderResources, ResourceLike } from "../../tools/plan/render";

const rule = (name: string, groups: unknown): ResourceLike => ({
  type: "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
  name,
  inputs: {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name, namespace: "model-feed" },
    spec: { groups },
  },
});

const dashboard = (name: string, data: Record<string, string>): ResourceLike => ({
  type: "kubernetes:core/v1:ConfigMap",
  name,
  inputs: { metadata: { name, namespace: "monitoring", labels: { grafana_dashboard: "1" } }, data },
});

const groups = [
  {
    name: "feed",
    rules: [
      { alert: "ModelLatencyHigh", expr: "vector(1)", labels: { model: "feed", severity: "page" } },
      { alert: "ModelErrorBudgetBurn", expr: "vector(1)", labels: { model: "feed" } },
      { record: "mlops:rps", expr: "vector(1)", labels: { model: "feed" } },
      { alert: "GpuPoolSaturated", expr: "vector(1)", labels: { severity: "ticket" } },
    ],
  },
];

describe("ruleFiles", () => {
  it("writes each PrometheusRule's spec as a promtool rule file", () => {
    const { files, problems } = ruleFiles(renderResources([rule("feed-rules", groups)]).manifests);
    expect(problems).toEqual([]);
    expect(files.map((f) => f.file)).toEqual(["prometheus/rules/model-feed--feed-rules.yaml"]);
    expect(YAML.parse(files[0].text)).toEqual({ groups });
  });

  it("reports a PrometheusRule without groups", () => {
    const { problems } = ruleFiles(renderResources([rule("bad", undefined)]).manifests);
    expect(problems).toEqual([
      {
        file: "manifests/model-feed/PrometheusRule/bad.yaml",
        message: "PrometheusRule spec.groups must be a list of rule groups",
      },
    ]);
  });
});

describe("alertsByModel", () => {
  it("lists each model's alert names, ignoring recording rules and platform alerts", () => {
    const alerts = alertsByModel(renderResources([rule("feed-rules", groups)]).manifests);
    expect([...alerts]).toEqual([["feed", ["ModelErrorBudgetBurn", "ModelLatencyHigh"]]]);
  });
});

describe("dashboardFiles", () => {
  it("writes one JSON file per data entry of labelled ConfigMaps only", () => {
    const { files } = dashboardFiles(
      renderResources([
        dashboard("feed-dash", { "feed.json": '{"title":"feed"}', "feed-canary.json": '{"title":"c"}' }),
        {
          type: "kubernetes:core/v1:ConfigMap",
          name: "other",
          inputs: { metadata: { name: "o" }, data: { "x.json": "{}" } },
        },
      ]).manifests,
    );
    expect(files.map((f) => f.file)).toEqual(["dashboards/feed.json", "dashboards/feed-canary.json"]);
  });

  it("prefixes the ConfigMap name when two dashboards share a key", () => {
    const { files } = dashboardFiles(
      renderResources([dashboard("a", { "d.json": "{}" }), dashboard("b", { "d.json": "{}" })]).manifests,
    );
    expect(files.map((f) => f.file)).toEqual(["dashboards/d.json", "dashboards/b--d.json"]);
  });

  it("reports an entry that is not JSON", () => {
    const { problems } = dashboardFiles(renderResources([dashboard("a", { "d.json": "{oops" })]).manifests);
    expect(problems[0].file).toBe("manifests/monitoring/ConfigMap/a.yaml");
    expect(problems[0].message).toMatch(/^data\.d\.json is not a dashboard JSON object/);
  });
});

describe("findAlertmanagerConfig", () => {
  const secret = (name: string, field: "stringData" | "data", text: string): ResourceLike => ({
    type: "kubernetes:core/v1:Secret",
    name,
    inputs: {
      metadata: { name, namespace: "monitoring" },
      [field]: { "alertmanager.yaml": field === "data" ? Buffer.from(text).toString("base64") : text },
    },
  });

  it("reads alertmanager.yaml from a Secret's stringData", () => {
    const found = findAlertmanagerConfig(
      renderResources([secret("am", "stringData", "route: {}\n")]).manifests,
    );
    expect(found).toEqual({ source: "manifests/monitoring/Secret/am.yaml", text: "route: {}\n" });
  });

  it("decodes base64 data and prefers a Secret named for Alertmanager", () => {
    const found = findAlertmanagerConfig(
      renderResources([
        secret("other", "stringData", "a: 1\n"),
        secret("alertmanager-mlops", "data", "route: {}\n"),
      ]).manifests,
    );
    expect(found?.text).toBe("route: {}\n");
  });

  it("falls back to the kube-prometheus-stack release's alertmanager.config value", () => {
    const found = findAlertmanagerConfig(
      renderResources([
        {
          type: "kubernetes:helm.sh/v3:Release",
          name: "kps",
          inputs: {
            chart: "kube-prometheus-stack",
            namespace: "monitoring",
            values: { alertmanager: { config: { route: { receiver: "x" } } } },
          },
        },
      ]).manifests,
    );
    expect(YAML.parse(found?.text ?? "")).toEqual({ route: { receiver: "x" } });
  });

  it("returns undefined when nothing holds an Alertmanager config", () => {
    expect(findAlertmanagerConfig([])).toBeUndefined();
  });
});
