/**
 * zod's issues as `Problem`s in the words the other problems use, and `strictObject`, whose
 * unknown-key message those words build on. Separate from errors.ts: only the schemas and their
 * validation need it.
 */
import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";
import { formatPath, Problem, valueAt } from "./errors";
import { schemaAt } from "./beyond-schema";
import { misplacedKeyPaths } from "./misplaced-keys";

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
  // Fields a misspelt key was meant to be: `replica:` is one mistake, reported once, at the typo
  // (which names the fix), not also as `replicas: required`.
  const meantFields = new Set<string>();
  const missing: Problem[] = [];
  for (const issue of issues) {
    const path = issue.path as PropertyKey[];
    // zod's own safe-integer bound (1e308 is no safe integer) beside the field's own bound says the
    // same in its words: the field's message, which says what is allowed, is kept alone.
    if (unsafeInteger(issue) && issues.some((o) => o !== issue && samePath(o.path, path))) continue;
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        let reason = unknownKeyReason(key, issue.message);
        const meant = /^unknown key; did you mean ([^?]+)\?/.exec(reason)?.[1];
        if (meant) meantFields.add(formatPath([...path, meant], pathPrefix));
        // A slip of spelling is named first; a right key at the wrong depth is named where it goes.
        const moved = !meant && schema ? misplacedKeyPaths(schema, path, key) : [];
        if (moved.length > 0) {
          const where = moved.map((p) => formatPath(p, pathPrefix));
          const allowed = reason.startsWith(UNKNOWN_KEY)
            ? `; allowed keys here: ${reason.slice(UNKNOWN_KEY.length)}`
            : "";
          reason = `unknown key at this level: ${key} belongs at ${where.join(" or ")} (check its indentation)${allowed}`;
          // The one place it belongs, left without it, is this same slip: reported once, here.
          if (where.length === 1) meantFields.add(where[0]);
        }
        problems.push({ file, path: formatPath([...path, key], pathPrefix), reason });
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
    if (value === undefined) missing.push(problem);
    problems.push(problem);
  }
  return problems.filter((p) => !(missing.includes(p) && meantFields.has(p.path)));
}

/** zod's check that a whole number is within JavaScript's safe-integer range. */
function unsafeInteger(issue: z.core.$ZodIssue): boolean {
  return (issue.code === "too_big" || issue.code === "too_small") && issue.origin === "int";
}

function samePath(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  return a.length === b.length && a.every((k, i) => k === b[i]);
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
  const meant = nearMiss(lower, near)
    ? allowed.find((k) => k.toLowerCase() === near)
    : lower.length >= 4
      ? allowed.find((k) => k.toLowerCase().startsWith(lower))
      : undefined;
  return meant ? `unknown key; did you mean ${meant}? allowed keys: ${allowed.join(", ")}` : message;
}

/**
 * Whether `key` is a slip of `allowed`: one edit, or two in a word of five letters or more, or two
 * letters swapped. Two edits of a short word reach unrelated ones (`base` is two from `name`), while
 * a swap (`tema` for `team`) is the common slip.
 */
function nearMiss(key: string, allowed: string): boolean {
  const d = distance(key, allowed);
  const sorted = (w: string) => [...w].sort().join("");
  return d <= 1 || (d === 2 && (key.length >= 5 || sorted(key) === sorted(allowed)));
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
    if (issue.origin === "int") return `must be a whole number ${op} ${bound}`;
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
  // A field that says what it is (`.describe`) is told so: "required: a string" names no form.
  const described = schema && schemaAt(schema, path)?.description;
  if (described) return `required: ${described}`;
  const map =
    issue.code === "invalid_type" && issue.expected === "object" ? mapWords(schema, path) : undefined;
  if (map) return `required: ${map}`;
  if (issue.code === "invalid_type" && EXPECTED_WORDS[issue.expected])
    return `required: ${EXPECTED_WORDS[issue.expected]}`;
  if (issue.code === "invalid_value" && issue.values.length > 1)
    return `required: one of ${issue.values.map((v) => String(v)).join(", ")}`;
  // A discriminated union's key (`sharing.mode`) left out: zod says "Invalid discriminator value".
  if (issue.code === "invalid_union" && "options" in issue && Array.isArray(issue.options))
    return `required: one of ${(issue.options as unknown[]).map((v) => String(v)).join(", ")}`;
  return `required: ${issue.message.replace(/^Invalid input: /, "").replace(", received undefined", "")}`;
}

/**
 * `z.strictObject` whose unknown-key message lists the allowed keys, so a typo such as `replica:`
 * is rejected (never silently ignored) with the spelling the user meant beside it.
 */
export function strictObject<T extends z.core.$ZodLooseShape>(
  shape: T,
  /** What to say of a value that is not a map, where the fields' list says too little. */
  notAMap?: string,
) {
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `${UNKNOWN_KEY}${Object.keys(shape).join(", ")}`
        : iss.code === "invalid_type" && iss.input !== undefined
          ? notAMap
          : undefined,
  });
}
