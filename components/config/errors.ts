/**
 * Validation errors shared by the stack-config and model-spec loaders.
 *
 * Every loader collects all problems first and throws one `ConfigValidationError`, so a user fixes a
 * broken file in one round trip instead of one error per run (pulumi-eks `InputPropertiesError`).
 */
import { closest, distance } from "fastest-levenshtein";
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

/**
 * Converts zod issues into problems. Unknown keys are reported one per key with the key in the path,
 * so a typo such as `replica:` points at itself rather than at its parent object.
 */
export function zodProblems(
  file: string,
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
  pathPrefix = "",
  /** The schema the issues came from: a missing map is described by the fields it needs. */
  schema?: z.ZodType,
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        problems.push({
          file,
          path: formatPath([...path, key], pathPrefix),
          reason: unknownKeyReason(key, issue.message),
        });
      }
      continue;
    }
    const value = valueAt(input, path);
    const problem: Problem =
      value === undefined
        ? { file, path: formatPath(path, pathPrefix), reason: missingReason(issue, schema, path) }
        : {
            file,
            path: formatPath(path, pathPrefix),
            value,
            reason: presentReason(issue, value, schema, path),
          };
    problems.push(problem);
  }
  return problems;
}

/** Start of `strictObject`'s unknown-key message; the allowed keys follow, comma-separated. */
const UNKNOWN_KEY = "unknown key; allowed keys: ";

/**
 * The unknown-key message with the allowed key the user most likely meant: one or two edits away
 * (`replica` for `replicas`, `availabilty`), or the start of it (`coldStart` for `coldStartSeconds`).
 */
function unknownKeyReason(key: string, message: string): string {
  if (!message.startsWith(UNKNOWN_KEY)) return message;
  const allowed = message.slice(UNKNOWN_KEY.length).split(", ");
  const lower = key.toLowerCase();
  // A zone of its own where the platform has one: say which, instead of a list without it.
  if (/^(timezone|time_zone|tz)$/.test(lower))
    return `unknown key: training schedules run in the stack's time zone (mlops-platform:timeZone in the stack file), and event times carry their own offset; allowed keys: ${allowed.join(", ")}`;
  const near = closest(
    lower,
    allowed.map((k) => k.toLowerCase()),
  );
  const meant =
    distance(lower, near) <= 2
      ? allowed.find((k) => k.toLowerCase() === near)
      : lower.length >= 4
        ? allowed.find((k) => k.toLowerCase().startsWith(lower))
        : undefined;
  return meant ? `unknown key; did you mean ${meant}? allowed keys: ${allowed.join(", ")}` : message;
}

/** Words for the types zod names in `expected`. */
const EXPECTED_WORDS: Record<string, string> = {
  object: "a map of fields",
  number: "a number",
  int: "a whole number",
  string: "a string",
  array: "a list",
  boolean: "true or false",
  record: "a map",
};

/** "a map with min, max (optional: ...)": the fields the object schema at `path` needs. */
function mapWords(schema: z.ZodType | undefined, path: PropertyKey[]): string | undefined {
  const at = schema && schemaAt(schema, path);
  if (at?.def.type !== "object") return undefined;
  const shape = (at.def as z.core.$ZodTypeDef & { shape: Record<string, z.ZodType> }).shape;
  const needed = Object.keys(shape).filter((k) => !shape[k].safeParse(undefined).success);
  const optional = Object.keys(shape).filter((k) => !needed.includes(k));
  if (needed.length === 0) return `a map (of ${optional.join(", ")})`;
  return `a map with ${needed.join(", ")}${optional.length ? ` (optional: ${optional.join(", ")})` : ""}`;
}

/** The one option that starts with the same `least` or more letters as `text`, longest first. */
function samePrefix(text: string, options: readonly string[], least: number): string | undefined {
  const common = (o: string) => {
    let i = 0;
    while (i < text.length && i < o.length && text[i] === o[i].toLowerCase()) i++;
    return i;
  };
  const ranked = options.map((o) => ({ o, n: common(o) })).sort((a, b) => b.n - a.n);
  const [best, next] = ranked;
  return best && best.n >= least && (!next || next.n < best.n) ? best.o : undefined;
}

