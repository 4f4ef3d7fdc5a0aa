/**
 * The one entry that reads Pulumi config, the environment and model YAML files (STYLE rule 7), with
 * the readers beside it: model-sources.ts (the models folder), traffic-history.ts (the traffic CSV),
 * stack-config-keys.ts (the Pulumi runtime's keys) and yaml-document.ts. Everything downstream
 * receives typed, validated values.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigValidationError, pathInside, Problem } from "./errors";
import { ModelSpec } from "./model-schema";
import { CONFIG_NAMESPACE, HeldCanary, heldForCanary, StackConfig } from "./stack-schema";
import { checkStackConfig, StackParts } from "./validate-stack-config";
import {
  misspeltNamespaceProblems,
  providerRegionProblems,
  rawStackConfig,
  secretKeyProblems,
} from "./stack-config-keys";
import { checkModelSpecs, specFileNames } from "./model-sources";
import { readTrafficHistoryFile } from "./traffic-history";
import { Traffic, TrafficError } from "../capacity/traffic";

/** Everything the program needs from config: the stack, its validated settings and the models. */
export interface PlatformInputs {
  readonly project: string;
  readonly stack: string;
  readonly config: StackConfig;
  readonly models: ModelSpec[];
  /**
   * The stack's traffic history (`trafficHistory`), for sizing the sales-event pre-scale; rows of
   * models without a spec are ignored.
   */
  readonly history?: Traffic;
  /** Reads a secret stack config key; the value stays an Output marked secret. */
  readonly secret: (key: string) => pulumi.Output<string>;
}

/** Environment variable the offline tools use to point the program at another models folder. */
export const MODELS_DIR_ENV = "MLOPS_MODELS_DIR";

/**
 * Environment variable the offline tools use to point the program at another project root (the
 * folder of `Pulumi.<stack>.yaml`, against which `trafficHistory` and `models/` are read).
 */
export const PROJECT_ROOT_ENV = "MLOPS_PROJECT_ROOT";

/**
 * How a problem names `stack`'s settings file: its path from the working folder, so that a plan of
 * another folder (`--project-root`) does not name the repository's own `Pulumi.<stack>.yaml`. Under
 * the Pulumi CLI, which runs in the project folder, that is the file name alone.
 */
export function stackFileLabel(projectRoot: string, stack: string): string {
  const file = path.resolve(projectRoot, `Pulumi.${stack}.yaml`);
  return path.relative(process.cwd(), file) || file;
}

/**
 * Reads and validates the stack config and all model specs. Throws one `ConfigValidationError`
 * listing every problem in the stack file and every model file, before any resource is declared.
 */
export function loadPlatformInputs(programDir: string): PlatformInputs {
  const projectRoot = process.env[PROJECT_ROOT_ENV] ?? programDir;
  const stack = pulumi.getStack();
  const project = pulumi.getProject();
  const stackFile = stackFileLabel(projectRoot, stack);
  const raw = rawStackConfig();
  // A rejected stack file does not hide the specs' problems: they are checked against the parts of
  // it that still parse, and the next run has nothing new to say.
  const { config, parts, problems: stackProblems } = checkStackConfig(raw, stackFile);
  const secrets = secretKeyProblems(raw, stackFile);
  const problems = [
    ...misspeltNamespaceProblems(stackFile),
    ...providerRegionProblems(stackFile),
    // A secret key set in plain text is not an unknown setting: it is said how to set it instead;
    // a setting left out because it is secret has no other problem than that.
    ...stackProblems.filter(
      (p) => !secrets.plainKeys.has(p.path) && !secrets.secretSettings.some((k) => pathInside(p.path, k)),
    ),
    ...secrets.problems,
  ];
  const modelsDir = process.env[MODELS_DIR_ENV] ?? path.join(projectRoot, "models");
  const checked = checkModelSpecs(modelsDir, stack, parts, knownStacks(projectRoot, modelsDir));
  problems.push(...checked.problems);
  let models = checked.specs;
  const history = readTrafficHistory(projectRoot, parts, stackFile, problems);
  if (!config) throw new ConfigValidationError(problems);
  // A spec that was rejected is still a model: its file name is its name (checked), so a rejected
  // spec does not make its canaryTraffic key look orphaned, and an orphaned key is listed at once.
  problems.push(...orphanedCanaryTraffic(config, models, modelsDir, stackFile));
  if (problems.length > 0) throw new ConfigValidationError(problems);
  models = models.map((m) => applyCanaryTraffic(m, config.canaryTraffic[m.name]));
  const cfg = new pulumi.Config(CONFIG_NAMESPACE);
  return { project, stack, config, models, history, secret: (key) => cfg.requireSecret(key) };
}

/**
 * `canaryTraffic` keys of no model (a model renamed or removed while a promotion held it): `pulumi up`
 * refuses them, so the plan and the delivery tools do too, before anything runs. A spec that was
 * rejected is still a model: its file name is its name.
 */
export function orphanedCanaryTraffic(
  config: Pick<StackConfig, "canaryTraffic">,
  models: readonly Pick<ModelSpec, "name">[],
  modelsDir: string,
  stackFile: string,
): Problem[] {
  const known = new Set([...models.map((m) => m.name), ...specFileNames(modelsDir)]);
  return Object.keys(config.canaryTraffic)
    .filter((model) => !known.has(model))
    .map((model) => ({
      file: stackFile,
      path: `${CONFIG_NAMESPACE}:canaryTraffic.${model}`,
      reason: "no model of that name; remove the key (it is written by npm run promote)",
    }));
}

/** The declared traffic history, or a problem naming the key and the file's own problems. */
function readTrafficHistory(
  projectRoot: string,
  config: Pick<StackParts, "trafficHistory">,
  stackFile: string,
  problems: Problem[],
): Traffic | undefined {
  try {
    return readTrafficHistoryFile(projectRoot, config);
  } catch (err) {
    if (!(err instanceof TrafficError)) throw err;
    problems.push({ file: stackFile, path: `${CONFIG_NAMESPACE}:trafficHistory`, reason: err.message });
    return undefined;
  }
}

/**
 * Applies the promotion tool's canary traffic override: a percent replaces the spec's, 0 removes the
 * canary (a rollback). Without an override the spec is returned unchanged.
 */
export function applyCanaryTraffic(spec: ModelSpec, held: HeldCanary | undefined): ModelSpec {
  // A level held for another version is that version's: a canary the spec replaced since (a hand
  // edit mid-promotion) starts at its own trafficPercent and is analysed from the first step.
  if (held === undefined || !spec.canary || !heldForCanary(held, spec.canary.modelUri)) return spec;
  const percent = held.percent;
  if (percent === 0) {
    const { canary: _removed, ...rest } = spec;
    return rest;
  }
  return { ...spec, canary: { ...spec.canary, trafficPercent: percent } };
}

/** The project's stacks: the names of its `Pulumi.<stack>.yaml` files, sorted. */
export function projectStacks(projectRoot: string): string[] {
  if (!fs.existsSync(projectRoot) || !fs.statSync(projectRoot).isDirectory()) return [];
  return fs
    .readdirSync(projectRoot)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/**
 * Stack names a model spec's `stacks:` block may use: those of the project being run and of the
 * project whose folder holds the models (a models folder shared with another project's stacks).
 */
export function knownStacks(projectRoot: string, modelsDir: string): string[] {
  return [
    ...new Set([...projectStacks(projectRoot), ...projectStacks(path.dirname(path.resolve(modelsDir)))]),
  ].sort();
}
