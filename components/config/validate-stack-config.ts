/**
 * `validateStackConfig` and `checkStackConfig`: the schema and the cross-field checks over one
 * stack's raw values, every problem at once, credentials left out. Pure: it takes the raw key/value
 * map, so the offline tools and the tests use it without a Pulumi runtime. Separate from
 * stack-schema.ts, which the components read for the config's types.
 */
import { ConfigValidationError, Problem } from "./errors";
import { problemsBeyondSchema } from "./beyond-schema";
import { zodProblems } from "./zod-problems";
import { CONFIG_NAMESPACE, gpuPoolSchema, StackConfig, stackConfigSchema } from "./stack-schema";
import { crossFieldChecks, crossFieldProblems } from "./stack-config-checks";

/**
 * Validates the raw `mlops-platform:*` values of one stack (prefix stripped) and returns the typed
 * config with defaults, or throws one `ConfigValidationError` listing every problem.
 */
export function validateStackConfig(raw: Record<string, unknown>, file: string): StackConfig {
  // A value that may be a credential is left out by `ConfigValidationError` itself.
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const prefix = `${CONFIG_NAMESPACE}:`;
    const problems = zodProblems(file, raw, parsed.error.issues, prefix, stackConfigSchema);
    problems.push(...problemsBeyondSchema(stackConfigSchema, raw, problems, crossFieldChecks(file), prefix));
    throw new ConfigValidationError(problems);
  }
  const problems = crossFieldProblems(parsed.data, file);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return parsed.data;
}

/**
 * What the model-spec and file checks read of the stack config. A part is there when it parses on
 * its own, so a stack file rejected for something else still has its model specs, secrets and
 * traffic history checked in the same round trip.
 */
export interface StackParts {
  /** The pools without problems of their own. */
  readonly gpuPools?: StackConfig["gpuPools"];
  /**
   * Pools with problems of their own (a MIG profile their GPUs lack, a duplicate name): the specs'
   * checks against them wait, rather than repeat the pool's mistake once per model.
   */
  readonly poolsWithProblems?: readonly string[];
  readonly alerting?: StackConfig["alerting"];
  readonly cluster?: StackConfig["cluster"];
  /** The declared path; `undefined` also when the key itself is wrong. */
  readonly trafficHistory?: string;
  readonly imageRegistry?: string;
}

/**
 * The parts of a raw stack config (`validateStackConfig`'s input) that parse on their own; of the
 * pools, those that `problems` do not name.
 */
function readableStackParts(raw: Record<string, unknown>, problems: readonly Problem[]): StackParts {
  const part = <K extends keyof StackParts & keyof typeof stackConfigSchema.shape>(key: K) => {
    const parsed = stackConfigSchema.shape[key].safeParse(raw[key]);
    return parsed.success ? (parsed.data as StackParts[K]) : undefined;
  };
  const faulty = new Set(
    problems.flatMap((p) => {
      const m = /(?:^|:)gpuPools\[(\d+)\]/.exec(p.path ?? "");
      return m ? [Number(m[1])] : [];
    }),
  );
  // Pool by pool: one with a mistake of its own (`name: Training`) leaves the others to check the
  // specs against, and its name as written, so a spec's misspelt pool is still told apart from it.
  const rawPools = Array.isArray(raw.gpuPools) ? (raw.gpuPools as unknown[]) : undefined;
  const pools = rawPools?.map((p) => gpuPoolSchema.safeParse(p));
  const rawName = (p: unknown) => {
    const name = (p as { name?: unknown } | null)?.name;
    return typeof name === "string" ? name : "";
  };
  return {
    gpuPools: pools?.flatMap((p, i) => (p.success && !faulty.has(i) ? [p.data] : [])),
    poolsWithProblems: pools?.flatMap((p, i) => (p.success && !faulty.has(i) ? [] : [rawName(rawPools![i])])),
    alerting: part("alerting"),
    cluster: part("cluster"),
    trafficHistory: part("trafficHistory"),
    imageRegistry: part("imageRegistry"),
  };
}

/**
 * `validateStackConfig` that reports instead of throwing: the config when it is valid, else its
 * problems; `parts` (the config, or what of it parses on its own) is what the model-spec and file
 * checks that follow run against, so a rejected stack file does not hide their problems.
 */
export function checkStackConfig(
  raw: Record<string, unknown>,
  file: string,
): { config?: StackConfig; parts: StackParts; problems: Problem[] } {
  try {
    const config = validateStackConfig(raw, file);
    return { config, parts: config, problems: [] };
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    return { parts: readableStackParts(raw, err.problems), problems: [...err.problems] };
  }
}
