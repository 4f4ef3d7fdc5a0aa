/**
 * Stack check keyed by the `mlops.io/model` label: every model has alert rules (a PrometheusRule with
 * at least one alert), a scrape target (PodMonitor or ServiceMonitor) and an owning team label, so an
 * anomaly pages someone within minutes instead of being noticed a day later. An object counts for a
 * model when it carries the model label or sits in the model's namespace.
 */
import type { PolicyResource } from "@pulumi/policy";
import { ALWAYS_MANDATORY, PlatformPolicy } from "../lib/platform-policy";
import { arr, at, k8sName, labelsOf, namespaceOf, obj } from "../lib/values";
import { MODEL_LABEL, TEAM_LABEL, isKubernetesObject, kindOf } from "../lib/workloads";

const RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const MONITORS = [
  "kubernetes:monitoring.coreos.com/v1:PodMonitor",
  "kubernetes:monitoring.coreos.com/v1:ServiceMonitor",
];

interface ModelObjects {
  readonly namespaces: Set<string>;
  readonly objects: PolicyResource[];
}

function hasAlert(r: PolicyResource): boolean {
  return arr(at(r.props, "spec.groups")).some((g) =>
    arr(obj(g).rules).some((rule) => obj(rule).alert !== undefined),
  );
}

/** Every model has a PrometheusRule with alerts, a PodMonitor/ServiceMonitor and a `mlops.io/team` owner. */
export const mlopsModelHasAlertsMonitorAndOwner: PlatformPolicy = {
  checks: `every model (label ${MODEL_LABEL}) has a PrometheusRule with alerts, a Pod/ServiceMonitor and a ${TEAM_LABEL} owner`,
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "mlops-model-has-alerts-monitor-and-owner",
    description: "Every model must have alert rules, a metrics monitor and an owning team.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
      const models = new Map<string, ModelObjects>();
      for (const r of args.resources) {
        if (!isKubernetesObject(r.type)) continue;
        const model = labelsOf(r.props)[MODEL_LABEL];
        if (model === undefined) continue;
        const entry = models.get(model) ?? { namespaces: new Set<string>(), objects: [] };
        entry.objects.push(r);
        if (kindOf(r.type, r.props) === "Namespace") entry.namespaces.add(k8sName(r.props, r.name));
        models.set(model, entry);
      }
      const belongs = (r: PolicyResource, model: string, m: ModelObjects) =>
        labelsOf(r.props)[MODEL_LABEL] === model || m.namespaces.has(namespaceOf(r.props) ?? "");
      for (const [model, m] of [...models.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        // Report on the serving object when there is one: that is what the model team owns.
        const anchor =
          m.objects.find((r) => kindOf(r.type, r.props) === "InferenceService") ??
          m.objects.find((r) => kindOf(r.type, r.props) === "Namespace") ??
          m.objects[0];
        const missing: string[] = [];
        if (!args.resources.some((r) => r.type === RULE && belongs(r, model, m) && hasAlert(r))) {
          missing.push("a PrometheusRule with alert rules");
        }
        if (!args.resources.some((r) => MONITORS.includes(r.type) && belongs(r, model, m))) {
          missing.push("a PodMonitor or ServiceMonitor");
        }
        const owners = m.objects.filter((r) =>
          ["InferenceService", "Namespace"].includes(kindOf(r.type, r.props)),
        );
        if (
          !(owners.length > 0 ? owners : m.objects).some((r) => labelsOf(r.props)[TEAM_LABEL] !== undefined)
        ) {
          missing.push(`a ${TEAM_LABEL} label on its InferenceService/Namespace`);
        }
        if (missing.length > 0) {
          report(
            `Model ${model} is missing ${missing.join(", ")}; the model stack must create them labelled ${MODEL_LABEL}: ${model} (set team in models/${model}.yaml).`,
            anchor.urn,
          );
        }
      }
    },
  },
};
