/**
 * Loads what the capacity tools need without a Pulumi runtime: the stack config from
 * `Pulumi.<stack>.yaml` (through the offline reader, `mlops-platform:` prefix stripped, values
 * JSON-decoded as the Pulumi CLI would hand them over), the model specs of a folder, and a traffic
 * CSV. Every input problem becomes an `InputError` whose message is safe to print without a trace;
 * `runCommand` turns it into a command's one-message refusal. Command-line flags are read in
 * cli-flags.ts, output files written in output-file.ts.
 */
import * as path from "path";
import { ConfigValidationError, Problem } from "../../components/config/errors";
import { checkModelSpecs } from "../../components/config/model-sources";
import {
  knownStacks,
  orphanedCanaryTraffic,
  projectStacks,
  stackFileLabel,
} from "../../components/config/load";
import { readTrafficHistoryFile, readTrafficText } from "../../components/config/traffic-history";
import type { ModelSpec, SpecContext } from "../../components/config/model-schema";
import { checkStackConfig } from "../../components/config/validate-stack-config";
import { CONFIG_NAMESPACE, StackConfig } from "../../components/config/stack-schema";
import { parseTrafficCsv, Traffic, TrafficError } from "../../components/capacity/traffic";
import { implausiblePeaks } from "../../components/capacity/traffic-load";
import { readStackFile, StackFileError, withUnsetKeys } from "../offline/stack-file";
import { decodeConfigValue } from "../../components/config/config-value";
import { InputError, PROJECT_ROOT } from "./command";

// Defined in command.ts, which a tool's entry loads before these: re-exported for the tools' bodies.
export { InputError, PROJECT_ROOT, runCommand } from "./command";

/** The validated stack config of `stack`. */
export function loadStackConfig(stack: string, root = PROJECT_ROOT): StackConfig {
  const { raw, file, unsetRequired } = readRawStackConfig(stack, root);
  const { config, problems } = checkStackConfig(raw, file);
  if (!config || unsetRequired.length > 0)
    throw asInputError(new ConfigValidationError(withUnsetKeys(unsetRequired, problems)));
  return config;
}

/**
 * The validated stack config of `stack` and model specs in `dir`, or one `InputError` with every
 * problem of both: a rejected stack file does not hide the specs' problems, which are checked
 * against the parts of it that still parse (`checkStackConfig`).
 */
export function loadStackAndSpecs(
  stack: string,
  dir: string,
  root = PROJECT_ROOT,
): { config: StackConfig; specs: ModelSpec[] } {
  let stackFile: RawStackConfig;
  try {
    stackFile = readRawStackConfig(stack, root);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    // No stack file (a typo in --stack) to check the specs against: they still get every check of
    // their own, so a wrong --models folder is named in the same message.
    throw new InputError([err.message, ...specsWithoutStack(dir, stack, root)].join("\n"));
  }
  const checkedStack = checkStackConfig(stackFile.raw, stackFile.file);
  const { config, parts } = checkedStack;
  const problems = withUnsetKeys(stackFile.unsetRequired, checkedStack.problems);
  const checked = checkSpecFolder(dir, stack, parts, root);
  problems.push(...checked.problems);
  if (config) problems.push(...orphanedCanaryTraffic(config, checked.specs, dir, stackFile.file));
  if (!config || problems.length > 0) throw asInputError(new ConfigValidationError(problems));
  return { config, specs: checked.specs };
}

/** The messages of the specs in `dir` checked without a stack config (its own checks only). */
function specsWithoutStack(dir: string, stack: string, root: string): string[] {
  try {
    const { problems } = checkSpecFolder(dir, stack, {}, root);
    return problems.length > 0 ? [asInputError(new ConfigValidationError(problems)).message] : [];
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return [err.message];
  }
}

/** The `mlops-platform:` keys of a stack file, decoded, and the required keys it leaves unset. */
interface RawStackConfig {
  readonly raw: Record<string, unknown>;
  readonly file: string;
  readonly unsetRequired: Problem[];
}

/** The `mlops-platform:` keys of `Pulumi.<stack>.yaml`, decoded as the Pulumi CLI hands them over. */
function readRawStackConfig(stack: string, root: string): RawStackConfig {
  try {
    const file = readStackFile(root, stack, CONFIG_NAMESPACE);
    const raw: Record<string, unknown> = {};
    const prefix = `${CONFIG_NAMESPACE}:`;
    for (const [key, value] of Object.entries(file.config)) {
      if (!key.startsWith(prefix) || file.secretKeys.includes(key)) continue;
      raw[key.slice(prefix.length)] = decodeConfigValue(value);
    }
    return { raw, file: file.file, unsetRequired: file.unsetRequired };
  } catch (err) {
    throw asInputError(err);
  }
}

/** The validated model specs in `dir` for `stack`. */
export function loadModelSpecs(dir: string, stack: string, config: SpecContext): ModelSpec[] {
  const { specs, problems } = checkSpecFolder(dir, stack, config);
  if (problems.length > 0) throw asInputError(new ConfigValidationError(problems));
  return specs;
}

