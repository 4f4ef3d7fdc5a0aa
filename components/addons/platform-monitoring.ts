/**
 * Platform monitoring: the platform PrometheusRule, the platform dashboard, the Alertmanager config
 * and receiver Secrets, the retrain-watcher DAG ConfigMap, and the ServiceMonitor of Airflow's
 * statsd exporter (failed training runs).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ModelSpec } from "../config/model-schema";
import type { StackConfig } from "../config/stack-schema";
import {
  AIRFLOW_DAG_LABEL,
  GRAFANA_DASHBOARD_LABEL,
  NAMESPACES,
  PROMETHEUS_SELECTOR_LABEL,
} from "./addons-context";
import { AIRFLOW_STATSD_SERVICE } from "./airflow-values";
import { createAlertmanagerSecrets } from "./alertmanager";
import { CONFIG_SECRET_NAME } from "./alertmanager-config";
import { platformDashboard } from "./platform-dashboard";
import { platformRules } from "./platform-rules";
import { withRunbookUrls } from "../model/runbook-urls";
import { RETRAIN_WATCHER_DAG_ID, renderRetrainWatcherDag } from "./retrain-watcher-dag";

/** Inputs of `PlatformMonitoring`. */
export interface PlatformMonitoringArgs {
  readonly config: StackConfig;
  readonly models: readonly ModelSpec[];
  /** Reads a secret stack config key (receiver URLs). */
  readonly secret: (key: string) => pulumi.Output<string>;
  /**
   * In-cluster Prometheus URL the retrain watcher queries.
   * @default "http://kube-prometheus-stack-prometheus.monitoring.svc:9090"
   */
  readonly prometheusUrl?: string;
  /** See `AlertmanagerArgs.createConfigSecret`. @default true */
  readonly createAlertmanagerConfigSecret?: boolean;
}

/** Creates every platform monitoring object; returns the Alertmanager Secret names for the chart values. */
export function createPlatformMonitoring(
  name: string,
  args: PlatformMonitoringArgs,
  parent: pulumi.Resource,
) {
  const ns = NAMESPACES.monitoring;
  const rule = new k8s.apiextensions.CustomResource(
    `${name}-rules`,
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: {
        name: "mlops-platform",
        namespace: ns,
        labels: { [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value },
      },
      // Every alert links its runbook section (`alerting.runbookBaseUrl`, docs/runbooks.md without it).
      spec: withRunbookUrls(platformRules(args.config), args.config.alerting.runbookBaseUrl),
    },
    { parent },
  );
  const dashboard = new k8s.core.v1.ConfigMap(
    `${name}-dashboard`,
    {
      metadata: {
        name: "mlops-platform-dashboard",
        namespace: ns,
        labels: { [GRAFANA_DASHBOARD_LABEL.key]: GRAFANA_DASHBOARD_LABEL.value },
      },
      data: { "mlops-platform.json": JSON.stringify(platformDashboard(args.config, args.models)) },
    },
    { parent },
  );
  const dag = new k8s.core.v1.ConfigMap(
    `${name}-retrain-watcher`,
    {
      metadata: {
        name: "mlops-retrain-watcher-dag",
        namespace: NAMESPACES.airflow,
        labels: { [AIRFLOW_DAG_LABEL.key]: AIRFLOW_DAG_LABEL.value },
      },
      data: {
        [`${RETRAIN_WATCHER_DAG_ID}.py`]: renderRetrainWatcherDag({
          models: args.models,
          cooldown: args.config.alerting.retrainCooldown,
          prometheusUrl: args.prometheusUrl ?? "http://kube-prometheus-stack-prometheus.monitoring.svc:9090",
        }),
      },
    },
    { parent },
  );
  const airflowMetrics = new k8s.apiextensions.CustomResource(
    `${name}-airflow-statsd`,
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "ServiceMonitor",
      metadata: {
        name: "airflow-statsd",
        namespace: ns,
        labels: { [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value },
      },
      spec: airflowStatsdMonitor(),
    },
    { parent },
  );
  const secrets = createAlertmanagerSecrets(
    `${name}-alertmanager`,
    { config: args.config, secret: args.secret, createConfigSecret: args.createAlertmanagerConfigSecret },
    parent,
  );
  return { rule, dashboard, dag, airflowMetrics, ...secrets };
}

/**
 * The ServiceMonitor spec for Airflow's statsd exporter, in the airflow namespace. The Prometheus
 * Operator does not read the Service's `prometheus.io/scrape` annotation, and the chart's own
 * ServiceMonitor is off by default, with values keys that differ between chart versions: this one
 * is the platform's, labelled for its Prometheus like its other monitors.
 */
export function airflowStatsdMonitor(): Record<string, unknown> {
  return {
    namespaceSelector: { matchNames: [NAMESPACES.airflow] },
    selector: { matchLabels: { ...AIRFLOW_STATSD_SERVICE.labels } },
    endpoints: [{ port: AIRFLOW_STATSD_SERVICE.port, interval: "30s" }],
  };
}

/** `mlops:addons:PlatformMonitoring`. */
export class PlatformMonitoring extends pulumi.ComponentResource {
  /** For kube-prometheus-stack `alertmanager.alertmanagerSpec.configSecret`. */
  public readonly alertmanagerConfigSecret: pulumi.Output<string>;
  /** For kube-prometheus-stack `alertmanager.alertmanagerSpec.secrets` (a one-element list). */
  public readonly alertmanagerReceiverSecret: pulumi.Output<string>;

  constructor(name: string, args: PlatformMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:PlatformMonitoring", name, {}, opts);
    const created = createPlatformMonitoring(name, args, this);
    this.alertmanagerConfigSecret = created.configSecret
      ? created.configSecret.metadata.name
      : pulumi.output(CONFIG_SECRET_NAME);
    this.alertmanagerReceiverSecret = created.receiverSecret.metadata.name;
    this.registerOutputs({
      alertmanagerConfigSecret: this.alertmanagerConfigSecret,
      alertmanagerReceiverSecret: this.alertmanagerReceiverSecret,
    });
  }
}
