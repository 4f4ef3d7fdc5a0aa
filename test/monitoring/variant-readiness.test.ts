/**
 * A canary or A/B experiment whose pods are all gone still gets its share of the route (the
 * HTTPRoute's weights, or every request carrying its pinning header), which then fails at the
 * gateway where no model-server metric counts it. Found by an SRE review: only stable's Deployment
 * was watched, and a canary at 10% with no ready pod was silent for 30 minutes. promtool at 15 s,
 * the traffic rules only, kube-state-metrics' Deployment status beside the request counters.
 */
import type { ModelSpec } from "../../components/config/model-schema";
import { modelRules } from "../../components/model/monitoring-rules";
import { VARIANT_START_GRACE_SECONDS, watchedVariants } from "../../components/model/readiness-rules";
import { fixtureModels, isTrafficRule, stackConfig } from "./fixtures";
import { Firing, NORMAL_TRAFFIC, firingAlerts, gaugeNotation, modelSeries } from "./scenario";
import { testWith } from "../helpers/tools";

const itPromtool = testWith("promtool");

const STEP = 15;
/** 30 minutes of healthy traffic before the onset. */
const ONSET = 120;

/** homepage-feed (canary at 10%) with a weighted experiment at 5% and a header-pinned one. */
function specWithExperiments(canaryPercent = 10): ModelSpec {
  const base = fixtureModels("prod").find((m) => m.name === "homepage-feed")!;
  return {
    ...base,
    canary: { ...base.canary!, trafficPercent: canaryPercent },
    experiments: [
      { name: "exp-b", modelUri: "s3://<artifacts>/homepage-feed/b", weight: 5 },
      {
        name: "exp-h",
        modelUri: "s3://<artifacts>/homepage-feed/h",
        header: { name: "x-exp-bucket", value: "h" },
      },
    ],
  };
}

/** What kube-state-metrics reports for one predictor Deployment at each step. */
interface DeploymentState {
  readonly available: (step: number) => number;
  /** Creation time in seconds (`kube_deployment_created`); 0 = the scenario's first scrape. */
  readonly createdAt?: number;
}

/**
 * ModelTrafficAnomaly firings (seconds after the onset) over `steps` steps, for a model whose
 * Deployments report `deployments` (by Deployment name; stable is at 3 replicas unless given).
 */
function firings(
  spec: ModelSpec,
  deployments: Record<string, DeploymentState>,
  steps = ONSET + 40,
): Firing[] {
  const rules = modelRules(spec, stackConfig("prod"))
    .groups.flatMap((g) => g.rules)
    .filter(isTrafficRule);
  const all: Record<string, DeploymentState> = {
    "homepage-feed-predictor": { available: () => 3 },
    ...deployments,
  };
  const kube = Object.entries(all).flatMap(([deployment, d]) => {
    const sel = `namespace="${spec.name}",deployment="${deployment}"`;
    const available = Array.from({ length: steps }, (_, s) => d.available(s));
    return [
      { series: `kube_deployment_status_replicas_available{${sel}}`, values: gaugeNotation(available) },
      { series: `kube_deployment_created{${sel}}`, values: `${d.createdAt ?? 0}x${steps - 1}` },
    ];
  });
  // The model's own counters: 400 requests/s, 10% on the canary. The share a dead variant loses
  // fails at the gateway, so the counters keep the healthy shape: the rule must not need them.
  const requests = modelSeries(spec.name, steps, STEP, () => ({
    ...NORMAL_TRAFFIC,
    canaryShare: 0.1,
  })).filter((x) => /mlops_model_requests_total/.test(x.series));
  return firingAlerts({
    ruleFiles: { "rules.yaml": { groups: [{ name: "traffic", interval: `${STEP}s`, rules }] } },
    series: [...requests, ...kube],
    intervalSeconds: STEP,
    alertnames: ["ModelTrafficAnomaly"],
    times: Array.from({ length: steps - 1 }, (_, k) => (k + 1) * STEP),
  }).map((f) => ({ ...f, atSeconds: f.atSeconds - ONSET * STEP }));
}

/** First firing (seconds after onset) carrying `labelPart`. */
function detected(f: Firing[], labelPart: string): number | undefined {
  const t = f.filter((x) => x.labels.includes(labelPart)).map((x) => x.atSeconds);
  return t.length === 0 ? undefined : Math.min(...t);
}

