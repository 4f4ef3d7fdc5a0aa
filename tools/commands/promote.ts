/**
 * The body of `npm run promote` (tools/promote.ts), loaded once its flags are read: checks
 * Prometheus and the specs, then promotes each selected canary through the Automation API.
 */
import * as path from "path";
import type { ModelSpec } from "../../components/config/model-schema";
import * as fs from "fs";
import { knownStacks } from "../../components/config/load";
import { automationDeployer } from "../../components/delivery/automation-deployer";
import { specFilePath } from "../../components/delivery/spec-file";
import { rejectedBy } from "../../components/delivery/spec-writer";
import { canaryChecks, prometheusAnalyzer } from "../../components/delivery/prometheus-analyzer";
import { runPromotion } from "../../components/delivery/promote";
import { displayUrl, PrometheusQueryError, queryInstant } from "../../components/delivery/prometheus-client";
import { InputError, loadStackAndSpecs, PROJECT_ROOT } from "../capacity/inputs";
import { checkFlags, prometheusUrlFlag } from "../capacity/cli-flags";

/**
 * Runs `promote` for its parsed `flags`: `model`, or every model with a canary when `all`; returns
 * the exit code (3 when a canary was rolled back).
 */
export async function promoteCommand(
  flags: ReadonlyMap<string, string>,
  stack: string,
  model: string | undefined,
  all: boolean,
): Promise<number> {
  const modelsDir = path.resolve(flags.get("models") ?? path.join(PROJECT_ROOT, "models"));
  const [prometheus, { specs }] = checkFlags(
    () => prometheusUrlFlag(flags, "PROMETHEUS_URL", "; nothing was changed"),
    () => loadStackAndSpecs(stack, modelsDir),
  );
  // --all: every model with a canary in this stack, one after the other (CI after a deploy).
  const selected = all ? specs.filter((s) => s.canary) : specs.filter((s) => s.name === model);
  if (!all && selected.length === 0)
    throw new InputError(`no model ${model} in ${modelsDir}; models: ${specs.map((s) => s.name).join(", ")}`);
  // The first deploy step moves traffic before the first analysis: a Prometheus that cannot answer
  // must stop the run before that, not leave a canary at its first step (a dry run deploys nothing).
  if (selected.length > 0 && !flags.has("dry-run")) {
    try {
      await queryInstant(prometheus, "vector(1)");
    } catch (err) {
      if (!(err instanceof PrometheusQueryError)) throw err;
      throw new InputError(`--prometheus ${displayUrl(prometheus)}: ${err.message}; nothing was changed`);
    }
  }
  let exit = 0;
  for (const [i, spec] of selected.entries()) {
    try {
      exit = Math.max(exit, await promoteOne(spec, stack, modelsDir, prometheus, flags));
    } catch (err) {
      // The last line names the model (with --all the lines before may be another's), and what
      // was left alone: the run stops, as a failing deploy or Prometheus would fail them too.
      const rest = selected.slice(i + 1).map((s) => s.name);
      const skipped = rest.length > 0 ? `; not attempted: ${rest.join(", ")}` : "";
      throw new Error(`${spec.name} in ${stack}: ${(err as Error).message}${skipped}`, { cause: err });
    }
  }
  if (all && selected.length === 0) console.log(`${stack}: no model has a canary`);
  return exit;
}

async function promoteOne(
  spec: ModelSpec,
  stack: string,
  modelsDir: string,
  prometheus: string,
  flags: ReadonlyMap<string, string>,
): Promise<number> {
  const model = spec.name;
  const log = (line: string) => console.log(line);
  const deployer = automationDeployer({ stackName: stack, workDir: PROJECT_ROOT, modelsDir, log });
  // A canary in the base of the spec runs in every stack: one another stack rolled back is degraded
  // here too, whatever this stack's analysis would say.
  const others = knownStacks(PROJECT_ROOT, modelsDir).filter((s) => s !== stack);
  const uri = spec.canary?.modelUri;
  const rejecting = uri
    ? rejectedBy(fs.readFileSync(specFilePath(modelsDir, model), "utf8"), uri, others)
    : [];
  if (uri && rejecting.length > 0) {
    log(
      `${model}: ${uri} was rolled back in ${rejecting.join(", ")} (its rolledBack list there); it is not promoted in ${stack}`,
    );
    if (flags.has("dry-run")) return 0;
    log(`${model}: rolling the canary back in ${stack} too`);
    await deployer.rollback(model, uri);
    log(`${model}: rolled-back`);
    return 3;
  }
  const result = await runPromotion({
    spec,
    checks: canaryChecks(spec),
    deployer,
    analyze: prometheusAnalyzer(prometheus),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log,
    dryRun: flags.has("dry-run"),
  });
  log(`${model}: ${result.outcome}${result.failedStep ? ` at ${result.failedStep}%` : ""}`);
  return result.outcome === "rolled-back" ? 3 : 0;
}
