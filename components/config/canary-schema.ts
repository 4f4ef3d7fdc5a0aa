/**
 * Schema of a model's canary and of its analysis (`canary.analysis`, the model's `canaryAnalysis`),
 * their defaults, and how a canary inherits the model's analysis. Separate from model-schema.ts:
 * the analysis has defaults and inheritance of its own, which the monitoring rules and the
 * promotion tools read too.
 */
import { z } from "zod";
import { isPlainObject } from "./deep-merge";
import { strictObject } from "./zod-problems";
import { latencyP99Ms, modelUri } from "./model-fields";

/**
 * How many times stable's error ratio a variant may have before it counts as worse: a canary's
 * default `maxErrorRatio`, and the bound for A/B experiments, which declare none.
 */
export const DEFAULT_MAX_ERROR_RATIO = 1.5;

/** Traffic steps of a canary that declares none (percent; the last is the promotion). */
export const DEFAULT_CANARY_STEPS = [10, 25, 50, 100] as const;

/** The fields of a canary's analysis, shared by `canary.analysis` and the model's `canaryAnalysis`. */
export const analysisFields = {
  /** Canary error ratio may be at most this multiple of stable's. */
  // A multiple, not a percent: 150 would let a canary through at 150 times stable's errors.
  maxErrorRatio: z
    .number()
    .min(1)
    .max(
      10,
      "is a multiple of stable's error ratio (1.5 = half as many errors again), at most 10; not a percent",
    ),
  maxLatencyP99Ms: latencyP99Ms,
  intervalMinutes: z.number().int().min(1).max(1440),
  steps: z
    .array(
      z
        .number()
        // A fraction is the likely slip here (0.1 for 10%): said as such, not only "a whole number".
        .int("must be a whole percent of traffic from 1 to 100 (10 is 10%, not 0.1)")
        .min(1, "must be a percent of traffic from 1 to 100 (10 is 10%, not 0.1)")
        .max(100, "must be a percent of traffic from 1 to 100 (10 is 10%, not 0.1)"),
    )
    .min(1),
};

/** What a canary's analysis is when neither it nor the model's `canaryAnalysis` sets a field. */
const ANALYSIS_DEFAULTS = {
  maxErrorRatio: DEFAULT_MAX_ERROR_RATIO,
  intervalMinutes: 5,
  steps: [...DEFAULT_CANARY_STEPS],
};

/** A canary's analysis, each field the canary leaves out taken from `ANALYSIS_DEFAULTS`. */
export const canaryAnalysisSchema = strictObject({
  maxErrorRatio: analysisFields.maxErrorRatio.default(ANALYSIS_DEFAULTS.maxErrorRatio),
  maxLatencyP99Ms: analysisFields.maxLatencyP99Ms.optional(),
  intervalMinutes: analysisFields.intervalMinutes.default(ANALYSIS_DEFAULTS.intervalMinutes),
  steps: analysisFields.steps.default(ANALYSIS_DEFAULTS.steps),
}).default(ANALYSIS_DEFAULTS);

/** A canary's analysis with every default filled in. */
export type CanaryAnalysis = z.infer<typeof canaryAnalysisSchema>;

/** A model's canary: its version, its share of traffic and its analysis. */
export const canary = strictObject({
  modelUri,
  // 100 passes here so that the traffic-split check can say why it is refused (promote instead).
  trafficPercent: z
    .number()
    // 0.1 for 10% is the likely slip: without this it was told only "must be a whole number".
    .int("must be a whole percentage from 0 to 99 (10 is 10%, not 0.1)")
    .min(0, "must be a percentage from 0 to 99 (10 is 10%, not 0.1)")
    .max(100, "must be a percentage from 0 to 99 (10 is 10%, not 0.1)"),
  analysis: canaryAnalysisSchema,
});

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