/** What a YAML value is, in the words of `EXPECTED_WORDS`. */
function kindOf(value: unknown): string {
  if (value === null) return "empty (null)";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a map";
  if (typeof value === "boolean") return "true or false";
  return `a ${typeof value}`;
}

/**
 * The reason for a field that is there but wrong, in the words the other problems use ("must be
 * ..."): zod's own messages (`Invalid input: expected number, received string`, `Too small: expected
 * number to be >=0`) are reworded; a schema's own message (a refinement's, or one given to a check)
 * is kept as written.
 */
function presentReason(
  issue: z.core.$ZodIssue,
  value: unknown,
  schema: z.ZodType | undefined,
  path: PropertyKey[],
): string {
  const zodWords =
    /^(Invalid input: expected|Invalid option: expected one of|Invalid discriminator value|Too (small|big): expected)/;
  if (!zodWords.test(issue.message)) return issue.message;
  if (issue.code === "invalid_type") {
    const want = EXPECTED_WORDS[issue.expected];
    if (!want) return issue.message;
    // YAML's .nan and .inf are numbers to JavaScript, which zod refuses as not finite.
    if (typeof value === "number" && !Number.isFinite(value))
      return `must be a finite number, not ${Number.isNaN(value) ? ".nan" : value > 0 ? ".inf" : "-.inf"}`;
    // A fraction where a whole number is wanted is a number, but not the right one.
    if (issue.expected === "int" && typeof value === "number") return "must be a whole number";
    return `must be ${mapWords(schema, path) ?? want}, not ${kindOf(value)}`;
  }
  // A discriminated union's key (`sharing.mode`) names its options as an enum does.
  const choices =
    issue.code === "invalid_value"
      ? issue.values
      : issue.code === "invalid_union" && "options" in issue && Array.isArray(issue.options)
        ? (issue.options as unknown[])
        : undefined;
  if (choices) {
    const options = choices.map((v) => String(v));
    const text = typeof value === "string" ? value.toLowerCase() : undefined;
    const near = text === undefined ? undefined : closest(text, options);
    // One or two letters off (`trtion`), or the same first five letters or more as one option
    // alone (`time-slice`).
    const guess =
      near !== undefined && distance(text!, near) <= 2 ? near : text && samePrefix(text, options, 5);
    const meant = guess ? ` (did you mean ${guess}?)` : "";
    return `must be one of ${options.join(", ")}${meant}`;
  }
  if (issue.code === "too_small" || issue.code === "too_big") {
    const small = issue.code === "too_small";
    const bound = Number(small ? issue.minimum : issue.maximum);
    const op = small ? (issue.inclusive ? ">=" : ">") : issue.inclusive ? "<=" : "<";
    if (issue.origin === "number") return `must be ${op} ${bound}`;
    const unit = issue.origin === "array" ? "item" : issue.origin === "string" ? "character" : undefined;
    if (unit) {
      const n = issue.inclusive ? bound : small ? bound + 1 : bound - 1;
      return `must have ${small ? "at least" : "at most"} ${n} ${unit}${n === 1 ? "" : "s"}`;
    }
  }
  return issue.message;
}

/** The reason for a missing field: what it must be, in words, rather than zod's type message. */
function missingReason(issue: z.core.$ZodIssue, schema: z.ZodType | undefined, path: PropertyKey[]): string {
  const map =
    issue.code === "invalid_type" && issue.expected === "object" ? mapWords(schema, path) : undefined;
  if (map) return `required: ${map}`;
  if (issue.code === "invalid_type" && EXPECTED_WORDS[issue.expected])
    return `required: ${EXPECTED_WORDS[issue.expected]}`;
  if (issue.code === "invalid_value" && issue.values.length > 1)
    return `required: one of ${issue.values.map((v) => String(v)).join(", ")}`;
  return `required: ${issue.message.replace(/^Invalid input: /, "").replace(", received undefined", "")}`;
}

/**
 * `z.strictObject` whose unknown-key message lists the allowed keys, so a typo such as `replica:`
 * is rejected (never silently ignored) with the spelling the user meant beside it.
 */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys" ? `${UNKNOWN_KEY}${Object.keys(shape).join(", ")}` : undefined,
  });
}

