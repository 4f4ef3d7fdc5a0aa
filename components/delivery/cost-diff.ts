/**
 * The pull-request comment: plan summary and GPU cost difference between the base branch's and the
 * pull request's `plan.json` (DESIGN section 6), per stack. Pure: takes parsed plans, returns markdown.
 */
import { z } from "zod";
import { formatPath } from "../config/errors";

const number = z.number({ error: "expected a number" }).finite("expected a finite number");
const cost = number.min(0, "expected a cost >= 0");
const count = z
  .number({ error: "expected a number" })
  .int("expected a whole number")
  .min(0, "expected a count >= 0");
const text = z.string({ error: "expected a string" });
const costs = z.object({ min: cost, expected: cost, max: cost }, { error: "expected {min, expected, max}" });
const list = <T extends z.ZodType>(item: T) => z.array(item, { error: "expected a list" });
const object = <T extends z.ZodRawShape>(shape: T) => z.object(shape, { error: "expected an object" });

/** The parts of plan.json the comment reads, each checked (the file has more, ignored here). */
const planJsonSchema = object({
  stack: text,
  resources: object({ count, byType: z.record(z.string(), count, { error: "expected a map of counts" }) }),
  models: list(
    object({
      name: text,
      team: text.optional(),
      pool: text.optional(),
      share: number.min(0, "expected a share >= 0").optional(),
      replicas: object({ min: count, max: count }).optional(),
      canaryPercent: number.min(0).max(100, "expected a percent from 0 to 100").optional(),
    }),
  ),
  capacity: object({
    pools: list(
      object({
        name: text,
        monthlyCost: costs,
        warnings: list(text).optional(),
        // What the expected cost buys and holds; absent in older plans.
        gpus: object({ expected: count }).optional(),
        demand: object({ expected: number.min(0, "expected a demand >= 0") }).optional(),
      }),
    ),
    monthlyCost: costs,
    currency: text,
    budget: cost.optional(),
    /** The figure the budget policy checks (serving expected, training pools at maxGpus). */
    budgetCheck: cost.optional(),
  }),
  policy: object({
    violations: list(object({ policy: text, resource: text, message: text, enforcement: text })),
  }),
  /** The plan summary's notices (unrouted teams, drift alerts that cannot fire); absent in older plans. */
  notices: list(text).optional(),
});

/** The parts of plan.json the comment reads (the file has more). */
export type PlanJson = z.infer<typeof planJsonSchema>;

/**
 * What keeps `value` from being a `PlanJson` this comment can render: every field it reads that is
 * missing or of the wrong type, named with what it should be (a truncated file, `{}`, a plan.json of
 * another format, a hand-edited cost).
 */
export function planJsonProblems(value: unknown): string[] {
  const parsed = planJsonSchema.safeParse(value);
  if (parsed.success) {
    // A model listed twice would be counted twice in the comment's model changes.
    const seen = new Set<string>();
    return parsed.data.models.flatMap((m, i) => {
      const repeated = seen.has(m.name);
      seen.add(m.name);
      return repeated ? [`models[${i}].name: ${m.name} is listed twice`] : [];
    });
  }
  return parsed.error.issues.map((issue) => {
    const where = formatPath(issue.path);
    return where ? `${where}: ${issue.message}` : issue.message.replace("an object", "a JSON object");
  });
}

/** One stack's pair of plans; `base` is absent when the base branch had no plan (new stack, broken base). */
export interface StackPlans {
  readonly stack: string;
  readonly base?: PlanJson;
  readonly head?: PlanJson;
}

const LEVELS = ["min", "expected", "max"] as const;

