/**
 * `validateModelSpecs`: every spec of a models folder for one stack, with each problem placed where
 * the user fixes it (a stack's override, another stack's override). Separate from model-schema.ts,
 * whose types the components read: this is the one pass over all the files of a folder.
 */
import { isPlainObject } from "./deep-merge";
import { ConfigValidationError, Problem } from "./errors";
import { problemsBeyondSchema, runChecks } from "./beyond-schema";
import { zodProblems } from "./zod-problems";
import { editDistance } from "./edit-distance";
import { DNS_LABEL } from "./model-fields";
import { inheritCanaryAnalysis } from "./canary-schema";
import {
  applyStackOverride,
  ModelSpec,
  modelSpecSchema,
  SpecContext,
  SpecSource,
  withoutNullOptionals,
} from "./model-schema";
import { specChecks, specProblems } from "./model-spec-checks";
import { childNameClashes, SpecInFile } from "./child-name-clashes";
import { withImageRegistry } from "./image-registry";

/**
 * Validates every spec for `stack` against the stack config. Returns the specs sorted by name, or
 * throws one `ConfigValidationError` with every problem of every file. With `knownStacks` (the
 * project's `Pulumi.<stack>.yaml` names), an override under a near miss of one of them is a problem.
 */
export function validateModelSpecs(
  sources: readonly SpecSource[],
  stack: string,
  cfg: SpecContext,
  knownStacks?: readonly string[],
): ModelSpec[] {
  const problems: Problem[] = [];
  const specs: SpecInFile[] = [];
  const firstFileByName = new Map<string, string>();
  // Which file holds each model name: a file that takes another's name clashes with it too.
  const fileByModel = new Map(sources.map((s) => [baseName(s.file), s.file]));
  for (const src of sources) {
    // Optional fields left null (`canary:` with its lines commented out) are absent, as in overrides.
    // DESIGN's `<registry>/...` image placeholder becomes the stack's registry before any check.
    let data = withImageRegistry(
      isPlainObject(src.data) ? withoutNullOptionals(src.data) : src.data,
      cfg.imageRegistry,
    );
    if (isPlainObject(data) && data.stacks !== undefined && !isPlainObject(data.stacks)) {
      problems.push({
        file: src.file,
        path: "stacks",
        value: data.stacks,
        reason: "must map stack names to overrides",
      });
      // The rest of the file is still checked, so its other problems come in the same round trip.
      const { stacks: _unusable, ...rest } = data;
      data = rest;
    }
    // An override that is not a map (`prod: 5`) would replace the whole spec: said at its place,
    // and left out so the rest of the file is still checked.
    if (isPlainObject(data) && isPlainObject(data.stacks)) {
      const bad = Object.entries(data.stacks).filter(([, v]) => v !== null && !isPlainObject(v));
      for (const [key, value] of bad)
        problems.push({
          file: src.file,
          path: `stacks.${key}`,
          value,
          reason: "must be a map of the fields to override for that stack (or empty)",
        });
      if (bad.length > 0)
        data = {
          ...data,
          stacks: Object.fromEntries(
            Object.entries(data.stacks).filter(([k]) => !bad.some(([b]) => b === k)),
          ),
        };
    }
    // An override under a mistyped stack name would be silently ignored (`prdo:`), leaving the
    // stack at the defaults. A name one or two edits from a stack of the project is taken for a
    // typo; other names may be stacks whose file is not in this checkout, and are left alone.
    if (knownStacks && isPlainObject(data) && isPlainObject(data.stacks))
      for (const key of Object.keys(data.stacks)) {
        const near = knownStacks.find((k) => k !== key && editDistance(k, key) <= 2);
        if (near && !knownStacks.includes(key))
          problems.push({
            file: src.file,
            path: `stacks.${key}`,
            reason: `no stack ${key} in this project (did you mean ${near}?); stacks: ${knownStacks.join(", ")}`,
          });
      }
    const merged = applyStackOverride(data, stack);
    const parsed = modelSpecSchema.safeParse(merged);
    let found: Problem[];
    if (parsed.success) {
      found = specProblems(parsed.data, src.file, cfg);
      specs.push({ spec: parsed.data, file: src.file });
    } else {
      found = zodProblems(src.file, merged, parsed.error.issues, "", modelSpecSchema);
      found.push(...problemsBeyondSchema(modelSpecSchema, merged, found, specChecks(src.file, cfg)));
    }
    // The name is checked whenever it is a name at all, so a type error elsewhere does not hide a
    // file/name mismatch or a duplicate until the next run.
    const name = isPlainObject(merged) ? merged.name : undefined;
    if (typeof name === "string" && DNS_LABEL.test(name))
      found.push(...nameProblems(name, src.file, firstFileByName, fileByModel));
    const override = isPlainObject(data) && isPlainObject(data.stacks) ? data.stacks[stack] : undefined;
    problems.push(...found.map((p) => inOverride(p, override, stack)));
    problems.push(...otherOverrideProblems(src.file, data, stack, knownStacks ?? []));
  }
  problems.push(...childNameClashes(specs));
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return specs.map(({ spec }) => spec).sort((a, b) => a.name.localeCompare(b.name));
}

