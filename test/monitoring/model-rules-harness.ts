/**
 * The model-rules scenarios under promtool: homepage-feed's normal traffic at 15 s steps, a change
 * from the onset, and the alerts that fire, relative to the onset.
 */
import { modelRules } from "../../components/model/monitoring-rules";
import type { ModelSpec } from "../../components/config/model-schema";
import { fixtureModels, stackConfig } from "./fixtures";
import { Firing, NORMAL_TRAFFIC, Params, UNIFORM, firingAlerts, modelSeries } from "./scenario";

/** The scrape and evaluation step of the scenarios, in seconds. */
export const STEP = 15;
/** 30 minutes of normal traffic before the onset: enough for the 5m/1m windows the fast alerts use. */
export const ONSET_STEP = 120;
/** Every model alert a scenario watches for. */
export const ALL_ALERTS = [
  "ModelErrorBudgetBurn",
  "ModelLatencyHigh",
  "ModelTrafficAnomaly",
  "ModelPredictionDrift",
  "ModelFeatureDrift",
  "ModelQualityDrop",
  "ModelCanaryDegraded",
  "ModelExperimentDegraded",
];
/** Normal traffic with a 10% canary and uniform features. */
export const NORMAL: Params = {
  ...NORMAL_TRAFFIC,
  canaryShare: 0.1,
  canaryErrorRatio: 0.0002,
  features: { price: UNIFORM, user_age_bucket: UNIFORM },
};

/**
 * Runs homepage-feed (or `spec`) through NORMAL, then from the onset `after` for `afterSteps` steps;
 * as a function, `after` gives what differs from NORMAL at every step (negative before the onset).
 * Returns firings relative to the onset.
 */
export function runScenario(
  after: Partial<Params> | ((sinceOnset: number) => Partial<Params>),
  spec: ModelSpec = fixtureModels("prod").find((m) => m.name === "homepage-feed")!,
  afterSteps = 26,
): Firing[] {
  const cfg = stackConfig("prod");
  const steps = ONSET_STEP + afterSteps;
  const change = typeof after === "function" ? after : (k: number) => (k < 0 ? {} : after);
  const series = modelSeries(spec.name, steps, STEP, (s) => ({ ...NORMAL, ...change(s - ONSET_STEP) }));
  const times = Array.from({ length: afterSteps }, (_, k) => (ONSET_STEP - 4 + k) * STEP);
  return firingAlerts({
    ruleFiles: { [`${spec.name}.yaml`]: modelRules(spec, cfg) },
    series,
    intervalSeconds: STEP,
    alertnames: ALL_ALERTS,
    times,
  }).map((f) => ({ ...f, atSeconds: f.atSeconds - ONSET_STEP * STEP }));
}

/** First firing (seconds after onset) of `alert` whose labels contain `labelPart`. */
export function detection(firings: Firing[], alert: string, labelPart = ""): number | undefined {
  const t = firings
    .filter((f) => f.alertname === alert && f.labels.includes(labelPart))
    .map((f) => f.atSeconds);
  return t.length === 0 ? undefined : Math.min(...t);
}
