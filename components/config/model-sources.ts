/**
 * The models folder: which files are specs, reading them (YAML problems with their line, files in
 * subfolders), and validating them for a stack without a throw. Separate from load.ts: the offline
 * tools and the delivery commands read the folder outside a Pulumi program.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { isPlainObject } from "./deep-merge";
import { ConfigValidationError, Problem } from "./errors";
import type { ModelSpec, SpecContext, SpecSource } from "./model-schema";
import { validateModelSpecs } from "./validate-model-specs";
import { readBoundedText } from "./bounded-read";
import { yamlDocumentData, yamlErrorsReasons } from "./yaml-document";

/** Model names the spec files of `dir` stand for (`<name>.yaml`), whether or not they validate. */
export function specFileNames(dir: string): string[] {
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
 * A model spec saved as JSON (a valid spec, and valid YAML, but not a `.yaml` file) would be skipped
 * without a word and its model never deployed: a `.json` file holding a map with `name` and `serving`
 * is named. Other JSON files (an editor's schema) are left alone.
 */
function jsonSpecProblems(dir: string, names: readonly string[], rel: (f: string) => string): Problem[] {
  return names
    .filter((f) => /\.json$/i.test(f) && !f.startsWith("."))
    .sort()
    .flatMap((f): Problem[] => {
      let data: unknown;
      const read = readBoundedText(path.join(dir, f));
      if ("reason" in read) return [];
      try {
        data = JSON.parse(read.text);
      } catch {
        return [];
      }
      if (!isPlainObject(data) || !("name" in data) || !("serving" in data)) return [];
      return [
        {
          file: rel(f),
          path: "",
          reason: `looks like a model spec but is not read: specs are .yaml or .yml files; rename it ${f.replace(/\.json$/i, ".yaml")} (JSON is valid YAML)`,
        },
      ];
    });
}

/**
 * A spec whose name only nearly ends in `.yaml` (a space after it, `.yaml.txt` from a "save as")
 * would be skipped, and `pulumi up` would then delete its model: such a file is named.
 */
function misnamedSpecProblems(names: readonly string[], rel: (f: string) => string): Problem[] {
  return names
    .filter((f) => !f.startsWith(".") && !isSpecFileName(f) && /\.ya?ml(\.txt)?$/i.test(f.trim()))
    .sort()
    .map((f) => ({
      file: JSON.stringify(rel(f)),
      path: "",
      reason: `is not read: specs are named <model>.yaml; rename it ${f.trim().replace(/\.txt$/i, "")}`,
    }));
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
  const names = fs.readdirSync(dir);
  problems.push(...jsonSpecProblems(dir, names, rel), ...misnamedSpecProblems(names, rel));
  for (const f of names.filter(isSpecFileName).sort()) {
    const file = rel(f);
    // A folder, a dangling link, a device or a huge file named *.yaml: said instead of read.
    const contents = readBoundedText(path.join(dir, f));
    if ("reason" in contents) {
      const why = contents.code === "ENOENT" ? "is a broken link" : contents.reason;
      problems.push({ file, path: "", reason: `not a readable model spec: ${why}` });
      continue;
    }
    const text = contents.text;
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
