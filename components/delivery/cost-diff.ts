/**
 * The pull-request comment: plan summary and GPU cost difference between the base branch's and the
 * pull request's `plan.json` (DESIGN section 6), per stack. Pure: takes parsed plans, returns markdown.
 */
import { valueAt } from "../config/errors";

/** The parts of plan.json the comment reads (the file has more). */
export interface PlanJson {
  readonly stack: string;
  readonly resources: { readonly count: number; readonly byType: Record<string, number> };
  readonly models: readonly {
    readonly name: string;
    readonly team?: string;
    readonly pool?: string;
    readonly share?: number;
    readonly replicas?: { readonly min: number; readonly max: number };
    readonly canaryPercent?: number;
  }[];
  readonly capacity: {
    readonly pools: readonly {
      readonly name: string;
      readonly monthlyCost: { readonly min: number; readonly expected: number; readonly max: number };
    }[];
    readonly monthlyCost: { readonly min: number; readonly expected: number; readonly max: number };
    readonly currency: string;
    readonly budget?: number;
  };
  readonly policy: {
    readonly violations: readonly {
      policy: string;
      resource: string;
      message: string;
      enforcement: string;
    }[];
  };
}

/**
 * What keeps `value` from being a `PlanJson` this comment can render: the fields it reads, each
 * named with what it should be (a truncated file, `{}`, a plan.json of another format).
 */
export function planJsonProblems(value: unknown): string[] {
  const at = (path: string, root: unknown = value): unknown => valueAt(root, path.split("."));
  const want: [string, string, (v: unknown) => boolean][] = [
    ["resources.count", "a number", (v) => typeof v === "number"],
    ["models", "a list", Array.isArray],
    ["capacity.currency", "a string", (v) => typeof v === "string"],
    ["capacity.pools", "a list", Array.isArray],
    ["capacity.monthlyCost.expected", "a number", (v) => typeof v === "number"],
    ["policy.violations", "a list", Array.isArray],
  ];
  if (value === null || typeof value !== "object" || Array.isArray(value)) return ["expected a JSON object"];
  const problems = want
    .filter(([path, , ok]) => !ok(at(path)))
    .map(([path, what]) => `${path}: expected ${what}`);
  // The entries of the lists the comment reads, field by field.
  const entries: [string, [string, string][]][] = [
    ["models", [["name", "string"]]],
    [
      "capacity.pools",
      [
        ["name", "string"],
        ["monthlyCost.expected", "number"],
      ],
    ],
    [
      "policy.violations",
      [
        ["policy", "string"],
        ["enforcement", "string"],
      ],
    ],
  ];
  for (const [list, fields] of entries) {
    const items = at(list);
    if (!Array.isArray(items)) continue;
    items.forEach((item, i) => {
      for (const [field, type] of fields) {
        const v = at(field, item);
        if (typeof v !== type) problems.push(`${list}[${i}].${field}: expected a ${type}`);
      }
    });
  }
  return problems;
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
  return `${n > 0 ? "+" : "−"}${money(Math.abs(n))}`;
}

function pct(base: number, head: number): string {
  if (base === 0) return head === 0 ? "" : " (new)";
  const p = ((head - base) / base) * 100;
  return Math.abs(p) < 0.05 ? "" : ` (${p > 0 ? "+" : ""}${p.toFixed(1)}%)`;
}

/** Markdown for one stack. */
export function stackSection(p: StackPlans): string {
  const lines: string[] = [`### ${p.stack}`];
  if (!p.head) return [...lines, "", "**plan failed on this pull request** - see the job log."].join("\n");
  const head = p.head;
  const cur = head.capacity.currency;
  const mandatory = head.policy.violations.filter((v) => v.enforcement === "mandatory");
  const advisory = head.policy.violations.filter((v) => v.enforcement !== "mandatory");
  lines.push(
    "",
    `${head.resources.count} resources${p.base ? ` (${delta(head.resources.count - p.base.resources.count)})` : ""}, ` +
      `${head.models.length} models, policies: ${mandatory.length} mandatory / ${advisory.length} advisory violations`,
    "",
    `| GPU cost per month (${cur}) | base | this PR | difference |`,
    "| --- | ---: | ---: | ---: |",
  );
  const poolNames = [
    ...new Set([...(p.base?.capacity.pools ?? []), ...head.capacity.pools].map((x) => x.name)),
  ];
  for (const name of poolNames) {
    const b = p.base?.capacity.pools.find((x) => x.name === name)?.monthlyCost.expected ?? 0;
    const h = head.capacity.pools.find((x) => x.name === name)?.monthlyCost.expected ?? 0;
    lines.push(`| pool ${name}, expected | ${money(b)} | ${money(h)} | ${delta(h - b)}${pct(b, h)} |`);
  }
  for (const level of LEVELS) {
    const b = p.base?.capacity.monthlyCost[level] ?? 0;
    const h = head.capacity.monthlyCost[level];
    lines.push(`| **total, ${level}** | ${money(b)} | ${money(h)} | ${delta(h - b)}${pct(b, h)} |`);
  }
  if (head.capacity.budget !== undefined) {
    const over = head.capacity.monthlyCost.max > head.capacity.budget;
    lines.push(
      "",
      `Budget ${money(head.capacity.budget)} ${cur}/month: maximum scale ${over ? "**exceeds**" : "fits"}.`,
    );
  }
  const modelChanges = diffModels(p.base?.models ?? [], head.models);
  if (modelChanges.length > 0) lines.push("", "Model changes:", ...modelChanges.map((c) => `- ${c}`));
  if (mandatory.length + advisory.length > 0) {
    lines.push("", "| policy | resource | enforcement | message |", "| --- | --- | --- | --- |");
    for (const v of [...mandatory, ...advisory]) {
      lines.push(`| ${v.policy} | ${v.resource} | ${v.enforcement} | ${v.message.replace(/\|/g, "\\|")} |`);
    }
  }
  return lines.join("\n");
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
    `## mlops-platform plan${commit ? ` for ${commit.slice(0, 7)}` : ""}`,
    "",
    "Offline plan (`npm run plan`) of every stack; GPU cost from the capacity planner at minimum, expected and maximum scale.",
    "",
    ...stacks.map(stackSection).flatMap((s) => [s, ""]),
  ].join("\n");
}
