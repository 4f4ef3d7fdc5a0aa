import { ModelSpec } from "../../components/config/model-schema";
import { canaryErrorDegradedExpr, canaryLatencyDegradedExpr } from "../../components/model/promql";
import { canaryChecks, prometheusAnalyzer } from "../../components/delivery/prometheus-analyzer";
import {
  CanaryCheck,
  CanaryDeployer,
  analysisWaits,
  ANALYSIS_RETRY_MS,
  ANALYSIS_TRIES,
  remainingSteps,
  runPromotion,
} from "../../components/delivery/promote";
import { PrometheusQueryError } from "../../components/delivery/prometheus-client";
import { Answer, FakePrometheus, startFakePrometheus } from "../helpers/fake-prometheus";

const spec = {
  name: "homepage-feed",
  team: "homepage",
  serving: { modelUri: "s3://artifacts/homepage-feed/v42" },
  slo: { latencyP99Ms: 50, availability: 99.9 },
  canary: {
    modelUri: "s3://artifacts/homepage-feed/v43",
    trafficPercent: 10,
    analysis: { maxErrorRatio: 1.5, maxLatencyP99Ms: 60, intervalMinutes: 5, steps: [10, 25, 50, 100] },
  },
} as unknown as ModelSpec;

const checks: CanaryCheck[] = canaryChecks(spec);
const [trafficExpr, requestsExpr, errorsExpr, latencyExpr] = checks.map((c) => c.expr);

/** In-memory stand-in for the stack: what the Automation API deployer would read and write. */
class FakeStack implements CanaryDeployer {
  traffic: number | undefined;
  /** The canary version the held level is for (undefined: a level written without one). */
  heldUri: string | undefined;
  events: string[] = [];
  constructor(initial?: number, heldUri?: string) {
    this.traffic = initial;
    this.heldUri = heldUri;
  }
  async deployedTraffic() {
    return this.traffic === undefined ? undefined : { percent: this.traffic, modelUri: this.heldUri };
  }
  async setTraffic(_model: string, percent: number, modelUri: string) {
    this.traffic = percent;
    this.heldUri = modelUri;
    this.events.push(`deploy ${percent}`);
  }
  async rollback() {
    this.traffic = 0;
    this.events.push("rollback");
  }
  async promote() {
    this.traffic = undefined;
    this.events.push("promote");
  }
}

/**
 * Answers like Prometheus would for the alert-style expressions: the canary has traffic, the error
 * expression returns a series only when the scripted ratio (canary/stable) exceeds the spec's 1.5,
 * latency is always fine (empty).
 */
function scripted(stack: FakeStack, ratioAt: (step: number) => number, requests = 3000) {
  return (q: string) => {
    if (q === trafficExpr) return 0.001;
    if (q === requestsExpr) return requests >= 100 ? requests : undefined;
    if (q === errorsExpr) {
      const ratio = ratioAt(stack.traffic ?? 0);
      return ratio > 1.5 ? ratio * 0.001 : undefined;
    }
    if (q === latencyExpr) return undefined;
    throw new Error(`unexpected query ${q}`);
  };
}

