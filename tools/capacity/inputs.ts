/**
 * Loads what the capacity tools need without a Pulumi runtime: the stack config from
 * `Pulumi.<stack>.yaml` (through the offline reader, `mlops-platform:` prefix stripped, values
 * JSON-decoded as the Pulumi CLI would hand them over), the model specs of a folder, and a traffic
 * CSV. Every input problem becomes an `InputError` whose message is safe to print without a trace.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigValidationError, Problem } from "../../components/config/errors";
import { checkModelSpecs } from "../../components/config/model-sources";
import { knownStacks, orphanedCanaryTraffic } from "../../components/config/load";
import { readTrafficHistoryFile, readTrafficText } from "../../components/config/traffic-history";
import type { ModelSpec, SpecContext } from "../../components/config/model-schema";
import { checkStackConfig, validateStackConfig } from "../../components/config/validate-stack-config";
import { CONFIG_NAMESPACE, StackConfig } from "../../components/config/stack-schema";
import { implausiblePeaks, parseTrafficCsv, Traffic, TrafficError } from "../../components/capacity/traffic";
import { readStackFile, StackFileError } from "../offline/stack-file";
import { displayUrl } from "../../components/delivery/prometheus-client";
import { createFolders, missingFolders } from "../output-paths";
import { decodeConfigValue } from "../../components/config/config-value";

/** A user-facing input problem (bad stack, spec or CSV); the CLI prints `message` and exits 1. */
export class InputError extends Error {}

/**
 * Runs a command's synchronous `main`: its returned exit code, if any, becomes the process's; an
 * `InputError` is the command's one-message refusal (stderr, exit code 1, no stack trace); anything
 * else is a bug and keeps its stack trace.
 */
export function runCommand(main: () => number | void): void {
  try {
    const code = main();
    if (typeof code === "number") process.exitCode = code;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    console.error(err.message);
    process.exitCode = 1;
  }
}

