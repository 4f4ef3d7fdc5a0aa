import { levelAndNoise, levelForesightBound } from "../../components/capacity/level-foresight";
import { simulate } from "../../components/capacity/simulate";
import { generateTraffic } from "../../components/capacity/traffic-generator";
import type { Traffic } from "../../components/capacity/traffic";
import { fixtureSpecs, prodConfig, spec, tinyConfig } from "./helpers";

const START = Date.parse("2026-12-07T00:00:00Z");

function traffic(series: number[]): Traffic {
  return { models: ["m"], startMs: START, minutes: series.length, rps: [Float64Array.from(series)] };
}

describe("levelAndNoise", () => {
  test("the level is the mean of the neighbours, never of the minute itself", () => {
    const { level, sigma } = levelAndNoise(Float64Array.from([10, 20, 30, 40]), 1);
    expect(Array.from(level)).toEqual([20, 20, 30, 30]);
    // (10/20 - 1)^2 + 0 + 0 + (40/30 - 1)^2 over 4 minutes
    expect(sigma).toBeCloseTo(Math.sqrt((0.25 + 1 / 9) / 4), 12);
  });

  test("a declared step is not averaged across: the level on each side is its own", () => {
    const { level, sigma } = levelAndNoise(Float64Array.from([10, 10, 80, 80]), 1, [2]);
    expect(Array.from(level)).toEqual([10, 10, 80, 80]);
    expect(sigma).toBe(0);
  });

  test("idle minutes do not count towards the noise", () => {
    const { sigma } = levelAndNoise(Float64Array.from([0, 0, 0, 0]), 2);
    expect(sigma).toBe(0);
  });
});

describe("level-foresight bound", () => {
  // 100 rps per replica; demand alternates 100 / 120, so each minute's neighbours say 120 / 100.
  const config = tinyConfig();
  const m = spec("m");
  const zigzag = traffic([100, 120, 100, 120, 100, 120]);

  test("with no miss allowed it sizes just above the level: two replicas every minute", () => {
    const r = levelForesightBound(config, [m], zigzag, { halfWindowMinutes: 1, maxMissPct: 0 });
    expect(r.sloMissMinutes).toBe(0);
    expect(r.z).toBeGreaterThan(0);
    expect(r.z).toBeLessThan(0.01);
    // busy: (100 + 120) x 3 minutes / 100 x 0.25 GPU x 60 s = 99 GPU-s of one GPU for 6 minutes
    expect(r.gpuUtilization).toBeCloseTo(99 / 360, 9);
  });

  test("with half the minutes allowed to miss, z = 0 is enough", () => {
    const r = levelForesightBound(config, [m], zigzag, { halfWindowMinutes: 1, maxMissPct: 50 });
    expect(r.z).toBe(0);
    // the 120 rps minutes see a level of 100: one replica, 100 rps short
    expect(r.sloMissMinutes).toBe(3);
  });

  test("smooth traffic needs no margin and matches oracle", () => {
    const flat = traffic([150, 150, 150, 150]);
    const r = levelForesightBound(config, [m], flat);
    const oracle = simulate(config, [m], flat).strategies.oracle;
    expect(r.z).toBe(0);
    expect(r.gpuUtilization).toBeCloseTo(oracle.gpuUtilization, 12);
  });

  describe("on a generated week", () => {
    const prod = prodConfig();
    const specs = fixtureSpecs(prod);
    const week = generateTraffic(specs, prod, { seed: 11 });
    const strict = levelForesightBound(prod, specs, week);
    const loose = levelForesightBound(prod, specs, week, { maxMissPct: 0.5 });
    const controlled = levelForesightBound(prod, specs, week, { throughControls: true });
    const sim = simulate(prod, specs, week).strategies;

    test("it keeps to the miss budget and needs a margin of a few sigma", () => {
      expect(strict.sloViolationPct).toBeLessThanOrEqual(0.1);
      expect(strict.z).toBeGreaterThan(1);
      expect(strict.z).toBeLessThan(5);
    });

    test("a looser miss budget needs less margin and keeps GPUs busier", () => {
      expect(loose.z).toBeLessThan(strict.z);
      expect(loose.gpuUtilization).toBeGreaterThan(strict.gpuUtilization);
    });

    test("it lies between the platform and oracle", () => {
      expect(strict.gpuUtilization).toBeLessThan(sim.oracle.gpuUtilization);
      expect(strict.gpuUtilization).toBeGreaterThan(sim.platform.gpuUtilization);
    });

    test("through the deployed controls it keeps the budget and lies between the platform and instant start", () => {
      expect(controlled.sloViolationPct).toBeLessThanOrEqual(0.1);
      expect(controlled.gpuUtilization).toBeLessThan(strict.gpuUtilization);
      expect(controlled.gpuUtilization).toBeGreaterThan(sim.platform.gpuUtilization);
      // cold starts, provisioning and draining leave GPU time without a ready replica
      expect(controlled.readyFraction).toBeLessThan(strict.readyFraction);
    });
  });
});
