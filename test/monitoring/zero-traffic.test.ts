/**
 * A full outage in front of the model (ingress, DNS, a broken client release): the pods are up and
 * scraped, their request counters go flat. DESIGN promises a full outage within 2 minutes; the drop
 * rule's 2-minute rate plus `for: 2m` saw it after 180 s (an SRE review). promtool at 15 s, the
 * traffic rules only, a day of history ("same time yesterday"), one request counter.
 */
import type { SalesEvent } from "../../components/config/stack-schema";
import { modelRules } from "../../components/model/monitoring-rules";
import { fixtureModels, isTrafficRule } from "./fixtures";
import { Firing, counterNotation, firingAlerts } from "./scenario";
import { testWith } from "../helpers/tools";

const itPromtool = testWith("promtool");

const STEP = 15;
const DAY_STEPS = 86400 / STEP;
/** 10 minutes into the second day. */
const ONSET = DAY_STEPS + 40;

/**
 * ModelTrafficAnomaly firings (seconds after the onset) of homepage-feed serving `rps(k)` requests/s
 * at `k` steps after the onset (negative before, the day of history included), checked at every
 * step of the second day up to `after` steps after the onset.
 */
function firings(rps: (k: number) => number, after = 24, events: SalesEvent[] = []): Firing[] {
  const spec = fixtureModels("prod").find((m) => m.name === "homepage-feed")!;
  const rules = modelRules(spec, { events })
    .groups.flatMap((g) => g.rules)
    .filter(isTrafficRule);
  const steps = ONSET + after;
  const increments = Array.from({ length: steps }, (_, s) => rps(s - ONSET) * STEP);
  return firingAlerts({
    ruleFiles: { "rules.yaml": { groups: [{ name: "traffic", interval: `${STEP}s`, rules }] } },
    series: [
      {
        series: `mlops_model_requests_total{model="${spec.name}",variant="stable",outcome="success"}`,
        values: counterNotation(increments),
      },
    ],
    intervalSeconds: STEP,
    alertnames: ["ModelTrafficAnomaly"],
    times: Array.from({ length: steps - DAY_STEPS - 1 }, (_, k) => (DAY_STEPS + 1 + k) * STEP),
  }).map((f) => ({ ...f, atSeconds: f.atSeconds - ONSET * STEP }));
}

/** First firing (seconds after the onset) carrying `labelPart`. */
function detected(f: Firing[], labelPart = ""): number | undefined {
  const t = f.filter((x) => x.labels.includes(labelPart)).map((x) => x.atSeconds);
  return t.length === 0 ? undefined : Math.min(...t);
}

describe("traffic to zero with the pods up (counters flat)", () => {
  itPromtool("at 400 requests/s (a day) it pages within 2 minutes", () => {
    const f = firings((k) => (k < 0 ? 400 : 0));
    const t = detected(f);
    console.log(`ingress outage, day (400 req/s): ${t ?? "not fired"} s`);
    expect(t).toBeDefined();
    expect(t!).toBeGreaterThanOrEqual(0);
    expect(t!).toBeLessThanOrEqual(120);
    const first = f.find((x) => x.atSeconds === t)!;
    for (const l of ['reason="zero-traffic"', 'severity="page"', 'team="homepage"', 'model="homepage-feed"'])
      expect(first.labels).toContain(l);
  });

  itPromtool("at 20 requests/s (a night) it pages within 2 minutes", () => {
    const t = detected(firings((k) => (k < 0 ? 20 : 0)));
    console.log(`ingress outage, night (20 req/s): ${t ?? "not fired"} s`);
    expect(t).toBeDefined();
    expect(t!).toBeGreaterThanOrEqual(0);
    expect(t!).toBeLessThanOrEqual(120);
  });

  itPromtool("traffic down to 30% still pages through the drop rule, not as zero traffic", () => {
    const f = firings((k) => (k < 0 ? 400 : 120));
    const t = detected(f, 'direction="down"');
    console.log(`traffic to 30%: ${t ?? "not fired"} s`);
    expect(t).toBeDefined();
    expect(t!).toBeLessThanOrEqual(300);
    expect(detected(f, 'reason="zero-traffic"')).toBeUndefined();
  });

  itPromtool("a model with idle nights (0.3 requests/s yesterday) going quiet pages nothing", () => {
    // Below the 0.5 requests/s the drop rule needs to judge: a quiet minute is no outage.
    expect(firings((k) => (k < 0 ? 0.3 : 0))).toEqual([]);
  });

  itPromtool("a declared 8x flash sale, its start and its end, pages nothing", () => {
    // 400 requests/s yesterday; today 8x from 20 to 80 minutes after the onset, then back to 400.
    const sale: SalesEvent = {
      name: "flash-sale",
      start: "1970-01-02T00:30:00Z",
      end: "1970-01-02T01:30:00Z",
      trafficMultiplier: 8,
    };
    expect(firings((k) => (k >= 80 && k < 320 ? 3200 : 400), 440, [sale])).toEqual([]);
  });
});
