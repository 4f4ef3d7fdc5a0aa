/**
 * Extracts the plan's review artifacts from the rendered manifests: Prometheus rule files in promtool's
 * format, Grafana dashboards, the Alertmanager routing config and the alerts each model gets. Pure.
 */
import * as YAML from "yaml";
import { isDashboardConfigMap, RenderedManifest } from "./render";

/** A file the plan writes, relative to the output folder. */
export interface PlanFile {
  readonly file: string;
  readonly text: string;
}

/** A problem that makes the plan invalid (exit 1), naming the file and what is wrong. */
export interface PlanProblem {
  readonly file: string;
  readonly message: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, "_");
}

/** True for prometheus-operator PrometheusRule objects. */
export function isPrometheusRule(m: RenderedManifest): boolean {
  return (
    m.manifestKind === "object" &&
    m.kind === "PrometheusRule" &&
    m.apiVersion.startsWith("monitoring.coreos.com/")
  );
}

/**
 * One rule file per PrometheusRule: its `spec` (`groups: [...]`), which is exactly promtool's
 * rule-file format, at `prometheus/rules/<namespace>--<name>.yaml`.
 */
export function ruleFiles(manifests: readonly RenderedManifest[]): {
  files: PlanFile[];
  problems: PlanProblem[];
} {
  const files: PlanFile[] = [];
  const problems: PlanProblem[] = [];
  for (const m of manifests) {
    if (!isPrometheusRule(m)) continue;
    const spec = isRecord(m.object.spec) ? m.object.spec : {};
    if (!Array.isArray(spec.groups)) {
      problems.push({ file: m.file, message: "PrometheusRule spec.groups must be a list of rule groups" });
      continue;
    }
    const file = `prometheus/rules/${fileSafe(m.namespace ?? "_cluster")}--${fileSafe(m.name)}.yaml`;
    files.push({ file, text: YAML.stringify({ groups: spec.groups }, { lineWidth: 0 }) });
  }
  return { files, problems };
}

/** Alert names per `model` label, from every PrometheusRule (sorted, unique). */
export function alertsByModel(manifests: readonly RenderedManifest[]): Map<string, string[]> {
  const found = new Map<string, Set<string>>();
  for (const m of manifests) {
    if (!isPrometheusRule(m)) continue;
    const groups = isRecord(m.object.spec) && Array.isArray(m.object.spec.groups) ? m.object.spec.groups : [];
    for (const g of groups) {
      const rules = isRecord(g) && Array.isArray(g.rules) ? g.rules : [];
      for (const rule of rules) {
        if (!isRecord(rule) || typeof rule.alert !== "string") continue;
        // Alerts select their model in the expression; the rule's own label or the PrometheusRule's
        // `mlops.io/model` label says which model they belong to.
        const meta =
          isRecord(m.object.metadata) && isRecord(m.object.metadata.labels) ? m.object.metadata.labels : {};
        const model = (isRecord(rule.labels) ? rule.labels.model : undefined) ?? meta["mlops.io/model"];
        if (typeof model !== "string") continue;
        const set = found.get(model) ?? new Set<string>();
        set.add(rule.alert);
        found.set(model, set);
      }
    }
  }
  return new Map([...found].map(([model, alerts]) => [model, [...alerts].sort()]));
}

/**
 * One JSON file per data entry of every dashboard ConfigMap (`dashboards/<key>.json`; the ConfigMap
 * name is prefixed when two ConfigMaps use the same key). Entries that are not JSON are problems:
 * Grafana's sidecar would skip them silently.
 */
export function dashboardFiles(manifests: readonly RenderedManifest[]): {
  files: PlanFile[];
  problems: PlanProblem[];
} {
  const files: PlanFile[] = [];
  const problems: PlanProblem[] = [];
  const used = new Set<string>();
  for (const m of manifests) {
    if (!isDashboardConfigMap(m)) continue;
    const data = isRecord(m.plain.data) ? m.plain.data : {};
    for (const [key, text] of Object.entries(data)) {
      try {
        const parsed = JSON.parse(String(text)) as unknown;
        if (!isRecord(parsed)) throw new Error("not a JSON object");
      } catch (err) {
        problems.push({
          file: m.file,
          message: `data.${key} is not a dashboard JSON object: ${(err as Error).message}`,
        });
        continue;
      }
      const base = fileSafe(key.replace(/\.json$/, ""));
      let file = `dashboards/${base}.json`;
      if (used.has(file)) file = `dashboards/${fileSafe(m.name)}--${base}.json`;
      used.add(file);
      files.push({ file, text: String(text) });
    }
  }
  return { files, problems };
}

/** Key under which prometheus-operator reads the Alertmanager config from its `configSecret`. */
export const ALERTMANAGER_CONFIG_KEY = "alertmanager.yaml";

/**
 * Finds the Alertmanager routing config: the Secret (in any namespace) holding `alertmanager.yaml` in
 * `stringData` or `data` (base64), preferring one whose name mentions alertmanager; else the
 * kube-prometheus-stack release's `alertmanager.config` value. Adjust here if the monitoring
 * component delivers it differently.
 */
export function findAlertmanagerConfig(
  manifests: readonly RenderedManifest[],
): { source: string; text: string } | undefined {
  const candidates = manifests.filter((m) => m.kind === "Secret" && m.manifestKind === "object");
  candidates.sort((a, b) => Number(/alertmanager/.test(b.name)) - Number(/alertmanager/.test(a.name)));
  for (const m of candidates) {
    const stringData = isRecord(m.plain.stringData) ? m.plain.stringData : {};
    const data = isRecord(m.plain.data) ? m.plain.data : {};
    if (typeof stringData[ALERTMANAGER_CONFIG_KEY] === "string")
      return { source: m.file, text: stringData[ALERTMANAGER_CONFIG_KEY] };
    if (typeof data[ALERTMANAGER_CONFIG_KEY] === "string")
      return { source: m.file, text: Buffer.from(data[ALERTMANAGER_CONFIG_KEY], "base64").toString("utf8") };
  }
  for (const m of manifests) {
    if (m.manifestKind !== "helm-release") continue;
    const values = isRecord(m.plain.values) ? m.plain.values : {};
    const am = isRecord(values.alertmanager) ? values.alertmanager : {};
    if (isRecord(am.config))
      return { source: `${m.file} values.alertmanager.config`, text: YAML.stringify(am.config) };
  }
  return undefined;
}
