/**
 * A model no request reached for the no-metrics grace (deployed at night, before its clients switch
 * over) has no request series when its server creates its labelled counters at their first use, and
 * got `ModelTrafficAnomaly` `reason="no-metrics"` like a server that exports nothing (an SRE review).
 * The gateway's traffic is not scraped, so the runtime decides: MLServer (counters at its first
 * inference, never missing while it serves) stays silent while its scrape is up; a contract server
 * that creates its counters lazily still gets the ticket, whose description now says why and what to
 * export. promtool at 15 s, the traffic rules of each model in its own file, 45 minutes of ready pods.
 */
import type { ModelSpec } from "../../components/config/model-schema";
import { durationSeconds } from "../../components/config/duration";
import { modelRules } from "../../components/model/monitoring-rules";
import { METRICS_START_GRACE } from "../../components/model/readiness-rules";
import { fixtureModels, isTrafficRule, stackConfig } from "./fixtures";
import { Firing, counterNotation, firingAlerts, gaugeNotation } from "./scenario";
import { testWith } from "../helpers/tools";

const itPromtool = testWith("promtool");

const STEP = 15;
/** 45 minutes. */
const STEPS = 180;
const GRACE = durationSeconds(METRICS_START_GRACE);

const spec = (name: string): ModelSpec => fixtureModels("prod").find((m) => m.name === name)!;
/** MLServer, read from its own counters. */
const MLSERVER = spec("cart-cross-sell");
/** homepage-feed is TorchServe: read from `mlops_model_requests_total` only. */
const contractServer = (name: string): ModelSpec => ({ ...spec("homepage-feed"), name });

/** One model of a run: its stable pods' `up` (none: no target) and its own request series. */
interface ModelRun {
  readonly spec: ModelSpec;
  readonly up?: number;
  readonly series?: { series: string; values: string }[];
}

const rulesOf = (s: ModelSpec) =>
  modelRules(s, stackConfig("prod"))
    .groups.flatMap((g) => g.rules)
    .filter(isTrafficRule);

/** no-metrics firings of every model (seconds from the start); each model has 2 ready replicas. */
function firings(models: ModelRun[]): Firing[] {
  const ruleFiles = Object.fromEntries(
    models.map(({ spec: s }) => [
      `${s.name}.yaml`,
      { groups: [{ name: `traffic-${s.name}`, interval: `${STEP}s`, rules: rulesOf(s) }] },
    ]),
  );
  const constant = (v: number) => gaugeNotation(Array.from({ length: STEPS }, () => v));
  const series = models.flatMap((m) => [
    ...(m.series ?? []),
    {
      series: `kube_deployment_status_replicas_available{namespace="${m.spec.name}",deployment="${m.spec.name}-predictor"}`,
      values: constant(2),
    },
    // The PodMonitor's targets, one per stable pod, with its model and variant target labels.
    ...(m.up === undefined
      ? []
      : ["a", "b"].map((pod) => ({
          series: `up{job="${m.spec.name}/${m.spec.name}",namespace="${m.spec.name}",pod="${m.spec.name}-predictor-${pod}",model="${m.spec.name}",variant="stable"}`,
          values: constant(m.up!),
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
function first(f: Firing[], model: string): number | undefined {
  const t = f.filter((x) => x.labels.includes(`model="${model}"`)).map((x) => x.atSeconds);
  return t.length === 0 ? undefined : Math.min(...t);
}

/** A never-instrumented contract server with its scrape up: the control that must fire. */
const control: ModelRun = { spec: contractServer("never-instrumented"), up: 1 };

describe("a model no request has reached since its pods became ready", () => {
  itPromtool("an idle MLServer model with its scrape up stays silent", () => {
    const f = firings([control, { spec: MLSERVER, up: 1 }]);
    expect(first(f, MLSERVER.name)).toBeUndefined();
    expect(first(f, control.spec.name)).toBeDefined();
  });

  itPromtool("an MLServer model whose scrape is down, or has no target, still gets the ticket", () => {
    const down = { ...MLSERVER, name: "mlserver-scrape-down" };
    const untargeted = { ...MLSERVER, name: "mlserver-no-target" };
    const f = firings([
      { spec: down, up: 0 },
      { spec: untargeted, up: undefined },
    ]);
    for (const m of [down.name, untargeted.name]) {
      const t = first(f, m);
      console.log(`${m}: no-metrics ticket ${t ?? "never"} s after its pods were ready`);
      expect(t).toBeDefined();
      expect(t!).toBeGreaterThanOrEqual(GRACE);
      expect(t!).toBeLessThanOrEqual(GRACE + 60);
    }
  });

  itPromtool("a contract server that exports its counters at 0 from start stays silent", () => {
    const eager = contractServer("eager-counters");
    const zero = (outcome: string) => ({
      series: `mlops_model_requests_total{model="${eager.name}",variant="stable",outcome="${outcome}"}`,
      values: counterNotation(Array.from({ length: STEPS - 1 }, () => 0)),
    });
    const f = firings([control, { spec: eager, up: 1, series: [zero("success"), zero("error")] }]);
    expect(first(f, eager.name)).toBeUndefined();
    expect(first(f, control.spec.name)).toBeDefined();
  });

  test("a lazy contract server's ticket says why it fires and what the server must export", () => {
    const rule = rulesOf(control.spec).find((r) => r.labels?.reason === "no-metrics")!;
    expect(rule.annotations?.description).toContain("only at its first request");
    expect(rule.annotations?.description).toContain(
      'export outcome="success" and outcome="error" at 0 from start',
    );
    // Triton and MLServer read their own counters: the hint would mislead there.
    const mlserverRule = rulesOf(MLSERVER).find((r) => r.labels?.reason === "no-metrics")!;
    expect(mlserverRule.annotations?.description).not.toContain("first request");
  });
});