/**
 * Checks that span fields (a share against its pool, replicas.min against replicas.max) need a value
 * that passed the schema, so a type error elsewhere in the file would hide them until the next run.
 * `parseWithout` parses the input again with each rejected field fenced off: the schema at that
 * field falls back (`.catch`) to a stand-in, and in the parsed value the field becomes a getter that
 * throws `RejectedFieldRead`, so a check that reads it gives up instead of judging a value the user
 * never wrote, while checks of other fields still run. Unknown keys are deleted. A field the
 * schema's own checks keep rejecting fences its parent, for a few rounds. Returns the value and the
 * paths fenced or deleted (`formatPath` form), or `undefined` when only the root itself would do.
 */
export function parseWithout<T>(
  schema: z.ZodType<T>,
  input: unknown,
  pathPrefix = "",
  rounds = 8,
): { value: T; dropped: string[] } | undefined {
  const current = structuredClone(input);
  const dropped: string[] = [];
  const fenced = new Set<string>();
  let fencedSchema: z.ZodType<T> = schema;
  for (let r = 0; r < rounds; r++) {
    let result: ReturnType<z.ZodType<T>["safeParse"]>;
    try {
      result = fencedSchema.safeParse(current);
    } catch {
      return undefined; // a refinement that cannot take the stand-in: nothing safe to check
    }
    if (result.success) return { value: fenceStandIns(result.data, dropped, pathPrefix) as T, dropped };
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        const holder = valueAt(current, issue.path as PropertyKey[]) as Record<string, unknown>;
        for (const key of issue.keys) {
          delete holder[key];
          dropped.push(formatPath([...(issue.path as PropertyKey[]), key], pathPrefix));
        }
        continue;
      }
      // A path fenced in an earlier round that is still rejected (a check on its parent, a
      // refinement naming it): fence what holds it.
      let path = issue.path as PropertyKey[];
      while (path.length > 0 && fenced.has(formatPath(path))) path = path.slice(0, -1);
      if (path.length === 0) return undefined;
      fenced.add(formatPath(path));
      fencedSchema = fenceAt(fencedSchema, path) as z.ZodType<T>;
    }
  }
  return undefined;
}

/** Thrown by a fenced field of `parseWithout`'s value when a check reads it. */
export class RejectedFieldRead extends Error {}

/** What a fenced field parses to; an object, so a refinement reading it computes nonsense, not a throw. */
const STAND_IN: Readonly<Record<string, never>> = Object.freeze({});

/** Wrappers whose inner schema the fence goes through (their own behaviour is kept). */
const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "nonoptional", "readonly"]);

/**
 * `schema` with the value at `path` falling back to `STAND_IN`. Lists and records fence their
 * element schema: `.catch` acts per value, so only the elements that fail it are stood in for. Where
 * the schema cannot be followed (a union, a pipe), the whole value there is fenced.
 */
function fenceAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType {
  const def = schema.def as SchemaDef;
  if (WRAPPERS.has(def.type))
    return schema.clone({ ...def, innerType: fenceAt(def.innerType as z.ZodType, path) } as typeof def);
  if (path.length === 0) return schema.catch(STAND_IN as never);
  const [key, ...rest] = path;
  const next = childAt(def, key);
  return next ? schema.clone(next.rebuild(fenceAt(next.child, rest))) : schema.catch(STAND_IN as never);
}

/** A schema's definition with its type-specific fields (`innerType`, `shape`, ...). */
type SchemaDef = z.core.$ZodTypeDef & Record<string, unknown>;

/**
 * One step of a field path in a schema: the schema of the field `key` (an object's key, a record's
 * value, a list's element) and how to rebuild `def` around a replacement of it. `undefined` where
 * the schema cannot be followed (a union, a pipe, a key the object does not have).
 */