/** Repository root (two levels above this file). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

/** The validated stack config of `stack`. */
export function loadStackConfig(stack: string, root = PROJECT_ROOT): StackConfig {
  const { raw, file } = readRawStackConfig(stack, root);
  try {
    return validateStackConfig(raw, file);
  } catch (err) {
    throw asInputError(err);
  }
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
  let stackFile: { raw: Record<string, unknown>; file: string };
  try {
    stackFile = readRawStackConfig(stack, root);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    // No stack file (a typo in --stack) to check the specs against: they still get every check of
    // their own, so a wrong --models folder is named in the same message.
    throw new InputError([err.message, ...specsWithoutStack(dir, stack, root)].join("\n"));
  }
  const { config, parts, problems } = checkStackConfig(stackFile.raw, stackFile.file);
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

/** The `mlops-platform:` keys of `Pulumi.<stack>.yaml`, decoded as the Pulumi CLI hands them over. */
function readRawStackConfig(stack: string, root: string): { raw: Record<string, unknown>; file: string } {
  try {
    const file = readStackFile(root, stack, CONFIG_NAMESPACE);
    const raw: Record<string, unknown> = {};
    const prefix = `${CONFIG_NAMESPACE}:`;
    for (const [key, value] of Object.entries(file.config)) {
      if (!key.startsWith(prefix) || file.secretKeys.includes(key)) continue;
      raw[key.slice(prefix.length)] = decodeConfigValue(value);
    }
    return { raw, file: file.file };
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

/**
 * The traffic a replay reads: `loadTraffic` for the specs' models, and refused when a model peaks
 * far beyond what its `replicas.max` could serve (`implausiblePeaks`), which would take the replay
 * hours and gigabytes.
 */
export function loadReplayTraffic(file: string, specs: readonly ModelSpec[]): Traffic {
  const traffic = loadTraffic(
    file,
    specs.map((s) => s.name),
  );
  const problems = implausiblePeaks(traffic, specs);
  if (problems.length > 0) throw new InputError(new TrafficError(file, problems).message);
  return traffic;
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

function asInputError(err: unknown): Error {
  if (err instanceof ConfigValidationError || err instanceof TrafficError || err instanceof StackFileError)
    return new InputError(err.message);
  return err as Error;
}

/** `--help` or `-h` was given: the tool prints its usage and does nothing else. */
export class HelpRequested extends Error {}

/**
 * `--name value` flags (and value-less `booleans`, set to "true") into a map; throws an `InputError`
 * naming an unknown flag, so a typo such as `--dryrun` can never run the real thing, and
 * `HelpRequested` when `--help` or `-h` is anywhere in `argv`.
 */
export function parseFlags(
  argv: readonly string[],
  allowed: readonly string[],
  booleans: readonly string[] = [],
): Map<string, string> {
  if (argv.some((a) => a === "--help" || a === "-h")) throw new HelpRequested();
  const out = new Map<string, string>();
  const known = [...allowed, ...booleans].map((a) => `--${a}`).join(", ");
  for (let i = 0; i < argv.length; i++) {
    // `--flag=value` is the same as `--flag value`, as in `plan`.
    const eq = argv[i].startsWith("--") ? argv[i].indexOf("=") : -1;
    const flag = eq > 0 ? argv[i].slice(0, eq) : argv[i];
    const name = flag.replace(/^--/, "");
    if (flag.startsWith("--") && booleans.includes(name) && eq < 0) {
      out.set(name, "true");
      continue;
    }
    // A mistyped `--prometeus=http://user:password@host` or a stray URL may carry credentials.
    if (!flag.startsWith("--") || !allowed.includes(name))
      throw new InputError(
        `unknown argument ${eq > 0 ? `${flag}=${displayUrl(argv[i].slice(eq + 1))}` : displayUrl(argv[i])}; allowed: ${known}`,
      );
    const value = eq > 0 ? argv[i].slice(eq + 1) : argv[i + 1];
    if (value === undefined || value === "" || (eq < 0 && value.startsWith("--")))
      throw new InputError(`${flag} needs a value`);
    // The last of two values would win silently (`--stack staging --stack prod` planning prod).
    if (out.has(name))
      throw new InputError(
        `${flag} given twice (${displayUrl(out.get(name)!)}, ${displayUrl(value)}); give it once`,
      );
    out.set(name, value);
    if (eq < 0) i++;
  }
  return out;
}

/**
 * `parseFlags` for a tool's `main`: on `--help` prints `usage` on stdout and exits 0 before any work.
 */
export function cliFlags(
  argv: readonly string[],
  usage: string,
  allowed: readonly string[],
  booleans: readonly string[] = [],
): Map<string, string> {
  try {
    return parseFlags(argv, allowed, booleans);
  } catch (err) {
    if (!(err instanceof HelpRequested)) throw err;
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
}

/** The value of `--<flag>` as an http(s) URL, or an `InputError` naming the flag. */
export function httpUrlFlag(value: string, flag: string, suffix = ""): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
    throw new InputError(
      `--${flag} ${displayUrl(value)}: not an http(s) URL (e.g. http://localhost:9090)${suffix}`,
    );
  // Credentials are sent decoded (basic auth): a % that starts no %XX escape cannot be.
  for (const [part, text] of [
    ["user name", url.username],
    ["password", url.password],
  ] as const) {
    try {
      decodeURIComponent(text);
    } catch {
      throw new InputError(
        `--${flag} ${displayUrl(value)}: the ${part} holds a % that is not a %XX escape; write % as %25${suffix}`,
      );
    }
  }
  return value;
}

/** A positive whole number from `--<flag>`, at most `max`, or an `InputError` naming the flag. */
export function positiveIntFlag(value: string, flag: string, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > max)
    throw new InputError(`--${flag} ${value}: expected a whole number from 1 to ${max}`);
  return n;
}

/** Where and how an output file is written, as `checkOutputFile` found the path. */
export interface OutputTarget {
  /** The file to replace: the path itself, or through symbolic links the file they point to. */
  readonly target: string;
  /** Folders to create first, top-down. */
  readonly missing: readonly string[];
  /** A device or pipe (`/dev/stdout`, `/dev/null`): written in place, not replaced. */
  readonly inPlace: boolean;
}

/**
 * Checks that `--<flag> <file>` can be written, before any work is done: not a folder, no file where
 * a folder on its path should be, and a folder that takes a new file (tried with an empty probe
 * file, which also catches read-only and virtual file systems a permission check passes as root).
 */
export function checkOutputFile(file: string, flag: string, inputs: OutputInputs = {}): OutputTarget {
  const resolved = path.resolve(file);
  const fail = (why: string): never => {
    throw new InputError(`--${flag} ${file}: ${why}`);
  };
  const existing = fs.existsSync(resolved) ? fs.statSync(resolved) : undefined;
  if (existing?.isDirectory()) fail("is a folder, not a file");
  if (existing && !existing.isFile()) return { target: resolved, missing: [], inPlace: true };
  const target = existing ? fs.realpathSync(resolved) : danglingLinkTarget(resolved);
  const clash = inputClash(target, inputs);
  if (clash) fail(`${clash}; write the output elsewhere`);
  const folders = missingFolders(path.dirname(target));
  if (!fs.statSync(folders.existing).isDirectory())
    fail(`${folders.existing} is a file, so the folder cannot be created`);
  const probeIn = folders.missing.length > 0 ? folders.existing : path.dirname(target);
  const probe = path.join(probeIn, `.${path.basename(target)}.probe-${process.pid}`);
  try {
    fs.closeSync(fs.openSync(probe, "wx"));
    fs.rmSync(probe);
  } catch (err) {
    fail(`cannot write in ${probeIn} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return { target, missing: folders.missing, inPlace: false };
}

/** What an output file must not replace: the command's own inputs. */
export interface OutputInputs {
  /** Input files (e.g. the traffic CSV), by any path that leads to them. */
  readonly files?: readonly string[];
  /** Folder of model specs: its `.yaml`/`.yml` files are specs. */
  readonly modelsDir?: string;
}

/**
 * Why writing `target` would destroy an input, or undefined: one of `inputs.files`, a spec in the
 * models folder, or a Pulumi project or stack file of this project (`Pulumi.yaml`,
 * `Pulumi.<stack>.yaml`, whatever stack the command reads).
 */
function inputClash(target: string, inputs: OutputInputs): string | undefined {
  const real = (p: string) => {
    const resolved = path.resolve(p);
    return fs.existsSync(resolved) ? fs.realpathSync(resolved) : resolved;
  };
  if ((inputs.files ?? []).some((f) => real(f) === target)) return "is an input of this command";
  const isYaml = /\.ya?ml$/i.test(target);
  if (inputs.modelsDir && isYaml && path.dirname(target) === real(inputs.modelsDir))
    return "is a model spec in the models folder";
  if (path.dirname(target) === real(PROJECT_ROOT) && /^Pulumi(\.[^/]+)?\.ya?ml$/i.test(path.basename(target)))
    return "is a Pulumi project or stack file";
  return undefined;
}

/**
 * Where a path that does not exist will be written: through a dangling symbolic link, the file the
 * link names (created, as the link promises), else the path itself.
 */
function danglingLinkTarget(file: string): string {
  let current = file;
  // The kernel's own limit on links followed in one lookup (ELOOP beyond).
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      if (!fs.lstatSync(current).isSymbolicLink()) return current;
      link = fs.readlinkSync(current);
    } catch {
      return current;
    }
    current = path.resolve(path.dirname(current), link);
  }
  return current;
}

/**
 * Writes `text` to the file given by `--<flag>`, creating missing folders. A regular file is written
 * to a temporary file beside it that is renamed over it, so a failed write never leaves a
 * half-written file; through a symbolic link, the file it points to is replaced, not the link. A
 * device or pipe (`--json /dev/stdout`) is written directly. Every way the path can be wrong (a
 * folder, a path through a file, a place that cannot be written) is an `InputError` naming the flag.
 */
export function writeOutputFile(file: string, text: string, flag: string): void {
  const { target, missing, inPlace } = checkOutputFile(file, flag);
  const temp = `${target}.tmp-${process.pid}`;
  try {
    if (inPlace) {
      fs.writeFileSync(target, text);
      return;
    }
    createFolders(missing);
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, target);
  } catch (err) {
    if (!inPlace) fs.rmSync(temp, { force: true });
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new InputError(`--${flag} ${file}: cannot write (${code})`);
  }
}

/**
 * `--project-root` and `--models`, as `plan` reads them: the folder holding `Pulumi.<stack>.yaml`
 * (the repository by default), and the specs folder (its `models/` by default).
 */
export function projectFolders(flags: ReadonlyMap<string, string>): { root: string; modelsDir: string } {
  const root = path.resolve(flags.get("project-root") ?? PROJECT_ROOT);
  return { root, modelsDir: flags.get("models") ?? path.join(root, "models") };
}

/**
 * `--traffic <file>` names an existing file: checked with the other flags, before anything is read.
 * Its contents are `loadTraffic`'s to judge.
 */
export function checkTrafficFlag(file: string): void {
  if (!fs.existsSync(file))
    throw new InputError(`--traffic ${file}: not found (path relative to ${process.cwd()})`);
}

/**
 * Runs each flag check and returns their values, or throws one `InputError` listing every check that
 * failed, so a command line with several bad flags is fixed in one round trip.
 */
export function checkFlags<T extends unknown[]>(...checks: { [K in keyof T]: () => T[K] }): T {
  const errors: string[] = [];
  const values = checks.map((check) => {
    try {
      return check();
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors.push(err.message);
      return undefined;
    }
  });
  // Two checks may meet the same cause (one models folder read for two stacks): say it once.
  if (errors.length > 0) throw new InputError([...new Set(errors)].join("\n"));
  return values as T;
}

/** `n thing` or `n things`, with thousands separators. */
export function count(n: number, thing: string): string {
  return `${n.toLocaleString("en-US")} ${thing}${n === 1 ? "" : "s"}`;
}
