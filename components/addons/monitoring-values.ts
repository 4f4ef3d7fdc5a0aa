/**
 * Pure builder of the kube-prometheus-stack values (prometheus-community/helm-charts
 * `charts/kube-prometheus-stack/values.yaml`). No secret ever appears here: Grafana's admin
 * credentials and Alertmanager's routing config are referenced by Secret name only.
 */
import { StackConfig } from "../config/stack-schema";
import { GRAFANA_DASHBOARD_LABEL, GPU_POOL_LABELS, PROMETHEUS_SELECTOR_LABEL } from "./addons-context";
import { PLATFORM_STORAGE_CLASS } from "./storage-class";

/** Helm release name; the chart labels its own ServiceMonitors `release: <this>`. */
export const MONITORING_RELEASE_NAME = PROMETHEUS_SELECTOR_LABEL.value;

/** Keys of the Grafana admin Secret. */
export const GRAFANA_ADMIN_SECRET_KEYS = { user: "admin-user", password: "admin-password" } as const;

/** Scrape and rule-evaluation interval; the alert timing targets in DESIGN section 5 assume 15 s. */
export const SCRAPE_INTERVAL = "15s";

/** Inputs of `monitoringValues` besides the stack config. */
export interface MonitoringValuesArgs {
  /** Name of the Kubernetes Secret (in the monitoring namespace) with Grafana's admin user/password. */
  readonly grafanaAdminSecretName: string;
  /**
   * Name of a Secret holding `alertmanager.yaml` (the routing built from `config.alerting`); absent =
   * the chart's default Alertmanager config.
   */
  readonly alertmanagerConfigSecretName?: string;
  /**
   * Secrets mounted into Alertmanager at /etc/alertmanager/secrets/<name>/ (receiver URLs read with
   * `url_file`, so no URL appears in the config). @default []
   */
  readonly alertmanagerSecretMounts?: readonly string[];
}

/**
 * Prometheus keeps this share of its volume for TSDB blocks (`retentionSize`), so a burst of series
 * ages data out instead of filling the disk and crash-looping (Prometheus storage docs advise headroom
 * for WAL and compaction).
 */
const RETENTION_SIZE_SHARE = 0.85;

/** Selects objects carrying the platform's Prometheus label, in every namespace. */
function selectorOnReleaseLabel(): Record<string, unknown> {
  return { matchLabels: { [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value } };
}

/** kube-prometheus-stack values for the stack. */
export function monitoringValues(
  config: Pick<StackConfig, "addons">,
  args: MonitoringValuesArgs,
): Record<string, unknown> {
  const mon = config.addons.monitoring;
  const retentionSizeGiB = Math.floor(mon.storageGiB * RETENTION_SIZE_SHARE);
  return {
    prometheus: {
      prometheusSpec: {
        scrapeInterval: SCRAPE_INTERVAL,
        evaluationInterval: SCRAPE_INTERVAL,
        retention: mon.retention,
        // Prometheus size units are powers of two: "GB" means GiB here.
        retentionSize: `${retentionSizeGiB}GB`,
        // Rules, ServiceMonitors, PodMonitors and Probes are picked up from every namespace when they
        // carry PROMETHEUS_SELECTOR_LABEL (model stacks live in team namespaces). An explicit selector
        // takes precedence over the chart's `*SelectorNilUsesHelmValues` switches and keeps the label
        // a real contract instead of "select everything".
        ruleSelector: selectorOnReleaseLabel(),
        serviceMonitorSelector: selectorOnReleaseLabel(),
        podMonitorSelector: selectorOnReleaseLabel(),
        probeSelector: selectorOnReleaseLabel(),
        ruleNamespaceSelector: {},
        serviceMonitorNamespaceSelector: {},
        podMonitorNamespaceSelector: {},
        probeNamespaceSelector: {},
        storageSpec: {
          volumeClaimTemplate: {
            spec: {
              // Named, not the cluster's default: EKS 1.30+ has none, and the class must allow
              // expansion for the README's resize. prometheus-operator never grows an existing claim:
              // raising storageGiB changes this template and retentionSize only (README, "Growing
              // Prometheus' volume").
              storageClassName: PLATFORM_STORAGE_CLASS,
              accessModes: ["ReadWriteOnce"],
              resources: { requests: { storage: `${mon.storageGiB}Gi` } },
            },
          },
        },
      },
    },
    alertmanager: {
      enabled: true,
      alertmanagerSpec: {
        ...(args.alertmanagerConfigSecretName === undefined
          ? {}
          : // `useExistingSecret` stops the chart from rendering its own config Secret; `configSecret`
            // names ours (values.yaml: "If true then the user will be responsible to provide a secret").
            { useExistingSecret: true, configSecret: args.alertmanagerConfigSecretName }),
        // values.yaml `alertmanager.alertmanagerSpec.secrets`: mounted at /etc/alertmanager/secrets/<name>.
        ...(args.alertmanagerSecretMounts?.length ? { secrets: [...args.alertmanagerSecretMounts] } : {}),
      },
    },
    "kube-state-metrics": {
      // kube_node_labels exposes no labels unless allow-listed; the GPU pool alerts join on these.
      metricLabelsAllowlist: [`nodes=[${GPU_POOL_LABELS.pool},${GPU_POOL_LABELS.purpose}]`],
    },
    grafana: {
      enabled: true,
      admin: {
        existingSecret: args.grafanaAdminSecretName,
        userKey: GRAFANA_ADMIN_SECRET_KEYS.user,
        passwordKey: GRAFANA_ADMIN_SECRET_KEYS.password,
      },
      sidecar: {
        dashboards: {
          enabled: true,
          label: GRAFANA_DASHBOARD_LABEL.key,
          labelValue: GRAFANA_DASHBOARD_LABEL.value,
          // Model stacks write their dashboard ConfigMaps into the monitoring namespace; ALL keeps a
          // dashboard found wherever a stack puts it (the sidecar's RBAC then spans namespaces).
          searchNamespace: "ALL",
        },
      },
    },
  };
}
