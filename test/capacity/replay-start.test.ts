/**
 * A replay that starts within one lead time of a declared sale: the sale's cron trigger fired before
 * the replay began, so `platform`'s warm start holds what it pre-scaled (a review's 2-day week from
 * 15:58 UTC before Double-12 counted 0.148% misses, livestream-ranking at 36 of 270 replicas).
 */
import { simulate } from "../../components/capacity/simulate";
import type { Traffic } from "../../components/capacity/traffic";
import { spec, tinyConfig } from "./helpers";

test("platform starts a replay two minutes before a declared 8x sale pre-scaled; reactive does not", () => {
  // 100 requests/s, 800 from minute 2 (the sale, declared 8x); 100 rps a replica at target 1;
  // lead 3 minutes (60 s provisioning + 90 s cold start).
  const startMs = Date.parse("2026-12-11T15:58:00Z");
  const config = tinyConfig({}, [
    { name: "double-12", start: "2026-12-11T16:00:00Z", end: "2026-12-11T17:00:00Z", trafficMultiplier: 8 },
  ]);
  const m = spec("m", { targetUtilization: 1, coldStartSeconds: 90, replicas: { min: 1, max: 20 } });
  const traffic: Traffic = {
    models: ["m"],
    startMs,
    minutes: 30,
    rps: [Float64Array.from({ length: 30 }, (_, t) => (t < 2 ? 100 : 800))],
  };
  const r = simulate(config, [m], traffic).strategies;
  expect(r.platform.sloMissMinutes).toBe(0);
  // Reactive has no cron trigger: it sees the step a minute late and waits for nodes.
  expect(r.reactive.sloMissMinutes).toBeGreaterThan(0);
});
