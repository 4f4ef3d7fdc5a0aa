/** The simulator's HPA tolerance per direction, and its invariants on a generated week. */
import { propose } from "../../components/capacity/hpa-proposal";
import { simulate, StrategyName } from "../../components/capacity/simulate";
import { HPA_DEFAULT_TOLERANCE, PLATFORM_HPA_TOLERANCE } from "../../components/capacity/hpa-behavior";
import { generateTraffic } from "../../components/capacity/traffic-generator";
import { fixtureSpecs, prodConfig, spec, tinyConfig } from "./helpers";
import { readyTrace, traffic } from "./simulate-harness";

describe("HPA tolerance per direction", () => {
  test("the default 10% ignores a 6% excess; the platform's scale-up tolerance of 0 does not", () => {
    // 10 replicas at 80 rps target carrying 850 rps: usage ratio 1.0625.
    expect(propose(850, 80, 10, HPA_DEFAULT_TOLERANCE)).toBe(10);
    expect(propose(850, 80, 10, PLATFORM_HPA_TOLERANCE)).toBe(11);
  });

  test("scale-down keeps its own tolerance: a 1.5% dip changes nothing, a 12.5% dip does", () => {
    expect(propose(788, 80, 10, PLATFORM_HPA_TOLERANCE)).toBe(10);
    expect(propose(700, 80, 10, PLATFORM_HPA_TOLERANCE)).toBe(9);
    expect(propose(700, 80, 10, HPA_DEFAULT_TOLERANCE)).toBe(9);
  });

  test("reactive keeps the stock 10%, platform gets the cluster's tolerance", () => {
    // 8 replicas at 80 rps per replica; demand creeps 5% above the target: only platform grows.
    const config = tinyConfig({ sharing: { mode: "time-slicing", replicas: 8 } });
    const t = traffic(["m"], [640, 672, 672, 672, 672]);
    const seen: { strategy: StrategyName; ready: number }[] = [];
    simulate(config, [spec("m")], t, {
      trace: (strategy, _m, _t, _d, ready) => seen.push({ strategy, ready }),
    });
    expect(readyTrace(seen, "reactive")).toEqual([8, 8, 8, 8, 8]);
    expect(readyTrace(seen, "platform").at(-1)).toBe(9);
  });
});

describe("simulator invariants on a generated week", () => {
  const config = prodConfig();
  const specs = fixtureSpecs(config);
  const week = generateTraffic(specs, config, { seed: 11 });
  const result = simulate(config, specs, week);

  test("oracle never misses the SLO", () => {
    expect(result.strategies.oracle.sloMissMinutes).toBe(0);
  });

  test("static covers the weekly peak, so it never misses", () => {
    expect(result.strategies.static.sloMissMinutes).toBe(0);
  });

  test("the platform misses less than reactive (forecast and event pre-scaling)", () => {
    expect(result.strategies.platform.sloMissMinutes * 5).toBeLessThanOrEqual(
      result.strategies.reactive.sloMissMinutes,
    );
  });

  test("costs are to the cent, without float dust (the --json contract)", () => {
    for (const s of Object.values(result.strategies)) expect(s.cost).toBe(Number(s.cost.toFixed(2)));
  });

  test("utilization is a fraction and oracle is the most efficient", () => {
    for (const s of Object.values(result.strategies)) {
      expect(s.gpuUtilization).toBeGreaterThan(0);
      expect(s.gpuUtilization).toBeLessThanOrEqual(1);
    }
    expect(result.strategies.oracle.cost).toBeLessThanOrEqual(result.strategies.platform.cost);
    expect(result.strategies.platform.cost * 2).toBeLessThanOrEqual(result.strategies.static.cost);
  });

  test("draining underused nodes at night needs fewer GPU-hours than only removing empty nodes", () => {
    const emptyOnly = simulate(config, specs, week, { consolidationPolicy: "WhenEmpty" }).strategies;
    expect(result.strategies.platform.gpuHours).toBeLessThan(emptyOnly.platform.gpuHours);
    expect(result.strategies.reactive.gpuHours).toBeLessThan(emptyOnly.reactive.gpuHours);
  });

  test("the result does not depend on the order of the models in the traffic", () => {
    const order = week.models.map((_, m) => m).reverse();
    const reversed = {
      ...week,
      models: order.map((m) => week.models[m]),
      rps: order.map((m) => week.rps[m]),
    };
    expect(simulate(config, specs, reversed)).toEqual(result);
  });

  test("traffic of a model without a spec is rejected", () => {
    expect(() => simulate(config, specs.slice(1), week)).toThrow(
      `traffic has model ${week.models[0]} but no model spec defines it`,
    );
  });
});
