/**
 * The terminal summary of a plan and the markdown policy report: resource counts, the per-model
 * table, per-pool capacity and cost, schema coverage and policy results. Pure text builders.
 */
import { gpuInstanceType } from "../../components/capacity/instance-catalog";
import type { ModelSpec } from "../../components/config/model-schema";
import { DRIFT_MIN_RPS } from "../../components/model/drift-rules";
import type { CapacitySummary, PoolCapacity } from "./capacity";
import type { PlanModel } from "./plan-json";
import type { PolicyResult } from "./policy-hook";

/** Left-aligned text table with a header rule. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

const money = (x: number) => Math.round(x).toLocaleString("en-US");

/** What the summary shows. */
export interface SummaryInputs {
  readonly stack: string;
  readonly outDir: string;
  readonly byType: Record<string, number>;
  readonly models: readonly PlanModel[];
  readonly capacity: CapacitySummary;
  readonly policy: PolicyResult;
  readonly schema: { validated: number; notCovered: { apiVersion: string; kind: string; count: number }[] };
  readonly warnings: readonly { resource: string; message: string }[];
  readonly unsetSecrets: readonly string[];
  /** Teams of the models with no receiver of their own, whose alerts go to the platform team. */
  readonly unroutedTeams?: readonly UnroutedTeam[];
  /** The stack's `timeZone`, in which the training schedules run. */
  readonly timeZone?: string;
  /** The stack has no alert receiver at all: every alert is dropped. */
  readonly noReceivers?: boolean;
  /** Models too small for their drift alerts ever to evaluate. */
  readonly quietDrift?: readonly QuietDriftModel[];
  /** Stack values without effect: a past sales event, an idle held canary level (`stackNotices`). */
  readonly stackNotices?: readonly string[];
}

/** A model that can never serve enough requests for its drift alerts to evaluate. */
export interface QuietDriftModel {
  readonly name: string;
  /** Requests/s at `replicas.max` x `rpsPerReplica`: the most it serves. */
  readonly maxRps: number;
  /** Whether `retrainOn` lists drift, which then never starts a run. */
  readonly retrainOnDrift: boolean;
}

/**
 * Models whose drift alerts can never fire: PSI over 2 minutes needs `DRIFT_MIN_RPS` (below that it
 * is noise, so the rules require it), and a model that serves less even at `replicas.max` would
 * silently have no drift detection, nor drift-triggered retraining.
 */
export function quietDriftModels(
  specs: readonly Pick<ModelSpec, "name" | "serving" | "training">[],
): QuietDriftModel[] {
  return specs
    .map((m) => ({
      name: m.name,
      maxRps: m.serving.replicas.max * m.serving.rpsPerReplica,
      retrainOnDrift: m.training?.retrainOn.includes("drift") ?? false,
    }))
    .filter((m) => m.maxRps < DRIFT_MIN_RPS);
}

/** A team with models but no receiver in `alerting.receivers`. */
export interface UnroutedTeam {
  readonly team: string;
  readonly models: readonly string[];
  /** The receiver that gets the team's alerts instead. */
  readonly to: string;
}

/**
 * Teams of `models` that have no receiver: Alertmanager routes their alerts to the platform team's
 * receiver (the route's default), which is allowed, but a model team adding its first file should
 * see who will be paged for it.
 */
export function unroutedTeams(
  models: readonly { name: string; team: string }[],
  alerting: { platformTeam: string; receivers: Readonly<Record<string, unknown>> },
): UnroutedTeam[] {
  const byTeam = new Map<string, string[]>();
  for (const m of models)
    if (!Object.hasOwn(alerting.receivers, m.team) && m.team !== alerting.platformTeam)
      byTeam.set(m.team, [...(byTeam.get(m.team) ?? []), m.name]);
  return [...byTeam.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([team, names]) => ({ team, models: names.sort(), to: alerting.platformTeam }));
}

/** What the summary says about where alerts go: nowhere, or teams paged through the platform team. */
export function alertRoutingLines(noReceivers: boolean, unrouted: readonly UnroutedTeam[]): string[] {
  if (noReceivers)
    return [
      "No alert receivers (alerting.receivers is empty): every alert of this stack is dropped; prod refuses this",
    ];
  return unrouted.map(
    (t) =>
      `Alerts of team ${t.team} (${t.models.join(", ")}) go to the platform team ${t.to}: ` +
      `add alerting.receivers.${t.team} to page the team itself`,
  );
}

