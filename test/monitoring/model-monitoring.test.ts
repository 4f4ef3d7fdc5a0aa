import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, recordingMocks } from "../../tools/offline/mock-cloud";
import { unwrap } from "../../tools/offline/run-program";
import { PROMETHEUS_SELECTOR_LABEL } from "../../components/addons/addons-context";
import { fixtureModels, stackConfig } from "./fixtures";

describe("ModelMonitoring", () => {
  const sink: RecordedResource[] = [];

  beforeAll(async () => {
    await pulumi.runtime.setMocks(recordingMocks(sink, "ap-southeast-1"), "mlops-platform", "prod", false);
  });

  test("creates one PrometheusRule the Prometheus instance selects, holding the generated groups", async () => {
    // Imported after setMocks so resources register against the mock runtime.
    const { ModelMonitoring } = await import("../../components/model/model-monitoring");
    const spec = fixtureModels("prod").find((m) => m.name === "homepage-feed")!;
    const mon = new ModelMonitoring("homepage-feed-monitoring", {
      spec,
      config: stackConfig("prod"),
      namespace: "homepage",
    });
    expect(await unwrap(mon.ruleName)).toBe("homepage-feed-monitoring");
    const rules = sink.filter((r) => r.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    expect(rules.map((r) => r.name)).toEqual(["homepage-feed-monitoring-rules"]);
    const inputs = rules[0].inputs as any;
    expect(inputs.metadata.labels.release).toBe("kube-prometheus-stack");
    expect(inputs.metadata.namespace).toBe("homepage");
    const alerts = inputs.spec.groups
      .flatMap((g: any) => g.rules)
      .map((r: any) => r.alert)
      .filter(Boolean);
    expect(new Set(alerts)).toEqual(
      new Set([
        "ModelErrorBudgetBurn",
        "ModelLatencyHigh",
        "ModelTrafficAnomaly",
        "ModelPredictionDrift",
        "ModelFeatureDrift",
        "ModelQualityDrop",
        "ModelCanaryDegraded",
        // homepage-feed trains, so it also gets the training-failure alert.
        "ModelTrainingFailed",
      ]),
    );
    const dashboards = sink.filter(
      (r) => r.type === "kubernetes:core/v1:ConfigMap" && r.name === "homepage-feed-monitoring-dashboard",
    );
    expect(dashboards).toHaveLength(1);
    expect((dashboards[0].inputs as any).metadata.labels.grafana_dashboard).toBe("1");
  });

  test("PlatformMonitoring: rules, dashboard, watcher DAG and Alertmanager Secrets; no URL outside the secret", async () => {
    const { PlatformMonitoring } = await import("../../components/addons/platform-monitoring");
    const config = stackConfig("prod");
    const secrets: string[] = [];
    const pm = new PlatformMonitoring("platform-monitoring", {
      config,
      models: fixtureModels("prod"),
      secret: (key) => {
        secrets.push(key);
        return pulumi.secret(`https://hooks.example.com/${key}`);
      },
    });
    expect(await unwrap(pm.alertmanagerConfigSecret)).toBe("alertmanager-mlops-config");
    expect(await unwrap(pm.alertmanagerReceiverSecret)).toBe("alertmanager-mlops-receivers");
    expect(secrets.sort()).toEqual(["alertDingtalkHomepage", "alertWechatPlatform"]);
    const names = sink
      .filter((r) => r.name.startsWith("platform-monitoring"))
      .map((r) => `${r.type} ${r.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        "kubernetes:monitoring.coreos.com/v1:PrometheusRule platform-monitoring-rules",
        "kubernetes:core/v1:ConfigMap platform-monitoring-dashboard",
        "kubernetes:core/v1:ConfigMap platform-monitoring-retrain-watcher",
        "kubernetes:core/v1:Secret platform-monitoring-alertmanager-config",
        "kubernetes:core/v1:Secret platform-monitoring-alertmanager-receivers",
      ]),
    );
    const config_ = sink.find((r) => r.name === "platform-monitoring-alertmanager-config")!;
    expect(JSON.stringify(config_.inputs)).not.toContain("hooks.example.com");
    const dag = sink.find((r) => r.name === "platform-monitoring-retrain-watcher")!;
    expect((dag.inputs as any).metadata.labels["mlops.io/airflow-dag"]).toBe("true");
    // Airflow's statsd exporter is scraped (ModelTrainingFailed{reason="run-failed"} reads it): by a
    // monitor the platform's Prometheus selects, on the chart's statsd Service in the airflow namespace.
    const monitor = sink.find((r) => r.name === "platform-monitoring-airflow-statsd")!;
    expect(monitor.type).toBe("kubernetes:monitoring.coreos.com/v1:ServiceMonitor");
    const { metadata, spec } = monitor.inputs as any;
    expect(metadata.labels).toEqual({ [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value });
    expect(spec).toEqual({
      namespaceSelector: { matchNames: ["airflow"] },
      selector: { matchLabels: { tier: "airflow", component: "statsd", release: "airflow" } },
      endpoints: [{ port: "statsd-scrape", interval: "30s" }],
    });
  });
});
