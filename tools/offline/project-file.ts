/**
 * Reads the project's `Pulumi.yaml` as far as the offline commands need it: the Pulumi CLI refuses a
 * folder without a readable project file, and reads the stack file's `<name>:` keys as the program's
 * config only when the project's `name` is that namespace, so the offline plan refuses what the CLI
 * would not run instead of planning it. Also the keys the project declares without a default.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { readBoundedText } from "../../components/config/bounded-read";
import { isPlainObject } from "../../components/config/deep-merge";
import { yamlDocumentData, yamlErrorsReasons } from "../../components/config/yaml-document";

/** The project file's keys the offline run reads, or why the Pulumi CLI would not run the project. */
export type ProjectFile = { readonly requiredKeys: string[] } | { readonly problem: string };

/** Reads `<projectRoot>/Pulumi.yaml`; the stack files' keys are read under `namespace`. */
export function readProjectFile(projectRoot: string, namespace: string): ProjectFile {
  const file = path.join(projectRoot, "Pulumi.yaml");
  const label = path.relative(process.cwd(), path.resolve(file)) || file;
  const copyHint = `copy the repository's Pulumi.yaml into ${path.dirname(label)}`;
  if (!fs.existsSync(file))
    return {
      problem: `${label} not found: the Pulumi CLI runs no stack without its project file; ${copyHint}`,
    };
  const contents = readBoundedText(file);
  if ("reason" in contents)
    return {
      problem: `${label}: ${contents.code === "EISDIR" ? "is a folder, not the project file" : contents.reason}`,
    };
  const doc = YAML.parseDocument(contents.text, { uniqueKeys: true, merge: true });
  if (doc.errors.length > 0) {
    const reasons = yamlErrorsReasons(doc.errors, "project file");
    return {
      problem:
        reasons.length === 1
          ? `${label}: ${reasons[0]}`
          : [`${label}: ${reasons.length} YAML problems:`, ...reasons.map((r) => `  - ${r}`)].join("\n"),
    };
  }
  const read = yamlDocumentData(doc);
  if ("reason" in read) return { problem: `${label}: ${read.reason}` };
  const project = read.data;
  if (!isPlainObject(project))
    return { problem: `${label}: expected a mapping with name, runtime and config` };
  // The stack files set `mlops-platform:<key>`; under another project name the program's
  // `new pulumi.Config()` would read none of them and fail on the first required key.
  if (project.name !== namespace)
    return {
      problem: `${label}: name = ${JSON.stringify(project.name ?? null)}: must be ${namespace}, the namespace of the stack files' keys and of the program's config`,
    };
  // `runtime:` without a value is null: the CLI refuses it as it refuses a missing one.
  if (project.runtime === undefined || project.runtime === null)
    return {
      problem: `${label}: runtime: not set; the Pulumi CLI needs it (runtime: nodejs, as the repository's)`,
    };
  return { requiredKeys: requiredKeys(project.config, namespace) };
}

/**
 * The keys the project declares without a default, namespaced: the Pulumi CLI refuses to run a
 * stack that does not set one ("missing required configuration") before the program starts.
 */
function requiredKeys(declared: unknown, namespace: string): string[] {
  if (!isPlainObject(declared)) return [];
  return (
    Object.entries(declared)
      // A plain value is the shorthand for a default; a declaration with `default` or `value` is set.
      .filter(([, spec]) => isPlainObject(spec) && !("default" in spec) && !("value" in spec))
      .map(([key]) => (key.includes(":") ? key : `${namespace}:${key}`))
  );
}
