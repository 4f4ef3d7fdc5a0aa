/**
 * Benchmark of `npm run plan`: generates 12, 100 and 500 model specs (variations of the committed
 * ones in models/, or of test/plan/fixtures/models while models/ is empty), times one plan per size
 * as a child process, and prints the table with each step's time and the ratio t(500)/t(100).
 * Targets: 100 models within 20 s on a 2-core machine, t(500)/t(100) <= 5.5.
 *
 *   npx ts-node --transpile-only tools/bench-plan.ts [--stack prod] [--sizes 12,100,500] [--program <file>]
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { InputError, loadStackConfig, runCommand } from "./capacity/inputs";
import { checkFlags, cliFlags, positiveIntFlag } from "./capacity/cli-flags";

const ROOT = path.resolve(__dirname, "..");
const TARGET_100_SECONDS = 20;
const TARGET_RATIO = 5.5;

/** The spec files variations are made from. */
function baseSpecs(): { file: string; data: Record<string, unknown> }[] {
  const committed = path.join(ROOT, "models");
  const dir =
    fs.existsSync(committed) && fs.readdirSync(committed).some((f) => /\.ya?ml$/.test(f))
      ? committed
      : path.join(ROOT, "test", "plan", "fixtures", "models");
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => ({
      file: f,
      data: YAML.parse(fs.readFileSync(path.join(dir, f), "utf8")) as Record<string, unknown>,
    }));
}

/** Writes `count` specs: the base specs cycled, each renamed `<name>-<i>` (file name = model name). */
function generateSpecs(count: number, into: string): void {
  const bases = baseSpecs();
  fs.mkdirSync(into, { recursive: true });
  for (let i = 0; i < count; i++) {
    const base = bases[i % bases.length].data;
    const name = `${String(base.name).slice(0, 50)}-${i}`;
    fs.writeFileSync(path.join(into, `${name}.yaml`), YAML.stringify({ ...base, name }));
  }
}

interface Row {
  models: number;
  seconds: number;
  exit: number | null;
  resources: number;
  manifests: number;
  steps: string;
}

function timePlan(stack: string, count: number, work: string, program?: string): Row {
  const models = path.join(work, `models-${count}`);
  generateSpecs(count, models);
  const args = [
    "-r",
    "ts-node/register/transpile-only",
    "tools/plan.ts",
    "--stack",
    stack,
    "--models",
    models,
  ];
  args.push("--out", path.join(work, `out-${count}`));
  if (program) args.push("--program", program);
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0 && r.status !== 2) {
    process.stderr.write(r.stderr);
    throw new InputError(`plan with ${count} models exited ${r.status} (see its messages above)`);
  }
  const plan = JSON.parse(fs.readFileSync(path.join(work, `out-${count}`, "plan.json"), "utf8")) as {
    resources: { count: number };
    kubernetes: { manifests: number };
  };
  const steps = [...r.stderr.matchAll(/\[(\d)\/\d\] .* done in (\d+\.\d+)s/g)]
    .map((m) => `${m[1]}:${m[2]}`)
    .join(" ");
  return {
    models: count,
    seconds,
    exit: r.status,
    resources: plan.resources.count,
    manifests: plan.kubernetes.manifests,
    steps,
  };
}

const USAGE = `Usage: npm run bench:plan -- [--stack prod] [--sizes 12,100,500] [--program <file>]

Times npm run plan as a child process on generated specs (variations of models/) at each size and
prints each step's time; targets: 100 models within 20 s on 2 cores, t(500)/t(100) <= 5.5.

Options:
  --stack <name>     stack to plan                                          default: prod
  --sizes <list>     comma-separated model counts, each 1-5000              default: 12,100,500
  --program <file>   program module instead of index.ts
  -h, --help         show this help`;

function main(): void {
  const flags = cliFlags(process.argv.slice(2), USAGE, ["stack", "sizes", "program"]);
  const stack = flags.get("stack") ?? "prod";
  const [sizes] = checkFlags(
    () => (flags.get("sizes") ?? "12,100,500").split(",").map((n) => positiveIntFlag(n, "sizes", 5000)),
    () => loadStackConfig(stack),
  );
  const programArg = flags.get("program");
  const program = programArg ? path.resolve(programArg) : undefined;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "bench-plan-"));
  const rows: Row[] = [];
  try {
    for (const n of sizes) {
      process.stderr.write(`planning ${n} models ...\n`);
      rows.push(timePlan(stack, n, work, program));
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const header = [
    "models",
    "seconds",
    "exit",
    "resources",
    "manifests",
    "step seconds (1 eval, 2 render, 3 schema, 4 extract, 5 capacity+policy, 6 write)",
  ];
  const lines = rows.map((r) => [
    String(r.models),
    r.seconds.toFixed(2),
    String(r.exit),
    String(r.resources),
    String(r.manifests),
    r.steps,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  console.log(
    `plan benchmark: stack ${stack}, program ${program ? path.relative(ROOT, program) : "index.ts"}, ${os.cpus().length} cores`,
  );
  console.log([fmt(header), fmt(widths.map((w) => "-".repeat(w))), ...lines.map(fmt)].join("\n"));
  const t100 = rows.find((r) => r.models === 100)?.seconds;
  const t500 = rows.find((r) => r.models === 500)?.seconds;
  if (t100 !== undefined)
    console.log(
      `t(100) = ${t100.toFixed(2)} s (target <= ${TARGET_100_SECONDS} s): ${t100 <= TARGET_100_SECONDS ? "met" : "MISSED"}`,
    );
  if (t100 !== undefined && t500 !== undefined) {
    const ratio = t500 / t100;
    console.log(
      `t(500)/t(100) = ${ratio.toFixed(2)} (target <= ${TARGET_RATIO}): ${ratio <= TARGET_RATIO ? "met" : "MISSED"}`,
    );
  }
}

runCommand(main);
