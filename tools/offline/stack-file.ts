/**
 * Reads `Pulumi.<stack>.yaml` the way the Pulumi CLI hands it to a program: every value as a string
 * (objects JSON-encoded), `secure:` values marked secret. Offline there is no key to decrypt them, so
 * each secret becomes a visible placeholder; secrets the config refers to but the file lacks get one too
 * and are listed, because `pulumi up` needs them set.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { projectStacks, stackFileLabel } from "../../components/config/load";
import { yamlDocumentData, yamlErrorsReasons } from "../../components/config/yaml-document";
import { editDistance } from "../../components/config/edit-distance";
import { stackConfigSchema } from "../../components/config/stack-schema";
import { Problem } from "../../components/config/errors";
import { readBoundedText } from "../../components/config/bounded-read";
import { referencedSecretKeys } from "../../components/config/stack-config-keys";
import { readProjectFile } from "./project-file";

/** Config ready for `pulumi.runtime.setAllConfig`, plus what was filled in offline. */
export interface OfflineStackConfig {
  readonly file: string;
  readonly config: Record<string, string>;
  readonly secretKeys: string[];
  /** Secret keys referenced by the config but not set in the stack file. */
  readonly unsetSecrets: string[];
  /**
   * Keys `Pulumi.yaml` declares without a default that the file does not set: the Pulumi CLI refuses
   * such a stack, so a caller refuses it too, but after checking the rest (`withUnsetKeys`), so that
   * one run names every problem.
   */
  readonly unsetRequired: Problem[];
}

/** Thrown when the stack file is missing or not YAML; the message says which stacks exist. */
export class StackFileError extends Error {}

/** The top-level keys of a Pulumi stack settings file (`Pulumi.<stack>.yaml`). */
const STACK_FILE_KEYS = ["config", "environment", "secretsprovider", "encryptedkey", "encryptionsalt"];

/** Placeholder that stands in for every secret offline; never a real value. */
export const OFFLINE_SECRET = "offline-placeholder-not-a-secret";