describe("promote (against a local Prometheus-speaking server)", () => {
  let prom: FakePrometheus | undefined;
  afterEach(async () => prom?.close());

  async function run(stack: FakeStack, ratioAt: (step: number) => number, requests?: number) {
    prom = await startFakePrometheus(scripted(stack, ratioAt, requests));
    const waits: number[] = [];
    const lines: string[] = [];
    const result = await runPromotion({
      spec,
      checks,
      deployer: stack,
      analyze: prometheusAnalyzer(prom.url),
      sleep: async (ms) => void waits.push(ms),
      log: (l) => lines.push(l),
    });
    return { result, waits, lines };
  }

  test("a healthy canary advances through every step and is promoted", async () => {
    const stack = new FakeStack();
    const { result, waits } = await run(stack, () => 1.0);
    expect(result.outcome).toBe("promoted");
    expect(stack.events).toEqual(["deploy 10", "deploy 25", "deploy 50", "promote"]);
    expect(waits).toEqual([300_000, 300_000, 300_000]);
    expect(prom!.queries).toHaveLength(12);
  });

  test("a canary that served too few requests to judge is not promoted", async () => {
    // 6 requests in 5 minutes, 2 of them errors: under the 3 errors the error check needs, so only
    // the request count stops it.
    const stack = new FakeStack();
    const { result, lines } = await run(stack, () => 1.0, 6);
    expect(result).toMatchObject({ outcome: "rolled-back", failedStep: 10 });
    expect(stack.events).toEqual(["deploy 10", "rollback"]);
    expect(lines.join("\n")).toContain(
      "canary requests in 5m: fewer than 100: too little traffic to judge it (promote when the model has more traffic, or with a higher first step)",
    );
  });

  test("a step longer than the checks' window is analysed every 5 minutes, so a mid-step failure rolls back then", async () => {
    const long = {
      ...spec,
      canary: { ...spec.canary!, analysis: { ...spec.canary!.analysis, intervalMinutes: 12 } },
    };
    const stack = new FakeStack();
    let analyses = 0;
    // Healthy through the first step's three checks, degraded at the second check of the second.
    prom = await startFakePrometheus((q) => {
      if (q === errorsExpr) return ++analyses === 5 ? 0.005 : undefined;
      return scripted(stack, () => 1.0)(q);
    });
    const waits: number[] = [];
    const lines: string[] = [];
    const result = await runPromotion({
      spec: long as ModelSpec,
      checks,
      deployer: stack,
      analyze: prometheusAnalyzer(prom.url),
      sleep: async (ms) => void waits.push(ms / 60_000),
      log: (l) => lines.push(l),
    });
    expect(result).toMatchObject({ outcome: "rolled-back", failedStep: 25 });
    expect(waits).toEqual([5, 5, 2, 5, 5]);
    expect(stack.events).toEqual(["deploy 10", "deploy 25", "rollback"]);
    expect(lines).toContain("homepage-feed: analysing every 5 min for 12 min");
    expect(analysisWaits(3, 5)).toEqual([3]);
    expect(analysisWaits(10, 5)).toEqual([5, 5]);
  });

  test("a canary that degrades at 50% is rolled back there", async () => {
    const stack = new FakeStack();
    const { result, lines } = await run(stack, (step) => (step >= 50 ? 5.0 : 1.1));
    expect(result.outcome).toBe("rolled-back");
    expect(result.failedStep).toBe(50);
    expect(stack.events).toEqual(["deploy 10", "deploy 25", "deploy 50", "rollback"]);
    expect(lines.join("\n")).toContain("canary error ratio vs stable: DEGRADED (value 0.005)");
  });

  test("an interrupted promotion resumes from the step deployed in the stack", async () => {
    const stack = new FakeStack(25);
    const { result, lines } = await run(stack, () => 1.0);
    expect(result.outcome).toBe("promoted");
    expect(result.stepsRun).toEqual([25, 50, 100]);
    expect(stack.events).toEqual(["deploy 50", "promote"]);
    expect(lines.join("\n")).toContain("canary already at 25% in the stack, analysing again");
  });

  test("a level held for this canary's version resumes; one held for another version starts over", async () => {
    const uri = spec.canary!.modelUri;
    const same = await run(new FakeStack(50, uri), () => 1.0);
    expect(same.result.stepsRun).toEqual([50, 100]);
    await prom?.close();
    // The spec's canary was replaced while the stack held the old one at 50%: the new version is not
    // analysed from 50% on, it goes through every step.
    const replaced = new FakeStack(50, "s3://artifacts/homepage-feed/v1");
    const { result, lines } = await run(replaced, () => 1.0);
    expect(result.stepsRun).toEqual([10, 25, 50, 100]);
    expect(replaced.events).toEqual(["deploy 10", "deploy 25", "deploy 50", "promote"]);
    expect(lines).toContain(
      `homepage-feed: the stack held s3://artifacts/homepage-feed/v1 at 50%, but the canary is now ${uri}: starting from the first step`,
    );
    expect(replaced.heldUri).toBe(uri);
  });

  test("a canary held at 0% (rolled back, its spec not yet rewritten) is not promoted again", async () => {
    const uri = spec.canary!.modelUri;
    for (const heldUri of [uri, undefined]) {
      const stack = new FakeStack(0, heldUri);
      const { result, lines } = await run(stack, () => 1.0);
      expect(result).toMatchObject({ outcome: "rolled-back", stepsRun: [] });
      // No traffic moved, no analysis: the rollback is finished (spec rewritten), nothing else.
      expect(stack.events).toEqual(["rollback"]);
      expect(prom!.queries).toEqual([]);
      expect(lines[0]).toBe(
        `homepage-feed: the stack holds ${uri} at 0% (rolled back by an earlier run); finishing the rollback instead of promoting it again (to analyse it again, remove mlops-platform:canaryTraffic.homepage-feed from the stack config and run pulumi up)`,
      );
      await prom?.close();
      prom = undefined;
    }
    // A dry run says so and changes nothing.
    const dry = new FakeStack(0, uri);
    const result = await runPromotion({
      spec,
      checks,
      deployer: dry,
      analyze: async () => ({ healthy: true, details: [] }),
      sleep: async () => undefined,
      log: () => undefined,
      dryRun: true,
    });
    expect(result.outcome).toBe("dry-run");
    expect(dry.events).toEqual([]);
    // 0% held for another version is that version's rollback: this canary starts from the first step.
    const other = new FakeStack(0, "s3://artifacts/homepage-feed/v1");
    expect((await run(other, () => 1.0)).result.stepsRun).toEqual([10, 25, 50, 100]);
  });

  test("the analysis queries the exact ModelCanaryDegraded expressions", () => {
    expect(errorsExpr).toBe(canaryErrorDegradedExpr(spec));
    expect(latencyExpr).toBe(canaryLatencyDegradedExpr(spec));
  });

  /** A promotion from scratch against a Prometheus answering `answer`, without waiting. */
  async function promoteAgainst(answer: Answer, log: (line: string) => void = () => undefined) {
    prom = await startFakePrometheus(answer);
    return runPromotion({
      spec,
      checks,
      deployer: new FakeStack(),
      analyze: prometheusAnalyzer(prom.url),
      sleep: async () => undefined,
      log,
    });
  }

  test("no data from Prometheus is rolled back like a degraded canary, and said to be no data", async () => {
    const lines: string[] = [];
    const result = await promoteAgainst(
      () => undefined,
      (l) => lines.push(l),
    );
    expect(result.outcome).toBe("rolled-back");
    expect(result.details[0]).toContain("no data");
    // Not called "degraded": nothing was measured.
    expect(lines).toContain("homepage-feed: canary failed its analysis at 10%, rolling back");
    expect(lines.join("\n")).not.toContain("degraded");
  });

  /** A promotion whose every analysis throws `error`: what it asked, slept and logged. */
  async function failingPromotion(error: Error) {
    const stack = new FakeStack();
    const lines: string[] = [];
    const slept: number[] = [];
    let asked = 0;
    const failing = runPromotion({
      spec,
      checks,
      deployer: stack,
      analyze: async () => {
        asked++;
        throw error;
      },
      sleep: async (ms) => void slept.push(ms),
      log: (l) => lines.push(l),
    });
    await expect(failing).rejects.toThrow(error.message);
    return { asked, lines, slept, events: stack.events };
  }

  test("a Prometheus failing mid-promotion is asked again, then stops it and says where the canary is left", async () => {
    const { asked, lines, slept, events } = await failingPromotion(new Error("query failed (500)"));
    expect(asked).toBe(ANALYSIS_TRIES);
    expect(slept.slice(-2)).toEqual([ANALYSIS_RETRY_MS, ANALYSIS_RETRY_MS]);
    expect(events).toEqual(["deploy 10"]);
    expect(lines).toContain(
      "homepage-feed: analysis at 10% failed (query failed (500)); trying again in 1 min (2 of 3)",
    );
    expect(lines).toContain(
      "homepage-feed: analysis at 10% failed; the canary stays at 10% (rerun promote to resume there; to take traffic off it instead, set its share to 0 in mlops-platform:canaryTraffic and run pulumi up)",
    );
  });

  test("a query Prometheus rejects is not asked again", async () => {
    const rejected = new PrometheusQueryError("query failed (400): bad_data: parse error", false);
    const { asked, events } = await failingPromotion(rejected);
    expect(asked).toBe(1);
    expect(events).toEqual(["deploy 10"]);
  });

  test("a Prometheus restarting for a minute does not end the promotion", async () => {
    const stack = new FakeStack();
    let asked = 0;
    const result = await runPromotion({
      spec,
      checks,
      deployer: stack,
      analyze: async () => {
        asked++;
        if (asked === 2) throw new Error("Prometheus at http://prom:9090 unreachable: fetch failed");
        return { healthy: true, details: [] };
      },
      sleep: async () => undefined,
      log: () => undefined,
    });
    expect(result.outcome).toBe("promoted");
    expect(stack.events.at(-1)).toBe("promote");
  });

  test("dry run changes nothing", async () => {
    const stack = new FakeStack();
    const result = await runPromotion({
      spec,
      checks,
      deployer: stack,
      analyze: async () => ({ healthy: true, details: [] }),
      sleep: async () => undefined,
      log: () => undefined,
      dryRun: true,
    });
    expect(result.outcome).toBe("dry-run");
    expect(stack.events).toEqual([]);
  });

  test("remainingSteps keeps the deployed step for re-analysis", () => {
    expect(remainingSteps([10, 25, 50, 100], undefined)).toEqual([10, 25, 50, 100]);
    expect(remainingSteps([10, 25, 50, 100], 50)).toEqual([50, 100]);
    // A live level that is not a step (the steps changed since) is analysed before moving on.
    expect(remainingSteps([10, 25, 50, 100], 75)).toEqual([75, 100]);
    expect(remainingSteps([10, 25, 50, 100], 30)).toEqual([30, 50, 100]);
  });

  test("resuming at a level that is not a step analyses it first; at 100% too, before promoting", async () => {
    for (const [live, events, stepsRun, analyses] of [
      [75, ["promote"], [75, 100], 1],
      [30, ["deploy 50", "promote"], [30, 50, 100], 2],
      [100, ["promote"], [100], 1],
    ] as const) {
      const stack = new FakeStack(live);
      const { result, waits } = await run_(stack);
      expect(result.outcome).toBe("promoted");
      expect(result.stepsRun).toEqual(stepsRun);
      expect(stack.events).toEqual(events);
      expect(waits).toHaveLength(analyses);
    }
    // ... and a canary degraded at the live level is rolled back without moving traffic.
    const stack = new FakeStack(75);
    const { result } = await run(stack, () => 5.0);
    expect(result).toMatchObject({ outcome: "rolled-back", failedStep: 75 });
    expect(stack.events).toEqual(["rollback"]);

    async function run_(s: FakeStack) {
      const r = await run(s, () => 1.0);
      await prom?.close();
      prom = undefined;
      return r;
    }
  });

  test("an idle canary (error ratio 0/0 = NaN) has no data and is not promoted", async () => {
    for (const idle of ["NaN", "+Inf"]) {
      const result = await promoteAgainst((q) => (q === trafficExpr ? idle : undefined));
      expect(result.outcome).toBe("rolled-back");
      expect(result.details[0]).toMatch(/^canary serves traffic: no data .*\(value (NaN|Infinity)\)$/);
      await prom?.close();
      prom = undefined;
    }
  });
});
