/**
 * Validation errors shared by the stack-config and model-spec loaders.
 *
 * Every loader collects all problems first and throws one `ConfigValidationError`, so a user fixes a
 * broken file in one round trip instead of one error per run (pulumi-eks `InputPropertiesError`).
 * Turning zod's issues into problems is in zod-problems.ts; the checks run beside a schema's
 * problems are in beyond-schema.ts.
 */
import { withoutSecrets } from "./secret-values";

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
  /**
   * The same problem said at the other field it compares (`serving.replicas.max` for a min above the
   * max): where a stack's override sets only that field, the problem is reported there, the line
   * the user changed, instead of at a field the override does not hold.
   */
  readonly alsoAt?: { readonly path: string; readonly value?: unknown; readonly reason: string };
}

/**
 * Thrown when any config or spec is invalid; `message` lists every problem, one per line. A value
 * that may be a credential is left out of both (`withoutSecrets`): the message reaches CI logs.
 */
export class ConfigValidationError extends Error {
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const shown = problems.map(withoutSecrets);
    super(formatProblems(shown));
    this.name = "ConfigValidationError";
    this.problems = shown;
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

/**
 * Shortens a value for an error line. Secret config keys never reach validation; a credential pasted
 * into a setting is left out before this (`ConfigValidationError`, secret-values.ts).
 */
export function showValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  // A string is cut before quoting: a line of a broken file can be millions of characters.
  // JSON has no Infinity or NaN (YAML's .inf, .nan): JSON.stringify would show them as null.
  const text =
    typeof value === "string"
      ? JSON.stringify(value.slice(0, 81))
      : typeof value === "number" && !Number.isFinite(value)
        ? String(value)
        : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** One line per problem: `file: path = value: reason`. */
export function formatProblems(problems: readonly Problem[]): string {
  const header = `${problems.length} configuration problem${problems.length === 1 ? "" : "s"}:`;
  const lines = problems.map((p) => {
    const value = "value" in p ? ` = ${showValue(p.value)}` : "";
    const where = p.path === "" ? p.file : `${p.file}: ${p.path}`;
    // A reason of several lines (a traffic file's own list of problems) is nested under its line.
    return `  - ${where}${value}: ${p.reason.replaceAll("\n", "\n    ")}`;
  });
  return [header, ...lines].join("\n");
}

/** Whether field path `a` lies inside `b` (or is `b`). */
export function pathInside(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
}