/** Reads and flattens the stack file. */
export function readStackFile(projectRoot: string, stack: string, namespace: string): OfflineStackConfig {
  // Pulumi's stack names: letters, digits, `-`, `_` and `.`; a path would read another folder's file.
  if (!/^[A-Za-z0-9_.-]+$/.test(stack) || /^\.+$/.test(stack))
    throw new StackFileError(
      `stack name ${JSON.stringify(stack)}: use letters, digits, -, _ and . (a stack, not a path; --project-root names the folder)`,
    );
  if (!fs.existsSync(projectRoot) || !fs.statSync(projectRoot).isDirectory())
    throw new StackFileError(
      `project folder ${projectRoot} ${fs.existsSync(projectRoot) ? "is not a folder" : "does not exist"}`,
    );
  const project = readProjectFile(projectRoot, namespace);
  if ("problem" in project) throw new StackFileError(project.problem);
  const file = path.join(projectRoot, `Pulumi.${stack}.yaml`);
  const label = stackFileLabel(projectRoot, stack);
  if (!fs.existsSync(file)) {
    const known = projectStacks(projectRoot);
    throw new StackFileError(
      `unknown stack "${stack}": ${label} not found; stacks here: ${known.join(", ") || "none"}`,
    );
  }
  // A device (a link to /dev/zero), a pipe or a huge file is refused before it is read.
  const contents = readBoundedText(file);
  if ("reason" in contents)
    throw new StackFileError(
      `${label}: ${contents.code === "EISDIR" ? "is a folder, not a stack file" : contents.reason}`,
    );
  // Merge keys (`<<: *pool`) as the Pulumi CLI reads them (YAML 1.1, go-yaml): the program sees the
  // merged object, so the offline plan must too.
  const doc = YAML.parseDocument(contents.text, { uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    const reasons = yamlErrorsReasons(doc.errors, "stack config");
    throw new StackFileError(
      reasons.length === 1
        ? `${label}: ${reasons[0]}`
        : [`${label}: ${reasons.length} YAML problems:`, ...reasons.map((r) => `  - ${r}`)].join("\n"),
    );
  }
  const read = yamlDocumentData(doc);
  if ("reason" in read) throw new StackFileError(`${label}: ${read.reason}`);
  const data = (read.data ?? {}) as { config?: Record<string, unknown> };
  if (
    typeof data !== "object" ||
    Array.isArray(data) ||
    (data.config !== undefined &&
      (typeof data.config !== "object" || data.config === null || Array.isArray(data.config)))
  )
    throw new StackFileError(`${label}: config: expected a mapping of keys to values`);
  // A misspelt `config:` would otherwise read as no config at all and list every key as missing.
  const unknown = Object.keys(data).filter((k) => !STACK_FILE_KEYS.includes(k));
  if (unknown.length > 0)
    throw new StackFileError(
      unknown
        .map((k) => {
          const near = STACK_FILE_KEYS.find((known) => editDistance(k.toLowerCase(), known) <= 2);
          return `${label}: ${k}: not a stack file key${near ? ` (did you mean ${near}?)` : ""}; allowed: ${STACK_FILE_KEYS.join(", ")}`;
        })
        .join("\n"),
    );
  // YAML's .nan and .inf have no JSON form: the Pulumi CLI cannot hand them to the program, and
  // JSON.stringify would turn them into null, which the schema would then name as "empty".
  const nonFinite = nonFinitePaths(data.config ?? {});
  if (nonFinite.length > 0)
    throw new StackFileError(
      nonFinite
        .map(
          (p) =>
            `${label}: ${p.path} = ${p.text}: must be a finite number (config values pass to the program as JSON)`,
        )
        .join("\n"),
    );
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(data.config ?? {})) {
    const full = key.includes(":") ? key : `${namespace}:${key}`;
    // A structured value with a `secure:` inside is secret as a whole, as the CLI marks it.
    if (holdsSecure(value)) {
      config[full] = OFFLINE_SECRET;
      secretKeys.push(full);
    } else {
      config[full] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  const unsetRequired = project.requiredKeys
    .filter((key) => config[key] === undefined)
    .map((key) => ({
      file: label,
      path: key,
      reason: `not set, and Pulumi.yaml declares it without a default, so the Pulumi CLI refuses the stack; set it${takesEveryDefault(key.split(":")[1]) ? ` (${key.split(":")[1]}: {} takes every default)` : ""}`,
    }));
  const unsetSecrets: string[] = [];
  const raw = data.config ?? {};
  const refs = referencedSecretKeys({
    alerting: raw[`${namespace}:alerting`],
    cluster: raw[`${namespace}:cluster`],
  });
  for (const { key } of refs) {
    const full = `${namespace}:${key}`;
    if (config[full] === undefined) {
      config[full] = OFFLINE_SECRET;
      secretKeys.push(full);
      unsetSecrets.push(full);
    }
  }
  return { file: label, config, secretKeys, unsetSecrets, unsetRequired };
}

/**
 * The problems of a stack file that leaves required keys unset (`unsetRequired`) together with those
 * the config's own checks found: the unset keys first, and the schema's "required" for the same key
 * folded into it - what the key must be (`one of dev, staging, prod`, `a map with monthlyGpuCost`),
 * which "set it" alone left for the reader to find.
 */
export function withUnsetKeys(unsetRequired: readonly Problem[], problems: readonly Problem[]): Problem[] {
  const unset = unsetRequired.map((u) => {
    const required = problems.find((p) => p.path === u.path && p.reason.startsWith("required: "));
    return required ? { ...u, reason: `${u.reason}: ${required.reason.slice("required: ".length)}` } : u;
  });
  return [...unset, ...problems.filter((p) => !unsetRequired.some((u) => u.path === p.path))];
}

/** Whether `{}` is a complete value of the key: the schema has a default for each of its fields. */
function takesEveryDefault(name: string): boolean {
  const field = (stackConfigSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>)[
    name
  ];
  return field?.safeParse({}).success ?? false;
}

/** Every `.nan` / `.inf` under `value`, with its path (`mlops-platform:gpuPools[0].maxGpus`). */
function nonFinitePaths(value: unknown, at = ""): { path: string; text: string }[] {
  if (typeof value === "number")
    return Number.isFinite(value)
      ? []
      : [{ path: at, text: Number.isNaN(value) ? ".nan" : value > 0 ? ".inf" : "-.inf" }];
  if (typeof value !== "object" || value === null) return [];
  const entries = Array.isArray(value)
    ? value.map((v, i) => [`${at}[${i}]`, v] as const)
    : Object.entries(value).map(([k, v]) => [at ? `${at}.${k}` : k, v] as const);
  return entries.flatMap(([p, v]) => nonFinitePaths(v, p));
}

function holdsSecure(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  return "secure" in value || Object.values(value).some(holdsSecure);
}
