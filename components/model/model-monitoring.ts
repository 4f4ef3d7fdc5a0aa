/**
 * The monitoring of one model: its PrometheusRule (recording rules and alerts generated from the
 * spec by `modelRules`), labelled so kube-prometheus-stack's Prometheus selects it, and its Grafana
 * dashboard ConfigMap in the monitoring namespace (the Grafana sidecar's default search namespace).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GRAFANA_DASHBOARD_LABEL, NAMESPACES, PROMETHEUS_SELECTOR_LABEL } from "../addons/addons-context";
import type { ModelSpec } from "../config/model-schema";
import type { StackConfig } from "../config/stack-schema";
import { modelDashboard } from "./dashboards";
import { modelRules } from "./monitoring-rules";
import type { PromRuleFile } from "./promql";
import { withRunbookUrls } from "./runbook-urls";

/** Inputs of `ModelMonitoring`. */
export interface ModelMonitoringArgs {
  /** The validated model spec. */
  readonly spec: ModelSpec;
  /**
   * The stack config: sales events shape the traffic expectation, `alerting.runbookBaseUrl` the
   * alerts' `runbook_url` (`docs/runbooks.md` without it).
   */
  readonly config: ModelRuleConfig;
  /** Namespace of the model's serving resources; the rule lives beside them. */
  readonly namespace: pulumi.Input<string>;
  /** More rule groups for the same PrometheusRule, e.g. the capacity forecast's recording rules. @default [] */
  readonly extraGroups?: readonly object[];
}

/** Creates the model's PrometheusRule and dashboard ConfigMap. */
export function createModelMonitoring(
  name: string,
  args: ModelMonitoringArgs,
  parent: pulumi.Resource,
): { rule: k8s.apiextensions.CustomResource; dashboard: k8s.core.v1.ConfigMap } {
  const rule = new k8s.apiextensions.CustomResource(
    `${name}-rules`,
    {
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
      metadata: {
        name: `${args.spec.name}-monitoring`,
        namespace: args.namespace,
        labels: {
          [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value,
          "app.kubernetes.io/part-of": "mlops-platform",
          "mlops.io/model": args.spec.name,
          "mlops.io/team": args.spec.team,
        },
      },
      spec: modelRuleFile(args.spec, args.config, args.extraGroups ?? []),
    },
    { parent },
  );
  const dashboard = new k8s.core.v1.ConfigMap(
    `${name}-dashboard`,
    {
      metadata: {
        name: `mlops-model-${args.spec.name}-dashboard`,
        namespace: NAMESPACES.monitoring,
        labels: {
          [GRAFANA_DASHBOARD_LABEL.key]: GRAFANA_DASHBOARD_LABEL.value,
          "mlops.io/model": args.spec.name,
        },
      },
      data: { [`mlops-model-${args.spec.name}.json`]: JSON.stringify(modelDashboard(args.spec)) },
    },
    { parent },
  );
  return { rule, dashboard };
}

/** `mlops:model:ModelMonitoring`: rules and alerts of one model (DESIGN sections 4 and 5). */
export class ModelMonitoring extends pulumi.ComponentResource {
  /** Name of the PrometheusRule object. */
  public readonly ruleName: pulumi.Output<string>;

  constructor(name: string, args: ModelMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:model:ModelMonitoring", name, {}, opts);
    const { rule } = createModelMonitoring(name, args, this);
    this.ruleName = rule.metadata.name;
    this.registerOutputs({ ruleName: this.ruleName });
  }
}

/** What of the stack config a model's rule file reads. */
export type ModelRuleConfig = Pick<StackConfig, "events"> & {
  readonly alerting?: Pick<StackConfig["alerting"], "runbookBaseUrl">;
};

/**
 * The model's whole rule file as deployed (the PrometheusRule's `spec`): its rules, the extra groups,
 * and a `runbook_url` on every alert, pointing at its section of the runbooks.
 */
export function modelRuleFile(
  spec: ModelSpec,
  config: ModelRuleConfig,
  extraGroups: readonly object[] = [],
): PromRuleFile {
  // The extra groups are rule groups (the forecast's recording rules), typed loosely by their caller.
  const file = withExtraGroups(modelRules(spec, config), extraGroups) as PromRuleFile;
  return withRunbookUrls(file, config.alerting?.runbookBaseUrl);
}

/** Appends rule groups (names are model-scoped by their builders, so they cannot clash). */
function withExtraGroups<T extends { groups: readonly object[] }>(rules: T, extra: readonly object[]): T {
  return { ...rules, groups: [...rules.groups, ...extra] };
}
