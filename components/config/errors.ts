/**
 * Validation errors shared by the stack-config and model-spec loaders.
 *
 * Every loader collects all problems first and throws one `ConfigValidationError`, so a user fixes a
 * broken file in one round trip instead of one error per run (pulumi-eks `InputPropertiesError`).
 */
import { z } from "zod";

/** One bad field: where it is, what it holds, and what is allowed instead. */
export interface Problem {
  /** The file the value came from, e.g. `Pulumi.prod.yaml` or `models/homepage-feed.yaml`. */
  readonly file: string;
  /** Field path inside the file, e.g. `mlops-platform:gpuPools[1].maxGpus` or `serving.gpu.share`. */
  readonly path: string;
  /** The offending value, if there is one (absent for missing fields). */
  readonly value?: unknown;
  /** What is wrong and what is allowed. */
  readonly reason: string;
}

/** Thrown when any config or spec is invalid; `message` lists every problem, one per line. */
export class ConfigValidationError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    super(formatProblems(problems));
    this.name = "ConfigValidationError";
    this.problems = problems;
  }
}

/** Renders `a.b[2].c` from a path array. */
export function formatPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" || out.endsWith(":") ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Looks up the value at `path` in `root`, or `undefined` when the path does not exist. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const part of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

/** Shortens a value for an error line; secrets never reach validation, so printing values is safe. */
export function showValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  // A string is cut before quoting: a line of a broken file can be millions of characters.
  const text =
    typeof value === "string" ? JSON.stringify(value.slice(0, 81)) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** One line per problem: `file: path = value: reason`. */
export function formatProblems(problems: readonly Problem[]): string {
  const header = `${problems.length} configuration problem${problems.length === 1 ? "" : "s"}:`;
  const lines = problems.map((p) => {
    const value = "value" in p ? ` = ${showValue(p.value)}` : "";
    const where = p.path === "" ? p.file : `${p.file}: ${p.path}`;
    return `  - ${where}${value}: ${p.reason}`;
  });
  return [header, ...lines].join("\n");
}

/**
 * Converts zod issues into problems. Unknown keys are reported one per key with the key in the path,
 * so a typo such as `replica:` points at itself rather than at its parent object.
 */
export function zodProblems(
  file: string,
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
  pathPrefix = "",
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({
          file,
          path: formatPath([...path, key], pathPrefix),
          reason: issue.message,
        });
      }
      continue;
    }
    const value = valueAt(input, path);
    const problem: Problem =
      value === undefined
        ? { file, path: formatPath(path, pathPrefix), reason: missingOr(issue.message) }
        : { file, path: formatPath(path, pathPrefix), value, reason: issue.message };
    problems.push(problem);
  }
  return problems;
}

function missingOr(message: string): string {
  return /received undefined/.test(message)
    ? `required: ${message.replace(", received undefined", "")}`
    : message;
}

/**
 * `z.strictObject` whose unknown-key message lists the allowed keys, so a typo such as `replica:`
 * is rejected (never silently ignored) with the spelling the user meant beside it.
 */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `unknown key; allowed keys: ${Object.keys(shape).join(", ")}`
        : undefined,
  });
}

/**
 * Checks that span fields (a share against its pool, a retention against the environment) need a
 * value that passed the schema, so a type error elsewhere in the file would hide them until the
 * next run. `parseWithout` drops each offending key from a copy of the input - or, where the key is
 * required, the object holding it - and parses again, for a few rounds. It returns the parsed value
 * and the paths it dropped (`formatPath` form; `list[k+]` where element k of a list was removed, as
 * the ones after it are renumbered), or `undefined` when only dropping the root would do.
 */
export function parseWithout<T>(
  schema: z.ZodType<T>,
  input: unknown,
  pathPrefix = "",
  rounds = 8,
): { value: T; dropped: string[] } | undefined {
  const current = structuredClone(input);
  const dropped: string[] = [];
  for (let r = 0; r < rounds; r++) {
    const result = schema.safeParse(current);
    if (result.success) return { value: result.data, dropped };
    for (const issue of result.error.issues) {
      const paths =
        issue.code === "unrecognized_keys"
          ? issue.keys.map((k) => [...(issue.path as PropertyKey[]), k])
          : [issue.path as PropertyKey[]];
      for (let path of paths) {
        // A key already dropped and still required: drop what holds it.
        while (path.length > 0 && valueAt(current, path) === undefined) path = path.slice(0, -1);
        const key = path[path.length - 1];
        if (key === undefined) return undefined;
        const holder = valueAt(current, path.slice(0, -1));
        if (typeof key === "number" && Array.isArray(holder)) {
          // Removing a list element renumbers the ones after it: from it on, the list counts as
          // dropped (`list[k+]`); the elements before keep their numbers.
          holder.splice(key, 1);
          dropped.push(`${formatPath(path.slice(0, -1), pathPrefix)}[${key}+]`);
        } else {
          delete (holder as Record<PropertyKey, unknown>)[key];
          dropped.push(formatPath(path, pathPrefix));
        }
      }
    }
  }
  return undefined;
}

/**
 * Whether one field path lies inside the other (or they are the same field). `list[k+]` stands for
 * every element of `list` from k on.
 */
export function pathsOverlap(a: string, b: string): boolean {
  const from = /^(.*)\[(\d+)\+\]$/.exec(b);
  if (from) {
    const index = a.startsWith(`${from[1]}[`) ? parseInt(a.slice(from[1].length + 1), 10) : NaN;
    return a === from[1] || index >= Number(from[2]);
  }
  const inside = (x: string, y: string) => x === y || x.startsWith(`${y}.`) || x.startsWith(`${y}[`);
  return inside(a, b) || inside(b, a);
}

/**
 * The problems `check` finds on what is left of `input` once the fields the schema rejected are
 * dropped (`parseWithout`), leaving out any about a field already reported or dropped: reported
 * beside the schema's problems, a file is fixed in one round trip.
 */
export function problemsBeyondSchema<T>(
  schema: z.ZodType<T>,
  input: unknown,
  reported: readonly Problem[],
  check: (value: T) => Problem[],
  pathPrefix = "",
): Problem[] {
  const repaired = parseWithout(schema, input, pathPrefix);
  if (!repaired) return [];
  const known = [...reported.map((p) => p.path), ...repaired.dropped];
  let found: Problem[];
  try {
    found = check(repaired.value);
  } catch {
    return []; // a check that cannot run on the partial value adds nothing rather than a crash
  }
  return found.filter((p) => !known.some((k) => pathsOverlap(p.path, k)));
}