function childAt(
  def: SchemaDef,
  key: PropertyKey,
): { child: z.ZodType; rebuild: (child: z.ZodType) => SchemaDef } | undefined {
  if (def.type === "object" && typeof key === "string") {
    const shape = def.shape as Record<string, z.ZodType>;
    if (!Object.hasOwn(shape, key)) return undefined;
    return { child: shape[key], rebuild: (child) => ({ ...def, shape: { ...shape, [key]: child } }) };
  }
  if (def.type === "record" && typeof key === "string")
    return { child: def.valueType as z.ZodType, rebuild: (child) => ({ ...def, valueType: child }) };
  if (def.type === "array" && typeof key === "number")
    return { child: def.element as z.ZodType, rebuild: (child) => ({ ...def, element: child }) };
  return undefined;
}

/** The schema at `path` inside `schema`, through the wrappers; `undefined` where it cannot be followed. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
  const def = schema.def as SchemaDef;
  if (WRAPPERS.has(def.type)) return schemaAt(def.innerType as z.ZodType, path);
  if (path.length === 0) return schema;
  const next = childAt(def, path[0]);
  return next && schemaAt(next.child, path.slice(1));
}

/** Turns every `STAND_IN` in a parsed value into a getter that throws, recording its path. */
function fenceStandIns(
  value: unknown,
  dropped: string[],
  pathPrefix: string,
  path: PropertyKey[] = [],
): unknown {
  if (value === null || typeof value !== "object") return value;
  for (const key of Object.keys(value)) {
    const at = [...path, Array.isArray(value) ? Number(key) : key];
    const child = (value as Record<string, unknown>)[key];
    if (child === STAND_IN) {
      const where = formatPath(at, pathPrefix);
      dropped.push(where);
      Object.defineProperty(value, key, {
        enumerable: true,
        get() {
          throw new RejectedFieldRead(where);
        },
      });
    } else fenceStandIns(child, dropped, pathPrefix, at);
  }
  return value;
}

/** Whether field path `a` lies inside `b` (or is `b`). */
export function pathInside(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
}

/** One cross-field check: the problems it finds in a parsed value. */
export type Check<T> = (value: T) => Problem[];

/**
 * The problems `checks` find on what is left of `input` once the fields the schema rejected are
 * fenced off (`parseWithout`), leaving out any about a field already reported or fenced: reported
 * beside the schema's problems, a file is fixed in one round trip. Each check runs on its own, so
 * one that reads a rejected field (or cannot run on the partial value) adds nothing while the
 * others still report.
 */
export function problemsBeyondSchema<T>(
  schema: z.ZodType<T>,
  input: unknown,
  reported: readonly Problem[],
  checks: readonly Check<T>[],
  pathPrefix = "",
): Problem[] {
  const repaired = parseWithout(schema, input, pathPrefix);
  if (!repaired) return [];
  const known = [...reported.map((p) => p.path), ...repaired.dropped];
  const found = checks.flatMap((check) => {
    try {
      const problems = check(repaired.value);
      // A problem's value may hold a fenced field (a list whose other item the schema rejected):
      // read it here, so a fenced read drops this check's problems instead of crashing the report.
      JSON.stringify(problems);
      return problems;
    } catch {
      return [];
    }
  });
  // Only a problem inside a reported or fenced field is left out: one about the whole that holds it
  // (the experiments' weight total beside one experiment's bad URI) was found without reading it.
  return found.filter((p) => !known.some((k) => pathInside(p.path, k)));
}

/** Every problem `checks` find in a value that passed the schema. */
export function runChecks<T>(value: T, checks: readonly Check<T>[]): Problem[] {
  return checks.flatMap((check) => check(value));
}

/**
 * Runs `check` on each element on its own: where an element has a field the schema rejected
 * (`parseWithout`), only that element's check gives up. On a valid value it is a plain flatMap.
 */
export function perElement<E>(
  list: readonly E[],
  check: (element: E, index: number) => Problem[],
): Problem[] {
  return list.flatMap((element, i) => {
    try {
      return check(element, i);
    } catch (err) {
      if (err instanceof RejectedFieldRead) return [];
      throw err;
    }
  });
}

/** Each item of a list that repeats an earlier one, at its index (`at[i]`), naming the first. */
export function listedTwice(items: readonly string[], file: string, at: string): Problem[] {
  return items.flatMap((item, i): Problem[] => {
    const first = items.indexOf(item);
    return first < i
      ? [{ file, path: `${at}[${i}]`, value: item, reason: `listed twice (also ${at}[${first}])` }]
      : [];
  });
}
