/**
 * Drift rules of one model: prediction and feature drift (PSI of binned histograms) against the same
 * hour yesterday and, for slow drift, a week ago. Pure functions of the spec.
 */
import type { ModelSpec } from "../config/model-schema";
import { MODEL_ALERTS, alertLabels } from "./alert-labels";
import { DRIFT_BUCKETS, PromRule, SERIES, leRegex, selector } from "./promql";

/** PSI above 0.25 is a "significant shift" (Siddiqi, Credit Risk Scorecards, 2006; Yurdakul 2018). */
export const PSI_THRESHOLD = 0.25;

/** Current drift window: short enough to fire within 5 minutes of a shift. */
const DRIFT_WINDOW = "2m";
/** Observations needed in the drift window: with 10 bins, PSI noise is about 9/N, so 0.02 at 500. */
const DRIFT_MIN_OBSERVATIONS = 500;
/** Requests/s a model must serve for its drift alerts to evaluate: the observations over the window. */
export const DRIFT_MIN_RPS = DRIFT_MIN_OBSERVATIONS / 120;
/** Empty bins would make PSI infinite; smoothing with a tiny floor is the usual remedy. */
const PSI_FLOOR = 1e-4;

/**
 * Per-bin fraction rules of a drift histogram (`mlops_model_prediction` or `mlops_model_feature`),
 * one rule per bin with a static `bin` label (distinct label sets, so promtool sees no duplicates): fraction = (cumulative(le_i) - cumulative(le_{i-1})) / count.
 */
export function binFractionRules(
  metric: string,
  matchers: ReadonlyArray<readonly [string, "=" | "=~", string]>,
  by: string,
  record: string,
  range: string,
  offset?: string,
): PromRule[] {
  const off = offset ? ` offset ${offset}` : "";
  const cumulative = (le: number) =>
    `sum by (${by}) (rate(${selector(`${metric}_bucket`, [...matchers, ["le", "=~", leRegex(le)]])}[${range}]${off}))`;
  const count = `sum by (${by}) (rate(${selector(`${metric}_count`, matchers)}[${range}]${off}))`;
  const bounds = [...DRIFT_BUCKETS, Infinity];
  return bounds.map((upper, i) => {
    const inBin = i === 0 ? cumulative(upper) : `(${cumulative(upper)} - ${cumulative(bounds[i - 1])})`;
    return { record, expr: `clamp_min(${inBin} / ${count}, ${PSI_FLOOR})`, labels: { bin: String(i) } };
  });
}

/** PSI = sum over bins of (p - q) ln(p / q), with p the current and q the reference fractions. */
export function psiExpr(current: string, reference: string, by: string, modelName: string): string {
  const c = `${current}{model="${modelName}"}`;
  const r = `${reference}{model="${modelName}"}`;
  return `sum by (${by}) ((${c} - ${r}) * ln(${c} / ${r}))`;
}

/**
 * Slow drift, which the daily comparison cannot see: a distribution that creeps over days differs
 * little from yesterday's every day (a review measured PSI 0.08 against yesterday while it was 0.65
 * against three days before). `ModelPredictionDrift` / `ModelFeatureDrift` with `baseline="7d"`:
 * PSI between the last hour and the same hour a week ago (the same weekday, so the weekly pattern
 * cancels), for 30 minutes: a ticket for the team, not a retraining trigger. Day-scale, so in the
 * slow group; a Prometheus that keeps less than 7 days (staging's 7d) has no week-old recorded hour
 * and the rules stay silent.
 */
