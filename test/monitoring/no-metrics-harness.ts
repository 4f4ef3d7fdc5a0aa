/**
 * The no-metrics tests' setup (no-metrics.test.ts, no-metrics-idle-model.test.ts): 45 minutes at
 * promtool's 15 s, the traffic rules of each model in its own file, and the firings of
 * `ModelTrafficAnomaly` `reason="no-metrics"`.
 */
import type { ModelSpec } from "../../components/config/model-schema";
import { durationSeconds } from "../../components/config/duration";
import { modelRules } from "../../components/model/monitoring-rules";
import type { PromRule } from "../../components/model/promql";
import { METRICS_START_GRACE } from "../../components/model/readiness-rules";
import { fixtureModels, isTrafficRule, stackConfig } from "./fixtures";
import { Firing, counterNotation, firingAlerts, gaugeNotation } from "./scenario";

export const STEP = 15;
/** 45 minutes. */
export const STEPS = 180;
export const GRACE = durationSeconds(METRICS_START_GRACE);

/** A committed prod model's spec. */
export const spec = (name: string): ModelSpec => fixtureModels("prod").find((m) => m.name === name)!;

/**
 * One model of a run: its stable Deployment's available replicas per step (none: no Deployment),
 * its stable pods' `up` (none: no scrape target) and its own request series.
 */
export interface ModelRun {
  readonly spec: ModelSpec;
  readonly available?: (step: number) => number;
  readonly up?: number;
  readonly series?: { series: string; values: string }[];
}

/** The model's traffic rules, as its rule file holds them. */
export function trafficRulesOf(s: ModelSpec): PromRule[] {
  return modelRules(s, stackConfig("prod"))
    .groups.flatMap((g) => g.rules)
    .filter(isTrafficRule);
}

/** no-metrics firings of every model (seconds from the start). */
export function firings(models: readonly ModelRun[]): Firing[] {
  const ruleFiles = Object.fromEntries(
    models.map(({ spec: s }) => [
      `${s.name}.yaml`,
      { groups: [{ name: `traffic-${s.name}`, interval: `${STEP}s`, rules: trafficRulesOf(s) }] },
    ]),
  );
  const perStep = (f: (step: number) => number) =>
    gaugeNotation(Array.from({ length: STEPS }, (_, s) => f(s)));
  const series = models.flatMap((m) => [
    ...(m.series ?? []),
    ...(m.available
      ? [
          {
            series: `kube_deployment_status_replicas_available{namespace="${m.spec.name}",deployment="${m.spec.name}-predictor"}`,
            values: perStep(m.available),
          },
        ]
      : []),
    // The PodMonitor's targets, one per stable pod, with its model and variant target labels.
    ...(m.up === undefined
      ? []
      : ["a", "b"].map((pod) => ({
          series: `up{job="${m.spec.name}/${m.spec.name}",namespace="${m.spec.name}",pod="${m.spec.name}-predictor-${pod}",model="${m.spec.name}",variant="stable"}`,
          values: perStep(() => m.up!),
        }))),
  ]);
  return firingAlerts({
    ruleFiles,
    series,
    intervalSeconds: STEP,
    alertnames: ["ModelTrafficAnomaly"],
    times: Array.from({ length: STEPS - 1 }, (_, k) => (k + 1) * STEP),
  }).filter((f) => f.labels.includes('reason="no-metrics"'));
}

/** First firing (seconds) of `model`. */
export function first(f: Firing[], model: string): number | undefined {
  const t = f.filter((x) => x.labels.includes(`model="${model}"`)).map((x) => x.atSeconds);
  return t.length === 0 ? undefined : Math.min(...t);
}

/** A counter growing by `perStep` every step from the start. */
export const counter = (series: string, perStep: number) => ({
  series,
  values: counterNotation(Array.from({ length: STEPS - 1 }, () => perStep)),
});
