/**
 * The `plan` pipeline: evaluate the program offline, render every object, validate the objects
 * against maintained schemas, extract rules/dashboards/Alertmanager config, estimate capacity, run
 * the policies, then write the output folder in one swap. `tools/plan.ts` is the CLI around it.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import * as YAML from "yaml";
import { loadPlatformInputs, MODELS_DIR_ENV, PlatformInputs } from "../../components/config/load";
import { overrideEnv, resourceKey, runProgram } from "../offline/run-program";
import { alertsByModel, dashboardFiles, findAlertmanagerConfig, PlanProblem, ruleFiles } from "./artifacts";
import { planCapacitySummary } from "./capacity-planner";
import { planCapacity } from "../../components/capacity/packing";
import type { ModelSpec } from "../../components/config/model-schema";
import type { StackConfig } from "../../components/config/stack-schema";
import { expectedRpsFromTraffic } from "../../policies/lib/capacity";
import { InputError, loadTrafficHistory } from "../capacity/inputs";
import { trafficLoad } from "../../components/capacity/traffic-load";
import { outputFolderProblem, PLAN_OUTPUT_ENTRIES, writeOutputAtomically } from "./output";
import { buildPlanJson, countBy, planModel } from "./plan-json";
import { policyResources, runPolicies } from "./policy-hook";
import { findSecretLeaks, renderResources } from "./render";
import { SchemaRegistry, validateObjects } from "./schema-validate";
import { planNotices, policyReport, quietDriftModels, summaryText, unroutedTeams } from "./summary";
import { stackNotices } from "../../components/config/stack-notices";
import { policyConfigNotices } from "./policy-config-notice";

/** Options of one plan. */
export interface PlanOptions {
  readonly stack: string;
  /** Models folder. @default `<repo>/models` */
  readonly modelsDir?: string;
  /** Output folder. @default `out/<stack>` */
  readonly outDir?: string;
  /** Program module to evaluate. @default the repository's `index.ts` */
  readonly programPath?: string;
  /** Folder with the stack files. @default the repository root */
  readonly projectRoot?: string;
  /** Receives progress lines. @default nothing */
  readonly log?: (line: string) => void;
}

/** What a finished plan reports; `exitCode` 2 means a mandatory policy violation. */
export interface PlanOutcome {
  readonly exitCode: 0 | 2;
  readonly outDir: string;
  readonly summary: string;
  readonly plan: Record<string, unknown>;
}

/** The plan is invalid: every problem names the manifest file and what is wrong (exit 1). */
export class PlanError extends Error {
  readonly problems: readonly PlanProblem[];
  constructor(problems: readonly PlanProblem[]) {
    const lines = problems.slice(0, 50).map((p) => `  - ${p.file}: ${p.message}`);
    if (problems.length > 50) lines.push(`  ... and ${problems.length - 50} more`);
    super([`${problems.length} plan problem${problems.length === 1 ? "" : "s"}:`, ...lines].join("\n"));
    this.name = "PlanError";
    this.problems = problems;
  }
}

/** Repository root (this file lives in tools/plan/). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

const TOTAL_STEPS = 6;

function stepper(
  log: (line: string) => void,
): <T>(n: number, label: string, work: () => Promise<T> | T) => Promise<T> {
  return async (n, label, work) => {
    const start = Date.now();
    log(`[${n}/${TOTAL_STEPS}] ${label} ...`);
    const result = await work();
    log(`[${n}/${TOTAL_STEPS}] ${label} done in ${((Date.now() - start) / 1000).toFixed(2)}s`);
    return result;
  };
}

/** The checked-out commit and whether the tree has changes, or null outside a git checkout. */
export function gitState(cwd: string): { commit: string; dirty: boolean } | null {
  try {
    const opts = {
      cwd,
      encoding: "utf8" as const,
      stdio: ["ignore", "pipe", "ignore"] as ("ignore" | "pipe")[],
    };
    const commit = execFileSync("git", ["rev-parse", "HEAD"], opts).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], opts).trim() !== "";
    return { commit, dirty };
  } catch {
    return null;
  }
}

