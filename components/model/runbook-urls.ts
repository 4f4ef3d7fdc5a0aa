/**
 * `runbook_url` on every alerting rule: the link from a page to the section of `docs/runbooks.md`
 * that says what fired, what to check first, how to mitigate and when to escalate. Applied once to
 * each rule file as it is assembled (a model's in model-monitoring.ts, the platform's in
 * platform-monitoring.ts), so no rule builder repeats it. Pure.
 */
import type { PromRule, PromRuleFile } from "./promql";

/**
 * Where the links point without `alerting.runbookBaseUrl`: the runbooks' path in this repository.
 * Relative, so a notification shows where to look even though no one can click it; a stack sets the
 * URL where the repository is browsable.
 */
export const DEFAULT_RUNBOOK_BASE = "docs/runbooks.md";

/**
 * Labels whose value picks an alert's section where one alert name covers cases with different
 * responses, first present wins: `reason` (the traffic and training rules), `check` (canary and
 * experiment checks), `direction` (the traffic rules without a reason: the drop and the surge) and
 * `baseline` (the weekly drift comparison, a ticket that starts no retraining).
 */
export const RUNBOOK_VARIANT_LABELS = ["reason", "check", "direction", "baseline"] as const;

/**
 * The heading of an alert's runbook section: the alert name, followed by `(label: value)` of the
 * first of `RUNBOOK_VARIANT_LABELS` it carries, e.g. `ModelTrafficAnomaly (reason: no-data)`.
 */
export function runbookHeading(alert: string, labels: Readonly<Record<string, string>> = {}): string {
  const label = RUNBOOK_VARIANT_LABELS.find((l) => labels[l] !== undefined);
  return label ? `${alert} (${label}: ${labels[label]})` : alert;
}

/**
 * The anchor GitHub (and GitLab, and most Markdown renderers) gives a heading: lower-cased,
 * punctuation other than `-` and `_` dropped, each space a `-` (github-slugger's rule), so
 * `ModelTrafficAnomaly (reason: no-data)` is `#modeltrafficanomaly-reason-no-data`.
 */
export function headingAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, "")
    .replace(/ /g, "-");
}

/** The anchor of an alerting rule's runbook section. */
export function runbookAnchor(alert: string, labels: Readonly<Record<string, string>> = {}): string {
  return headingAnchor(runbookHeading(alert, labels));
}

/** `rule` with `runbook_url` = `<base>#<anchor>` when it is an alerting rule; recording rules as they are. */
export function withRunbookUrl(rule: PromRule, base: string = DEFAULT_RUNBOOK_BASE): PromRule {
  if (!rule.alert) return rule;
  const url = `${base}#${runbookAnchor(rule.alert, rule.labels)}`;
  return { ...rule, annotations: { ...rule.annotations, runbook_url: url } };
}

/** The rule file with `runbook_url` on each of its alerting rules (`base` defaults to `DEFAULT_RUNBOOK_BASE`). */
export function withRunbookUrls<T extends PromRuleFile>(file: T, base?: string): T {
  return {
    ...file,
    groups: file.groups.map((g) => ({ ...g, rules: g.rules.map((r) => withRunbookUrl(r, base)) })),
  };
}
