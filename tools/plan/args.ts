/**
 * Command-line arguments of `npm run plan`. Pure, so the CLI's parsing is tested without a process.
 */

/** Parsed arguments. */
export interface PlanArgs {
  readonly help: boolean;
  readonly stack?: string;
  readonly modelsDir?: string;
  readonly outDir?: string;
  readonly programPath?: string;
  readonly projectRoot?: string;
}

/** Usage text for `--help` and argument errors. */
export const USAGE = `Usage: npm run plan -- --stack <name> [--models <dir>] [--out <dir>] [--project-root <dir>]

Evaluates the Pulumi program offline (no cloud, no Pulumi CLI) and writes the rendered plan:
  manifests/            one YAML file per Kubernetes object and Helm release (Secrets redacted)
  prometheus/rules/     every PrometheusRule's spec in promtool's rule-file format
  alertmanager.yaml     the Alertmanager routing config
  dashboards/           Grafana dashboards, one JSON file each
  plan.json             resources, models, capacity and cost, schema validation, policy results
  policy-report.md      the policy results as a table
  summary.txt           the summary printed at the end

Options:
  --stack <name>     stack to plan (a Pulumi.<name>.yaml must exist)       required
  --models <dir>     folder of model specs                  default: models/ of the project root
  --out <dir>        output folder: new, empty or a previous plan's; replaced whole when the plan
                     is written (exit 0 or 2), left as it was otherwise    default: out/<stack>
  --program <file>   program module to evaluate instead of index.ts (tests, experiments)
  --project-root <dir>  folder holding Pulumi.<stack>.yaml (and models/)   default: the repository
  -h, --help         show this help

Exit codes: 0 plan valid; 1 invalid config, spec or rendered object, unknown stack, missing
models folder or --program, a refused --out; 2 a mandatory policy violation (the plan is still
written).`;

/** Thrown for unusable arguments; the CLI prints the message and the usage. */
export class ArgsError extends Error {}

const VALUE_FLAGS: Record<string, keyof PlanArgs> = {
  "--stack": "stack",
  "--models": "modelsDir",
  "--out": "outDir",
  "--program": "programPath",
  "--project-root": "projectRoot",
};

/** Parses `argv` (without node and the script). Accepts `--flag value` and `--flag=value`. */
export function parsePlanArgs(argv: readonly string[]): PlanArgs {
  const out: Record<string, string | boolean> = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      out.help = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const key = VALUE_FLAGS[flag];
    if (!key) throw new ArgsError(`unknown argument ${JSON.stringify(arg)}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === "" || (eq < 0 && value.startsWith("--")))
      throw new ArgsError(`${flag} needs a value`);
    // The last of two values would win silently (`--stack staging --stack prod` planning prod).
    if (out[key] !== undefined)
      throw new ArgsError(`${flag} given twice (${String(out[key])}, ${value}); give it once`);
    out[key] = value;
  }
  if (!out.help && out.stack === undefined) throw new ArgsError("--stack <name> is required");
  return out as unknown as PlanArgs;
}
