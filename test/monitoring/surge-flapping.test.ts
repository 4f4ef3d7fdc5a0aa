/**
 * The surge ticket reads a 2-minute rate for 2 minutes (detection within 5 minutes): traffic that
 * hovers around 3x the expected rate would resolve and open it again every few minutes, a
 * notification each time. `keep_firing_for` keeps it firing through the dips. promtool at 15 s,
 * after a day of flat history (the reference "same time yesterday").
 */
import { modelRules } from "../../components/model/monitoring-rules";
import { fixtureModels, isTrafficRule, stackConfig } from "./fixtures";
import { NORMAL_TRAFFIC, firingAlerts, modelSeries } from "./scenario";
import { testWith } from "../helpers/tools";

const itPromtool = testWith("promtool");

const STEP = 15;
const PER_MINUTE = 60 / STEP;
const DAY_MINUTES = 1440;
/** From a day and 10 minutes on, for 30 minutes: 3.5x for 3 minutes, 2.5x for 3 minutes. */
const FROM = DAY_MINUTES + 10;
const TO = FROM + 30;
const MINUTES = TO + 20;

function surgeFirings(rps: (minute: number) => number): number[] {
  const spec = fixtureModels("prod").find((m) => m.name === "homepage-feed")!;
  const rules = modelRules(spec, stackConfig("prod"))
    .groups.flatMap((g) => g.rules)
    .filter(isTrafficRule);
  const firings = firingAlerts({
    ruleFiles: { "rules.yaml": { groups: [{ name: "traffic", interval: `${STEP}s`, rules }] } },
    series: modelSeries(spec.name, MINUTES * PER_MINUTE, STEP, (s) => ({
      ...NORMAL_TRAFFIC,
      rps: rps(Math.floor(s / PER_MINUTE)),
    })).filter((x) => /mlops_model_requests_total/.test(x.series)),
    intervalSeconds: STEP,
    alertnames: ["ModelTrafficAnomaly"],
    times: Array.from({ length: (MINUTES - FROM + 2) * PER_MINUTE }, (_, k) => (FROM - 2) * 60 + k * STEP),
  });
  return firings.filter((f) => f.labels.includes('direction="up"')).map((f) => f.atSeconds);
}

describe("the surge ticket under traffic that hovers around its threshold", () => {
  itPromtool("opens once and keeps firing through the dips, then resolves after the surge", () => {
    const base = NORMAL_TRAFFIC.rps;
    const hovering = (m: number) => (m >= FROM && m < TO ? base * ((m - FROM) % 6 < 3 ? 3.5 : 2.5) : base);
    const times = surgeFirings(hovering);
    expect(times.length).toBeGreaterThan(0);
    const first = Math.min(...times);
    const last = Math.max(...times);
    expect(first).toBeLessThanOrEqual((FROM + 5) * 60);
    // Firing at every evaluation from the first to the last: no resolve-and-open-again.
    const gaps = [];
    for (let t = first; t <= last; t += STEP) if (!times.includes(t)) gaps.push(t);
    expect(gaps).toEqual([]);
    // Resolved within keep_firing_for (10 minutes) and the 2-minute window after the surge ends.
    expect(last).toBeGreaterThanOrEqual((TO - 3) * 60);
    expect(last).toBeLessThanOrEqual((TO + 13) * 60);
  });
});
