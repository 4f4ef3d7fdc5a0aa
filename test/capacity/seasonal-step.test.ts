/**
 * A step that came at the same minute yesterday (a scheduled push, traffic back after a night at
 * zero) is forecast whole one lead time before it comes, by the simulator and by the recorded rules.
 */
import { forecastAt, forecastWithBand } from "../../components/capacity/forecast";
import { havePromtool } from "../helpers/promtool";
import { expectRecorded, forecastSample, modelRules } from "./forecast-rules-harness";

const DAY = 1440;
/** Minute of day the traffic steps from 0 to 100 requests/s, on both days. */
const STEP = 300;
const LEAD = 3;
const perMinute = Float64Array.from({ length: DAY + STEP + 20 }, (_, i) => (i % DAY >= STEP ? 100 : 0));
const clock = (t: number) => ({ nowMs: t * 60_000, events: [] });

describe("a step at the same minute yesterday", () => {
  test("the forecast holds the whole step from one lead time before it, not the smoothed edge", () => {
    const t = DAY + STEP - LEAD;
    // Yesterday's 5-minute means centred on the step read 60 (3 of 5 minutes at 100); the replicas
    // started at t are ready at the step and must serve 100.
    expect(forecastAt(perMinute, t, LEAD, clock(t))).toBeCloseTo(100, 9);
    // Not earlier than the lead time needs, beyond the mean's own minutes (the rise starts 2 before).
    expect(forecastAt(perMinute, t - 5, LEAD, clock(t - 5))).toBe(0);
  });

  test("promtool test rules: the recorded forecast is the simulator's around the step", () => {
    if (!havePromtool()) return;
    const { rules } = modelRules();
    const minutes = [DAY + STEP - LEAD - 4, DAY + STEP - LEAD - 2, DAY + STEP - LEAD, DAY + STEP + 5];
    const sim = (t: number) => forecastWithBand(perMinute, t, LEAD, clock(t), 0.8);
    expect(sim(DAY + STEP - LEAD)).toBeCloseTo(100, 9);
    expectRecorded(
      rules,
      perMinute,
      minutes.map((at) => forecastSample(at, sim(at))),
    );
  });
});
