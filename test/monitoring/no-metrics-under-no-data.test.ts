/**
 * A scrape outage longer than the no-metrics grace (a broken PodMonitor or NetworkPolicy, the pods
 * still ready) raised both `ModelTrafficAnomaly` `reason="no-data"` (a page, no `variant` label) and
 * `reason="no-metrics"` (a ticket, `variant="stable"`), so the inhibition, which needs equal
 * variants, did not hide the ticket (an SRE review). The ticket now stands aside while the no-data
 * page's traffic condition holds. promtool at 15 s, the traffic rules of each model in its own file,
 * a day of history, then an hour of the model's own scrape missing while kube-state-metrics (another
 * target) still reports its ready replicas.
 */
import type { ModelSpec } from "../../components/config/model-schema";
import { durationSeconds } from "../../components/config/duration";
import { modelRules } from "../../components/model/monitoring-rules";
import { METRICS_START_GRACE, NO_DATA_MIN_RPS } from "../../components/model/readiness-rules";
import { fixtureModels, isTrafficRule, stackConfig } from "./fixtures";
import { Firing, counterNotation, firingAlerts, gaugeNotation } from "./scenario";
import { testWith } from "../helpers/tools";

const itPromtool = testWith("promtool");

const STEP = 15;
const DAY_STEPS = 86400 / STEP;
/** The outage starts 10 minutes into the second day and lasts to the end of the run. */
const ONSET = DAY_STEPS + 40;
/** An hour of outage: twice the grace, so the old rule's ticket fired inside it. */
const AFTER = 240;
const STEPS = ONSET + AFTER;
const GRACE = durationSeconds(METRICS_START_GRACE);

const feed = fixtureModels("prod").find((m) => m.name === "homepage-feed")!;
/** TorchServe, read from the contract counter only: no series means no metrics. */
const as = (name: string): ModelSpec => ({ ...feed, name });

/** A model of the run: its requests/s before the onset (undefined: never instrumented). */
interface ModelRun {
  readonly spec: ModelSpec;
  readonly rps?: number;
}

/** Every ModelTrafficAnomaly firing of the second day, in seconds after the onset. */
function firings(models: readonly ModelRun[]): Firing[] {
  const cfg = stackConfig("prod");
  const ruleFiles = Object.fromEntries(
    models.map(({ spec }) => [
      `${spec.name}.yaml`,
      {
        groups: [
          {
            name: `traffic-${spec.name}`,
            interval: `${STEP}s`,
            rules: modelRules(spec, cfg)
              .groups.flatMap((g) => g.rules)
              .filter(isTrafficRule),
          },
        ],
      },
    ]),
  );
  // The model's pods are up and counting throughout; their scrapes are missing from the onset on.
  const missing = Array.from({ length: STEPS }, (_, s) => (s >= ONSET ? ("_" as const) : undefined));
  const series = models.flatMap(({ spec, rps }) => [
    ...(rps === undefined
      ? []
      : [
          {
            series: `mlops_model_requests_total{model="${spec.name}",variant="stable",outcome="success"}`,
            values: counterNotation(
              Array.from({ length: STEPS }, () => rps * STEP),
              missing,
            ),
          },
        ]),
    {
      series: `kube_deployment_status_replicas_available{namespace="${spec.name}",deployment="${spec.name}-predictor"}`,
      values: gaugeNotation(Array.from({ length: STEPS }, () => 2)),
    },
  ]);
  return firingAlerts({
    ruleFiles,
    series,
    intervalSeconds: STEP,
    alertnames: ["ModelTrafficAnomaly"],
    times: Array.from({ length: AFTER }, (_, k) => (ONSET + k) * STEP),
  }).map((f) => ({ ...f, atSeconds: f.atSeconds - ONSET * STEP }));
}

/** Firing times (seconds after the onset) of `model`'s alert with `reason`. */
function times(f: readonly Firing[], model: string, reason: string): number[] {
  return f
    .filter((x) => x.labels.includes(`model="${model}"`) && x.labels.includes(`reason="${reason}"`))
    .map((x) => x.atSeconds);
}

describe("a scrape outage longer than the no-metrics grace", () => {
  itPromtool("pages as no-data and never opens the no-metrics ticket beside the page", () => {
    // A never-instrumented model in the same run: its ticket must still fire, so the check can fail.
    const control = as("never-instrumented");
    const f = firings([{ spec: feed, rps: 20 }, { spec: control }]);
    const page = times(f, feed.name, "no-data");
    const ticket = times(f, feed.name, "no-metrics");
    console.log(
      `scrape outage at 20 req/s: no-data page from ${Math.min(...page)} s, ` +
        `no-metrics ticket ${ticket.length === 0 ? "never" : `from ${Math.min(...ticket)} s`} in ${(AFTER * STEP) / 60} min`,
    );
    expect(page.length).toBeGreaterThan(0);
    expect(Math.min(...page)).toBeLessThanOrEqual(300);
    // The page holds to the end of the outage (history expects traffic), past twice the grace.
    expect(Math.max(...page)).toBeGreaterThanOrEqual(2 * GRACE - 2 * STEP);
    expect(ticket).toEqual([]);
    expect(times(f, control.name, "no-metrics").length).toBeGreaterThan(0);
    expect(times(f, control.name, "no-data")).toEqual([]);
  });

  itPromtool("a model below the no-data page's rate still gets the ticket (no alert is lost)", () => {
    // At 0.05 req/s (under NO_DATA_MIN_RPS) the page stays silent: the ticket is the only alert.
    const quiet = as("quiet-model");
    expect(0.05).toBeLessThan(NO_DATA_MIN_RPS);
    const f = firings([{ spec: quiet, rps: 0.05 }]);
    const ticket = times(f, quiet.name, "no-metrics");
    console.log(`scrape outage at 0.05 req/s: no-metrics ticket from ${Math.min(...ticket)} s`);
    expect(times(f, quiet.name, "no-data")).toEqual([]);
    expect(ticket.length).toBeGreaterThan(0);
    expect(Math.min(...ticket)).toBeGreaterThanOrEqual(GRACE);
    expect(Math.min(...ticket)).toBeLessThanOrEqual(GRACE + 10 * 60);
  });
});
