/**
 * Is a model version ready for prod? Asked of staging's Prometheus: the version served stable traffic
 * for (nearly) the whole bake window, fired no alert, and kept its error ratio within the SLO. The
 * version comes from the `model_version` label that the model's PodMonitor copies from the pods.
 */
import type { ModelSpec } from "../config/model-schema";
import { Matcher, requestExprs } from "../model/request-metrics";
import { modelVersion } from "../model/variants";
import { queryInstant } from "./prometheus-client";

/** The three PromQL questions for `spec`'s stable version over `hours`. */
export function stagingHealthQueries(
  spec: ModelSpec,
  hours: number,
): { served: string; alerts: string; errorRatio: string } {
  const matchers: Matcher[] = [
    ["variant", "=", "stable"],
    ["model_version", "=", modelVersion(spec.serving.modelUri)],
  ];
  const window = `${hours}h`;
  // The model's runtime's own counters where it has them (an uninstrumented Triton or MLServer).
  const steps = requestExprs(spec, "5m", "model", { matchers });
  const total = requestExprs(spec, window, "", { matchers, fn: "increase" });
  return {
    // 5-minute steps in which the version served requests (12 per hour when it served throughout).
    served: `count_over_time((${steps.requests} > 0)[${window}:5m])`,
    alerts: `max_over_time(ALERTS{model="${spec.name}",alertstate="firing"}[${window}])`,
    // A version without a single error has no error series: `or vector(0)` makes that 0 errors,
    // not an empty ratio that would keep a perfect version out of prod.
    errorRatio: `(${total.errors} or vector(0)) / ${total.requests}`,
  };
}

/** Verdict with the reasons, one per check. */
export interface StagingVerdict {
  readonly ready: boolean;
  readonly reasons: string[];
}

/** Share of the window's 5-minute steps that must have traffic (tolerates a scrape gap or a restart). */
export const MIN_SERVED_SHARE = 0.95;

/**
 * Asks the staging Prometheus at `baseUrl` whether `spec`'s stable version baked for `hours` (whole
 * hours: PromQL durations such as `1.5h` are invalid).
 */
export async function checkStagingHealth(
  baseUrl: string,
  spec: ModelSpec,
  hours: number,
): Promise<StagingVerdict> {
  const q = stagingHealthQueries(spec, hours);
  const reasons: string[] = [];
  let ready = true;
  // NaN is not a count of steps: it counts as none.
  const served = (await queryInstant(baseUrl, q.served))[0]?.value ?? 0;
  const steps = Number.isFinite(served) ? served : 0;
  const needed = Math.ceil(hours * 12 * MIN_SERVED_SHARE);
  if (steps > hours * 12 + 1) {
    // More steps than the window has: the answer is not the query's (a proxy, a wrong server).
    ready = false;
    reasons.push(
      `served in ${steps} five-minute steps, more than the ${hours * 12} the window has: not a count to trust`,
    );
  } else if (steps < needed) {
    ready = false;
    reasons.push(`served in ${steps} of ${hours * 12} five-minute steps; needs ${needed}`);
  } else reasons.push(`served in ${steps} of ${hours * 12} five-minute steps`);
  const alerts = await queryInstant(baseUrl, q.alerts);
  if (alerts.length > 0) {
    ready = false;
    reasons.push(
      `alerts fired in the window: ${[...new Set(alerts.map((a) => a.labels.alertname))].join(", ")}`,
    );
  } else reasons.push("no alert fired");
  const budget = 1 - spec.slo.availability / 100;
  const ratio = (await queryInstant(baseUrl, q.errorRatio))[0]?.value;
  if (ratio === undefined || Number.isNaN(ratio)) {
    // 0 / 0: no request in the window at all.
    ready = false;
    reasons.push("error ratio unknown: no requests in the window");
  } else if (ratio < 0 || ratio > 1) {
    ready = false;
    reasons.push(`error ratio ${ratio} is not a ratio (0-1): not an answer to trust`);
  } else if (ratio > budget) {
    ready = false;
    reasons.push(`error ratio ${ratio} above the SLO budget ${budget.toFixed(4)}`);
  } else reasons.push(`error ratio ${ratio.toFixed(5)} within the SLO budget ${budget.toFixed(4)}`);
  return { ready, reasons };
}
