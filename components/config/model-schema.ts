/**
 * Schema of one model spec (`models/<name>.yaml`, DESIGN section 3) and the checks that need the
 * stack config (pools, sharing) or all files at once (unique names). Pure: no file or Pulumi access.
 */
import { distance } from "fastest-levenshtein";
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import { gpuInstanceType, hostPerGpu, migSliceFraction } from "../capacity/instance-catalog";
import { fewestSlotsPerGpu } from "../capacity/gpu-slots";
import { deepMerge, isPlainObject } from "./deep-merge";
import {
  Check,
  ConfigValidationError,
  listedTwice,
  perElement,
  Problem,
  problemsBeyondSchema,
  runChecks,
  strictObject,
  zodProblems,
} from "./errors";
import type { GpuPool, StackConfig } from "./stack-schema";
import { NAMESPACES } from "../addons/addons-context";

const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const dnsLabel = z
  .string()
  .regex(DNS_LABEL, "must be a DNS-1123 label: lower-case letters, digits and '-', at most 63");

/**
 * `s3://<bucket>/<path>`: an S3 bucket name (or the `<artifacts>` placeholder for the platform's
 * artifact bucket) and a non-empty path, so read access can be scoped to that path.
 */
const S3_MODEL_URI = /^s3:\/\/(<artifacts>|[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/[^/\s]+(\/[^\s]*)?$/;

/** Model URI schemes KServe's storage initializer and our MLflow integration can load. */
export const MODEL_URI_SCHEMES = ["s3://", "models:/"] as const;
const modelUri = z
  .string()
  .refine(
    (u) => MODEL_URI_SCHEMES.some((s) => u.startsWith(s) && u.length > s.length),
    `must start with ${MODEL_URI_SCHEMES.join(" or ")} (an S3 artifact path or an MLflow registry reference models:/<name>/<version>)`,
  )
  .refine(
    (u) => !u.startsWith("s3://") || S3_MODEL_URI.test(u),
    "must be s3://<bucket>/<path> with a path inside the bucket (the model's pod role may read only that path); " +
      "use the bucket <artifacts> for the platform's artifact bucket",
  );

/** Airflow accepts five-field cron expressions and these presets. */
const CRON_PRESETS = ["@hourly", "@daily", "@weekly", "@monthly", "@yearly"];
const CRON_HELP = `must be a five-field cron expression (minute hour day month weekday) or one of ${CRON_PRESETS.join(", ")}`;
const cron = z.string().superRefine((expr, ctx) => {
  const problem = cronProblem(expr);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** True for a five-field cron expression or an Airflow preset that Airflow reads and that fires. */
export function isValidCron(expr: string): boolean {
  return cronProblem(expr) === undefined;
}

/**
 * What keeps Airflow from running `expr`, or `undefined`. Airflow reads schedules with Python's
 * croniter, which takes numbers, `*`, `,`, `-`, `/`, three-letter names, `L` for the last day of the
 * month and `<weekday>#<n>` for the n-th weekday, but not cron-parser's other extensions (`H`
 * without a hash id, `W`, `?`, and `5L`, which croniter writes `L5`): the DAG would not load.
 */
function cronProblem(expr: string): string | undefined {
  if (CRON_PRESETS.includes(expr)) return undefined;
  // A zone of its own (cron-parser and some crons read CRON_TZ/TZ): the DAG runs in the stack's.
  if (/^\s*(CRON_)?TZ=/.test(expr))
    return "must not name a time zone (CRON_TZ=...): schedules run in the stack's timeZone (the stack file's mlops-platform:timeZone)";
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) return CRON_HELP;
  const names = /jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat/gi;
  const plain = (f: string) => /^[\d*,/-]+$/.test(f.replace(names, "0"));
  const [minute, hour, day, month, weekday] = fields;
  // One n-th weekday alone: croniter refuses it mixed with plain days, cron-parser in a list.
  const nth = /^[0-7]#[1-5]$/.test(weekday.replace(names, "0"));
  if (![minute, hour, month].every(plain) || !(plain(day) || day === "L") || !(plain(weekday) || nth))
    return `${CRON_HELP}; of the extensions only L (last day of the month) and weekday#n (the n-th weekday, 5#2) are read by Airflow's croniter`;
  // croniter finds no date for an n-th weekday beside a day of the month (`0 0 1 * 5#2`).
  if (nth && day !== "*") return `weekday ${weekday} needs * as the day of the month (got ${day})`;
  try {
    // The day against the month alone: 31 February never comes, whatever the weekday (croniter
    // gives up on it, though cron's OR of day and weekday would fire on the weekday).
    CronExpressionParser.parse(`${minute} ${hour} ${day} ${month} *`);
    CronExpressionParser.parse(expr);
    return undefined;
  } catch (err) {
    // e.g. 31 February: a schedule that never fires is a slip, not a plan.
    if (/explicit day of month/i.test((err as Error).message))
      return `never fires: day ${day} does not exist in month ${month}`;
    return CRON_HELP;
  }
}

/** A quantity written as a YAML number (`cpu: 2`), as Kubernetes takes it, read as its text. */
const quantityText = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? String(v) : v);
/**
 * CPU in cores (`2`, `0.5`) or millicores (`500m`); memory in bytes with a binary (`Ki`..`Ti`) or
 * decimal (`k`, `M`, `G`, `T`) suffix. Both must be above zero (a malformed value, NaN, gets only
 * the format's message). Kubernetes also takes `500m` of memory, but that is half a byte - always a
 * slip for `500Mi` - so it is refused here.
 */
const cpuQuantity = z.preprocess(
  quantityText,
  z
    .string()
    .regex(/^(\d+(\.\d+)?|\d+m)$/, "must be CPU cores such as 2, 0.5 or 500m")
    .refine((q) => !(parseQuantity(q, "cpu") <= 0), "must be more than 0 cores"),
);
const memoryQuantity = z.preprocess(
  quantityText,
  z
    .string()
    .regex(
      /^\d+(\.\d+)?([kMGT]|[KMGT]i)?$/,
      "must be memory such as 1536Mi, 8Gi or 2G (binary Ki, Mi, Gi, Ti or decimal k, M, G, T; m would be thousandths of a byte)",
    )
    .refine((q) => !(parseQuantity(q, "memory") <= 0), "must be more than 0 bytes"),
);

/**
 * An image reference (the distribution grammar): `[registry/]path[:tag][@sha256:digest]`, where a
 * registry is a host with a dot or a port, or `localhost` (`harbor.internal:5000`, whose port is no
 * tag), and the path is lowercase components (`[a-z0-9]` runs joined by `.`, `_`, `__` or dashes)
 * separated by single slashes. Pinned by a tag or a digest (or both).
 */
const IMAGE_REFERENCE = new RegExp(
  "^(?:(?:[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+|localhost)(?::\\d{1,5})?/|[A-Za-z0-9-]+:\\d{1,5}/)?" +
    "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*" +
    "(?<tag>:[\\w][\\w.-]{0,127})?(?<digest>@sha256:[a-f0-9]{64})?$",
);

function pinnedImage(message: string) {
  return z.string().superRefine((image, ctx) => {
    const m = IMAGE_REFERENCE.exec(image);
    if (m && (m.groups?.tag !== undefined || m.groups?.digest !== undefined)) return;
    // A path in capitals is the likelier slip than a missing tag: say that one.
    const lowered = image.replace(
      /^([^/]*[.:][^/]*\/|localhost\/)?([^:@]*)/,
      (_all, host = "", path: string) => host + path.toLowerCase(),
    );
    const upper = lowered !== image && IMAGE_REFERENCE.test(lowered);
    ctx.addIssue({
      code: "custom",
      message: upper ? "must have a lowercase repository path (registries refuse capitals there)" : message,
    });
  });
}

const serving = strictObject({
  runtime: z.enum(["triton", "mlserver", "torchserve", "custom"]),
  /** Container image; required for `custom`, optional pin for the others. Must carry a tag or digest. */
  image: pinnedImage("must be an image with a tag or digest, e.g. registry/recs/server:1.2.3")
    .refine((i) => !i.endsWith(":latest"), "must not use the mutable tag latest")
    .optional(),
  /** Runtime image tag overriding the platform's pinned one (KServe `runtimeVersion`). */
  runtimeVersion: z
    .string()
    .regex(/^[\w][\w.-]{0,127}$/, "must be an image tag such as 25.01-py3")
    .refine((v) => v !== "latest", "must not be the mutable tag latest")
    .optional(),
  modelUri,
  gpu: strictObject({
    pool: z.string(),
    share: z.number().positive("must be > 0"),
  }),
  // KEDA thresholds are written with two decimals: below 0.1 rps per replica (x a target >= 0.1)
  // they would round to "0", and such a model is not served by request-rate autoscaling anyway.
  rpsPerReplica: z
    .number()
    .min(0.1, "must be at least 0.1 requests/s per replica")
    // A traffic file's rates are at most 10,000,000 requests/s; a replica above 1,000,000 is a typo.
    .max(1_000_000, "must be at most 1,000,000 requests/s per replica (from a load test)"),
  replicas: strictObject({
    // With no replica there is no demand signal to wake one: the request rate comes from the model's
    // own pods, and KServe's Standard mode has no activator that holds requests and counts them.
    min: z
      .number()
      .int()
      .min(
        1,
        "must be at least 1: a model scaled to 0 replicas is never scaled back up (its request rate comes from its own pods, and KServe's Standard mode has no activator to hold and count requests)",
      ),
    max: z.number().int().min(1),
  }),
  coldStartSeconds: z.number().int().min(0).max(3600).default(60),
  /**
   * Requests (= limits) of one replica. The default fits eight 1/8-GPU replicas on a 4 vCPU / 16 GiB
   * single-GPU node (g6.xlarge, g4dn.xlarge) with room left for the node's daemons; see
   * `resourceProblems` for the check against the pool's instance types.
   */
  resources: strictObject({ cpu: cpuQuantity, memory: memoryQuantity }).default({
    cpu: "400m",
    memory: "1536Mi",
  }),
  /** Fraction of `rpsPerReplica` the autoscaler aims for, leaving headroom for bursts and cold starts. */
  targetUtilization: z
    .number()
    .min(0.1, "must be at least 0.1 (a fraction of rpsPerReplica)")
    .max(1)
    .default(0.8),
});

/**
 * How many times stable's error ratio a variant may have before it counts as worse: a canary's
 * default `maxErrorRatio`, and the bound for A/B experiments, which declare none.
 */
export const DEFAULT_MAX_ERROR_RATIO = 1.5;

/** Traffic steps of a canary that declares none (percent; the last is the promotion). */
export const DEFAULT_CANARY_STEPS = [10, 25, 50, 100] as const;

/** The fields of a canary's analysis, shared by `canary.analysis` and the model's `canaryAnalysis`. */
const analysisFields = {
  /** Canary error ratio may be at most this multiple of stable's. */
  maxErrorRatio: z.number().min(1),
  maxLatencyP99Ms: z.number().positive(),
  intervalMinutes: z.number().int().min(1).max(1440),
  steps: z.array(z.number().int().min(1).max(100)).min(1),
};

/** What a canary's analysis is when neither it nor the model's `canaryAnalysis` sets a field. */
const ANALYSIS_DEFAULTS = {
  maxErrorRatio: DEFAULT_MAX_ERROR_RATIO,
  intervalMinutes: 5,
  steps: [...DEFAULT_CANARY_STEPS],
};

const canaryAnalysisSchema = strictObject({
  maxErrorRatio: analysisFields.maxErrorRatio.default(ANALYSIS_DEFAULTS.maxErrorRatio),
  maxLatencyP99Ms: analysisFields.maxLatencyP99Ms.optional(),
  intervalMinutes: analysisFields.intervalMinutes.default(ANALYSIS_DEFAULTS.intervalMinutes),
  steps: analysisFields.steps.default(ANALYSIS_DEFAULTS.steps),
}).default(ANALYSIS_DEFAULTS);

/** A canary's analysis with every default filled in. */
export type CanaryAnalysis = z.infer<typeof canaryAnalysisSchema>;

const canary = strictObject({
  modelUri,
  // 100 passes here so that the traffic-split check can say why it is refused (promote instead).
  trafficPercent: z
    .number()
    .int()
    .min(0, "must be a percentage from 0 to 99")
    .max(100, "must be a percentage from 0 to 99"),
  analysis: canaryAnalysisSchema,
});

const experiment = strictObject({
  name: dnsLabel.refine(
    (n) => n !== "stable" && n !== "canary",
    "stable and canary are reserved variant names",
  ),
  modelUri,
  weight: z.number().int().min(1).max(99).optional(),
  header: strictObject({
    name: z.string().regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name"),
    value: z.string().min(1),
  }).optional(),
});

/** Alerts that may start a retraining run (DESIGN section 5). */
export const RETRAIN_TRIGGERS = ["drift", "quality"] as const;

const training = strictObject({
  schedule: cron,
  image: pinnedImage("must be an image with a tag or digest").refine(
    (i) => !i.endsWith(":latest"),
    "must not use the mutable tag latest",
  ),
  gpu: strictObject({ pool: z.string(), count: z.number().int().min(1).max(64).default(1) }),
  retrainOn: z.array(z.enum(RETRAIN_TRIGGERS)).default([]),
  timeoutHours: z.number().positive().max(72).default(6),
  /**
   * The evaluate step's pod (requests; memory also its limit). It runs on the system nodes (no GPU
   * toleration), so the default fits staging's, an m6i.large (2 vCPU, 8 GiB, about 1.9
   * vCPU and 7 GiB allocatable before the node's daemons).
   */
  evaluate: strictObject({ cpu: cpuQuantity, memory: memoryQuantity }).default({
    cpu: "500m",
    memory: "2Gi",
  }),
});

const monitoring = strictObject({
  features: z
    .array(
      // Matched inside a PromQL regex (`feature=~"a|b"`): no `.` or other regex characters.
      z
        .string()
        .regex(
          /^[a-zA-Z_][a-zA-Z0-9_]*$/,
          "must be a feature name of letters, digits and _ (not first a digit): it is matched in a PromQL regex",
        ),
    )
    .default([]),
  quality: strictObject({
    metric: z.enum(["ctr"]).default("ctr"),
    minRatio: z.number().gt(0).lt(1),
  }).optional(),
});

/** The model spec after defaults and stack overrides. */
export const modelSpecSchema = strictObject({
  name: dnsLabel,
  team: dnsLabel,
  serving,
  slo: strictObject({
    latencyP99Ms: z.number().positive(),
    availability: z.number().min(90).max(99.999),
  }),
  canary: canary.optional(),
  /**
   * The analysis of every canary of this model, in every stack, where the canary's own `analysis`
   * does not set a field. A canary's own block goes with it when it is promoted or rolled back; this
   * one stays, so the prod canary `promote-to-prod` writes is analysed as staging's was.
   */
  canaryAnalysis: strictObject(analysisFields).partial().optional(),
  experiments: z.array(experiment).default([]),
  training: training.optional(),
  monitoring: monitoring.default({ features: [] }),
  /**
   * Canary versions this stack rolled back (written by `promote` under `stacks.<stack>` when the
   * canary was the base's, shared with other stacks): another stack must not promote them. Deploys
   * nothing.
   */
  rolledBack: z.array(modelUri).default([]),
  stacks: z.record(z.string().regex(DNS_LABEL, "must be a stack name"), z.unknown()).optional(),
});

/** A validated model spec for one stack. */
export type ModelSpec = z.infer<typeof modelSpecSchema>;

/** Raw file contents: where it came from and what it parsed to. */
export interface SpecSource {
  /** Path shown in errors, e.g. `models/homepage-feed.yaml`. */
  readonly file: string;
  /** Parsed YAML (any shape). */
  readonly data: unknown;
}

/**
 * Applies the per-stack override of `stack` over the spec, dropping the `stacks` block, and gives
 * the canary the model's `canaryAnalysis` where its own analysis is silent.
 */
export function applyStackOverride(data: unknown, stack: string): unknown {
  if (!isPlainObject(data)) return data;
  const { stacks, ...rest } = data;
  const override = isPlainObject(stacks) ? stacks[stack] : undefined;
  return inheritCanaryAnalysis(override === undefined ? rest : deepMerge(rest, override));
}

/**
 * Copies each field of `canaryAnalysis` the canary's `analysis` does not set into it. Only fields
 * that are valid on their own: a rejected one is reported once, at `canaryAnalysis`, not again at
 * `canary.analysis` where the user did not write it.
 */
export function inheritCanaryAnalysis(data: unknown): unknown {
  if (!isPlainObject(data) || !isPlainObject(data.canary) || !isPlainObject(data.canaryAnalysis)) return data;
  const own = data.canary.analysis;
  if (own !== undefined && !isPlainObject(own)) return data;
  const inherited = Object.entries(data.canaryAnalysis).filter(
    ([key, value]) =>
      Object.hasOwn(analysisFields, key) &&
      analysisFields[key as keyof typeof analysisFields].safeParse(value).success,
  );
  if (inherited.length === 0) return data;
  return {
    ...data,
    canary: { ...data.canary, analysis: { ...Object.fromEntries(inherited), ...own } },
  };
}

/**
 * The analysis a canary started now would run: the model's `canaryAnalysis` over the defaults (for
 * `promote-to-prod`, which writes only the canary's version and first step).
 */
export function analysisForNewCanary(spec: ModelSpec): CanaryAnalysis {
  return canaryAnalysisSchema.parse(spec.canaryAnalysis ?? {});
}

/**
 * What the spec checks read of the stack config. A part left out - the stack file's `gpuPools` or
 * `alerting` has problems of its own (`checkStackConfig`) - skips the checks that need it, so a
 * broken stack file does not hide the specs' other problems until the next run.
 */
export interface SpecContext {
  readonly gpuPools?: readonly GpuPool[];
  /** Pools the stack file gets wrong: checks of a spec against them wait for the pool's fix. */
  readonly poolsWithProblems?: readonly string[];
  readonly alerting?: Pick<StackConfig["alerting"], "receivers" | "platformTeam">;
}

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
  const specs: ModelSpec[] = [];
  const firstFileByName = new Map<string, string>();
  for (const src of sources) {
    let data = src.data;
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
      specs.push(parsed.data);
    } else {
      found = zodProblems(src.file, merged, parsed.error.issues, "", modelSpecSchema);
      found.push(...problemsBeyondSchema(modelSpecSchema, merged, found, specChecks(src.file, cfg)));
    }
    // The name is checked whenever it is a name at all, so a type error elsewhere does not hide a
    // file/name mismatch or a duplicate until the next run.
    const name = isPlainObject(merged) ? merged.name : undefined;
    if (typeof name === "string" && DNS_LABEL.test(name))
      found.push(...nameProblems(name, src.file, firstFileByName));
    const override = isPlainObject(data) && isPlainObject(data.stacks) ? data.stacks[stack] : undefined;
    problems.push(...found.map((p) => inOverride(p, override, stack)));
    problems.push(...otherOverrideProblems(src.file, data, stack));
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return specs.sort((a, b) => a.name.localeCompare(b.name));
}

/** The file-name and uniqueness checks of a model name; records the first file of each name. */
function nameProblems(name: string, file: string, firstFileByName: Map<string, string>): Problem[] {
  const problems: Problem[] = [];
  const expected = baseName(file);
  if (name !== expected)
    problems.push({ file, path: "name", value: name, reason: `must equal the file name (${expected})` });
  const other = firstFileByName.get(name);
  if (other)
    problems.push({
      file,
      path: "name",
      value: name,
      reason: `duplicate model name, already used by ${other}`,
    });
  else firstFileByName.set(name, file);
  return problems;
}

/**
 * The schema's problems inside the overrides of the other stacks of a spec (`stacks.prod.serving.
 * replicass` while staging is planned): they would otherwise wait until that stack is planned, and
 * a local plan of staging would pass a file that breaks prod. Only what lies in those overrides: the
 * schema, and the checks that need no stack config (those against its pools and teams do).
 */
function otherOverrideProblems(file: string, data: unknown, stack: string): Problem[] {
  if (!isPlainObject(data) || !isPlainObject(data.stacks)) return [];
  const { stacks: _overrides, ...base } = data;
  // The checks that need no stack config (a feature listed twice, min above max, a custom runtime
  // without its image): the pools and teams are that stack's to check. Beside schema problems too.
  const checks = specChecks(file, {});
  const crossField = (input: unknown): Problem[] => {
    const parsed = modelSpecSchema.safeParse(input);
    if (parsed.success) return runChecks(parsed.data, checks);
    const schemaProblems = zodProblems(file, input, parsed.error.issues, "", modelSpecSchema);
    return problemsBeyondSchema(modelSpecSchema, input, schemaProblems, checks);
  };
  // With the value: an override that replaces a bad value with another bad one is its own problem.
  const key = (p: Problem) => `${p.path}\u0000${p.reason}\u0000${JSON.stringify(p.value)}`;
  const ofBase = new Set(crossField(inheritCanaryAnalysis(base)).map(key));
  const out: Problem[] = [];
  for (const [other, override] of Object.entries(data.stacks)) {
    if (other === stack || !isPlainObject(override)) continue;
    const merged = applyStackOverride(data, other);
    const parsed = modelSpecSchema.safeParse(merged);
    if (!parsed.success)
      for (const p of zodProblems(file, merged, parsed.error.issues, "", modelSpecSchema)) {
        const placed = inOverride(p, override, other);
        if (placed.path.startsWith(`stacks.${other}.`)) out.push(placed);
      }
    // What the override brings about: a problem the base alone does not have, reported under the
    // override even where it names a field the base sets (prod's max below the base's min).
    for (const p of crossField(merged)) {
      if (ofBase.has(key(p))) continue;
      const placed = inOverride(p, override, other);
      out.push(
        placed.path.startsWith(`stacks.${other}.`) ? placed : { ...p, path: `stacks.${other}.${p.path}` },
      );
    }
  }
  return out;
}

/**
 * A problem with a field the stack's override sets is reported at its place in the override
 * (`stacks.prod.serving.replicas.max`), where the user has to fix it. Lists are replaced whole by an
 * override, so anything inside one the override sets is the override's.
 */
export function inOverride(problem: Problem, override: unknown, stack: string): Problem {
  if (override === undefined || problem.path === "") return problem;
  let cur: unknown = override;
  for (const part of problem.path.split(/\.|(?=\[)/)) {
    if (!isPlainObject(cur)) break;
    const key = part.startsWith("[") ? part.slice(1, -1) : part;
    cur = cur[key];
    if (cur === undefined) return problem;
  }
  const path = `stacks.${stack}.${problem.path}`;
  // `serving: null` removes a required field: say so, rather than leave "required" next to a line
  // that visibly sets it.
  if (cur === null && problem.reason.startsWith("required"))
    return {
      ...problem,
      path,
      reason: `${problem.reason}; null in an override removes a field, and only optional ones can be removed`,
    };
  return { ...problem, path };
}

function baseName(file: string): string {
  return file.replace(/^.*[\\/]/, "").replace(/\.ya?ml$/i, "");
}

/**
 * Names a model may not take, because its namespace would collide with a platform add-on's or a
 * system namespace (NAMESPACES in components/addons/addons-context.ts, plus Kubernetes' own).
 */
export const RESERVED_MODEL_NAMES: ReadonlySet<string> = new Set([
  ...Object.values(NAMESPACES),
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "karpenter",
]);

/** Longest IAM role name AWS accepts. */
const IAM_ROLE_NAME_MAX = 64;
/** Characters Pulumi appends to an auto-named resource: "-" and 7 random ones. */
const PULUMI_AUTONAME_SUFFIX = 8;

/** Checks of one spec that need the stack config or span several fields. */
export function specProblems(spec: ModelSpec, file: string, cfg: SpecContext): Problem[] {
  return runChecks(spec, specChecks(file, cfg));
}

/**
 * The same checks one by one: beside a schema error (`problemsBeyondSchema`) each runs on its own, so
 * one that needs a rejected field does not silence the others.
 */
export function specChecks(file: string, cfg: SpecContext): Check<ModelSpec>[] {
  const { alerting, gpuPools } = cfg;
  return [
    (spec) => reservedNameProblems(spec, file),
    (spec) => (alerting ? teamProblems(spec, file, alerting) : []),
    (spec) => derivedNameProblems(spec, file),
    (spec) => (gpuPools ? servingPoolProblems(spec, file, gpuPools, cfg.poolsWithProblems ?? []) : []),
    (spec) => (gpuPools ? trainingPoolProblems(spec, file, gpuPools, cfg.poolsWithProblems ?? []) : []),
    (spec) => replicaProblems(spec, file),
    (spec) => imageProblems(spec, file),
    (spec) => canaryProblems(spec, file),
    (spec) => canaryLatencyProblems(spec, file),
    (spec) => experimentProblems(spec, file),
    (spec) => trafficSplitProblems(spec, file),
    (spec) => trainingProblems(spec, file),
    (spec) => listedTwiceProblems(spec, file),
  ];
}

/** A feature or a retraining trigger listed twice is a copy-paste slip: its second entry does nothing. */
function listedTwiceProblems(spec: ModelSpec, file: string): Problem[] {
  const lists: [string, readonly string[]][] = [
    ["monitoring.features", spec.monitoring.features],
    ["training.retrainOn", spec.training?.retrainOn ?? []],
  ];
  return lists.flatMap(([at, items]) => listedTwice(items, file, at));
}

function reservedNameProblems(spec: ModelSpec, file: string): Problem[] {
  if (!RESERVED_MODEL_NAMES.has(spec.name)) return [];
  return [
    {
      file,
      path: "name",
      value: spec.name,
      reason: `is reserved: each model gets a namespace of its name, and ${spec.name} is a platform or system namespace`,
    },
  ];
}

/** Names built from the model's (its IAM role, its variants' Services) must fit AWS's and Kubernetes' limits. */
function derivedNameProblems(spec: ModelSpec, file: string): Problem[] {
  const problems: Problem[] = [];
  // The model's pod role (ModelStack `<model>-pod-role`, podRole `<name>-role`) is auto-named by
  // Pulumi with a "-" and 7 random characters, and IAM role names have at most 64: a longer model
  // name would pass here and fail at `pulumi up`.
  const roleName = `${spec.name}-pod-role-role`;
  const maxName = IAM_ROLE_NAME_MAX - PULUMI_AUTONAME_SUFFIX - (roleName.length - spec.name.length);
  if (spec.name.length > maxName) {
    problems.push({
      file,
      path: "name",
      value: spec.name,
      reason: `is ${spec.name.length} characters; at most ${maxName} (its IAM role name ${roleName} plus Pulumi's ${PULUMI_AUTONAME_SUFFIX}-character suffix must fit AWS's ${IAM_ROLE_NAME_MAX})`,
    });
  }
  // KServe names the predictor Service `<model>[-<variant>]-predictor`; Services are DNS-1035 labels.
  for (const [path, variant] of [
    ["name", spec.name],
    ...(spec.canary ? [["canary", `${spec.name}-canary`]] : []),
    ...spec.experiments.map((e, i) => [`experiments[${i}].name`, `${spec.name}-${e.name}`]),
  ] as [string, string][]) {
    if (`${variant}-predictor`.length > 63) {
      problems.push({
        file,
        path,
        value: variant,
        reason: `makes the Service name ${variant}-predictor longer than 63 characters; shorten the model or variant name`,
      });
    }
  }
  return problems;
}

function replicaProblems(spec: ModelSpec, file: string): Problem[] {
  const { min, max } = spec.serving.replicas;
  if (min <= max) return [];
  return [{ file, path: "serving.replicas.min", value: min, reason: `must be <= replicas.max (${max})` }];
}

function imageProblems(spec: ModelSpec, file: string): Problem[] {
  if (spec.serving.runtime !== "custom" || spec.serving.image) return [];
  return [{ file, path: "serving.image", reason: "runtime custom needs an image (with a tag or digest)" }];
}

function canaryProblems(spec: ModelSpec, file: string): Problem[] {
  const ofModel = spec.canaryAnalysis?.steps;
  const problems = ofModel ? stepsProblems(ofModel, "canaryAnalysis.steps", file) : [];
  // Steps the canary took from `canaryAnalysis` (or repeats) are reported there, once.
  const steps = spec.canary?.analysis.steps;
  if (steps && !sameList(steps, ofModel))
    problems.push(...stepsProblems(steps, "canary.analysis.steps", file));
  return problems;
}

function stepsProblems(steps: readonly number[], path: string, file: string): Problem[] {
  const problems: Problem[] = [];
  const ascending = steps.every((s, i) => i === 0 || s > steps[i - 1]);
  if (!ascending) problems.push({ file, path, value: steps, reason: "must be strictly ascending" });
  if (steps[steps.length - 1] !== 100)
    problems.push({ file, path, value: steps, reason: "must end at 100 (full promotion)" });
  // The canary is analysed at each step before the last: with none, `promote` would make it stable
  // without a single check.
  if (steps.every((s) => s >= 100))
    problems.push({
      file,
      path,
      value: steps,
      reason: "needs at least one step below 100: the canary is analysed at each step before 100",
    });
  return problems;
}

function sameList(a: readonly number[], b: readonly number[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Its own check: it reads `slo`, which must not silence the steps' problems when `slo` is rejected. */
function canaryLatencyProblems(spec: ModelSpec, file: string): Problem[] {
  const slo = spec.slo.latencyP99Ms;
  const belowSlo = (path: string, limit: number | undefined): Problem[] =>
    limit !== undefined && limit < slo
      ? [{ file, path, value: limit, reason: `must be >= slo.latencyP99Ms (${slo})` }]
      : [];
  const ofModel = spec.canaryAnalysis?.maxLatencyP99Ms;
  const own = spec.canary?.analysis.maxLatencyP99Ms;
  // A limit the canary took from `canaryAnalysis` (or repeats) is reported there, once.
  return [
    ...belowSlo("canaryAnalysis.maxLatencyP99Ms", ofModel),
    ...(own === ofModel ? [] : belowSlo("canary.analysis.maxLatencyP99Ms", own)),
  ];
}

/**
 * Three passes, each per element: an experiment with a rejected field (a reserved name, a bad
 * `modelUri`) sits out only the passes that read it, and the others' problems still come.
 */
function experimentProblems(spec: ModelSpec, file: string): Problem[] {
  const names = new Set<string>();
  const duplicates = perElement(spec.experiments, (e, i): Problem[] => {
    const seen = names.has(e.name);
    names.add(e.name);
    return seen
      ? [{ file, path: `experiments[${i}].name`, value: e.name, reason: "duplicate experiment name" }]
      : [];
  });
  const routing = perElement(spec.experiments, (e, i): Problem[] =>
    (e.weight === undefined) === (e.header === undefined)
      ? [
          {
            file,
            path: `experiments[${i}]`,
            reason: "needs exactly one of weight (percent of traffic) or header {name, value}",
          },
        ]
      : [],
  );
  // Two variants pinned by the same header value would make the route's choice arbitrary.
  const headers = new Map<string, string>();
  const clashes = perElement(spec.experiments, (e, i): Problem[] => {
    if (!e.header) return [];
    const key = `${e.header.name.toLowerCase()}=${e.header.value}`;
    const first = headers.get(key);
    if (first === undefined) {
      headers.set(key, e.name);
      return [];
    }
    return [
      {
        file,
        path: `experiments[${i}].header`,
        value: e.header,
        reason: `header ${e.header.name}: ${e.header.value} already pins experiment ${first}`,
      },
    ];
  });
  // In the file's order, as one pass would have found them.
  const index = (p: Problem) => Number(/^experiments\[(\d+)\]/.exec(p.path)?.[1]);
  return [...duplicates, ...routing, ...clashes].sort((a, b) => index(a) - index(b));
}

/** Its own check: it reads the canary's and every experiment's share, any of which may be rejected. */
function trafficSplitProblems(spec: ModelSpec, file: string): Problem[] {
  const weightSum = spec.experiments.reduce(
    (sum, e) => sum + (e.weight ?? 0),
    spec.canary?.trafficPercent ?? 0,
  );
  if (weightSum < 100) return [];
  // Without weighted experiments the canary's percent alone is at fault: say so at its field.
  if (!spec.experiments.some((e) => e.weight !== undefined))
    return [
      {
        file,
        path: "canary.trafficPercent",
        value: weightSum,
        reason:
          "must stay below 100 so stable keeps traffic; a canary ready for all of it is promoted instead (npm run promote makes it stable)",
      },
    ];
  return [
    {
      file,
      path: "experiments",
      value: weightSum,
      reason: "canary trafficPercent plus experiment weights must stay below 100 so stable keeps traffic",
    },
  ];
}

function trainingProblems(spec: ModelSpec, file: string): Problem[] {
  if (!spec.training?.retrainOn.includes("quality") || spec.monitoring.quality) return [];
  return [
    {
      file,
      path: "training.retrainOn",
      reason: "quality needs monitoring.quality to be set",
    },
  ];
}

/**
 * A team without a receiver pages the platform team, on purpose (a new team); one a letter or two
 * from a team that has a receiver is a typo that would silently send its pages to the wrong people.
 */
function teamProblems(
  spec: ModelSpec,
  file: string,
  alerting: NonNullable<SpecContext["alerting"]>,
): Problem[] {
  const receiverTeams = Object.keys(alerting.receivers);
  // Short names are a letter or two from many others (ads, pdp): allow one edit per three letters.
  const near = Math.min(2, Math.floor(spec.team.length / 3));
  const nearTeam = receiverTeams.find((t) => t !== spec.team && editDistance(t, spec.team) <= near);
  if (receiverTeams.includes(spec.team) || !nearTeam) return [];
  return [
    {
      file,
      path: "team",
      value: spec.team,
      reason: `has no receiver in alerting.receivers; did you mean ${nearTeam}? (a team without one is paged through the platform team ${alerting.platformTeam})`,
    },
  ];
}

/**
 * The pool `name` at `path` of a spec, when it exists and is for `purpose`; otherwise a problem says
 * why (none while the pool itself has problems, `waiting`: the stack file's are listed).
 */
function poolNamed(
  name: string,
  purpose: GpuPool["purpose"],
  path: string,
  file: string,
  gpuPools: readonly GpuPool[],
  waiting: readonly string[],
): { pool?: GpuPool; problems: Problem[] } {
  if (waiting.includes(name)) return { problems: [] };
  const found = gpuPools.find((p) => p.name === name);
  if (found?.purpose === purpose) return { pool: found, problems: [] };
  const reason = found
    ? `pool ${name} is for ${found.purpose}; ${purpose} needs a pool with purpose ${purpose}`
    : `unknown GPU pool; this stack has: ${[...gpuPools.map((p) => p.name), ...waiting].join(", ")}`;
  return { problems: [{ file, path, value: name, reason }] };
}

/** Serving's pool, and its share and resources on that pool. */
function servingPoolProblems(
  spec: ModelSpec,
  file: string,
  gpuPools: readonly GpuPool[],
  waiting: readonly string[],
): Problem[] {
  const { pool, problems } = poolNamed(
    spec.serving.gpu.pool,
    "serving",
    "serving.gpu.pool",
    file,
    gpuPools,
    waiting,
  );
  if (!pool) return problems;
  const share = spec.serving.gpu.share;
  const reason = shareProblem(share, pool) ?? nodeFitProblem(share, pool);
  return reason
    ? [{ file, path: "serving.gpu.share", value: share, reason }]
    : resourceProblems(spec, pool, file);
}

/** Training's pool and GPU count: a check of its own, so a problem of one side hides none of the other's. */
function trainingPoolProblems(
  spec: ModelSpec,
  file: string,
  gpuPools: readonly GpuPool[],
  waiting: readonly string[],
): Problem[] {
  if (!spec.training) return [];
  const { pool, problems } = poolNamed(
    spec.training.gpu.pool,
    "training",
    "training.gpu.pool",
    file,
    gpuPools,
    waiting,
  );
  if (!pool) return problems;
  const count = spec.training.gpu.count;
  const reason =
    count > pool.maxGpus ? `pool ${pool.name} has at most ${pool.maxGpus} GPUs` : nodeFitProblem(count, pool);
  return reason ? [{ file, path: "training.gpu.count", value: count, reason }] : [];
}

/**
 * Why `share` does not fit the pool's GPU sharing, or `undefined` when it does.
 * - none: whole GPUs only (1, 2, ...);
 * - time-slicing with r replicas: a multiple of 1/r up to one GPU (more slices do not add compute);
 * - MIG: a multiple of the profile's slice fraction, up to the devices one GPU holds.
 */
export function shareProblem(share: number, pool: GpuPool): string | undefined {
  const sharing = pool.sharing;
  if (sharing.mode === "none") {
    return Number.isInteger(share)
      ? undefined
      : `pool ${pool.name} has no GPU sharing: use whole GPUs (1, 2, ...)`;
  }
  if (sharing.mode === "time-slicing") {
    // To the 4 decimals the message prints: 0.3333 is a third of a GPU.
    const slices = Math.round(share * sharing.replicas);
    if (share <= 1 && slices >= 1 && Math.abs(share - slices / sharing.replicas) <= 0.5e-4) return undefined;
    const more =
      share > 1
        ? " (more slices of one GPU add no compute: a model needing more than a GPU per replica belongs on a pool with sharing none)"
        : "";
    return `pool ${pool.name} time-slices each GPU ${sharing.replicas} ways: use a multiple of 1/${sharing.replicas} (${(1 / sharing.replicas).toFixed(4)}) up to 1${more}`;
  }
  const fraction = migSliceFraction(sharing.profile) ?? 1;
  const devices = share / fraction;
  // At most the devices of the profile one GPU holds (a 1g.20gb is a seventh of an H100's compute,
  // but only four fit one): more would spread a replica over two GPUs' devices.
  const perGpu = fewestSlotsPerGpu(pool);
  const most = perGpu * fraction;
  if (share <= most + 0.5e-4 && isNearInteger(devices, 0.05)) return undefined;
  const more =
    share > 1
      ? " (a MIG device is part of one GPU: more than a GPU per replica needs a pool with sharing none)"
      : "";
  const upTo = perGpu === 1 ? "one device" : `the ${perGpu} devices of one GPU`;
  return `pool ${pool.name} uses MIG ${sharing.profile}: use a multiple of ${fraction.toFixed(4)} (one MIG device) up to ${Number(most.toFixed(4))} (${upTo})${more}`;
}

/**
 * Why a pod asking for `gpus` whole GPUs fits no instance type of the pool (one pod runs on one
 * node), or `undefined` when one holds it. Types the catalog does not know are the stack's problem.
 */
function nodeFitProblem(gpus: number, pool: GpuPool): string | undefined {
  const known = pool.instanceTypes.map(gpuInstanceType).filter((t) => t !== undefined);
  if (gpus <= 1 || known.length === 0) return undefined;
  const most = Math.max(...known.map((t) => t.gpus));
  if (gpus <= most) return undefined;
  return `no instance type of pool ${pool.name} has ${gpus} GPUs (one pod runs on one node; the largest, ${known.find((t) => t.gpus === most)!.name}, has ${most}): use at most ${most} or add a larger type to the pool`;
}

function isNearInteger(x: number, tolerance = 1e-6): boolean {
  return Math.round(x) >= 1 && Math.abs(x - Math.round(x)) <= tolerance * Math.max(1, Math.round(x));
}

/** Number of GPU devices (time-slices or MIG devices, or whole GPUs) one replica requests. */
export function deviceCount(share: number, pool: GpuPool): number {
  if (pool.sharing.mode === "none") return Math.round(share);
  if (pool.sharing.mode === "time-slicing") return Math.round(share * pool.sharing.replicas);
  return Math.round(share / (migSliceFraction(pool.sharing.profile) ?? 1));
}

/** Share of a node's CPU and memory left for its daemons (kubelet reserve, CNI, GPU operator, exporters). */
export const NODE_RESERVE = 0.1;

/** Bytes per memory suffix: binary (Ki..Ti) and decimal (k..T). */
const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A CPU quantity in cores (`500m` -> 0.5) or a memory quantity in GiB (`1536Mi` -> 1.5); NaN otherwise. */
export function parseQuantity(q: string, kind: "cpu" | "memory"): number {
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(q);
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  if (kind === "cpu") return m[2] === "m" ? n / 1000 : m[2] === "" ? n : Number.NaN;
  return Object.hasOwn(MEMORY_UNITS, m[2]) ? (n * MEMORY_UNITS[m[2]]) / 2 ** 30 : Number.NaN;
}

/**
 * A replica holding `share` of a GPU must also fit its CPU and memory in `share` of one GPU's part of
 * the roomiest instance type of the pool (less `NODE_RESERVE`): otherwise the GPU slices packing counts
 * on cannot all be used, because the node runs out of CPU or memory first.
 */
export function resourceProblems(spec: ModelSpec, pool: GpuPool, file: string): Problem[] {
  const hosts = hostPerGpu(pool.instanceTypes);
  if (hosts.length === 0) return [];
  const share = spec.serving.gpu.share;
  const limits = {
    cpu: share * Math.max(...hosts.map((h) => h.vcpus)) * (1 - NODE_RESERVE),
    memory: share * Math.max(...hosts.map((h) => h.memoryGiB)) * (1 - NODE_RESERVE),
  };
  const problems: Problem[] = [];
  for (const kind of ["cpu", "memory"] as const) {
    const value = spec.serving.resources[kind];
    const amount = parseQuantity(value, kind);
    if (amount > limits[kind] + 1e-9) {
      const unit = kind === "cpu" ? "vCPU" : "GiB";
      problems.push({
        file,
        path: `serving.resources.${kind}`,
        value,
        reason: `with share ${share} a replica may request at most ${limits[kind].toFixed(2)} ${unit} (its share of one GPU's ${unit} on the roomiest instance type of pool ${pool.name}, less ${NODE_RESERVE * 100}% for node daemons); lower it or use a larger share`,
      });
    }
  }
  return problems;
}

/**
 * Levenshtein distance (insertions, deletions, substitutions) between two short names, from the
 * maintained `fastest-levenshtein`.
 */
export const editDistance = distance;
