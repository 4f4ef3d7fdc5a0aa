/**
 * A model on its first day has no "same time yesterday" to compare with: a route that breaks while
 * its pods stay up and scraped (traffic to zero, or down 70%) must still page, and its own launch
 * ramp or tiny traffic must not. promtool at 15 s, the traffic rules only, two hours from the
 * model's first scrape.
 */
import { modelRules } from "../../components/model/monitoring-rules";
import { fixtureModels, isTrafficRule, stackConfig } from "./fixtures";
import { NORMAL_TRAFFIC, firingAlerts, modelSeries } from "./scenario";
import { testWith } from "../helpers/tools";

const itPromtool = testWith("promtool");

const STEP = 15;
const STEPS = 120 * 4;
/** The route breaks 40 minutes after the model's first scrape. */
const ONSET = 40 * 4;

/** ModelTrafficAnomaly firings (seconds from the first scrape) of a new model whose rate is `rps(step)`. */
function trafficFirings(rps: (step: number) => number, events = stackConfig("prod").events) {
  const spec = fixtureModels("prod").find((m) => m.name === "homepage-feed")!;
  const rules = modelRules(spec, { events })
    .groups.flatMap((g) => g.rules)
    .filter(isTrafficRule);
  return firingAlerts({
    ruleFiles: { "rules.yaml": { groups: [{ name: "traffic", interval: `${STEP}s`, rules }] } },
    series: modelSeries(spec.name, STEPS, STEP, (s) => ({ ...NORMAL_TRAFFIC, rps: rps(s) })).filter((x) =>
      /mlops_model_requests_total/.test(x.series),
    ),
    intervalSeconds: STEP,
    alertnames: ["ModelTrafficAnomaly"],
    times: Array.from({ length: STEPS - 1 }, (_, k) => (k + 1) * STEP),
  });
}

/** First firing, in seconds after the onset. */
function detected(firings: { atSeconds: number }[]): number | undefined {
  return firings.length === 0 ? undefined : Math.min(...firings.map((f) => f.atSeconds)) - ONSET * STEP;
}

describe("a new model's traffic (no day-old history)", () => {
  itPromtool("a route broken to zero, pods up and scraped, pages within 5 minutes", () => {
    const f = trafficFirings((s) => (s < ONSET ? 400 : 0));
    const t = detected(f);
    console.log(`traffic to zero on a model's first day: ${t ?? "not fired"} s`);
    expect(t).toBeDefined();
    expect(t!).toBeGreaterThanOrEqual(0);
    expect(t!).toBeLessThanOrEqual(300);
    expect(f[0].labels).toContain('reason="no-history"');
    expect(f[0].labels).toContain('severity="page"');
  });

  itPromtool("traffic down 70% pages within 5 minutes", () => {
    const t = detected(trafficFirings((s) => (s < ONSET ? 400 : 120)));
    console.log(`traffic down 70% on a model's first day: ${t ?? "not fired"} s`);
    expect(t).toBeDefined();
    expect(t!).toBeGreaterThanOrEqual(0);
    expect(t!).toBeLessThanOrEqual(300);
  });

  itPromtool("a launch ramping from 1 to 400 requests/s over 30 minutes, then steady, pages nothing", () => {
    expect(trafficFirings((s) => Math.min(400, 1 + (399 * s) / 120))).toEqual([]);
  });

  itPromtool("a 10-minute burst at 3x and its end page nothing", () => {
    expect(trafficFirings((s) => (s >= ONSET && s < ONSET + 40 ? 1200 : 400))).toEqual([]);
  });

  itPromtool("naturally tiny traffic, bursty or stopping, pages nothing", () => {
    // 0.4 requests/s arriving in bursts (three scrapes in four empty), then nothing at all: below
    // the 0.5 requests/s a 2-minute rate needs to be judged.
    expect(trafficFirings((s) => (s >= ONSET ? 0 : s % 4 === 0 ? 1.6 : 0))).toEqual([]);
  });

  itPromtool("a declared event ending on the model's first day pages nothing", () => {
    // 4x from minute 10 to 40 (the traffic follows the declaration), then back to 400.
    const event = {
      name: "launch-promo",
      start: "1970-01-01T00:10:00Z",
      end: "1970-01-01T00:40:00Z",
      trafficMultiplier: 4,
    };
    expect(trafficFirings((s) => (s >= 40 && s < ONSET ? 1600 : 400), [event])).toEqual([]);
  });
});
