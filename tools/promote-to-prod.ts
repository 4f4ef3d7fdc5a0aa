/**
 * `npm run promote-to-prod -- --model <name> [--hours 24] [--prometheus <staging url>] [--models <dir>]`
 *
 * Once the version staging serves as stable has been healthy there for `--hours` (asked of staging's
 * Prometheus: served throughout, no alert, errors within the SLO), writes the change that starts it as
 * the prod canary into `models/<model>.yaml`, ready for a pull request; `npm run promote -- --stack
 * prod` then takes it to 100% after the merge. Exit 0 written, 3 not ready yet, 1 bad input.
 */
import * as fs from "fs";
import * as path from "path";
import { durationSeconds } from "../components/config/duration";
import { analysisForNewCanary, ModelSpec } from "../components/config/model-schema";
import { CanaryAnalysis } from "../components/config/canary-schema";
import { startCanary } from "../components/delivery/spec-writer";
import { specFilePath, writeSpecFile } from "../components/delivery/spec-file";
import { knownStacks } from "../components/config/load";
import { checkStagingHealth } from "../components/delivery/staging-health";
import { InputError, loadStackAndSpecs, PROJECT_ROOT } from "./capacity/inputs";
import { checkFlags, positiveIntFlag, cliFlags, prometheusUrlFlag } from "./capacity/cli-flags";

/** Longest bake window: Prometheus's retention bounds it further (checked per stack). */
const MAX_HOURS = 24 * 30;

const USAGE = `Usage: npm run promote-to-prod -- --model <name> [--hours 24] [--prometheus <url>] [--models <dir>]

Once the version staging serves as stable has been healthy there for --hours (served throughout, no
alert, errors within the SLO, asked of staging's Prometheus), writes the change that starts it as the
prod canary into models/<model>.yaml, ready for a pull request.
Exit 0: written; 3: not ready yet (or a canary still in progress in staging or prod); 1: bad input
or a failure (Prometheus, files).

Options:
  --model <name>       model to promote                                     required
  --hours <h>          staging bake time in whole hours, at most staging's
                       Prometheus retention (and 720)                       default: 24
  --prometheus <url>   staging Prometheus        default: $STAGING_PROMETHEUS_URL or http://localhost:9090
  --models <dir>       folder of model specs                                default: models/
  -h, --help           show this help`;

async function main(argv: string[]): Promise<number> {
  const flags = cliFlags(argv, USAGE, ["model", "hours", "prometheus", "models"]);
  const model = flags.get("model");
  if (!model) throw new InputError(`--model is required\n\n${USAGE}`);
  const modelsDir = path.resolve(flags.get("models") ?? path.join(PROJECT_ROOT, "models"));
  const find = (stack: string) => {
    const { config, specs } = loadStackAndSpecs(stack, modelsDir);
    const spec = specs.find((s) => s.name === model);
    if (!spec)
      throw new InputError(
        `no model ${model} in ${modelsDir}; models: ${specs.map((s) => s.name).join(", ")}`,
      );
    return { config, spec };
  };
  // Every flag and both stacks' specs are checked before anything is asked: all problems at once.
  const [hours, prometheus, { config: stagingConfig, spec: staging }, { spec: prod }] = checkFlags(
    // Whole hours: the bake window is a PromQL range (`24h`), where `1.5h` is invalid.
    () => positiveIntFlag(flags.get("hours") ?? "24", "hours", MAX_HOURS),
    () => prometheusUrlFlag(flags, "STAGING_PROMETHEUS_URL"),
    () => find("staging"),
    () => find("prod"),
  );
  // A window longer than staging's Prometheus keeps could never pass: its first steps are gone.
  const retention = stagingConfig.addons.monitoring.retention;
  const kept = durationSeconds(retention) / 3600;
  if (hours > kept)
    throw new InputError(
      `--hours ${hours}: staging's Prometheus keeps ${retention} (addons.monitoring.retention in Pulumi.staging.yaml), so at most ${kept}`,
    );
  if (staging.canary) {
    console.log(`${model}: staging still has a canary (${staging.canary.modelUri}); promote it there first`);
    return 3;
  }
  const uri = staging.serving.modelUri;
  if (prod.serving.modelUri === uri || prod.canary?.modelUri === uri) {
    console.log(`${model}: prod already serves or canaries ${uri}; nothing to do`);
    return 0;
  }
  // A prod canary still being analysed is not replaced under it: its steps would resume on another
  // version (promote keeps the traffic level per model) or skip its analysis altogether.
  if (prod.canary) {
    console.log(
      `${model}: prod has a canary in progress (${prod.canary.modelUri}); promote or roll it back there first (npm run promote -- --stack prod --model ${model})`,
    );
    return 3;
  }
  const verdict = await checkStagingHealth(prometheus, staging, hours);
  for (const r of verdict.reasons) console.log(`  ${r}`);
  if (!verdict.ready) {
    console.log(`${model}: ${uri} is not ready for prod yet`);
    return 3;
  }
  const file = specFilePath(modelsDir, model);
  // Prod has no canary here: the new one is analysed as the model's canaryAnalysis says (over the
  // defaults) and starts at its first step.
  const analysis = analysisForNewCanary(prod);
  const firstStep = analysis.steps[0];
  // In stacks.prod when staging would otherwise inherit it.
  const others = knownStacks(PROJECT_ROOT, modelsDir).filter((s) => s !== "prod");
  await writeSpecFile(file, startCanary(fs.readFileSync(file, "utf8"), uri, firstStep, "prod", others));
  console.log(`${model}: wrote prod canary ${uri} at ${firstStep}% to ${path.relative(process.cwd(), file)}`);
  console.log(`  prod will analyse it: ${describeAnalysis(analysis, prod)}`);
  console.log(
    `next: git checkout -b promote/${model} && git commit -am "prod canary ${model} ${uri}" && open a pull request`,
  );
  return 0;
}

/** The analysis in one line, and where it comes from: a reviewer sees what will gate prod. */
function describeAnalysis(a: CanaryAnalysis, spec: ModelSpec): string {
  const latency = a.maxLatencyP99Ms ?? spec.slo.latencyP99Ms;
  const set = Object.keys(spec.canaryAnalysis ?? {});
  const from =
    set.length === 0
      ? "the defaults; set canaryAnalysis in the spec to change them"
      : set.length === 4
        ? "canaryAnalysis in the spec"
        : `${set.map((k) => `canaryAnalysis.${k}`).join(", ")} from the spec, defaults for the rest`;
  return `steps ${a.steps.join(", ")}% every ${a.intervalMinutes} min, errors at most ${a.maxErrorRatio}x stable's, p99 at most ${latency} ms (${from})`;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: Error) => {
    console.error(err instanceof InputError ? err.message : `promote-to-prod failed: ${err.message}`);
    process.exitCode = 1;
  },
);
