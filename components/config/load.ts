/**
 * The only place that reads Pulumi config, the environment and model YAML files (STYLE rule 7).
 * Everything downstream receives typed, validated values.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import type { ErrorCode, YAMLError } from "yaml";
import { ConfigValidationError, pathInside, Problem } from "./errors";
import { editDistance, ModelSpec, SpecContext, SpecSource, validateModelSpecs } from "./model-schema";
import {
  checkStackConfig,
  CONFIG_NAMESPACE,
  HeldCanary,
  heldForCanary,
  StackConfig,
  stackConfigSchema,
  StackParts,
} from "./stack-schema";
import { decodeConfigValue } from "./config-value";
import {
  formatMiB,
  MAX_TRAFFIC_FILE_BYTES,
  parseTrafficCsv,
  Traffic,
  TrafficError,
} from "../capacity/traffic";

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
  const secrets = secretKeyProblems(parts, stackFile);
  const problems = [
    ...misspeltNamespaceProblems(stackFile),
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

/** Model names the spec files of `dir` stand for (`<name>.yaml`), whether or not they validate. */
function specFileNames(dir: string): string[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) return [];
  return fs.readdirSync(dir).filter(isSpecFileName).map(specModelName);
}

/**
 * Whether a file of a models folder is a spec: any case of the extension (a spec saved as .YAML must
 * not be skipped silently); hidden files are left out, like macOS's `._<name>.yaml` resource forks
 * and editors' swap copies.
 */
export function isSpecFileName(name: string): boolean {
  return /\.ya?ml$/i.test(name) && !name.startsWith(".");
}

/** The model a spec file's name stands for: the name without its `.yaml` / `.yml`. */
export function specModelName(fileName: string): string {
  return fileName.replace(/\.ya?ml$/i, "");
}

/**
 * Keys whose namespace is a slip of the project's (`mlops-platfrom:events`, `mlops_platform:x`):
 * nothing reads them, so the setting would silently not apply.
 */