/**
 * The validated config and model specs exactly as the program saw them (same loader, same stack
 * config still set in the mock runtime, overrides such as promotion canary traffic applied).
 */
function programInputs(projectRoot: string, modelsDir: string): PlatformInputs {
  const restoreEnv = overrideEnv({ [MODELS_DIR_ENV]: modelsDir });
  try {
    return loadPlatformInputs(projectRoot);
  } finally {
    restoreEnv();
  }
}

/**
 * The stack's traffic history (`trafficHistory`), whose mean and peak rates the capacity estimate
 * and the budget policy use; a bad file is a plan problem naming it.
 */
function trafficHistory(projectRoot: string, config: StackConfig, models: readonly ModelSpec[]) {
  try {
    return loadTrafficHistory(
      projectRoot,
      config,
      models.map((m) => m.name),
    );
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw new PlanError([{ file: config.trafficHistory ?? "trafficHistory", message: err.message }]);
  }
}

/** The project folder and the models folder a plan reads, absolute: the repository and its models/ by default. */
export function planFolders(opts: { readonly projectRoot?: string; readonly modelsDir?: string }): {
  projectRoot: string;
  modelsDir: string;
} {
  const projectRoot = path.resolve(opts.projectRoot ?? REPO_ROOT);
  return { projectRoot, modelsDir: path.resolve(opts.modelsDir ?? path.join(projectRoot, "models")) };
}

