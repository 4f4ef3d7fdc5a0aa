/**
 * The serving variants of one model (stable, canary, A/B experiments) and the names and labels every
 * child resource derives from them. Pure: the builders beside this file and the monitoring rules
 * (which read the `variant` label) agree on names through these functions only.
 */
import type { ModelSpec } from "../config/model-schema";

/** Label keys on every object and pod of a model stack. */
export const MODEL_LABELS = {
  team: "mlops.io/team",
  model: "mlops.io/model",
  variant: "mlops.io/variant",
  /** Version served by the pods (last path segment of the model URI); `model_version` on metrics. */
  version: "mlops.io/model-version",
  managedBy: "app.kubernetes.io/managed-by",
} as const;

/**
 * A label-safe version name from a model URI: its last path segment (`s3://.../homepage-feed/v43` ->
 * `v43`, `models:/homepage-feed/43` -> `43`), reduced to label characters and 63 characters. The
 * staging-to-prod check asks Prometheus how long this version has served.
 */
export function modelVersion(modelUri: string): string {
  const last = modelUri.replace(/\/+$/, "").split("/").pop() ?? "";
  const clean = last.replace(/[^A-Za-z0-9_.-]/g, "-").replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
  return (clean || "unknown").slice(0, 63).replace(/[^A-Za-z0-9]+$/, "");
}

/** Variant name of the stable predictor (metrics contract, DESIGN section 4). */
export const STABLE_VARIANT = "stable";
/** Variant name of the canary predictor (metrics contract, DESIGN section 4). */
export const CANARY_VARIANT = "canary";

/** One serving variant: its own InferenceService, Deployment, ScaledObject and PDB. */
export interface Variant {
  /** `stable`, `canary` or the experiment's name: the `variant` metric label. */
  readonly name: string;
  /** InferenceService name: the model name for stable, `<model>-<variant>` otherwise. */
  readonly isvcName: string;
  readonly modelUri: string;
  /** Percent of traffic by weight; stable gets what the others leave. Absent for header-pinned variants. */
  readonly weight?: number;
  /** Requests carrying this header go to the variant (A/B pinning); absent for weighted variants. */
  readonly header?: { readonly name: string; readonly value: string };
  readonly replicas: { readonly min: number; readonly max: number };
}

/**
 * Stable first, then the canary, then experiments in file order.
 *
 * Replica bounds of the non-stable variants are derived, because a spec declares only stable's:
 * - canary: up to `ceil(max x p / 100)` where p is the largest analysis step below 100 (or the
 *   starting trafficPercent if larger): at step 100 the promote tool makes the canary the new stable
 *   (stable's modelUri changes), so the canary alone never has to carry all traffic;
 * - weighted experiment: `ceil(max x weight / 100) + 1`, one replica of headroom for uneven hashing;
 * - header-pinned experiment: a tenth of stable's max (pinned cohorts are small test populations).
 * Every derived max is at least 1 and at most stable's max; min is 1 (as every spec's `replicas.min`
 * is at least 1), so a variant that receives traffic always has a ready pod.
 */
export function variantsOf(spec: ModelSpec): Variant[] {
  const { min, max } = spec.serving.replicas;
  const bounded = (n: number) => ({ min: 1, max: Math.max(1, Math.min(max, n)) });
  const out: Variant[] = [
    {
      name: STABLE_VARIANT,
      isvcName: spec.name,
      modelUri: spec.serving.modelUri,
      // Never negative: the promote tool may raise the canary so the sum passes 100 (weights are relative).
      weight: Math.max(0, 100 - nonStableWeight(spec)),
      replicas: { min, max },
    },
  ];
  if (spec.canary) {
    const below100 = spec.canary.analysis.steps.filter((s) => s < 100);
    const peak = Math.max(spec.canary.trafficPercent, ...below100, 0) || 100;
    out.push({
      name: CANARY_VARIANT,
      isvcName: isvcName(spec.name, CANARY_VARIANT),
      modelUri: spec.canary.modelUri,
      weight: spec.canary.trafficPercent,
      replicas: bounded(Math.ceil((max * peak) / 100)),
    });
  }
  for (const e of spec.experiments) {
    out.push({
      name: e.name,
      isvcName: isvcName(spec.name, e.name),
      modelUri: e.modelUri,
      ...(e.weight !== undefined ? { weight: e.weight } : {}),
      ...(e.header ? { header: { name: e.header.name, value: e.header.value } } : {}),
      replicas: bounded(e.weight !== undefined ? Math.ceil((max * e.weight) / 100) + 1 : Math.ceil(max / 10)),
    });
  }
  return out;
}

