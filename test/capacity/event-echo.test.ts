/**
 * A declared sale yesterday (or a week ago) leaves no echo in today's forecast: each minute of
 * history inside the event is divided by its multiplier, not a whole window by one multiplier (a
 * review found 34,147 rps forecast where 8,400 were needed the day after Double-12, at the minutes
 * its sale had started and ended). The simulator's forecast and the recording rules alike.
 */
import { forecastAt, forecastWithBand } from "../../components/capacity/forecast";
import { eventWindows } from "../../components/capacity/event-windows";
import { havePromtool } from "../helpers/promtool";
import { expectRecorded, flashSaleRules, forecastSample } from "./forecast-rules-harness";

const START = Date.parse("2026-12-07T00:00:00Z");
const DAY = 1440;
/** One hour at 8x on day `day`, from minute 600 of it. */
const saleOn = (day: number) => {
  const from = START + (day * DAY + 600) * 60_000;
  return eventWindows([
    {
      name: "flash",
      start: new Date(from).toISOString(),
      end: new Date(from + 3_600_000).toISOString(),
      trafficMultiplier: 8,
    },
  ]);
};

/** A daily sine between 100 and 500 rps for `days`, at 8x in the sale's hour of day `saleDay`. */
function week(days: number, saleDay?: number): Float64Array {
  return Float64Array.from({ length: days * DAY }, (_, i) => {
    const level = 300 - 200 * Math.cos((2 * Math.PI * i) / DAY);
    return saleDay !== undefined && i >= saleDay * DAY + 600 && i < saleDay * DAY + 660 ? 8 * level : level;
  });
}

describe("the day and the week after a declared sale", () => {
  test.each([
    ["the next day", 7, 8],
    ["a week later", 1, 8],
  ])("%s the forecast is the one without the sale, at every minute", (_when, saleDay, today) => {
    const plain = week(today + 1);
    const withSale = week(today + 1, saleDay);
    const events = saleOn(saleDay);
    let worst = 0;
    for (let t = today * DAY + 540; t < today * DAY + 720; t++) {
      const clock = (ev: typeof events) => ({ nowMs: START + t * 60_000, events: ev });
      const without = forecastAt(plain, t, 5, clock([]));
      worst = Math.max(worst, Math.abs(forecastAt(withSale, t, 5, clock(events)) / without - 1));
    }
    expect(worst).toBeLessThan(1e-12);
  });

  test("the banded forecast KEDA reads too, at the minutes around the sale's start and end", () => {
    const at = (t: number, series: Float64Array, events: ReturnType<typeof saleOn>) =>
      forecastWithBand(series, t, 5, { nowMs: START + t * 60_000, events }, 0.8);
    for (const minute of [594, 598, 602, 654, 658, 662, 666]) {
      const t = 9 * DAY + minute;
      expect(at(t, week(10, 8), saleOn(8))).toBeCloseTo(at(t, week(10), []), 9);
    }
  });
});

describe("the recording rules the day after a declared sale", () => {
  test("promtool test rules: the forecast around yesterday's sale start and end is the flat traffic's", () => {
    if (!havePromtool()) return;
    // 100 requests/s for two days, 800 during yesterday's declared 8x sale (minutes 600-660 of day
    // 0); lead 3 minutes. Today the forecast is the flat 100 at every minute, the simulator's too;
    // the sale's whole-window division read up to 4x.
    const { config, rules } = flashSaleRules("1970-01-01T10:00:00Z", "1970-01-01T11:00:00Z");
    const perMinute = Float64Array.from({ length: 2 * DAY }, (_, i) => (i >= 600 && i < 660 ? 800 : 100));
    const events = eventWindows(config.events);
    const minutes = [592, 596, 598, 600, 602, 604, 608, 652, 656, 658, 660, 662, 664, 668].map(
      (x) => DAY + x,
    );
    for (const t of minutes)
      expect(forecastWithBand(perMinute, t, 3, { nowMs: t * 60_000, events }, 0.8)).toBeCloseTo(100, 9);
    expectRecorded(
      rules,
      perMinute,
      minutes.map((at) => forecastSample(at, 100)),
    );
  });
});
