/**
 * kube-prometheus-stack: Prometheus (15 s scrape/evaluation), Alertmanager, Grafana with dashboards
 * from labelled ConfigMaps. Grafana's admin password is generated here and only ever stored in a
 * Kubernetes Secret (marked secret in Pulumi state); the Helm values name the Secret.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { StackConfig } from "../config/stack-schema";
import { NAMESPACES } from "./addons-context";
import { createNamespace, createRelease } from "./helm-release";
import { GRAFANA_ADMIN_SECRET_KEYS, MONITORING_RELEASE_NAME, monitoringValues } from "./monitoring-values";
import { CHARTS } from "./versions";

/** Name of the Grafana admin Secret in the monitoring namespace. */
export const GRAFANA_ADMIN_SECRET_NAME = "grafana-admin";

/** Default name of the Alertmanager config Secret this component creates from `alertmanagerConfigYaml`. */
export const ALERTMANAGER_CONFIG_SECRET_NAME = "alertmanager-mlops-config";

/** Arguments of `Monitoring`. The Kubernetes provider comes through the resource options. */
export interface MonitoringArgs {
  readonly config: StackConfig;
  /** Namespace of the stack. @default NAMESPACES.monitoring */
  readonly namespace?: string;
  /**
   * Secret (in the monitoring namespace) whose `alertmanager.yaml` holds the routing config built from
   * `config.alerting`; the creator of that Secret must create it before this release installs.
   * @default undefined (the chart's default Alertmanager config)
   */
  readonly alertmanagerConfigSecretName?: string;
  /** Secrets Alertmanager mounts (receiver URL files). @default [] */
  readonly alertmanagerSecretMounts?: readonly string[];
  /**
   * Rendered `alertmanager.yaml` (it may hold receiver URLs, so it is stored as a secret). When set,
   * this component creates the Secret itself, named `alertmanagerConfigSecretName` or
   * `ALERTMANAGER_CONFIG_SECRET_NAME`, which avoids a namespace/Secret ordering cycle with its builder.
   * @default undefined
   */
  readonly alertmanagerConfigYaml?: pulumi.Input<string>;
  /** Resources the release waits for (e.g. the Alertmanager config Secret). @default [] */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** The children of a Monitoring component. */
export interface MonitoringResources {
  readonly namespace: k8s.core.v1.Namespace;
  readonly grafanaAdminPassword: random.RandomPassword;
  readonly grafanaAdminSecret: k8s.core.v1.Secret;
  readonly alertmanagerConfigSecret?: k8s.core.v1.Secret;
  readonly release: k8s.helm.v3.Release;
}

/** Creates the namespace, the Grafana admin Secret and the chart release under `parent`. */
export function createMonitoring(
  name: string,
  args: MonitoringArgs,
  parent: pulumi.Resource,
): MonitoringResources {
  const prod = args.config.environment === "prod";
  const namespace = createNamespace(`${name}-namespace`, args.namespace ?? NAMESPACES.monitoring, { parent });
  const grafanaAdminPassword = new random.RandomPassword(
    `${name}-grafana-admin-password`,
    { length: 32, special: false },
    { parent },
  );
  const grafanaAdminSecret = new k8s.core.v1.Secret(
    `${name}-grafana-admin`,
    {
      metadata: { name: GRAFANA_ADMIN_SECRET_NAME, namespace: namespace.metadata.name },
      type: "Opaque",
      stringData: {
        [GRAFANA_ADMIN_SECRET_KEYS.user]: args.config.addons.monitoring.grafanaAdminUser,
        [GRAFANA_ADMIN_SECRET_KEYS.password]: pulumi.secret(grafanaAdminPassword.result),
      },
    },
    { parent },
  );
  let alertmanagerSecretName = args.alertmanagerConfigSecretName;
  let alertmanagerConfigSecret: k8s.core.v1.Secret | undefined;
  if (args.alertmanagerConfigYaml !== undefined) {
    alertmanagerSecretName = alertmanagerSecretName ?? ALERTMANAGER_CONFIG_SECRET_NAME;
    alertmanagerConfigSecret = new k8s.core.v1.Secret(
      `${name}-alertmanager-config`,
      {
        metadata: { name: alertmanagerSecretName, namespace: namespace.metadata.name },
        type: "Opaque",
        // prometheus-operator reads the key `alertmanager.yaml` from `configSecret`.
        stringData: { "alertmanager.yaml": pulumi.secret(args.alertmanagerConfigYaml) },
      },
      { parent },
    );
  }
  const release = createRelease(
    `${name}-release`,
    {
      pin: CHARTS.kubePrometheusStack,
      releaseName: MONITORING_RELEASE_NAME,
      namespace: namespace.metadata.name,
      values: monitoringValues(args.config, {
        grafanaAdminSecretName: GRAFANA_ADMIN_SECRET_NAME,
        alertmanagerConfigSecretName: alertmanagerSecretName,
        alertmanagerSecretMounts: args.alertmanagerSecretMounts,
      }),
      // The chart installs the prometheus-operator CRDs and waits for Prometheus to come up.
      timeoutSeconds: 900,
    },
    {
      parent,
      dependsOn: [
        grafanaAdminSecret,
        ...(alertmanagerConfigSecret ? [alertmanagerConfigSecret] : []),
        ...(args.dependsOn ?? []),
      ],
      // Prometheus' volume holds the metric history the drift and quality baselines are computed from.
      protect: prod,
    },
  );
  return { namespace, grafanaAdminPassword, grafanaAdminSecret, alertmanagerConfigSecret, release };
}

/** kube-prometheus-stack add-on (`mlops:addons:Monitoring`). */
export class Monitoring extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** Model stacks creating PrometheusRules / PodMonitors depend on this release (its CRDs). */
  readonly release: k8s.helm.v3.Release;
  /** Name of the Secret holding Grafana's admin credentials (`admin-user`, `admin-password`). */
  readonly grafanaAdminSecretName: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:Monitoring", name, {}, opts);
    const created = createMonitoring(name, args, this);
    this.namespace = created.namespace.metadata.name;
    this.release = created.release;
    this.grafanaAdminSecretName = created.grafanaAdminSecret.metadata.name;
    this.registerOutputs({ namespace: this.namespace, grafanaAdminSecretName: this.grafanaAdminSecretName });
  }
}
