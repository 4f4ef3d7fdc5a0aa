/** Autoscaling parameters: Karpenter's disruption of the GPU pools, the night drain window and the sales' freezes. */
import { drainSpareTrigger } from "../../components/capacity/autoscaling";
import {
  karpenterDisruption,
  underutilizedConsolidationAllowed,
} from "../../components/capacity/karpenter-disruption";
import { drainsUnderused, utcOffsetMinutes } from "../../components/capacity/drain-window";
import { prodConfig, spec, tinyConfig } from "./helpers";

describe("autoscaling parameters", () => {
  const config = prodConfig();
  const pool = config.gpuPools[0];

  test("training pools only give back empty nodes, after the pool's consolidateAfter", () => {
    expect(karpenterDisruption({ ...pool, purpose: "training", consolidateAfter: "2m" })).toEqual({
      consolidationPolicy: "WhenEmpty",
      consolidateAfter: "2m",
      budgets: [{ nodes: "10%" }],
    });
  });

  test("serving pools drain underused nodes only 22:00-10:00 local: a UTC budget blocks the other 12 h", () => {
    // Asia/Shanghai is UTC+8: 10:00 local is 02:00 UTC; Karpenter budget schedules are UTC.
    expect(karpenterDisruption(pool, "Asia/Shanghai")).toEqual({
      consolidationPolicy: "WhenEmptyOrUnderutilized",
      consolidateAfter: pool.consolidateAfter,
      budgets: [
        { nodes: "10%" },
        { nodes: "0", reasons: ["Underutilized"], schedule: "0 2 * * *", duration: "12h" },
      ],
    });
    expect((karpenterDisruption(pool, "UTC").budgets as any[])[1].schedule).toBe("0 10 * * *");
  });

  test("the budget window is evaluated as Karpenter does: open 22:00-09:59 local, closed otherwise", () => {
    const d = karpenterDisruption(pool, "Asia/Shanghai");
    const at = (local: string) =>
      underutilizedConsolidationAllowed(d, Date.parse(`2026-12-08T${local}:00+08:00`));
    expect([
      at("21:59"),
      at("22:00"),
      at("03:30"),
      at("09:59"),
      at("10:00"),
      at("12:00"),
      at("18:00"),
    ]).toEqual([false, true, true, true, false, false, false]);
  });

  test("a serving pool of one-pod nodes of one type never drains a node with pods: no spare, WhenEmpty", () => {
    const event = {
      name: "sale",
      start: "2026-12-12T00:00:00+08:00",
      end: "2026-12-12T03:00:00+08:00",
      trafficMultiplier: 4,
    };
    const onePod = tinyConfig({ instanceTypes: ["g6.xlarge"], sharing: { mode: "none" } }).gpuPools[0];
    expect(drainsUnderused(onePod)).toBe(false);
    const m = spec("m", { gpu: { pool: "inference", share: 1 } });
    expect(drainSpareTrigger(m, onePod, "level")).toBeUndefined();
    const d = karpenterDisruption(onePod, "Asia/Shanghai", [event]);
    expect(d.consolidationPolicy).toBe("WhenEmpty");
    // Drift replacements stay out of the sale.
    expect((d.budgets as { nodes: string; reasons?: string[] }[]).slice(1)).toEqual([
      expect.objectContaining({ nodes: "0", reasons: expect.arrayContaining(["Drifted"]) }),
    ]);
    // Time-slicing, a node of several GPUs, or a second type (a cheaper replacement) can drain.
    expect(drainsUnderused({ ...onePod, sharing: { mode: "time-slicing", replicas: 4 } })).toBe(true);
    expect(drainsUnderused({ ...onePod, instanceTypes: ["g6.12xlarge"] })).toBe(true);
    expect(drainsUnderused({ ...onePod, instanceTypes: ["g6.xlarge", "g5.xlarge"] })).toBe(true);
  });

  describe("declared sales freeze the draining of underused and drifted nodes", () => {
    const events = [
      {
        name: "double-12",
        start: "2026-12-12T00:00:00+08:00",
        end: "2026-12-12T03:00:00+08:00",
        trafficMultiplier: 8,
      },
      {
        name: "new-year-sale",
        start: "2026-12-31T20:00:00+08:00",
        end: "2027-01-01T02:00:00+08:00",
        trafficMultiplier: 5,
      },
      { name: "flash", start: "2026-06-18T12:10:00Z", end: "2026-06-18T12:25:00Z", trafficMultiplier: 3 },
      // across the UTC year's end, with seconds: the freeze starts on the minute, ends on the next
      { name: "eve", start: "2026-12-31T22:00:45Z", end: "2027-01-01T03:00:15Z", trafficMultiplier: 2 },
    ];
    const d = karpenterDisruption(pool, "Asia/Shanghai", events);

    test("one UTC budget per event, from 30 minutes before its start to its end", () => {
      expect((d.budgets as any[]).slice(2)).toEqual([
        // 2026-12-12 00:00+08:00 is 11 Dec 16:00 UTC; the freeze starts at 15:30.
        { nodes: "0", reasons: ["Underutilized", "Drifted"], schedule: "30 15 11 12 *", duration: "3h30m" },
        { nodes: "0", reasons: ["Underutilized", "Drifted"], schedule: "30 11 31 12 *", duration: "6h30m" },
        { nodes: "0", reasons: ["Underutilized", "Drifted"], schedule: "40 11 18 6 *", duration: "45m" },
        { nodes: "0", reasons: ["Underutilized", "Drifted"], schedule: "30 21 31 12 *", duration: "5h31m" },
      ]);
      // karpenter.sh/v1 NodePool CRD: budgets[].duration pattern.
      for (const b of (d.budgets as any[]).slice(1))
        expect(b.duration).toMatch(/^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$/);
    });

    test("inside a sale the night window is closed; before and after it is open", () => {
      const at = (iso: string) => underutilizedConsolidationAllowed(d, Date.parse(iso));
      expect([
        at("2026-12-11T23:29:00+08:00"),
        at("2026-12-11T23:30:00+08:00"),
        at("2026-12-12T02:59:00+08:00"),
        at("2026-12-12T03:00:00+08:00"),
        at("2027-01-01T01:30:00+08:00"),
        at("2027-01-01T02:00:00+08:00"),
        // yearly, as the event's KEDA cron trigger
        at("2027-12-12T01:00:00+08:00"),
        // a freeze whose cron hit is in the previous UTC year (eve: 31 Dec 21:30Z for 5h31m), while
        // the night window (14:00-02:00 UTC) is open
        at("2026-12-31T21:29:00Z"),
        at("2027-01-01T01:59:00Z"),
      ]).toEqual([true, false, false, true, false, true, false, true, false]);
    });

    test("a freeze across the end of February still covers its sale in a leap year", () => {
      // 1 March 2027 00:00-03:00 UTC: the freeze starts on 28 February, a day before in 2027 but
      // two in 2028, so its duration takes the leap day too (a day longer in common years).
      const march = [
        { name: "march", start: "2027-03-01T00:00:00Z", end: "2027-03-01T03:00:00Z", trafficMultiplier: 3 },
      ];
      const m = karpenterDisruption(pool, "UTC", march);
      expect((m.budgets as any[])[2]).toMatchObject({ schedule: "30 23 28 2 *", duration: "27h30m" });
      const at = (iso: string) => underutilizedConsolidationAllowed(m, Date.parse(iso));
      expect([at("2028-03-01T02:59:00Z"), at("2027-03-01T02:59:00Z"), at("2028-03-01T03:01:00Z")]).toEqual([
        false,
        false,
        true,
      ]);
      // One that does not reach March keeps its length.
      const feb = [{ ...march[0], start: "2027-02-10T00:00:00Z", end: "2027-02-10T03:00:00Z" }];
      expect((karpenterDisruption(pool, "UTC", feb).budgets as any[])[2].duration).toBe("3h30m");
      // One dated from December into March of the next year: the February it crosses is 2027's, a
      // common year's, so the leap day is added as well (in 2027-28 it holds 29 February).
      const winter = [{ ...march[0], start: "2026-12-20T00:00:00Z", end: "2027-03-01T03:00:00Z" }];
      const w = karpenterDisruption(pool, "UTC", winter);
      expect((w.budgets as any[])[2]).toMatchObject({ schedule: "30 23 19 12 *", duration: "1731h30m" });
      expect(underutilizedConsolidationAllowed(w, Date.parse("2028-03-01T02:59:00Z"))).toBe(false);
    });

    test("a yearly schedule on 29 February fires only in leap years, as cron does", () => {
      const leap = {
        consolidationPolicy: "WhenEmptyOrUnderutilized",
        budgets: [{ nodes: "0", reasons: ["Underutilized"], schedule: "0 0 29 2 *", duration: "2h" }],
      };
      // Date.UTC(2027, 1, 29) is 1 March 2027: not a hit.
      expect(underutilizedConsolidationAllowed(leap, Date.parse("2027-03-01T00:30:00Z"))).toBe(true);
      expect(underutilizedConsolidationAllowed(leap, Date.parse("2028-02-29T01:00:00Z"))).toBe(false);
    });
  });

  test("a daily window across midnight UTC counts from yesterday's hit (America/New_York)", () => {
    // 10:00 in New York is 15:00 UTC in January: the 12-hour block runs to 03:00 UTC.
    const d = karpenterDisruption(pool, "America/New_York");
    expect((d.budgets as any[])[1]).toMatchObject({ schedule: "0 15 * * *", duration: "12h" });
    const at = (iso: string) => underutilizedConsolidationAllowed(d, Date.parse(iso));
    expect([at("2026-12-08T14:59:00Z"), at("2026-12-08T02:59:00Z"), at("2026-12-08T03:00:00Z")]).toEqual([
      true,
      false,
      true,
    ]);
  });

  test("WhenEmpty never drains underused nodes; an unsupported budget schedule is an error", () => {
    const now = Date.parse("2026-12-08T02:00:00+08:00");
    expect(underutilizedConsolidationAllowed({ consolidationPolicy: "WhenEmpty" }, now)).toBe(false);
    expect(() =>
      underutilizedConsolidationAllowed(
        {
          consolidationPolicy: "WhenEmptyOrUnderutilized",
          budgets: [{ nodes: "0", schedule: "@daily", duration: "1h" }],
        },
        now,
      ),
    ).toThrow("unsupported budget schedule: @daily");
  });

  test("UTC offsets come from the time zone database", () => {
    expect(utcOffsetMinutes("Asia/Shanghai", Date.UTC(2026, 0, 15))).toBe(480);
    expect(utcOffsetMinutes("America/New_York", Date.UTC(2026, 0, 15))).toBe(-300);
  });
});
