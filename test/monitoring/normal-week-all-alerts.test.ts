/**
 * A normal week raises no model alert at all (issue 6): every alert `modelRules` generates for the
 * committed homepage-feed spec (canary, four drift features, CTR quality) runs over healthy series
 * of every metric it reads, shaped like the week of `normal-week.test.ts` (5x diurnal, weekend at
 * 60%, a declared 8x flash sale), and Prometheus' `ALERTS` series must hold no firing alert.
 *
 * Cost, measured with promtool 2.42 on this 2-core machine: every rule of every group is evaluated
 * at every step (promtool ignores group intervals), its 135 rules (31 alerts) cost ~30 s per simulated day at
 * 1-minute steps, so the full 8-day week would take ~5 minutes. The test therefore runs the week's
 * risky moments as segments, each with the day of history its "same time yesterday" references
 * need (its own clock: the declared sale moves with it), two promtool processes side by side:
 * - weekend: Friday 23:00 to Saturday 03:30 (the 40% weekend step at midnight, the night trough at
 *   02:00), after Thursday 22:00 to Friday 23:00 (a weekday trough and peak);
 * - sale: Tuesday 11:00 to 15:00 (the 8x sale 12:00-14:00 at the daily peak, its 30-minute
 *   margins, the drop back after it), after Monday 10:00 to Tuesday 11:00.
 * The history is checked too, for the rules that need no day-old reference (burn rates, latency,
 * canary): a freshly deployed model must not page while its windows fill. The only thing it shows is
 * a pending (never firing) traffic surge one day after the input starts: `rate(x[5m])` divides by
 * the whole window, so yesterday's first minutes look small; `for: 2m` absorbs it.
 * 1-minute samples and evaluation are enough: the shortest rule window is 1m (2 samples: Prometheus
 * 2.x range selectors include both ends; Prometheus 3's left-open ranges would need 30 s steps),
 * the others 2m-3d, `for:` durations are whole minutes, and traffic moves far slower.
 */
import { ModelSpec } from "../../components/config/model-schema";
import { MODEL_ALERTS } from "../../components/model/alert-labels";
import { burnThreshold, BURN_PAIRS, modelRules } from "../../components/model/monitoring-rules";
import { modelsFor } from "./fixtures";
import { psi } from "./scenario";
import {
  HISTORY_MINUTES,
  ModelMinute,
  SALE,
  Segment,
  SeenAlert,
  alertsSeen,
  healthyMinute,
  segmentInput,
  weekRps,
} from "./week";
import { hasTool, testWith } from "../helpers/tools";

const itPromtool = testWith("promtool");

const homepage: ModelSpec = modelsFor("prod").find((m) => m.name === "homepage-feed")!;
/** The committed spec plus a 5% A/B experiment, so the experiment's alerts run too. */
const spec: ModelSpec = {
  ...homepage,
  experiments: [{ name: "exp-b", modelUri: "s3://<artifacts>/homepage-feed/b", weight: 5 }],
};
const canaryShare = (spec.canary?.trafficPercent ?? 0) / 100;
const experimentShares = spec.experiments.map((e) => ({ name: e.name, share: (e.weight ?? 0) / 100 }));
const healthy = (m: number): ModelMinute =>
  healthyMinute(m, weekRps(m), spec.monitoring.features, canaryShare, experimentShares);

const DAY = 1440;
const SEGMENTS: Segment[] = [
  { name: "weekend", fromMinute: 1 * DAY + 23 * 60, toMinute: 2 * DAY + 3 * 60 + 30 },
  { name: "sale", fromMinute: 5 * DAY + 11 * 60, toMinute: 5 * DAY + 15 * 60 },
];

/** Runs one segment with the model's real rule file and the events moved onto the segment's clock. */
function runSegment(segment: Segment, minute = healthy, history?: number): Promise<SeenAlert[]> {
  const input = segmentInput(spec, segment, minute, [SALE], history);
  return alertsSeen({
    ruleFile: modelRules(spec, { events: input.events }),
    series: input.series,
    minutes: input.minutes,
  });
}

const describeAt = (origin: number) => (a: SeenAlert) =>
  `${a.alertname} ${a.alertstate} in the hour before week minute ${origin + a.spanEndSeconds / 60}: ${a.labels}`;