/** The file-name and uniqueness checks of a model name; records the first file of each name. */
function nameProblems(
  name: string,
  file: string,
  firstFileByName: Map<string, string>,
  fileByModel: ReadonlyMap<string, string>,
): Problem[] {
  const expected = baseName(file);
  // A name that is not its file's is that one slip: it neither claims the name nor is reported as a
  // duplicate of it (a new homepage-feed-v2.yaml still named homepage-feed blamed the untouched
  // homepage-feed.yaml, whichever file came first). The clash is said here, with the file it is
  // with, so a copied spec whose name was not changed is not taken for a file to rename.
  if (name !== expected) {
    const owner = fileByModel.get(name);
    const clash = owner
      ? `, and ${name} is already the model of ${owner} (two files cannot declare one model)`
      : "";
    return [{ file, path: "name", value: name, reason: `must equal the file name (${expected})${clash}` }];
  }
  const other = firstFileByName.get(name);
  if (!other) {
    firstFileByName.set(name, file);
    return [];
  }
  return [{ file, path: "name", value: name, reason: `duplicate model name, already used by ${other}` }];
}

/**
 * The schema's problems inside the overrides of the other stacks of a spec (`stacks.prod.serving.
 * replicass` while staging is planned): they would otherwise wait until that stack is planned, and
 * a local plan of staging would pass a file that breaks prod. Only what lies in those overrides: the
 * schema, and the checks that need no stack config (those against its pools and teams do).
 */
