/**
 * Schema of one model spec (`models/<name>.yaml`, DESIGN section 3), from the parts in
 * model-fields.ts, canary-schema.ts and training-schema.ts. Validating the specs of a stack is
 * validate-model-specs.ts; the checks that need the stack config (pools, sharing) or span fields are
 * model-spec-checks.ts and model-pool-checks.ts. Pure: no file or Pulumi access.
 */
import { z } from "zod";
import { deepMerge, isPlainObject } from "./deep-merge";
import { strictObject } from "./zod-problems";
import type { GpuPool, StackConfig } from "./stack-schema";
import {
  cpuQuantity,
  DNS_LABEL,
  dnsLabel,
  latencyP99Ms,
  memoryQuantity,
  modelName,
  modelUri,
  pinnedImage,
} from "./model-fields";
import {
  analysisFields,
  canary,
  CanaryAnalysis,
  canaryAnalysisSchema,
  inheritCanaryAnalysis,
} from "./canary-schema";
import { training } from "./training-schema";

/**
 * Most replicas a model may have (its `replicas.min` and `replicas.max`). Kubernetes' tested
 * scalability limits are 150,000 pods per cluster and 110 per node, and a serving pool's `maxGpus`
 * holds at most a few thousand replicas (prod's 600 GPUs x 8 slices is 4,800), so more than 10,000
 * is a typo - one the plan would otherwise try to pack (200,000,000 replicas ran it out of memory).
 */
export const MAX_REPLICAS = 10_000;
const replicasMessage = `must be at most ${MAX_REPLICAS.toLocaleString("en-US")} replicas per model`;

/** Most experiments a model may run at once (see `experiments`). */
export const MAX_EXPERIMENTS = 14;

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
  /**
   * Triton only: the model clients call in the server's repository (an ensemble's name). Its request
   * counters and latency are the model's; without it every model of the repository is summed, so an
   * ensemble's composing models, which Triton counts again for each request, multiply the rate the
   * autoscaler and the alerts read. @default every model of the server
   */
  servedModel: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/,
      "must be a model name of the server's repository, such as ensemble_dlrm",
    )
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
      )
      .max(MAX_REPLICAS, replicasMessage),
    max: z.number().int().min(1).max(MAX_REPLICAS, replicasMessage),
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
    .min(0.1, "must be >= 0.1 (a fraction of rpsPerReplica: 0.8 is 80%)")
    .max(1, "must be <= 1 (a fraction of rpsPerReplica: 0.95 is 95%, not 95)")
    .default(0.8),
});

const experiment = strictObject({
  name: dnsLabel.refine(
    (n) => n !== "stable" && n !== "canary",
    "stable and canary are reserved variant names",
  ),
  modelUri,
  weight: z
    .number()
    // 0.2 for 20% is the likely slip: said as such, not only "must be a whole number".
    .int("must be a whole percent of traffic from 1 to 99 (20 is 20%, not 0.2)")
    .min(1, "must be a percent of traffic from 1 to 99 (20 is 20%, not 0.2)")
    .max(99, "must be a percent of traffic from 1 to 99 (20 is 20%, not 0.2)")
    .optional(),
  header: strictObject({
    name: z.string().regex(/^[A-Za-z0-9-]+$/, "must be an HTTP header name"),
    value: z.string().min(1),
  }).optional(),
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
    minRatio: z
      .number()
      .gt(0, "must be a fraction between 0 and 1 of the metric's recent baseline (0.8 is 80%)")
      .lt(1, "must be a fraction between 0 and 1 of the metric's recent baseline (0.8 is 80%, not 80)"),
  }).optional(),
});

/** The model spec after defaults and stack overrides. */
export const modelSpecSchema = strictObject({
  name: modelName,
  team: dnsLabel,
  serving,
  slo: strictObject({
    latencyP99Ms,
    // A percent, where targetUtilization and minRatio are fractions: 0.999 is a slip for 99.9.
    availability: z
      .number()
      .min(90, "must be >= 90 (a percent: 99.9 is three nines, not 0.999)")
      .max(99.999, "must be <= 99.999 (a percent: 99.9 is three nines)"),
  }),
  canary: canary.optional(),
  /**
   * The analysis of every canary of this model, in every stack, where the canary's own `analysis`
   * does not set a field. A canary's own block goes with it when it is promoted or rolled back; this
   * one stays, so the prod canary `promote-to-prod` writes is analysed as staging's was.
   */
  canaryAnalysis: strictObject(analysisFields).partial().optional(),
  // Gateway API allows an HTTPRoute 16 rules and a rule 16 backends: stable, the canary and the
  // weighted experiments share one rule, and each header-pinned experiment has a rule of its own.
  experiments: z
    .array(experiment)
    .max(
      MAX_EXPERIMENTS,
      `must have at most ${MAX_EXPERIMENTS} experiments: the model's HTTPRoute holds them beside stable and a canary, and Gateway API allows 16 backends per route rule`,
    )
    .default([]),
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
  const { stacks, ...rest } = withoutNullOptionals(data);
  const override = isPlainObject(stacks) ? stacks[stack] : undefined;
  return inheritCanaryAnalysis(override === undefined ? rest : deepMerge(rest, override));
}

/**
 * The spec without its optional top-level fields set to null: `canary:` with nothing under it (its
 * lines commented out, or `canary: null`) means no canary, as null does in a stack's override. A
 * required field left null is kept, to be reported as the empty value it is.
 */
export function withoutNullOptionals(data: Record<string, unknown>): Record<string, unknown> {
  const shape: Record<string, z.ZodType> = modelSpecSchema.shape;
  return Object.fromEntries(
    Object.entries(data).filter(
      ([key, value]) =>
        value !== null || !Object.hasOwn(shape, key) || !shape[key].safeParse(undefined).success,
    ),
  );
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
  /** What a spec image's `<registry>` placeholder stands for (image-registry.ts). */
  readonly imageRegistry?: string;
}
