import { GRAFANA_DASHBOARD_LABEL, PROMETHEUS_SELECTOR_LABEL } from "../../components/addons/addons-context";
import {
  ALERTMANAGER_CONFIG_SECRET_NAME,
  GRAFANA_ADMIN_SECRET_NAME,
  Monitoring,
  createMonitoring,
} from "../../components/addons/monitoring";
import { MONITORING_RELEASE_NAME, monitoringValues } from "../../components/addons/monitoring-values";
import { PLATFORM_STORAGE_CLASS } from "../../components/addons/storage-class";
import { CHARTS } from "../../components/addons/versions";
import { unwrap } from "../../tools/offline/run-program";
import { TYPES, find, optionsOf, record, stackConfig, testParent } from "./harness";

const staging = stackConfig("staging");
const values = monitoringValues(staging, { grafanaAdminSecretName: "grafana-admin" }) as any;
const spec = values.prometheus.prometheusSpec;

describe("kube-prometheus-stack values", () => {
  test("scrape and rule evaluation every 15 s", () => {
    expect(spec.scrapeInterval).toBe("15s");
    expect(spec.evaluationInterval).toBe("15s");
  });

  test("retention and volume size come from config.addons.monitoring", () => {
    expect(spec.retention).toBe("7d");
    expect(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage).toBe("50Gi");
    const prod = monitoringValues(stackConfig("prod"), { grafanaAdminSecretName: "g" }) as any;
    expect(prod.prometheus.prometheusSpec.retention).toBe("30d");
    expect(
      prod.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage,
    ).toBe("500Gi");
  });

  test("retentionSize leaves headroom below the volume size", () => {
    expect(spec.retentionSize).toBe("42GB");
  });

  test("the volume claim names the platform's expandable StorageClass (EKS 1.30+ has no default)", () => {
    expect(spec.storageSpec.volumeClaimTemplate.spec.storageClassName).toBe(PLATFORM_STORAGE_CLASS);
  });

  test("rules, ServiceMonitors, PodMonitors and Probes are selected by the release label in all namespaces", () => {
    const selector = { matchLabels: { [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value } };
    for (const kind of ["rule", "serviceMonitor", "podMonitor", "probe"]) {
      expect(spec[`${kind}Selector`]).toEqual(selector);
      expect(spec[`${kind}NamespaceSelector`]).toEqual({});
    }
  });

  test("the release name equals the selector label value, so the chart's own monitors are selected", () => {
    expect(MONITORING_RELEASE_NAME).toBe(PROMETHEUS_SELECTOR_LABEL.value);
  });

  test("Grafana reads its admin credentials from an existing Secret", () => {
    expect(values.grafana.admin).toEqual({
      existingSecret: "grafana-admin",
      userKey: "admin-user",
      passwordKey: "admin-password",
    });
    expect(values.grafana.adminPassword).toBeUndefined();
  });

  test("the Grafana sidecar loads dashboards labelled grafana_dashboard from every namespace", () => {
    expect(values.grafana.sidecar.dashboards).toEqual({
      enabled: true,
      label: GRAFANA_DASHBOARD_LABEL.key,
      labelValue: GRAFANA_DASHBOARD_LABEL.value,
      searchNamespace: "ALL",
    });
  });

  test("Alertmanager keeps the chart config without a Secret name and uses the Secret when given", () => {
    expect(values.alertmanager.enabled).toBe(true);
    expect(values.alertmanager.alertmanagerSpec).toEqual({});
    const withSecret = monitoringValues(staging, {
      grafanaAdminSecretName: "g",
      alertmanagerConfigSecretName: "am-config",
    }) as any;
    expect(withSecret.alertmanager.alertmanagerSpec).toEqual({
      useExistingSecret: true,
      configSecret: "am-config",
    });
  });
});

describe("Monitoring component", () => {
  test("creates the namespace, a generated Grafana password in a Secret, and a pinned release", async () => {
    const { resources } = await record(() => createMonitoring("mon", { config: staging }, testParent()));
    expect(find(resources, TYPES.namespace, "mon-namespace").inputs.metadata).toMatchObject({
      name: "monitoring",
    });
    expect(find(resources, TYPES.randomPassword, "mon-grafana-admin-password").inputs).toMatchObject({
      length: 32,
    });
    const secret = find(resources, TYPES.secret, "mon-grafana-admin");
    expect(secret.inputs.metadata).toMatchObject({
      name: GRAFANA_ADMIN_SECRET_NAME,
      namespace: "monitoring",
    });
    // The whole stringData travels as a Pulumi secret: { <sig>: <secret sig>, value }.
    const stringData = (secret.inputs.stringData as any).value;
    expect(Object.keys(stringData).sort()).toEqual(["admin-password", "admin-user"]);
    expect(stringData["admin-user"]).toBe("admin");
    const release = find(resources, TYPES.release, "mon-release");
    expect(release.inputs).toMatchObject({
      name: "kube-prometheus-stack",
      chart: "kube-prometheus-stack",
      version: CHARTS.kubePrometheusStack.version,
      repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
      namespace: "monitoring",
    });
    expect((release.inputs.values as any).grafana.admin.existingSecret).toBe(GRAFANA_ADMIN_SECRET_NAME);
  });

  test("the generated password is a Pulumi secret", async () => {
    const { built } = await record(() => createMonitoring("mon", { config: staging }, testParent()));
    expect(await pulumiIsSecret(built.grafanaAdminSecret.stringData)).toBe(true);
  });

  test("given Alertmanager YAML, it creates the config Secret and points the values at it", async () => {
    const { resources } = await record(() =>
      createMonitoring(
        "mon",
        { config: staging, alertmanagerConfigYaml: "route: {receiver: x}" },
        testParent(),
      ),
    );
    const secret = find(resources, TYPES.secret, "mon-alertmanager-config");
    expect(secret.inputs.metadata).toMatchObject({ name: ALERTMANAGER_CONFIG_SECRET_NAME });
    const release = find(resources, TYPES.release, "mon-release");
    expect((release.inputs.values as any).alertmanager.alertmanagerSpec.configSecret).toBe(
      ALERTMANAGER_CONFIG_SECRET_NAME,
    );
  });

  test("the release is protected in prod only", async () => {
    const prod = await record(
      () => createMonitoring("mon", { config: stackConfig("prod") }, testParent()),
      "prod",
    );
    expect(optionsOf(prod.built.release).protect).toBe(true);
    const stg = await record(() => createMonitoring("mon", { config: staging }, testParent()));
    expect(optionsOf(stg.built.release).protect).toBe(false);
  });

  test("the component registers as mlops:addons:Monitoring", async () => {
    const { resources, built } = await record(() => new Monitoring("mon", { config: staging }));
    expect(find(resources, "mlops:addons:Monitoring", "mon")).toBeDefined();
    expect(await unwrap(built.grafanaAdminSecretName)).toBe(GRAFANA_ADMIN_SECRET_NAME);
  });
});

async function pulumiIsSecret(output: any): Promise<boolean> {
  return (await output.isSecret) === true;
}
