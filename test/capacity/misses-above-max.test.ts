/** simulate's split of each strategy's SLO misses at `replicas.max`, and the table's line for it. */
import { formatSimulationTable } from "../../components/capacity/report";
import { simulate } from "../../components/capacity/simulate";
import { spec, tinyConfig } from "./helpers";
import { traffic } from "./simulate-harness";

// Model "m" stops at 2 replicas of 100 rps: the 300 rps minutes are above max for any autoscaler.
// Model "n" (max 10) steps from 50 to 400 rps: its misses are the controller's own.
const config = tinyConfig();
const m = spec("m", { replicas: { min: 1, max: 2 } });
const n = spec("n");
const week = traffic(["m", "n"], [80, 80, 300, 300, 300, 80, 80, 80], [50, 50, 50, 400, 400, 400, 400, 400]);
const r = simulate(config, [m, n], week);

test("minutes above a model's replicas.max are counted apart in reactive's and platform's misses", () => {
  expect(r.models.find((x) => x.name === "m")?.minutesAboveMaxReplicas).toBe(3);
  for (const name of ["reactive", "platform"] as const) {
    const s = r.strategies[name];
    expect(s.sloMissMinutesAboveMax).toBe(3);
    expect(s.sloMissMinutes).toBeGreaterThan(3); // n's step is missed too
    expect(s.sloViolationPctWithinMax).toBeCloseTo((100 * (s.sloMissMinutes - 3)) / 16, 9);
  }
});

test("static and oracle, which do not stop at max, have no misses above it", () => {
  for (const name of ["static", "oracle"] as const) {
    expect(r.strategies[name].sloMissMinutesAboveMax).toBe(0);
    expect(r.strategies[name].sloViolationPctWithinMax).toBe(r.strategies[name].sloViolationPct);
  }
});

test("the table says how many of a strategy's misses are above max and its share within", () => {
  const platform = r.strategies.platform;
  const within = ((100 * (platform.sloMissMinutes - 3)) / 16).toFixed(3);
  expect(formatSimulationTable(r)).toContain(
    `platform: 3 of its ${platform.sloMissMinutes} SLO-miss minutes are demand above replicas.max; within max ${within}%`,
  );
});

test("no line when no demand is above max", () => {
  const flat = simulate(config, [n], traffic(["n"], [50, 50, 400, 400]));
  expect(flat.strategies.platform.sloMissMinutesAboveMax).toBe(0);
  expect(formatSimulationTable(flat)).not.toContain("above replicas.max;");
});