/** Runs the whole plan. Throws `ConfigValidationError`, `StackFileError` or `PlanError` on bad input. */
export async function runPlan(opts: PlanOptions): Promise<PlanOutcome> {
  const log = opts.log ?? (() => undefined);
  const step = stepper(log);
  const { projectRoot, modelsDir } = planFolders(opts);
  const outDir = path.resolve(opts.outDir ?? path.join("out", opts.stack));
  // Checked before anything runs: the swap at the end deletes whatever the folder held.
  const outProblem = outputFolderProblem(outDir, [projectRoot, modelsDir], [modelsDir]);
  if (outProblem)
    throw new PlanError([
      { file: `--out ${path.relative(process.cwd(), outDir) || "."}`, message: outProblem },
    ]);

  const run = await step(1, "evaluating program", () =>
    runProgram({
      stack: opts.stack,
      projectRoot,
      modelsDir,
      programPath: opts.programPath,
      fastStackTraces: true,
    }),
  );
  const { config, models } = programInputs(projectRoot, modelsDir);
  // A stack without models is valid (the platform first, models later), but an empty --models
  // folder is more often a wrong path: say so instead of planning silently without them.
  if (models.length === 0)
    log(`no model specs (*.yaml) in ${opts.modelsDir ?? modelsDir}: planning the platform only`);
  const loaded = trafficHistory(projectRoot, config, models);
  if (loaded && loaded.ignored.length > 0)
    log(`traffic history ${config.trafficHistory}: no spec for ${loaded.ignored.join(", ")}; ignored`);
  const history = loaded?.traffic;

  const { manifests, warnings } = await step(2, "rendering manifests", () => renderResources(run.resources));

  const schema = await step(3, "validating schemas", () =>
    validateObjects(
      manifests.map((m) => ({
        file: m.file,
        apiVersion: m.apiVersion,
        // Patches are partial objects by design: reported as not covered instead of failing required fields.
        kind: m.manifestKind === "patch" ? `${m.kind}Patch` : m.kind,
        object: m.plain,
      })),
      new SchemaRegistry(REPO_ROOT),
    ),
  );

  const files = new Map<string, string>();
  const problems: PlanProblem[] = schema.errors.map((e) => ({
    file: e.file,
    message: `${e.path}: ${e.message}`,
  }));
  const alertmanager = await step(4, "extracting rules, dashboards and Alertmanager config", () => {
    for (const m of manifests) files.set(m.file, YAML.stringify(m.object, { lineWidth: 0 }));
    const rules = ruleFiles(manifests);
    const dashboards = dashboardFiles(manifests);
    problems.push(...rules.problems, ...dashboards.problems);
    for (const f of [...rules.files, ...dashboards.files]) files.set(f.file, f.text);
    const am = findAlertmanagerConfig(manifests);
    if (am) files.set("alertmanager.yaml", am.text);
    return { source: am?.source ?? null, rules: rules.files.length, dashboards: dashboards.files.length };
  });
  if (problems.length > 0) throw new PlanError(problems);

  const { capacity, policy } = await step(5, "estimating capacity and evaluating policies", async () => {
    const opt = (type: string, name: string) =>
      run.options.get(resourceKey(type, name)) ?? { protect: false };
    return {
      capacity: planCapacitySummary(config, models, planCapacity, history && trafficLoad(history)),
      policy: await runPolicies(
        REPO_ROOT,
        run,
        policyResources(run.project, run.stack, run.resources, opt),
        config,
        models,
        // Exact means, as the cost summary sizes on: one figure and one budget verdict.
        history && expectedRpsFromTraffic(history, true),
      ),
    };
  });

  const alerts = alertsByModel(manifests);
  const byType = countBy(
    run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack"),
    (r) => r.type,
  );
  const advice = {
    unsetSecrets: run.stackConfig.unsetSecrets,
    unroutedTeams: unroutedTeams(models, config.alerting),
    noReceivers: Object.keys(config.alerting.receivers).length === 0,
    quietDrift: quietDriftModels(models),
    stackNotices: [...stackNotices(config, models), ...policyConfigNotices(projectRoot, run.stack)],
  };
  const plan = buildPlanJson({
    project: run.project,
    stack: run.stack,
    config,
    models,
    resources: run.resources,
    protectedResources: [...run.options].filter(([, o]) => o.protect).map(([key]) => key),
    manifests,
    warnings,
    alerts,
    capacity,
    policy,
    schema,
    unsetSecrets: run.stackConfig.unsetSecrets,
    notices: planNotices(advice),
    secretLeaks: findSecretLeaks(files),
    git: gitState(projectRoot),
    files: {
      manifests: manifests.length,
      rules: alertmanager.rules,
      dashboards: alertmanager.dashboards,
      alertmanager: alertmanager.source,
    },
  });
  const summary = summaryText({
    stack: run.stack,
    outDir: path.relative(process.cwd(), outDir) || ".",
    byType,
    models: models.map((m) => planModel(m, alerts.get(m.name) ?? [])),
    capacity,
    policy,
    schema,
    warnings: plan.warnings as { resource: string; message: string }[],
    ...advice,
    timeZone: config.timeZone,
  });
  files.set("plan.json", `${JSON.stringify(plan, null, 2)}\n`);
  files.set("policy-report.md", policyReport(run.stack, policy));
  files.set("summary.txt", `${summary}\n`);
  // outputFolderProblem lets the next plan replace only a folder of these entries: anything else
  // written here would make it refuse this plan's output.
  const unlisted = [...files.keys()]
    .map((f) => f.split("/")[0])
    .find((e) => !PLAN_OUTPUT_ENTRIES.includes(e));
  if (unlisted) throw new Error(`plan output ${unlisted} is missing from PLAN_OUTPUT_ENTRIES`);

  await step(6, `writing ${files.size} files`, () =>
    writeOutputAtomically(outDir, files).catch((err: NodeJS.ErrnoException) => {
      // A place that cannot be written (read-only, /proc, permissions) is the --out's fault.
      if (!err.code) throw err;
      const where = path.relative(process.cwd(), outDir) || ".";
      throw new PlanError([{ file: `--out ${where}`, message: `cannot write there (${err.message})` }]);
    }),
  );
  return { exitCode: policy.mandatory > 0 ? 2 : 0, outDir, summary, plan };
}