/**
 * Fraction (0-1) of the model's traffic a weighted variant receives: its weight over the sum of the
 * weighted variants' (weights are relative). `undefined` for a header-pinned variant, whose traffic
 * is whatever cohort the caller pins and cannot be derived from the model's.
 */
export function trafficShare(variants: readonly Variant[], variant: Variant): number | undefined {
  if (variant.weight === undefined) return undefined;
  const total = variants.reduce((s, v) => s + (v.weight ?? 0), 0);
  return total > 0 ? variant.weight / total : 1;
}

/** Percent of traffic the weighted experiments take from stable. */
export function experimentWeight(spec: Pick<ModelSpec, "experiments">): number {
  return spec.experiments.reduce((s, e) => s + (e.weight ?? 0), 0);
}

/** Percent of traffic the canary and the weighted experiments take from stable. */
export function nonStableWeight(spec: ModelSpec): number {
  return (spec.canary?.trafficPercent ?? 0) + experimentWeight(spec);
}

/**
 * The Pulumi resources a ModelStack declares once per variant, by the role in their names, and the
 * kind of each. Every other child is `<model>-<role>` with a fixed role, unique with the model's name.
 */
export const VARIANT_CHILD_ROLES = {
  isvc: "InferenceService",
  scaler: "ScaledObject",
  pdb: "PodDisruptionBudget",
} as const;

/** A role of {@link VARIANT_CHILD_ROLES}. */
export type VariantChildRole = keyof typeof VARIANT_CHILD_ROLES;

/**
 * Pulumi name of a variant's child of the ModelStack `stackName` (the model's name):
 * `<model>-<role>-<variant>`. The experiment's name is the spec's own choice here, so two models can
 * meet in one name (config/child-name-clashes.ts refuses that).
 */
export function variantChildName(stackName: string, role: VariantChildRole, variant: string): string {
  return `${stackName}-${role}-${variant}`;
}

/** InferenceService name of a variant. */
export function isvcName(model: string, variant: string): string {
  return variant === STABLE_VARIANT ? model : `${model}-${variant}`;
}

/**
 * Deployment (and Service) KServe creates for an InferenceService's predictor in Standard mode:
 * `<isvc>-predictor` (kserve/kserve `constants.PredictorServiceName`; PR 5912 shows
 * `my-model-predictor` as the stable backend). KEDA targets it and the HTTPRoute routes to it.
 */
export function predictorName(isvc: string): string {
  return `${isvc}-predictor`;
}

/** Placeholder bucket in spec URIs (DESIGN section 3): `s3://<artifacts>/m/v1` = the platform's artifact bucket. */
export const ARTIFACTS_PLACEHOLDER = "<artifacts>";

/** Replaces the `<artifacts>` placeholder bucket with the platform's artifact bucket. */
export function resolveModelUri(uri: string, artifactBucket: string): string {
  const prefix = `s3://${ARTIFACTS_PLACEHOLDER}/`;
  return uri.startsWith(prefix) ? `s3://${artifactBucket}/${uri.slice(prefix.length)}` : uri;
}

/** Kubernetes namespace of a model: one per model (see model-stack.ts for why). */
export function modelNamespace(spec: Pick<ModelSpec, "name">): string {
  return spec.name;
}

/** Labels on every object of a model stack. */
export function modelLabels(spec: Pick<ModelSpec, "name" | "team">): Record<string, string> {
  return {
    [MODEL_LABELS.team]: spec.team,
    [MODEL_LABELS.model]: spec.name,
    [MODEL_LABELS.managedBy]: "pulumi",
  };
}

/** Labels on a variant's objects and pods; `mlops.io/variant` feeds the `variant` metric label. */
export function variantLabels(
  spec: Pick<ModelSpec, "name" | "team">,
  variant: string,
): Record<string, string> {
  return { ...modelLabels(spec), [MODEL_LABELS.variant]: variant };
}

/** Pod selector of one variant (PDB, ScaledObject sanity, tests). */
export function variantSelector(model: string, variant: string): Record<string, string> {
  return { [MODEL_LABELS.model]: model, [MODEL_LABELS.variant]: variant };
}