function money(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

function delta(n: number): string {
  if (Math.round(n) === 0) return "±0";
  return `${n > 0 ? "+" : "-"}${money(Math.abs(n))}`;
}

function pct(base: number, head: number): string {
  if (base === 0) return head === 0 ? "" : " (new)";
  const p = ((head - base) / base) * 100;
  return Math.abs(p) < 0.05 ? "" : ` (${p > 0 ? "+" : ""}${p.toFixed(1)}%)`;
}

/**
 * Text from a plan (names, policy messages) as inline markdown: a `|` would split a table cell, a
 * line break end it, and `<` open HTML (an unclosed `<!--` hides the rest of the comment).
 */
export function inline(text: string): string {
  return text
    .replace(/\r?\n|\r/g, " ")
    .replace(/\|/g, "\\|")
    .replace(/</g, "&lt;");
}

/** Markdown for one stack. */
export function stackSection(plans: StackPlans): string {
  const lines: string[] = [`### ${inline(plans.stack)}`];
  if (!plans.head)
    return [...lines, "", "**plan failed on this pull request** - see the job log."].join("\n");
  const head = plans.head;
  const cur = head.capacity.currency;
  // Costs in two currencies cannot be subtracted: the base's are left out, and the comment says why.
  const currencyChanged = plans.base !== undefined && plans.base.capacity.currency !== cur;
  const p: StackPlans = currencyChanged
    ? {
        ...plans,
        base: {
          ...plans.base!,
          capacity: { ...plans.base!.capacity, pools: [], monthlyCost: { min: 0, expected: 0, max: 0 } },
        },
      }
    : plans;
  const mandatory = head.policy.violations.filter((v) => v.enforcement === "mandatory");
  const advisory = head.policy.violations.filter((v) => v.enforcement !== "mandatory");
  lines.push(
    "",
    `${head.resources.count} resources${p.base ? ` (${delta(head.resources.count - p.base.resources.count)})` : ""}, ` +
      `${head.models.length} models, policies: ${mandatory.length} mandatory / ${advisory.length} advisory violations`,
    "",
    ...(currencyChanged
      ? [
          `The base plan's costs are in ${inline(plans.base!.capacity.currency)}, this pull request's in ${inline(cur)}: no difference is computed.`,
          "",
        ]
      : []),
    `| GPU cost per month (${inline(cur)}) | base | this PR | difference |`,
    "| --- | ---: | ---: | ---: |",
  );
  const poolNames = [
    ...new Set([...(p.base?.capacity.pools ?? []), ...head.capacity.pools].map((x) => x.name)),
  ];
  for (const name of poolNames) {
    const b = p.base?.capacity.pools.find((x) => x.name === name)?.monthlyCost.expected ?? 0;
    const h = head.capacity.pools.find((x) => x.name === name)?.monthlyCost.expected ?? 0;
    lines.push(
      `| pool ${inline(name)}, expected | ${money(b)} | ${money(h)} | ${delta(h - b)}${pct(b, h)} |`,
    );
  }
  for (const level of LEVELS) {
    const b = p.base?.capacity.monthlyCost[level] ?? 0;
    const h = head.capacity.monthlyCost[level];
    lines.push(`| **total, ${level}** | ${money(b)} | ${money(h)} | ${delta(h - b)}${pct(b, h)} |`);
  }
  lines.push(...gpuLines(p.base, head));
  if (head.capacity.budget !== undefined) {
    // The budget is checked (policy mlops-gpu-cost-fits-budget) at the expected load: the peak is
    // every model at its history's peak rate (replicas.max without history) all month, which the
    // sales-event peaks reach for hours only.
    const checked = head.capacity.budgetCheck ?? head.capacity.monthlyCost.expected;
    const over = checked > head.capacity.budget;
    lines.push(
      "",
      `Budget ${money(head.capacity.budget)} ${inline(cur)}/month: the expected cost the budget policy checks, ` +
        `${money(checked)}, ${over ? "**exceeds** it" : "fits"}. At peak all month (serving: every model at its traffic history's peak, replicas.max without history; training: every run at once; within each pool's maxGpus): ${money(head.capacity.monthlyCost.max)}.`,
    );
  }
  const modelChanges = diffModels(p.base?.models ?? [], head.models);
  if (modelChanges.length > 0) lines.push("", "Model changes:", ...modelChanges.map((c) => `- ${inline(c)}`));
  const notes = newNotes(p.base, head);
  if (notes.length > 0) lines.push("", "New notes of the plan:", ...notes.map((n) => `- ${inline(n)}`));
  if (mandatory.length + advisory.length > 0) {
    lines.push("", "| policy | resource | enforcement | message |", "| --- | --- | --- | --- |");
    for (const v of [...mandatory, ...advisory]) {
      lines.push(
        `| ${inline(v.policy)} | ${inline(v.resource)} | ${inline(v.enforcement)} | ${inline(v.message)} |`,
      );
    }
  }
  return lines.join("\n");
}

/**
 * Why a pool's expected cost moved as it did: the GPUs it buys at the expected load beside the GPUs'
 * worth of work they hold. Nodes are bought whole and per zone, so a model that fits GPUs already
 * bought costs nothing (±0) and a little work past a full node can double a small pool's cost.
 */
export function gpuLines(base: PlanJson | undefined, head: PlanJson): string[] {
  const fig = (n: number) => String(Math.round(n * 100) / 100);
  const parts = head.capacity.pools.flatMap((pool) => {
    if (!pool.gpus || !pool.demand) return [];
    const was = base?.capacity.pools.find((x) => x.name === pool.name);
    const now = `${pool.gpus.expected} GPUs for ${fig(pool.demand.expected)}`;
    if (!was?.gpus || !was.demand) return [`${inline(pool.name)} ${now}`];
    return [
      `${inline(pool.name)} ${was.gpus.expected} → ${pool.gpus.expected} GPUs for ${fig(was.demand.expected)} → ${fig(pool.demand.expected)}`,
    ];
  });
  if (parts.length === 0) return [];
  return [
    "",
    `GPUs at the expected load, per pool, for the GPUs' worth of work they hold: ${parts.join("; ")}. ` +
      "Nodes are bought whole in each zone: work that fits GPUs already bought adds no cost, and a little past a full node buys the next.",
  ];
}

/**
 * The plan's notices and pool warnings that the base plan did not have: what this pull request
 * brings (a team's first model paged through the platform team, a pool that can no longer reach
 * its peak), not what every plan of the stack repeats.
 */
export function newNotes(base: PlanJson | undefined, head: PlanJson): string[] {
  const notes = (plan: PlanJson) => [
    ...plan.capacity.pools.flatMap((p) => (p.warnings ?? []).map((w) => `pool ${p.name}: ${w}`)),
    ...(plan.notices ?? []),
  ];
  const before = new Set(base ? notes(base) : []);
  return notes(head).filter((n) => !before.has(n));
}

/** Added, removed and changed models, one line each. */
export function diffModels(base: PlanJson["models"], head: PlanJson["models"]): string[] {
  const out: string[] = [];
  const byName = new Map(base.map((m) => [m.name, m]));
  for (const m of head) {
    const b = byName.get(m.name);
    if (!b) {
      out.push(
        `added **${m.name}** (team ${m.team ?? "?"}, pool ${m.pool ?? "?"}, share ${m.share ?? "?"}, replicas ${m.replicas?.min ?? "?"}-${m.replicas?.max ?? "?"})`,
      );
      continue;
    }
    const changes: string[] = [];
    if (b.share !== m.share) changes.push(`share ${b.share} → ${m.share}`);
    if (b.replicas?.min !== m.replicas?.min || b.replicas?.max !== m.replicas?.max) {
      changes.push(`replicas ${b.replicas?.min}-${b.replicas?.max} → ${m.replicas?.min}-${m.replicas?.max}`);
    }
    if ((b.canaryPercent ?? 0) !== (m.canaryPercent ?? 0))
      changes.push(`canary ${b.canaryPercent ?? 0}% → ${m.canaryPercent ?? 0}%`);
    if (b.pool !== m.pool) changes.push(`pool ${b.pool} → ${m.pool}`);
    if (changes.length > 0) out.push(`changed **${m.name}**: ${changes.join(", ")}`);
  }
  const headNames = new Set(head.map((m) => m.name));
  for (const m of base) if (!headNames.has(m.name)) out.push(`removed **${m.name}**`);
  return out;
}

/** The whole comment. */
export function renderPrComment(stacks: readonly StackPlans[], commit?: string): string {
  return [
    `## mlops-platform plan${commit ? ` for ${inline(commit.slice(0, 7))}` : ""}`,
    "",
    "Offline plan (`npm run plan`) of every stack; monthly GPU cost at minimum, expected and peak load (serving pools packed by the capacity planner, training pools from their schedules).",
    "",
    ...stacks.map(stackSection).flatMap((s) => [s, ""]),
  ].join("\n");
}