/** One replica until the onset, none after. */
const lostAtOnset: DeploymentState = { available: (s) => (s < ONSET ? 1 : 0) };

describe("no ready replica of a variant that receives traffic", () => {
  test("stable, a canary with traffic and every experiment (weighted or header-pinned) are watched", () => {
    expect(watchedVariants(specWithExperiments()).map((v) => v.name)).toEqual([
      "stable",
      "canary",
      "exp-b",
      "exp-h",
    ]);
    // A canary at 0% is listed on the route but sent nothing.
    expect(watchedVariants(specWithExperiments(0)).map((v) => v.name)).toEqual(["stable", "exp-b", "exp-h"]);
  });

  itPromtool("a canary at 10% losing every pod pages within 2 minutes, labelled with its variant", () => {
    const f = firings(specWithExperiments(), { "homepage-feed-canary-predictor": lostAtOnset });
    const t = detected(f, 'variant="canary"');
    console.log(`canary with no ready replica: ${t ?? "not fired"} s`);
    expect(t).toBeDefined();
    expect(t!).toBeGreaterThanOrEqual(0);
    expect(t!).toBeLessThanOrEqual(120);
    const first = f.find((x) => x.labels.includes('variant="canary"'))!;
    for (const l of [
      'model="homepage-feed"',
      'team="homepage"',
      'severity="page"',
      'reason="no-ready-replicas"',
    ])
      expect(first.labels).toContain(l);
    // Stable is fine: nothing else fires.
    expect(f.filter((x) => !x.labels.includes('variant="canary"'))).toEqual([]);
  });

  itPromtool("a weighted experiment losing every pod pages within 2 minutes", () => {
    const t = detected(
      firings(specWithExperiments(), { "homepage-feed-exp-b-predictor": lostAtOnset }),
      'variant="exp-b"',
    );
    console.log(`weighted experiment with no ready replica: ${t ?? "not fired"} s`);
    expect(t).toBeDefined();
    expect(t!).toBeGreaterThanOrEqual(0);
    expect(t!).toBeLessThanOrEqual(120);
  });

  itPromtool("a header-pinned experiment losing every pod pages within 2 minutes", () => {
    const t = detected(
      firings(specWithExperiments(), { "homepage-feed-exp-h-predictor": lostAtOnset }),
      'variant="exp-h"',
    );
    console.log(`header-pinned experiment with no ready replica: ${t ?? "not fired"} s`);
    expect(t).toBeDefined();
    expect(t!).toBeGreaterThanOrEqual(0);
    expect(t!).toBeLessThanOrEqual(120);
  });

  itPromtool("a new canary starting (4 minutes to its first ready pod) pages nothing", () => {
    // Created at the onset: no replica for 4 minutes (a GPU node, then the cold start), then one.
    const f = firings(specWithExperiments(), {
      "homepage-feed-canary-predictor": {
        available: (s) => (s < ONSET + 16 ? 0 : 1),
        createdAt: ONSET * STEP,
      },
    });
    expect(f).toEqual([]);
  });

  itPromtool("a new canary that never becomes ready pages once its start grace is over", () => {
    const steps = ONSET + VARIANT_START_GRACE_SECONDS / STEP + 12;
    const f = firings(
      specWithExperiments(),
      { "homepage-feed-canary-predictor": { available: () => 0, createdAt: ONSET * STEP } },
      steps,
    );
    const t = detected(f, 'variant="canary"');
    console.log(`new canary never ready: ${t ?? "not fired"} s after its creation`);
    expect(t).toBeDefined();
    expect(t!).toBeGreaterThanOrEqual(VARIANT_START_GRACE_SECONDS);
    expect(t!).toBeLessThanOrEqual(VARIANT_START_GRACE_SECONDS + 120);
  });

  itPromtool("a canary at 0% with no ready replica pages nothing (the route sends it nothing)", () => {
    expect(firings(specWithExperiments(0), { "homepage-feed-canary-predictor": lostAtOnset })).toEqual([]);
  });

  itPromtool("every variant ready pages nothing", () => {
    const one: DeploymentState = { available: () => 1 };
    expect(
      firings(specWithExperiments(), {
        "homepage-feed-canary-predictor": one,
        "homepage-feed-exp-b-predictor": one,
        "homepage-feed-exp-h-predictor": one,
      }),
    ).toEqual([]);
  });
});
