/**
 * Labels on a model's anomaly alerts: the owning team, the severity, and the retrain label on the
 * alerts that may start a retraining run (`training.retrainOn`), which the retrain watcher queries.
 */
import type { ModelSpec } from "../config/model-schema";

/** Alert names of the contract (DESIGN section 5); extend, never rename. */
export const MODEL_ALERTS = {
  errorBudgetBurn: "ModelErrorBudgetBurn",
  latencyHigh: "ModelLatencyHigh",
  trafficAnomaly: "ModelTrafficAnomaly",
  predictionDrift: "ModelPredictionDrift",
  featureDrift: "ModelFeatureDrift",
  qualityDrop: "ModelQualityDrop",
  canaryDegraded: "ModelCanaryDegraded",
  trainingFailed: "ModelTrainingFailed",
  experimentDegraded: "ModelExperimentDegraded",
} as const;

/** Label set on alerts that may start a retraining run; the retrain watcher queries it. */
export const RETRAIN_LABEL = { key: "retrain", value: "true" } as const;

/** Alert names each `training.retrainOn` trigger covers. */
export const RETRAIN_TRIGGER_ALERTS = {
  drift: ["ModelPredictionDrift", "ModelFeatureDrift"],
  quality: ["ModelQualityDrop"],
} as const;

/** The alert names that start retraining for this model (empty without `training.retrainOn`). */
export function retrainAlertNames(spec: ModelSpec): string[] {
  return (spec.training?.retrainOn ?? []).flatMap((t) => [...RETRAIN_TRIGGER_ALERTS[t]]);
}

/** A model alert's labels: team, severity, and the retrain label when the spec retrains on `retrainOn`. */
export function alertLabels(spec: ModelSpec, severity: "page" | "ticket", retrainOn?: "drift" | "quality") {
  const labels: Record<string, string> = { team: spec.team, severity };
  if (retrainOn && spec.training?.retrainOn.includes(retrainOn))
    labels[RETRAIN_LABEL.key] = RETRAIN_LABEL.value;
  return labels;
}