describe("a normal week raises no model alert at all", () => {
  const runs = new Map<string, Promise<SeenAlert[]>>();
  beforeAll(() => {
    // Started together: two promtool processes use both cores.
    if (hasTool("promtool")) for (const s of SEGMENTS) runs.set(s.name, runSegment(s));
  });

  test("the committed spec exercises every model alert", () => {
    expect(spec.canary).toBeDefined();
    expect(spec.monitoring.features.length).toBeGreaterThan(0);
    expect(spec.monitoring.quality).toBeDefined();
    const alerts = new Set(
      modelRules(spec, { events: [SALE] })
        .groups.flatMap((g) => g.rules)
        .map((r) => r.alert),
    );
    expect([...Object.values(MODEL_ALERTS)].filter((a) => !alerts.has(a))).toEqual([]);
  });

  test("the healthy series are healthy: errors, latency, drift and CTR well inside their limits", () => {
    const worstBurn = Math.min(...BURN_PAIRS.map((p) => burnThreshold(p, spec.slo.availability)));
    const problems: string[] = [];
    for (let m = DAY; m < 8 * DAY; m += 13) {
      const now = healthy(m);
      const hourAgo = healthy(m - 60);
      for (const [variant, v] of Object.entries(now.variants)) {
        const at = `${variant} at minute ${m}`;
        if (v.errorRatio >= worstBurn / 2) problems.push(`${at}: error ratio ${v.errorRatio}`);
        if (v.p99 * 1000 >= spec.slo.latencyP99Ms / 2) problems.push(`${at}: p99 ${v.p99}`);
        // p99 under 25 ms in the histogram too
        if (v.latencyCdf[1] <= 0.99) problems.push(`${at}: only ${v.latencyCdf[1]} under 25 ms`);
        const drift = psi(v.prediction, hourAgo.variants[variant].prediction);
        if (drift >= 0.01) problems.push(`${at}: prediction PSI ${drift} within an hour`);
        if (v.ctr <= 0.045) problems.push(`${at}: CTR ${v.ctr}`);
      }
      const total = Object.values(now.variants).reduce((a, v) => a + v.rps, 0);
      const share = now.variants.canary.rps / total;
      if (Math.abs(share - canaryShare) > 1e-9) problems.push(`canary share ${share} at minute ${m}`);
    }
    expect(problems).toEqual([]);
  });

  for (const segment of SEGMENTS) {
    itPromtool(
      `${segment.name}: no alert fires from the first evaluation to week minute ${segment.toMinute}`,
      async () => {
        const seen = await runs.get(segment.name)!;
        const origin = segment.fromMinute - HISTORY_MINUTES;
        const pending = seen.filter((a) => a.alertstate !== "firing").map(describeAt(origin));
        if (pending.length > 0) console.log(`${segment.name}: pending only\n${pending.join("\n")}`);
        expect(seen.filter((a) => a.alertstate === "firing").map(describeAt(origin))).toEqual([]);
      },
      // A segment's promtool run takes 1-3 minutes alone; on a loaded 2-core machine the second
      // segment's outlasted 3 minutes after the first had ended (a timeout, not a finding).
      600_000,
    );
  }

  itPromtool(
    "the same harness reports a 10% error burst (the check can fail)",
    async () => {
      const burst: Segment = { name: "burst", fromMinute: 5 * DAY + 9 * 60, toMinute: 5 * DAY + 10 * 60 };
      const from = burst.fromMinute + 20;
      const withBurst = (m: number): ModelMinute => {
        const h = healthy(m);
        if (m < from || m >= from + 15) return h;
        const variants = Object.fromEntries(
          Object.entries(h.variants).map(([k, v]) => [k, { ...v, errorRatio: 0.1 }]),
        );
        return { ...h, variants };
      };
      const seen = await runSegment(burst, withBurst, 60);
      const firing = seen.filter((a) => a.alertstate === "firing");
      expect(firing.map((a) => a.alertname)).toContain(MODEL_ALERTS.errorBudgetBurn);
      expect(firing.some((a) => a.labels.includes(`model="${spec.name}"`))).toBe(true);
    },
    60_000,
  );
});
