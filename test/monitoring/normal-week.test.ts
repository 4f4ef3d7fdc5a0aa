/**
 * A normal week raises no traffic alert: diurnal 5x peak to trough, a weekend dip, and a declared
 * flash sale at 8x. Eight days (one to build "yesterday", then a week) at 15 s would be 46,000
 * evaluations of every rule, far over the test budget with promtool 2.42, so this scenario uses
 * 1-minute scrapes and evaluation: the traffic alerts read 2m and 5m rates, which still hold 3 and 6
 * samples, and the diurnal curve moves far slower than a minute.
 */
import { modelRules } from "../../components/model/monitoring-rules";
import { fixtureModels, isTrafficRule } from "./fixtures";
import { counterNotation, firingAlerts } from "./scenario";
import { SALE, weekRps } from "./week";
import { testWith } from "../helpers/tools";

const itPromtool = testWith("promtool");

const MINUTES = 8 * 1440;

describe("a normal week", () => {
  test("the synthetic week has the shape the target describes", () => {
    const day1 = Array.from({ length: 1440 }, (_, i) => weekRps(1440 + i));
    expect(Math.max(...day1) / Math.min(...day1)).toBeCloseTo(5, 1);
    expect(weekRps(2 * 1440 + 14 * 60)).toBeCloseTo(0.6 * weekRps(1440 + 14 * 60), 5); // Saturday
    expect(weekRps(5 * 1440 + 13 * 60)).toBeCloseTo(8 * weekRps(4 * 1440 + 13 * 60), 0); // Tuesday sale vs Monday
  });

  itPromtool("raises no ModelTrafficAnomaly with the sale declared in events", () => {
    const spec = fixtureModels("prod").find((m) => m.name === "homepage-feed")!;
    const rules = modelRules(spec, { events: [SALE] })
      .groups.flatMap((g) => g.rules)
      .filter(isTrafficRule);
    const increments = Array.from({ length: MINUTES }, (_, m) => weekRps(m) * 60);
    const firings = firingAlerts({
      ruleFiles: { "rules.yaml": { groups: [{ name: "week", interval: "1m", rules }] } },
      series: [
        {
          series: `mlops_model_requests_total{model="${spec.name}",variant="stable",outcome="success"}`,
          values: counterNotation(increments),
        },
      ],
      intervalSeconds: 60,
      alertnames: ["ModelTrafficAnomaly"],
      // Every minute of the week, so no firing, however short, slips through; the first day is the
      // model's first, judged against its own last hour (no day-old reference yet).
      times: Array.from({ length: MINUTES - 1 }, (_, k) => (1 + k) * 60),
    });
    expect(firings.map((f) => `${f.atSeconds / 60} ${f.labels}`)).toEqual([]);
  });

  itPromtool("without the declaration the same sale is reported as a surge (the check can fail)", () => {
    const spec = fixtureModels("prod").find((m) => m.name === "homepage-feed")!;
    const rules = modelRules(spec, { events: [] })
      .groups.flatMap((g) => g.rules)
      .filter((r) => r.record?.startsWith("model:") || r.alert === "ModelTrafficAnomaly")
      .filter((r) => !r.record || !/error_ratio|p99|ctr|psi/.test(r.record));
    const start = 4 * 1440; // from Monday, so the run stays short
    const increments = Array.from({ length: 2 * 1440 }, (_, i) => weekRps(start + i) * 60);
    const firings = firingAlerts({
      ruleFiles: { "rules.yaml": { groups: [{ name: "week", interval: "1m", rules }] } },
      series: [
        {
          series: `mlops_model_requests_total{model="${spec.name}",variant="stable",outcome="success"}`,
          values: counterNotation(increments),
        },
      ],
      intervalSeconds: 60,
      alertnames: ["ModelTrafficAnomaly"],
      times: [(1440 + 13 * 60) * 60],
    });
    expect(firings.map((f) => f.labels)).toEqual([expect.stringContaining('direction="up"')]);
  });
});
