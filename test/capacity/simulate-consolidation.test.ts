/** The simulator's Karpenter consolidation: drain windows, disruption and PodDisruptionBudgets, sales' freezes. */
import { simulate } from "../../components/capacity/simulate";
import { generateTraffic } from "../../components/capacity/traffic-generator";
import { fixtureSpecs, prodConfig, spec, tinyConfig } from "./helpers";

describe("Karpenter consolidation follows the NodePool's disruption budgets", () => {
  // Two models of 3 replicas fill two 4-slot nodes (a,a,a,b | b,b); a then drops to one replica,
  // leaving a,b | b,b: the second node's pods fit on the first, an underused node Karpenter may drain.
  const config = tinyConfig();
  const specs = [spec("a"), spec("b")];
  const run = (startLocal: string) => {
    const startMs = Date.parse(`2026-12-08T${startLocal}:00+08:00`);
    const a = Array.from({ length: 30 }, (_, i) => (i < 2 ? 240 : 50));
    const b = Array.from({ length: 30 }, () => 240);
    return simulate(config, specs, {
      models: ["a", "b"],
      startMs,
      minutes: 30,
      rps: [a, b].map((s) => Float64Array.from(s)),
    }).strategies.reactive;
  };

  test("inside the 01:00-05:00 window the underused node is drained, paying a cold start", () => {
    const night = run("02:00");
    const day = run("12:00");
    expect(night.gpuHours).toBeLessThan(day.gpuHours);
    expect(night.sloMissMinutes).toBeGreaterThan(day.sloMissMinutes);
  });

  test("a model of fixed replicas (do-not-disrupt) keeps its nodes: nothing is drained, no cold start", () => {
    // b at min = max = 3 holds a pod on both nodes (a,b | b,b): neither may be drained.
    const fixed = [spec("a"), spec("b", { replicas: { min: 3, max: 3 } })];
    const startMs = Date.parse("2026-12-08T02:00:00+08:00");
    const a = Array.from({ length: 30 }, (_, i) => (i < 2 ? 240 : 50));
    const b = Array.from({ length: 30 }, () => 240);
    const replay = (s: typeof fixed, at: number) =>
      simulate(config, s, {
        models: ["a", "b"],
        startMs: at,
        minutes: 30,
        rps: [a, b].map((x) => Float64Array.from(x)),
      }).strategies;
    const night = replay(fixed, startMs);
    const day = replay(fixed, startMs + 10 * 3_600_000);
    for (const k of ["reactive", "platform"] as const) {
      expect(night[k].gpuHours).toBeCloseTo(day[k].gpuHours, 9);
      expect(night[k].sloMissMinutes).toBe(day[k].sloMissMinutes);
    }
    // The same b with room to vary is drained at night (the case above).
    expect(replay(specs, startMs).reactive.gpuHours).toBeLessThan(night.reactive.gpuHours);
  });

  test("the PodDisruptionBudget paces the drain: one pod of a model at a time", () => {
    // a and b each scale 4 -> 2, leaving a,a | b,b; the first node is drained at 02:08. Evicted
    // together, a's two pods would leave it with none; with maxUnavailable 1 the second goes only
    // when the first's replacement is ready, so a is one short for two cold starts (60 s each).
    const halve = Array.from({ length: 20 }, (_, i) => (i < 2 ? 300 : 150));
    const ready: Record<string, number[]> = { a: [], b: [] };
    simulate(
      config,
      specs,
      {
        models: ["a", "b"],
        startMs: Date.parse("2026-12-08T02:00:00+08:00"),
        minutes: 20,
        rps: [halve, halve].map((x) => Float64Array.from(x)),
      },
      { trace: (strategy, model, _t, _d, r) => strategy === "reactive" && ready[model].push(r) },
    );
    expect(ready.a.slice(6, 12)).toEqual([4, 2, 1, 1, 2, 2]);
    expect(ready.b.slice(6, 12)).toEqual([4, 2, 2, 2, 2, 2]);
  });

  test("during a declared sale the underused node is not drained (the sale's freeze budget)", () => {
    const sale = tinyConfig({}, [
      {
        name: "sale",
        start: "2026-12-08T01:00:00+08:00",
        end: "2026-12-08T04:00:00+08:00",
        trafficMultiplier: 1.5,
      },
    ]);
    const startMs = Date.parse("2026-12-08T02:00:00+08:00");
    const a = Array.from({ length: 30 }, (_, i) => (i < 2 ? 240 : 50));
    const b = Array.from({ length: 30 }, () => 240);
    const during = simulate(sale, specs, {
      models: ["a", "b"],
      startMs,
      minutes: 30,
      rps: [a, b].map((x) => Float64Array.from(x)),
    }).strategies.reactive;
    expect(during.gpuHours).toBeCloseTo(run("12:00").gpuHours, 9);
    expect(during.sloMissMinutes).toBe(run("12:00").sloMissMinutes);
  });

  test("a node a scale-down emptied is deleted, not refilled by draining a full node onto it", () => {
    // a: 3 replicas + b: 1 fill the first node (a,a,a,b); a doubles, its 3 new pods open a second
    // node, then halves: the second node is empty and the first one's pods would fit on it.
    const a = Array.from({ length: 30 }, (_, i) => (i >= 2 && i < 8 ? 480 : 240));
    const b = Array.from({ length: 30 }, () => 80);
    const ready: number[] = [];
    const r = simulate(
      config,
      specs,
      {
        models: ["a", "b"],
        startMs: Date.parse("2026-12-08T02:00:00+08:00"),
        minutes: 30,
        rps: [a, b].map((x) => Float64Array.from(x)),
      },
      { trace: (strategy, model, _t, _d, n) => strategy === "reactive" && model === "a" && ready.push(n) },
    ).strategies.reactive;
    // Once a is back at 3 replicas they stay ready: no drain restarts them.
    const back = ready.findIndex((n, i) => i > 8 && n === 3);
    expect(back).toBeGreaterThan(0);
    expect(ready.slice(back)).toEqual(ready.slice(back).map(() => 3));
    // Only the rise misses: minutes 2-4, until the new node (60 s) and the pods (60 s) are ready.
    // Draining the full node onto the emptied one took b to 0 and a to 2 replicas for a cold start.
    expect(r.sloMissMinutes).toBe(3);
  });

  test("platform keeps one spare replica per model in the drain window, so a drain costs no SLO minute", () => {
    const runPlatform = (startLocal: string) => {
      const ready: Record<string, number[]> = { a: [], b: [] };
      const a = Array.from({ length: 30 }, (_, i) => (i < 2 ? 240 : 50));
      const b = Array.from({ length: 30 }, () => 240);
      const r = simulate(
        config,
        specs,
        {
          models: ["a", "b"],
          startMs: Date.parse(`2026-12-08T${startLocal}:00+08:00`),
          minutes: 30,
          rps: [a, b].map((x) => Float64Array.from(x)),
        },
        { trace: (strategy, model, _t, _d, n) => strategy === "platform" && ready[model].push(n) },
      ).strategies;
      return { ready, r };
    };
    // At night a needs ceil(50 / 100) = 1 and b ceil(240 / 100) = 3 at full load: each runs one more.
    const night = runPlatform("02:00");
    expect(night.ready.a.slice(-5)).toEqual([2, 2, 2, 2, 2]);
    expect(night.ready.b.slice(-5)).toEqual([4, 4, 4, 4, 4]);
    expect(night.r.platform.sloMissMinutes).toBe(0);
    expect(run("02:00").sloMissMinutes).toBeGreaterThan(0); // reactive, drained with no spare
    // By day nothing is drained and no spare runs: a at its target (50 / 80), b at 240 / 80.
    const day = runPlatform("12:00");
    expect(day.ready.a.slice(-5)).toEqual([1, 1, 1, 1, 1]);
    expect(day.ready.b.slice(-5)).toEqual([3, 3, 3, 3, 3]);
  });

  test("by day both nodes stay until one is empty (WhenEmpty behaviour)", () => {
    expect(run("12:00").gpuHours).toBeCloseTo((2 * 30) / 60, 9);
  });
});

describe("a node is drained only when its models' PodDisruptionBudgets allow an eviction", () => {
  test("one model alone on a generated week: no drain evicts a pod while another of its pods starts", () => {
    // Found by a black-box review: one model alone missed up to 0.8% of its minutes, nearly all to
    // drains (a full node drained onto one a scale-down had just emptied; a drain in the next
    // minute evicting a second pod of the model while the first one's replacement still started).
    // video-feed alone, seed 1: 56 minutes before, 0 now.
    const config = prodConfig();
    const video = fixtureSpecs(config).find((s) => s.name === "video-feed")!;
    const week = generateTraffic([video], config, { seed: 1 });
    const r = simulate(config, [video], week).strategies;
    expect(r.platform.sloMissMinutes).toBe(0);
    expect(r.reactive.sloMissMinutes).toBeGreaterThan(100);
  });
});
