/**
 * A parsed YAML document as data, and the yaml library's errors as one reason each, for files
 * holding one model or one stack's config. Separate from load.ts: the models folder and the
 * offline tools' stack-file reader share it.
 */
import type * as YAML from "yaml";
import type { ErrorCode, YAMLError } from "yaml";

/**
 * A YAML parser error as one line for a file holding one `unit` (a model, a stack's config): the
 * library's first line without its trailing colon, or for a second document what to do instead of
 * its advice to call another API.
 */
export function yamlErrorReason(message: string, unit: string): string {
  if (/multiple documents/.test(message))
    return `holds more than one YAML document (---); one ${unit} per file`;
  const reason = `YAML syntax error: ${message.split("\n")[0].replace(/:$/, "")}`;
  // An unquoted cron (`schedule: */15 * * * *`) starts with `*`, YAML's alias mark.
  return /\balias\b/i.test(message) && !/Excessive alias/.test(message)
    ? `${reason}; a value starting with * is read as an alias: quote it ("*/15 * * * *")`
    : reason;
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
