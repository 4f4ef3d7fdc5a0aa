/**
 * A crash-looping predictor: each pod comes up, is ready for about 30 s and crashes again, so the
 * Deployment's available replicas flap between 0 and 1 (30 s up in every 90 s) and the pods'
 * counters restart. Found by an SRE review: the no-ready-replicas rule's `for: 1m` restarted at every
 * brief ready pod and nothing paged in 20 minutes. A normal rolling update and a single restart must
 * stay silent. promtool at 15 s, the traffic rules only.
 */
import { modelRules } from "../../components/model/monitoring-rules";
import { fixtureModels, isTrafficRule, stackConfig } from "./fixtures";
import { Firing, NORMAL_TRAFFIC, firingAlerts, gaugeNotation, modelSeries } from "./scenario";
import { testWith } from "../helpers/tools";

const itPromtool = testWith("promtool");

const STEP = 15;
/** 30 minutes of healthy traffic before the onset. */
const ONSET = 120;
/** 20 minutes after the onset: the review watched this long. */
const AFTER = 80;

/**
 * ModelTrafficAnomaly firings (seconds after the onset) of homepage-feed whose stable Deployment
 * reports `available(k)` replicas at `k` steps after the onset (negative before), and whose pods are
 * scraped while `scraped(k)`.
 */
function firings(available: (k: number) => number, scraped: (k: number) => boolean = () => true): Firing[] {
  const spec = fixtureModels("prod").find((m) => m.name === "homepage-feed")!;
  const steps = ONSET + AFTER;
  const rules = modelRules(spec, stackConfig("prod"))
    .groups.flatMap((g) => g.rules)
    .filter(isTrafficRule);
  const requests = modelSeries(spec.name, steps, STEP, (s) => ({
    ...NORMAL_TRAFFIC,
    scrape: scraped(s - ONSET) ? undefined : "gone",
  })).filter((x) => /mlops_model_requests_total/.test(x.series));
  const avail = Array.from({ length: steps }, (_, s) => available(s - ONSET));
  return firingAlerts({
    ruleFiles: { "rules.yaml": { groups: [{ name: "traffic", interval: `${STEP}s`, rules }] } },
    series: [
      ...requests,
      {
        series: `kube_deployment_status_replicas_available{namespace="${spec.name}",deployment="${spec.name}-predictor"}`,
        values: gaugeNotation(avail),
      },
    ],
    intervalSeconds: STEP,
    alertnames: ["ModelTrafficAnomaly"],
    times: Array.from({ length: steps - 1 }, (_, k) => (k + 1) * STEP),
  }).map((f) => ({ ...f, atSeconds: f.atSeconds - ONSET * STEP }));
}

/** First page (seconds after the onset), optionally only those carrying `labelPart`. */
function firstPage(f: Firing[], labelPart = ""): number | undefined {
  const t = f
    .filter((x) => x.labels.includes('severity="page"') && x.labels.includes(labelPart))
    .map((x) => x.atSeconds);
  return t.length === 0 ? undefined : Math.min(...t);
}

/** One pod at a time ready for 2 scrapes (30 s) in every 6 (90 s), none otherwise; 3 before. */
const crashLoop = (k: number) => (k < 0 ? 3 : k % 6 >= 4 ? 1 : 0);

describe("a crash-looping predictor", () => {
  itPromtool("available replicas flapping 0/1 (30 s up in every 90 s) page within 5 minutes", () => {
    // The pods' series are gone while no pod runs, and back (a new process) while one does.
    const f = firings(crashLoop, (k) => k < 0 || k % 6 >= 4);
    const t = firstPage(f);
    console.log(`crash loop, available flapping 0/1: first page ${t ?? "not fired"} s`);
    expect(t).toBeDefined();
    expect(t!).toBeGreaterThanOrEqual(0);
    expect(t!).toBeLessThanOrEqual(300);
    expect(firstPage(f, 'reason="replicas-flapping"')).toBe(t);
    const first = f.find((x) => x.labels.includes('reason="replicas-flapping"'))!;
    for (const l of ['model="homepage-feed"', 'team="homepage"', 'variant="stable"'])
      expect(first.labels).toContain(l);
    // Once firing it stays firing through the brief ready spells, to the end of the run.
    const times = f.filter((x) => x.labels.includes('reason="replicas-flapping"')).map((x) => x.atSeconds);
    expect(times).toEqual(Array.from({ length: AFTER - t! / STEP }, (_, i) => t! + i * STEP));
  });

  itPromtool("a rolling update (3 replicas, one or two down at a time for 6 minutes) pages nothing", () => {
    // maxSurge/maxUnavailable move one pod at a time; each new pod needs its cold start to be ready.
    expect(firings((k) => (k < 0 || k >= 24 ? 3 : k % 8 < 4 ? 2 : 1))).toEqual([]);
  });

  itPromtool("a single pod restart of three pages nothing", () => {
    expect(firings((k) => (k >= 0 && k < 6 ? 2 : 3))).toEqual([]);
  });

  itPromtool("the only ready pod restarting once, back within 45 s, pages nothing", () => {
    // One replica left (a quiet hour scaled down): 3 scrapes with none available, then one again.
    expect(firings((k) => (k >= 0 && k < 3 ? 0 : 1))).toEqual([]);
  });

  itPromtool("two quick restarts of the only pod, 5 minutes apart, page nothing", () => {
    expect(firings((k) => ((k >= 0 && k < 3) || (k >= 20 && k < 23) ? 0 : 1))).toEqual([]);
  });
});