function otherOverrideProblems(
  file: string,
  data: unknown,
  stack: string,
  knownStacks: readonly string[],
): Problem[] {
  // Without overrides every stack plans the same spec: the planned one's validation says it all.
  if (!isPlainObject(data) || !isPlainObject(data.stacks)) return [];
  const { stacks: _overrides, ...base } = data;
  // The checks that need no stack config (a feature listed twice, min above max, a custom runtime
  // without its image): the pools and teams are that stack's to check. Beside schema problems too.
  const checks = specChecks(file, {});
  // One parse of a merged spec: its schema problems, and those with the checks beside them.
  const check = (input: unknown): { schema: Problem[]; all: Problem[] } => {
    const parsed = modelSpecSchema.safeParse(input);
    if (parsed.success) return { schema: [], all: runChecks(parsed.data, checks) };
    const schema = zodProblems(file, input, parsed.error.issues, "", modelSpecSchema);
    return { schema, all: problemsBeyondSchema(modelSpecSchema, input, schema, checks) };
  };
  // With the value: an override that replaces a bad value with another bad one is its own problem.
  const key = (p: Problem) => `${p.path}\u0000${p.reason}\u0000${JSON.stringify(p.value)}`;
  const ofBase = new Set(check(inheritCanaryAnalysis(base)).all.map(key));
  const out: Problem[] = [];
  // A base value the planned stack overrides but another inherits (`training.gpu.count: 0` under
  // staging's own count) is that stack's problem at the base's line; one the planned stack also
  // has is reported by its own validation.
  const planned = new Set(check(applyStackOverride(data, stack)).schema.map((p) => p.path));
  const inherited = new Map<string, { problem: Problem; stacks: string[] }>();
  const overrides = data.stacks;
  // The project's stacks without an override of their own plan the base as it is.
  const others = [...new Set([...Object.keys(overrides), ...knownStacks])];
  for (const other of others) {
    const override = overrides[other];
    if (other === stack || (override !== undefined && !isPlainObject(override))) continue;
    const { schema, all } = check(applyStackOverride(data, other));
    for (const p of schema) {
      const placed = inOverride(p, override, other);
      if (placed.path.startsWith(`stacks.${other}.`)) out.push(placed);
      else if (!planned.has(p.path)) {
        const seen = inherited.get(p.path) ?? { problem: p, stacks: [] };
        inherited.set(p.path, { problem: seen.problem, stacks: [...seen.stacks, other] });
      }
    }
    // What the override brings about: a problem the base alone does not have, reported under the
    // override even where it names a field the base sets (prod's max below the base's min).
    for (const p of all) {
      if (ofBase.has(key(p))) continue;
      const placed = inOverride(p, override, other);
      out.push(
        placed.path.startsWith(`stacks.${other}.`)
          ? placed
          : { ...placed, path: `stacks.${other}.${p.path}` },
      );
    }
  }
  const inheritedProblems = [...inherited.values()].map(({ problem, stacks }) => ({
    ...problem,
    reason: `${problem.reason} (${stacks.length === 1 ? `stack ${stacks[0]} inherits` : `stacks ${stacks.join(", ")} inherit`} it)`,
  }));
  return [...out, ...inheritedProblems];
}

/**
 * A problem with a field the stack's override sets is reported at its place in the override
 * (`stacks.prod.serving.replicas.max`), where the user has to fix it. Lists are replaced whole by an
 * override, so anything inside one the override sets is the override's. A problem comparing two
 * fields (`alsoAt`) of which the override sets only the other is said at that one.
 */
export function inOverride(problem: Problem, override: unknown, stack: string): Problem {
  const { alsoAt, ...own } = problem;
  if (override === undefined || problem.path === "") return own;
  const cur = overrideValue(override, problem.path);
  if (cur === undefined) {
    if (alsoAt && overrideValue(override, alsoAt.path) !== undefined)
      return { file: problem.file, ...alsoAt, path: `stacks.${stack}.${alsoAt.path}` };
    return own;
  }
  const path = `stacks.${stack}.${problem.path}`;
  // `serving: null` removes a required field: say so, rather than leave "required" next to a line
  // that visibly sets it.
  if (cur === null && problem.reason.startsWith("required"))
    return {
      ...own,
      path,
      reason: `${problem.reason}; null in an override removes a field, and only optional ones can be removed`,
    };
  // A key at the wrong depth inside the override belongs at a place inside the override too.
  const reason = problem.reason.replace(
    / belongs at (\S+(?: or \S+)*) \(check its indentation\)/,
    (_m, at: string) =>
      ` belongs at ${at
        .split(" or ")
        .map((p) => `stacks.${stack}.${p}`)
        .join(" or ")} (check its indentation)`,
  );
  return { ...own, path, reason };
}

/** What the override sets at `path` (`serving.replicas.max`, `experiments[0].name`); undefined if nothing. */
function overrideValue(override: unknown, path: string): unknown {
  let cur: unknown = override;
  for (const part of path.split(/\.|(?=\[)/)) {
    if (!isPlainObject(cur)) break;
    const key = part.startsWith("[") ? part.slice(1, -1) : part;
    cur = cur[key];
    if (cur === undefined) return undefined;
  }
  return cur;
}

function baseName(file: string): string {
  return file.replace(/^.*[\\/]/, "").replace(/\.ya?ml$/i, "");
}
