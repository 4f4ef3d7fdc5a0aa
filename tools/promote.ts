/**
 * `npm run promote -- --stack <name> --model <name> [--dry-run] [--prometheus <url>] [--models <dir>]`
 *
 * Metric-gated progressive canary (components/delivery/promote.ts) through the Pulumi Automation API:
 * each step of `canary.analysis.steps` sets the canary's traffic and runs `pulumi up`, waits
 * `intervalMinutes`, asks Prometheus with the `ModelCanaryDegraded` expressions, then advances or rolls
 * back (exit 3). At 100 the canary becomes stable and `models/<model>.yaml` is rewritten. Resumes from
 * the step deployed in the stack. `--dry-run` prints the plan and the queries and changes nothing.
 *
 * Needs the Pulumi CLI, the stack's credentials and a reachable Prometheus (e.g. `kubectl -n monitoring
 * port-forward svc/kube-prometheus-stack-prometheus 9090`); the default URL is $PROMETHEUS_URL or
 * http://localhost:9090.
 */
import * as path from "path";
import type { ModelSpec } from "../components/config/model-schema";
import * as fs from "fs";
import { knownStacks } from "../components/config/load";
import { automationDeployer } from "../components/delivery/automation-deployer";
import { specFilePath } from "../components/delivery/spec-file";
import { rejectedBy } from "../components/delivery/spec-writer";
import { canaryChecks, prometheusAnalyzer } from "../components/delivery/prometheus-analyzer";
import { runPromotion } from "../components/delivery/promote";
import { displayUrl, PrometheusQueryError, queryInstant } from "../components/delivery/prometheus-client";
import { InputError, loadStackAndSpecs, PROJECT_ROOT } from "./capacity/inputs";
import { checkFlags, cliFlags, prometheusUrlFlag } from "./capacity/cli-flags";

const USAGE = `Usage: npm run promote -- --stack <name> (--model <name> | --all) [--dry-run] [--prometheus <url>] [--models <dir>]

Metric-gated progressive canary: for each step of canary.analysis.steps sets the canary's traffic and
runs pulumi up, waits intervalMinutes, checks the ModelCanaryDegraded expressions in Prometheus, then
advances or rolls back. At 100 the canary becomes stable and models/<model>.yaml is rewritten.
Exit 0: promoted (or nothing to do); 3: rolled back; 1: bad input or failure.

Options:
  --stack <name>       stack to promote in                                  required
  --model <name>       model whose canary to promote                        (or --all)
  --all                every model with a canary in this stack, one after the other
  --dry-run            print the steps and the queries, change nothing
  --prometheus <url>   Prometheus of the stack        default: $PROMETHEUS_URL or http://localhost:9090
  --models <dir>       folder of model specs                                default: models/
  -h, --help           show this help`;

type Flags = Map<string, string>;

async function main(argv: string[]): Promise<number> {
  const flags = cliFlags(argv, USAGE, ["stack", "model", "prometheus", "models"], ["all", "dry-run"]);
  const stack = flags.get("stack");
  const model = flags.get("model");
  const all = flags.has("all");
  if (!stack || (!model && !all)) {
    console.error(`${stack ? "--model or --all" : "--stack"} is required\n\n${USAGE}`);
    return 1;
  }
  // Both would be read as --all, promoting every canary where one was meant.
  if (model && all) throw new InputError(`--model ${model} and --all: give one of them; nothing was changed`);
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
  flags: Flags,
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

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: Error) => {
    console.error(err instanceof InputError ? err.message : `promote failed: ${err.message}`);
    process.exitCode = 1;
  },
);