/** `checkModelSpecs` of `dir`, where a folder without a spec is an `InputError` of its own. */
function checkSpecFolder(
  dir: string,
  stack: string,
  config: SpecContext,
  root = PROJECT_ROOT,
): { specs: ModelSpec[]; problems: Problem[] } {
  const checked = checkModelSpecs(dir, stack, config, knownStacks(root, dir));
  if (checked.files === 0 && checked.problems.length === 0)
    throw new InputError(`no model specs (*.yaml) in ${dir}; pass --models <dir>`);
  return checked;
}

/** Reads and parses a traffic CSV; every model must be one of `models` (when given). */
export function loadTraffic(file: string, models?: readonly string[]): Traffic {
  try {
    return parseTrafficCsv(readTrafficText(file), file, models);
  } catch (err) {
    throw asInputError(err);
  }
}

/** What a replay reads: the traffic, and the stack's models it has no rows for (left out). */
export interface ReplayTraffic {
  readonly traffic: Traffic;
  readonly withoutRows: readonly string[];
}

/**
 * The traffic a replay reads: `loadTraffic` for the specs' models, and refused when a model peaks
 * far beyond what its `replicas.max` could serve (`implausiblePeaks`), which would take the replay
 * hours and gigabytes. The refusal says whose `replicas.max` it compared with: a stack override
 * (staging's one replica) makes another stack's traffic look like a unit slip. A spec without rows
 * is left out of the replay, not an error: a model a team adds has no traffic in a week recorded
 * before it, and its pull request must still replay the others (`withoutRows` names it).
 */
export function loadReplayTraffic(file: string, specs: readonly ModelSpec[], stack: string): ReplayTraffic {
  const traffic = loadTraffic(
    file,
    specs.map((s) => s.name),
  );
  const problems = implausiblePeaks(traffic, specs);
  if (problems.length > 0) {
    const whose =
      `replicas.max is each spec's value for stack ${stack}, after its stacks.${stack} overrides: ` +
      `traffic of another stack replays with that stack's --stack`;
    throw new InputError(`${new TrafficError(file, problems).message}\n${whose}`);
  }
  return { traffic, withoutRows: specs.map((s) => s.name).filter((m) => !traffic.models.includes(m)) };
}

/** The line a replay prints for the models it left out (`ReplayTraffic.withoutRows`), or none. */
export function withoutRowsNotice(file: string, withoutRows: readonly string[]): string | undefined {
  if (withoutRows.length === 0) return undefined;
  const which = withoutRows.length === 1 ? "it is" : "they are";
  return (
    `note: ${file} has no rows for ${withoutRows.join(", ")}: ${which} left out of the replay ` +
    `(a model added after the traffic was recorded; plan costs a model without history at replicas.max)`
  );
}

/**
 * The stack's traffic history (`trafficHistory`, relative to `root`) restricted to `models`, with the
 * models it has rows for but no spec names (`ignored`: retired models, or a different models folder),
 * or `undefined` when the stack declares none. Specs without traffic are simply absent: a new model
 * has no history yet.
 */
export function loadTrafficHistory(
  root: string,
  config: StackConfig,
  models: readonly string[],
): { traffic: Traffic; ignored: string[] } | undefined {
  let all: Traffic | undefined;
  try {
    all = readTrafficHistoryFile(root, config);
  } catch (err) {
    throw asInputError(err);
  }
  if (!all) return undefined;
  const full = all;
  const keep = full.models.map((m, i) => [m, i] as const).filter(([m]) => models.includes(m));
  return {
    traffic: { ...full, models: keep.map(([m]) => m), rps: keep.map(([, i]) => full.rps[i]) },
    ignored: full.models.filter((m) => !models.includes(m)),
  };
}

/**
 * Every stack's declared traffic history (`trafficHistory`) under `root`, with what it is for: a
 * generated week written over one would silently become that stack's cost basis. A stack file that
 * cannot be read has no history here; the commands that read it report why.
 */
export function stackTrafficHistories(root: string): { file: string; why: string }[] {
  return projectStacks(root).flatMap((stack) => {
    try {
      const declared = readStackFile(root, stack, CONFIG_NAMESPACE).config[
        `${CONFIG_NAMESPACE}:trafficHistory`
      ];
      if (typeof declared !== "string" || declared === "") return [];
      return [
        {
          file: path.join(root, declared),
          why: `is the traffic history of stack ${stack} (${CONFIG_NAMESPACE}:trafficHistory in ${stackFileLabel(root, stack)}), the basis of its plan's costs and sales pre-scale`,
        },
      ];
    } catch {
      return [];
    }
  });
}

function asInputError(err: unknown): Error {
  if (err instanceof ConfigValidationError || err instanceof TrafficError || err instanceof StackFileError)
    return new InputError(err.message);
  return err as Error;
}

/** `n thing` or `n things`, with thousands separators. */
export function count(n: number, thing: string): string {
  return `${n.toLocaleString("en-US")} ${thing}${n === 1 ? "" : "s"}`;
}