/**
 * What the plan tells the stack's owners beside its tables: secrets to set, teams whose alerts reach
 * only the platform team, models whose drift alerts cannot fire. plan.json keeps the same lines
 * (`notices`), so a pull request's comment can show the new ones to the team that caused them.
 */
export function planNotices(
  s: Pick<SummaryInputs, "unsetSecrets" | "noReceivers" | "unroutedTeams" | "quietDrift" | "stackNotices">,
): string[] {
  return [
    ...(s.unsetSecrets.length > 0
      ? [`Secrets not set in the stack file (pulumi up needs them): ${s.unsetSecrets.join(", ")}`]
      : []),
    ...alertRoutingLines(s.noReceivers ?? false, s.unroutedTeams ?? []),
    ...(s.quietDrift ?? []).map(
      (m) =>
        `Drift alerts of ${m.name} cannot fire: they need ${DRIFT_MIN_RPS.toFixed(1)} requests/s (500 predictions in 2 minutes), ` +
        `and at replicas.max it serves at most ${Number(m.maxRps.toFixed(2))}` +
        (m.retrainOnDrift ? "; its retrainOn: [drift] never starts a run" : ""),
    ),
    ...(s.stackNotices ?? []),
  ];
}

/** Markdown table of the policy results (policy-report.md). */
export function policyReport(stack: string, policy: PolicyResult): string {
  const head = `# Policy report: ${stack}\n\n`;
  if (!policy.evaluated)
    return `${head}Policies were not evaluated: ${policy.skipped ?? "unknown reason"}.\n`;
  if (policy.violations.length === 0) return `${head}No violations.\n`;
  const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const rows = policy.violations.map(
    (v) => `| ${esc(v.enforcement)} | ${esc(v.policy)} | ${esc(v.resource)} | ${esc(v.message)} |`,
  );
  return [
    `${head}${policy.mandatory} mandatory, ${policy.violations.length - policy.mandatory} advisory.`,
    "",
    "| enforcement | policy | resource | message |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

/** The summary's canary column: the percent of a declared canary, 0 included; `-` without one. */
export function canaryCell(m: Pick<PlanModel, "canary" | "canaryPercent">): string {
  return m.canary === true || m.canaryPercent > 0 ? String(m.canaryPercent) : "-";
}

/** The summary printed to stdout after a plan. */
export function summaryText(s: SummaryInputs): string {
  const out: string[] = [];
  const total = Object.values(s.byType).reduce((a, b) => a + b, 0);
  out.push(`Plan for stack ${s.stack}: ${total} resources, written to ${s.outDir}`, "");
  out.push(
    table(
      ["resource type", "count"],
      Object.entries(s.byType).map(([t, n]) => [t, String(n)]),
    ),
    "",
  );
  if (s.models.length === 0) out.push("Models: none", "");
  else
    out.push(
      table(
        [
          "model",
          "team",
          "pool",
          "GPU share",
          "replicas",
          "canary %",
          // The crons run in the stack's zone, which the cron text does not say.
          s.timeZone ? `training schedule (${s.timeZone})` : "training schedule",
          "alerts",
        ],
        s.models.map((m) => [
          m.name,
          m.team,
          m.pool,
          String(m.share),
          `${m.replicas.min}-${m.replicas.max}`,
          canaryCell(m),
          m.schedule ?? "-",
          m.alerts.length > 0 ? `${m.alerts.length} (${m.alerts.join(", ")})` : "none rendered",
        ]),
      ),
      "",
    );
  const c = s.capacity;
  // The budget policy's figure differs from the expected total when a training pool's maxGpus does.
  const checkedApart = Math.abs(c.budgetCheck - c.monthlyCost.expected) >= 0.5;
  out.push(
    table(
      [
        "pool",
        "purpose",
        "GPUs min/exp/max",
        `monthly ${c.currency} min`,
        "expected",
        "max",
        "max priced on",
      ],
      c.pools.map((p) => [
        p.name,
        p.purpose,
        `${p.gpus.min}/${p.gpus.expected}/${p.gpus.max}`,
        money(p.monthlyCost.min),
        money(p.monthlyCost.expected),
        money(p.monthlyCost.max),
        pricedOn(p),
      ]),
    ),
  );
  out.push(
    `total monthly GPU cost ${c.currency}: min ${money(c.monthlyCost.min)}, expected ${money(c.monthlyCost.expected)}, ` +
      `max ${money(c.monthlyCost.max)} (budget ${money(c.budget)}${budgetVerdict(c, checkedApart)})`,
    ...(checkedApart
      ? [
          `  budget checked at ${money(c.budgetCheck)} (policy mlops-gpu-cost-fits-budget: serving at expected load, training pools at maxGpus all month)`,
        ]
      : []),
    `  estimator: ${c.estimator}`,
  );
  if (c.staticBaseline) out.push(baselineLine(c));
  for (const p of c.pools)
    // Busy above billed is the pool's warning (runs beyond maxGpus) instead.
    if (p.purpose === "training" && p.demand.expected > 0 && p.demand.expected < p.gpus.expected)
      out.push(
        `  pool ${p.name}: runs keep ${p.demand.expected} GPUs busy on average, billed for ${p.gpus.expected} (whole instances, within maxGpus)`,
      );
  out.push(...poolNoteLines(c.pools));
  for (const p of c.pools) for (const w of p.warnings) out.push(`  ! pool ${p.name}: ${w}`);
  out.push("");
  const nc = s.schema.notCovered.map((k) => `${k.apiVersion}/${k.kind} (${k.count})`);
  out.push(
    `Schema validation: ${s.schema.validated} objects valid; no maintained schema for: ${nc.length > 0 ? nc.join(", ") : "none"}`,
  );
  if (!s.policy.evaluated) out.push(`Policies: SKIPPED - ${s.policy.skipped}`);
  else if (s.policy.violations.length === 0) out.push("Policies: no violations");
  else {
    out.push(
      `Policies: ${s.policy.mandatory} mandatory, ${s.policy.violations.length - s.policy.mandatory} advisory`,
    );
    for (const v of s.policy.violations)
      out.push(`  [${v.enforcement}] ${v.policy} ${v.resource}: ${v.message}`);
  }
  out.push(...planNotices(s));
  if (s.warnings.length > 0) {
    out.push(`Warnings (${s.warnings.length}):`);
    for (const w of s.warnings.slice(0, 20)) out.push(`  ${w.resource}: ${w.message}`);
    if (s.warnings.length > 20) out.push(`  ... ${s.warnings.length - 20} more in plan.json`);
  }
  return out.join("\n");
}

/** The pools' notes (`PoolCapacity.notes`: a minimum the zone spread sets), one line each, under the totals. */
export function poolNoteLines(pools: readonly Pick<PoolCapacity, "name" | "notes">[]): string[] {
  return pools.flatMap((p) => (p.notes ?? []).map((n) => `  pool ${p.name}: ${n}`));
}

/**
 * Beside the budget: nothing within it; over it, the figure that is over (the expected total, or the
 * budget check on the next line, which may be above every total printed: it bills training pools
 * at `maxGpus` all month).
 */
export function budgetVerdict(
  c: Pick<CapacitySummary, "withinBudget" | "budget" | "monthlyCost">,
  checkedApart: boolean,
): string {
  if (c.withinBudget) return "";
  return checkedApart && c.monthlyCost.expected <= c.budget
    ? ", EXCEEDED by the budget check below"
    : ", EXCEEDED at expected load";
}

/**
 * The instance a pool is priced on. A multi-GPU instance is billed whole, so a job asking for 2 GPUs
 * of a p4d pays for 8: saying so makes the GPU column and the cost agree for the reader.
 */
export function pricedOn(p: Pick<PoolCapacity, "instanceType" | "capacityType" | "pricePerGpuHour">): string {
  const gpus = gpuInstanceType(p.instanceType)?.gpus ?? 1;
  const whole = gpus > 1 ? `, billed whole (${gpus} GPUs)` : "";
  return `${p.instanceType} ${p.capacityType} ${p.pricePerGpuHour}/GPU-h${whole}`;
}

/**
 * The static baseline beside the serving pools' expected cost. Both are spread over the zones as the
 * serving pods are, so the share compares like with like (static-baseline.ts `staticBaseline` says
 * why): unspread, the baseline left out the GPUs the spread costs, and on eight-GPU instances the
 * share could pass 100%.
 */
export function baselineLine(c: Pick<CapacitySummary, "pools" | "staticBaseline" | "currency">): string {
  const base = c.staticBaseline!;
  const servingExpected = c.pools
    .filter((p) => p.purpose === "serving")
    .reduce((sum, p) => sum + p.monthlyCost.expected, 0);
  const line = `  static baseline (${base.description}): ${base.gpus} GPUs, ${money(base.monthlyCost)} ${c.currency}/month`;
  // With no model there is nothing to compare: "0% of it" would read as a saving.
  if (base.monthlyCost <= 0) return line;
  return `${line}; serving expected is ${Math.round((servingExpected / base.monthlyCost) * 100)}% of it`;
}