function misspeltNamespaceProblems(file: string): Problem[] {
  return Object.keys(pulumi.runtime.allConfig())
    .filter((key) => {
      const [ns] = splitKey(key);
      return (
        ns !== CONFIG_NAMESPACE && editDistance(ns.toLowerCase().replace(/_/g, "-"), CONFIG_NAMESPACE) <= 2
      );
    })
    .map((key) => ({
      file,
      path: key,
      reason: `namespace is not ${CONFIG_NAMESPACE}, so nothing reads this key; write ${CONFIG_NAMESPACE}:${splitKey(key)[1]}`,
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
 * The stack's traffic history (`trafficHistory`, relative to `projectRoot`), or `undefined` when it
 * declares none. A missing or unreadable file, like bad rows, is one `TrafficError` naming the file.
 */
export function readTrafficHistoryFile(
  projectRoot: string,
  config: Pick<StackParts, "trafficHistory">,
): Traffic | undefined {
  if (config.trafficHistory === undefined) return undefined;
  const file = path.join(projectRoot, config.trafficHistory);
  return parseTrafficCsv(
    readTrafficText(file, `; trafficHistory is relative to the project root ${projectRoot}`),
    file,
  );
}

/**
 * The text of a traffic CSV, or one `TrafficError` naming the file when it is missing, not a file,
 * unreadable or larger than `MAX_TRAFFIC_FILE_BYTES` (a file's size is checked first, a pipe's while
 * it is read: reading more would fail inside V8 with a stack trace, or never end on `<(yes)`).
 * `hint` is appended to a missing or unreadable file's problem.
 */
export function readTrafficText(file: string, hint = ""): string {
  const tooLarge = (what: string) =>
    new TrafficError(file, [
      `${what}; at most ${formatMiB(MAX_TRAFFIC_FILE_BYTES)} (about 12 million rows) is read: split it by time, or replay fewer models`,
    ]);
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw new TrafficError(file, [`is a folder, not a file${hint}`]);
    // A terminal or /dev/zero: nothing a CSV comes from.
    if (stat.isCharacterDevice() || stat.isBlockDevice())
      throw new TrafficError(file, [`is a device, not a file or a pipe${hint}`]);
    if (stat.size > MAX_TRAFFIC_FILE_BYTES) throw tooLarge(`is ${formatMiB(stat.size)}`);
    // A pipe (`--traffic /dev/stdin`, `<(...)`) has no size until it is read: read to one byte past
    // the limit at most.
    const bytes = readAtMost(file, MAX_TRAFFIC_FILE_BYTES + 1);
    if (bytes.length > MAX_TRAFFIC_FILE_BYTES)
      throw tooLarge(`holds more than ${formatMiB(MAX_TRAFFIC_FILE_BYTES)}`);
    return decodeText(bytes, file, hint);
  } catch (err) {
    if (err instanceof TrafficError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "not found" : `cannot be read (${code ?? String(err)})`;
    throw new TrafficError(file, [`${why}${hint}`]);
  }
}

/** Up to `limit` bytes of a file or pipe, read in chunks so a pipe that never ends is cut off. */
function readAtMost(file: string, limit: number): Buffer {
  const fd = fs.openSync(file, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total >= limit) break;
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The file's text, or one problem saying what it is instead: a spreadsheet's "Unicode text" export
 * (UTF-16) or a compressed file would otherwise come out as a screen of NUL-filled rows.
 */
function decodeText(bytes: Buffer, file: string, hint: string): string {
  const starts = (...b: number[]) => b.every((x, i) => bytes[i] === x);
  const problem =
    starts(0xff, 0xfe) || starts(0xfe, 0xff)
      ? "is UTF-16 text (a spreadsheet's Unicode text export): save it as CSV in UTF-8"
      : starts(0x1f, 0x8b)
        ? "is gzip-compressed: decompress it first (gunzip)"
        : bytes.subarray(0, 4096).includes(0)
          ? "is not a text file (it holds NUL bytes): a CSV in UTF-8 is expected"
          : undefined;
  if (problem) throw new TrafficError(file, [`${problem}${hint}`]);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new TrafficError(file, [`is not UTF-8 text: save it as CSV in UTF-8${hint}`]);
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

/**
 * The stack's `mlops-platform:*` values with the prefix stripped and JSON objects decoded. Secret
 * keys (kubeconfig, webhook URLs) are left out: they are not part of the schema and never printed.
 */
export function rawStackConfig(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    const [ns, name] = splitKey(key);
    if (ns !== CONFIG_NAMESPACE || isSecretKey(key)) continue;
    out[name] = decodeConfigValue(value);
  }
  return out;
}

/**
 * `isConfigSecret` is exported by the SDK's runtime/config module but marked internal in its typings;
 * it is the only way to see which keys the CLI (or `setAllConfig` in the offline tools) marked secret.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

function isSecretKey(key: string): boolean {
  return runtimeConfig.isConfigSecret(key);
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf(":");
  return i < 0 ? ["", key] : [key.slice(0, i), key.slice(i + 1)];
}

/**
 * Secret keys the config refers to must exist, or `pulumi up` would fail half-way, and be secret: one
 * set in plain text is stored unencrypted in the stack file (its full key is in `plainKeys`). A
 * setting of the schema may not be secret: the program leaves secret keys out of what it validates
 * and prints, so `alerting` with one value set with `--secret` (the CLI then marks the whole key)
 * would silently become the default, with no receivers.
 */
function secretKeyProblems(
  config: StackParts,
  file: string,
): { problems: Problem[]; plainKeys: Set<string>; secretSettings: string[] } {
  const all = pulumi.runtime.allConfig();
  const problems: Problem[] = [];
  const plainKeys = new Set<string>();
  const secretSettings = Object.keys(all).filter((key) => {
    const [ns, name] = splitKey(key);
    return ns === CONFIG_NAMESPACE && isSecretKey(key) && name in stackConfigSchema.shape;
  });
  for (const key of secretSettings)
    problems.push({
      file,
      path: key,
      reason: `is a secret (a value in it was set with --secret), but it is a setting the program must read: set it in plain text, and a credential as a secret key of its own (receivers name theirs with urlSecret)`,
    });
  const need = (key: string, path: string) => {
    const full = `${CONFIG_NAMESPACE}:${key}`;
    if (all[full] === undefined) {
      problems.push({
        file,
        path: `${CONFIG_NAMESPACE}:${path}`,
        value: key,
        reason: `secret config key ${full} is not set; run: pulumi config set --secret ${key} <value>`,
      });
    } else if (!isSecretKey(full)) {
      plainKeys.add(full);
      problems.push({
        file,
        path: full,
        reason: `is the secret ${path} names, but it is set in plain text (stored unencrypted in the stack file); run: pulumi config rm ${key} && pulumi config set --secret ${key} <value>`,
      });
    }
  };
  if (config.cluster?.mode === "existing")
    need(config.cluster.existing?.kubeconfigSecret ?? "kubeconfig", "cluster.existing.kubeconfigSecret");
  for (const [team, r] of Object.entries(config.alerting?.receivers ?? {})) {
    if (r.urlSecret) need(r.urlSecret, `alerting.receivers.${team}.urlSecret`);
  }
  return { problems, plainKeys, secretSettings };
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

/**
 * A YAML parser error as one line for a file holding one `unit` (a model, a stack's config): the
 * library's first line without its trailing colon, or for a second document what to do instead of
 * its advice to call another API.
 */
export function yamlErrorReason(message: string, unit: string): string {
  return /multiple documents/.test(message)
    ? `holds more than one YAML document (---); one ${unit} per file`
    : `YAML syntax error: ${message.split("\n")[0].replace(/:$/, "")}`;
}

/**
 * Parser errors that leave the parser on track: each is its own slip, and all of them are listed.
 * Any other error (a tab, a bad indent, a missing `]`) makes it misread the rest of the file.
 */
const SELF_CONTAINED_YAML_ERRORS: ReadonlySet<string> = new Set<ErrorCode>([
  "DUPLICATE_KEY",
  "MULTIPLE_DOCS",
  "BAD_ALIAS",
  "BAD_DQ_ESCAPE",
  "KEY_OVER_1024_CHARS",
  "TAG_RESOLVE_FAILED",
]);

/**
 * A parsed YAML document as plain data, or the one reason it cannot be: the yaml library's guard
 * against alias bombs ("Excessive alias count ..."), a merge key of a scalar (which yaml words as
 * "Merge sources must be maps or map aliases"), or an alias inside the node it names (`a: &x [*x]`),
 * which yaml resolves into a circular object that every later step (the schema, JSON) would loop on
 * or throw at.
 */
export function yamlDocumentData(doc: YAML.Document): { data: unknown } | { reason: string } {
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (err) {
    const message = (err as Error).message;
    const reason = message.startsWith("Merge sources")
      ? "a merge key (<<) must name a map or a list of maps (<<: *anchor)"
      : message;
    return { reason: `cannot read: ${reason}` };
  }
  const loop = circularPath(data);
  if (loop !== undefined)
    return {
      reason: `cannot read: ${loop} is an alias of a value that contains it (a recursive anchor); write the value out instead`,
    };
  return { data };
}

/** The path (`a.b[0]`) of the first value that contains itself, or undefined when none does. */
function circularPath(value: unknown, at = "", open = new Set<object>()): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (open.has(value)) return at;
  open.add(value);
  const entries = Array.isArray(value)
    ? value.map((v, i) => [`${at}[${i}]`, v] as const)
    : Object.entries(value).map(([k, v]) => [at ? `${at}.${k}` : k, v] as const);
  for (const [p, v] of entries) {
    const found = circularPath(v, p, open);
    if (found !== undefined) return found;
  }
  open.delete(value);
  return undefined;
}

/**
 * A file's YAML parser errors, one reason each, in file order: every self-contained one, and of the
 * others only the first, with a count of those after it. One slip (a tab, a missing `]`) brings a
 * dozen later errors, some far below, which would hide the one line to fix.
 */
export function yamlErrorsReasons(errors: readonly YAMLError[], unit: string): string[] {
  const sorted = [...errors].sort((a, b) => a.pos[0] - b.pos[0]);
  const derailing = sorted.filter((e) => !SELF_CONTAINED_YAML_ERRORS.has(e.code));
  const after = derailing.length - 1;
  return sorted
    .filter((e) => SELF_CONTAINED_YAML_ERRORS.has(e.code) || e === derailing[0])
    .map((e) =>
      e !== derailing[0] || after === 0
        ? yamlErrorReason(e.message, unit)
        : `${yamlErrorReason(e.message, unit)} (and ${after} later parser error${after === 1 ? "" : "s"}, which usually follow from this one: fix it and run again)`,
    );
}

/**
 * The specs in `dir` validated for `stack` against `cfg`, and every problem of the folder (files
 * that cannot be read, specs that are invalid) instead of a throw: the files that could be read are
 * validated even when others could not, so all problems come in one message. `files` counts the
 * specs read.
 */
export function checkModelSpecs(
  dir: string,
  stack: string,
  cfg: SpecContext,
  stacks?: readonly string[],
): { specs: ModelSpec[]; problems: Problem[]; files: number } {
  const { sources, problems } = readModelSources(dir);
  try {
    return { specs: validateModelSpecs(sources, stack, cfg, stacks), problems, files: sources.length };
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    return { specs: [], problems: [...problems, ...err.problems], files: sources.length };
  }
}

/**
 * Reads every `*.yaml` in `dir` (sorted, so output is stable). YAML syntax errors become problems
 * with their line, so one broken file does not hide the problems of the others.
 */
export function readModelSources(dir: string): { sources: SpecSource[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const sources: SpecSource[] = [];
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    problems.push({
      file: dir,
      path: "",
      reason: fs.existsSync(dir)
        ? "is a file, not a folder of model specs; pass --models <dir>, the folder that holds them"
        : "models folder not found; pass --models <dir> or create models/",
    });
    return { sources, problems };
  }
  const rel = (f: string) => path.relative(process.cwd(), path.join(dir, f)) || f;
  for (const f of fs.readdirSync(dir).filter(isSpecFileName).sort()) {
    const file = rel(f);
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, f), "utf8");
    } catch (err) {
      // A folder or a dangling link named *.yaml: say so instead of failing on the read.
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === "EISDIR" ? "is a folder" : code === "ENOENT" ? "is a broken link" : code;
      problems.push({
        file,
        path: "",
        reason: `not a readable model spec: ${why ?? (err as Error).message}`,
      });
      continue;
    }
    // `merge`: a team may share a block between stacks with YAML's merge key (`<<: *prod`).
    const doc = YAML.parseDocument(text, { uniqueKeys: true, merge: true });
    if (doc.errors.length > 0) {
      for (const reason of yamlErrorsReasons(doc.errors, "model")) problems.push({ file, path: "", reason });
      continue;
    }
    const read = yamlDocumentData(doc);
    if ("reason" in read) {
      problems.push({ file, path: "", reason: read.reason });
      continue;
    }
    const data = read.data;
    if (data === null || data === undefined) {
      // Empty or comments only: "expected object, received null" would not say which.
      problems.push({
        file,
        path: "",
        reason: "is empty (or only comments); a model spec needs name, team, serving and slo",
      });
      continue;
    }
    sources.push({ file, data });
  }
  for (const f of nestedSpecFiles(dir))
    problems.push({
      file: rel(f),
      path: "",
      reason: `is in a subfolder, and only specs directly in the models folder are read: move it to ${rel(path.basename(f))}`,
    });
  return { sources, problems };
}

/**
 * Spec-named files in the subfolders of `dir` (relative to it): a spec put in `models/search/` would
 * otherwise never be deployed, with nothing to say so. Hidden folders and links are not followed.
 */
function nestedSpecFiles(dir: string, sub = ""): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(dir, sub), { withFileTypes: true });
  } catch {
    return []; // a subfolder we may not read holds nothing `plan` would have read either
  }
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const child = path.join(sub, entry.name);
    if (entry.isDirectory()) found.push(...nestedSpecFiles(dir, child));
    else if (sub !== "" && entry.isFile() && isSpecFileName(entry.name)) found.push(child);
  }
  return found.sort();
}
