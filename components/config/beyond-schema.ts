/**
 * Cross-field checks beside a schema's problems: `parseWithout` fences off the fields the schema
 * rejected, so the checks that do not read them still report in the same round trip; and the
 * helpers the checks are written with (`Check`, `runChecks`, `perElement`, `listedTwice`).
 * Separate from errors.ts: the stack and model checks use it, the error type does not.
 */
import { z } from "zod";
import { formatPath, pathInside, Problem, valueAt } from "./errors";

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
export function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType | undefined {
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

/** What `read` returns, or `undefined` where it reads a field the schema rejected (`parseWithout`). */
function unlessRejected<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if (err instanceof RejectedFieldRead) return undefined;
    throw err;
  }
}

/**
 * Runs `check` on each element on its own: where an element is, or has, a field the schema rejected
 * (`parseWithout`), only that element's check gives up. On a valid value it is a plain flatMap. The
 * element is read inside the check's guard: `flatMap` would read a rejected one outside it and give
 * up on the whole list (`[g9.xlarge, 5]` hid the unknown type behind the number).
 */
export function perElement<E>(
  list: readonly E[],
  check: (element: E, index: number) => Problem[],
): Problem[] {
  return Array.from({ length: list.length }, (_, i) => unlessRejected(() => check(list[i], i)) ?? []).flat();
}

/**
 * Each item of a list that repeats an earlier one, at its index (`at[i]`), naming the first. An item
 * the schema rejected (`parseWithout` fenced it) is passed over, so `[drift, drfit, drift]` reports
 * the misspelling and the duplicate together.
 */
export function listedTwice(items: readonly string[], file: string, at: string): Problem[] {
  const read = Array.from({ length: items.length }, (_, i) => unlessRejected(() => items[i]));
  return read.flatMap((item, i): Problem[] => {
    const first = read.indexOf(item);
    return item !== undefined && first < i
      ? [{ file, path: `${at}[${i}]`, value: item, reason: `listed twice (also ${at}[${first}])` }]
      : [];
  });
}