export function weeklyDriftRules(spec: ModelSpec): PromRule[] {
  const model: [string, "=", string] = ["model", "=", spec.name];
  const stable: [string, "=", string] = ["variant", "=", "stable"];
  const minObs = (metric: string, by: string, extra: ReadonlyArray<readonly [string, "=" | "=~", string]>) =>
    `sum by (${by}) (rate(${selector(`${metric}_count`, [model, ...extra])}[1h])) * 3600 >= ${DRIFT_MIN_OBSERVATIONS}`;
  // A ticket, not a retraining trigger: the shift stays measured against the week-old reference
  // for days whatever retraining does, and would start a run every cooldown.
  const labels = { ...alertLabels(spec, "ticket"), baseline: "7d" };
  // The week-ago side is the recorded hour itself, a week back: one rule, no second read of a
  // week-old hour of every pod's buckets.
  const weekAgo = (record: string, current: string) => ({
    record,
    expr: `${current}{model="${spec.name}"} offset 7d`,
  });
  const rules: PromRule[] = [
    ...binFractionRules(
      "mlops_model_prediction",
      [model, stable],
      "model",
      SERIES.predictionFractionHour,
      "1h",
    ),
    weekAgo(SERIES.predictionFractionWeekAgo, SERIES.predictionFractionHour),
    {
      record: SERIES.predictionPsiWeek,
      expr: psiExpr(SERIES.predictionFractionHour, SERIES.predictionFractionWeekAgo, "model", spec.name),
    },
    {
      alert: MODEL_ALERTS.predictionDrift,
      expr: `${SERIES.predictionPsiWeek}{model="${spec.name}"} > ${PSI_THRESHOLD} and on(model) ${minObs("mlops_model_prediction", "model", [stable])}`,
      for: "30m",
      labels,
      annotations: {
        summary: `${spec.name} prediction distribution shifted over the week (PSI > ${PSI_THRESHOLD} vs a week ago)`,
        description: "PSI {{ $value | humanize }} between the last hour and the same hour a week ago.",
      },
    },
  ];
  if (spec.monitoring.features.length > 0) {
    const fm = [model, ["feature", "=~", spec.monitoring.features.join("|")]] as const;
    rules.push(
      ...binFractionRules("mlops_model_feature", fm, "model, feature", SERIES.featureFractionHour, "1h"),
      weekAgo(SERIES.featureFractionWeekAgo, SERIES.featureFractionHour),
      {
        record: SERIES.featurePsiWeek,
        expr: psiExpr(SERIES.featureFractionHour, SERIES.featureFractionWeekAgo, "model, feature", spec.name),
      },
      {
        alert: MODEL_ALERTS.featureDrift,
        expr: `${SERIES.featurePsiWeek}{model="${spec.name}"} > ${PSI_THRESHOLD} and on(model, feature) ${minObs("mlops_model_feature", "model, feature", [fm[1]])}`,
        for: "30m",
        labels,
        annotations: {
          summary: `${spec.name} input feature {{ $labels.feature }} shifted over the week (PSI > ${PSI_THRESHOLD} vs a week ago)`,
          description: "PSI {{ $value | humanize }} between the last hour and the same hour a week ago.",
        },
      },
    );
  }
  return rules;
}

/**
 * `ModelPredictionDrift` / `ModelFeatureDrift`: PSI between the last 2 minutes and the same hour
 * yesterday (recommendation traffic changes with the time of day, so a fixed reference would drift
 * every night). Prediction drift looks at the stable variant only, so a canary's new model does not
 * count as drift.
 */
export function driftRules(spec: ModelSpec): PromRule[] {
  const model: [string, "=", string] = ["model", "=", spec.name];
  const stable: [string, "=", string] = ["variant", "=", "stable"];
  const minObs = (metric: string, by: string, extra: ReadonlyArray<readonly [string, "=" | "=~", string]>) =>
    `sum by (${by}) (rate(${selector(`${metric}_count`, [model, ...extra])}[${DRIFT_WINDOW}])) * 120 >= ${DRIFT_MIN_OBSERVATIONS}`;
  const rules: PromRule[] = [
    ...binFractionRules(
      "mlops_model_prediction",
      [model, stable],
      "model",
      SERIES.predictionFractionCurrent,
      DRIFT_WINDOW,
    ),
    ...binFractionRules(
      "mlops_model_prediction",
      [model, stable],
      "model",
      SERIES.predictionFractionReference,
      "1h",
      "1d",
    ),
    {
      record: SERIES.predictionPsi,
      expr: psiExpr(SERIES.predictionFractionCurrent, SERIES.predictionFractionReference, "model", spec.name),
    },
    {
      alert: MODEL_ALERTS.predictionDrift,
      expr: `${SERIES.predictionPsi}{model="${spec.name}"} > ${PSI_THRESHOLD} and on(model) ${minObs("mlops_model_prediction", "model", [stable])}`,
      for: "1m",
      labels: alertLabels(spec, "ticket", "drift"),
      annotations: {
        summary: `${spec.name} prediction distribution shifted (PSI > ${PSI_THRESHOLD} vs yesterday)`,
        description: "PSI {{ $value | humanize }} between the last 2 minutes and the same hour yesterday.",
      },
    },
  ];
  if (spec.monitoring.features.length > 0) {
    const features: [string, "=~", string] = ["feature", "=~", spec.monitoring.features.join("|")];
    const fm = [model, features] as const;
    rules.push(
      ...binFractionRules(
        "mlops_model_feature",
        fm,
        "model, feature",
        SERIES.featureFractionCurrent,
        DRIFT_WINDOW,
      ),
      ...binFractionRules(
        "mlops_model_feature",
        fm,
        "model, feature",
        SERIES.featureFractionReference,
        "1h",
        "1d",
      ),
      {
        record: SERIES.featurePsi,
        expr: psiExpr(
          SERIES.featureFractionCurrent,
          SERIES.featureFractionReference,
          "model, feature",
          spec.name,
        ),
      },
      {
        alert: MODEL_ALERTS.featureDrift,
        expr: `${SERIES.featurePsi}{model="${spec.name}"} > ${PSI_THRESHOLD} and on(model, feature) ${minObs("mlops_model_feature", "model, feature", [features])}`,
        for: "1m",
        labels: alertLabels(spec, "ticket", "drift"),
        annotations: {
          summary: `${spec.name} input feature {{ $labels.feature }} shifted (PSI > ${PSI_THRESHOLD} vs yesterday)`,
          description: "PSI {{ $value | humanize }} between the last 2 minutes and the same hour yesterday.",
        },
      },
    );
  }
  return rules;
}
