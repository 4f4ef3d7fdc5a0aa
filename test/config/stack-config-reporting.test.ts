/** The stack config: every problem reported at once, type errors hiding only the checks that read them, and sales events. */
import { stackValues } from "../helpers/stack";
import { problemsOf } from "../helpers/stack-config-problems";

describe("stack config", () => {
  test("every problem is reported at once", () => {
    const raw = stackValues("prod");
    delete raw.region;
    raw.gpuPools[0].sharing = { mode: "time-slicing", replicas: 0 };
    raw.gpuPools[1].maxGpus = -1;
    raw.budget = { monthlyGpuCost: "lots" };
    raw.events[0].trafficMultiplier = 0.5;
    const msg = problemsOf(raw);
    expect(msg).toMatch(/^5 configuration problems:/);
    for (const path of [
      "region",
      "gpuPools[0].sharing.replicas",
      "gpuPools[1].maxGpus",
      "budget.monthlyGpuCost",
      "events[0].trafficMultiplier",
    ]) {
      expect(msg).toContain(`mlops-platform:${path}`);
    }
  });

  test("a type error does not hide the cross-field problems of the rest of the file", () => {
    const raw = stackValues("prod");
    raw.events[0].end = raw.events[0].start;
    raw.events[1].trafficMultiplier = -2;
    raw.gpuPools[1].maxGpus = "four";
    const msg = problemsOf(raw);
    expect(msg).toContain("mlops-platform:events[1].trafficMultiplier = -2");
    expect(msg).toContain('mlops-platform:gpuPools[1].maxGpus = "four"');
    expect(msg).toContain("mlops-platform:events[0].end");
    expect(msg).toContain("must be after start");
  });

  test("a receiver the schema rejects does not hide another receiver's problem", () => {
    // Found by the final review: the receivers were read outside their guard, so one of the wrong
    // type gave up the check of every receiver.
    const raw = stackValues("prod");
    raw.alerting.receivers = {
      ...raw.alerting.receivers,
      Bad_Team: { kind: "webhook", urlSecret: "x" },
      ok: "nope",
    };
    const msg = problemsOf(raw);
    // Its value is not shown: a team pasting its webhook URL there pastes a credential.
    expect(msg).toContain("mlops-platform:alerting.receivers.ok: must be a map");
    expect(msg).not.toContain('"nope"');
    expect(msg).toContain("mlops-platform:alerting.receivers.Bad_Team: a team name must be a DNS-1035 label");
  });

  test("a required field of the wrong type hides only the checks that read it", () => {
    const raw = stackValues("prod");
    raw.gpuPools[0].maxGpus = raw.gpuPools[0].minGpus - 1;
    raw.events[0].end = raw.events[0].start;
    raw.budget.monthlyGpuCost = "a lot";
    raw.cluster.systemNodes.maxSize = "three";
    raw.cluster.endpoint.publicAccessCidrs = ["0.0.0.0/0"];
    const msg = problemsOf(raw);
    expect(msg).toMatch(/^5 configuration problems:/);
    expect(msg).toContain('mlops-platform:budget.monthlyGpuCost = "a lot"');
    expect(msg).toContain('mlops-platform:cluster.systemNodes.maxSize = "three"');
    expect(msg).toContain("mlops-platform:gpuPools[0].maxGpus");
    expect(msg).toContain("mlops-platform:events[0].end");
    expect(msg).toContain("mlops-platform:cluster.endpoint.publicAccessCidrs");
    // the systemNodes sizes check needs maxSize, so it says nothing
  });

  test("events must end after they start", () => {
    const raw = stackValues("prod");
    raw.events[0].end = raw.events[0].start;
    expect(problemsOf(raw)).toContain("mlops-platform:events[0].end");
  });

  test("an event lasts at most 31 days: its freeze of the serving nodes' drains recurs every year", () => {
    const raw = stackValues("prod");
    raw.events[0] = {
      ...raw.events[0],
      start: "2026-12-01T00:00:00+08:00",
      end: "2027-01-01T00:00:00+08:00",
    };
    raw.events[1] = {
      ...raw.events[1],
      start: "2026-12-01T00:00:00+08:00",
      end: "2027-01-01T00:00:01+08:00",
    };
    const msg = problemsOf(raw);
    expect(msg).not.toContain("mlops-platform:events[0]");
    expect(msg).toContain(
      'mlops-platform:events[1].end = "2027-01-01T00:00:01+08:00": must be at most 31 days after start (2026-12-01T00:00:00+08:00)',
    );
  });

  test("event times need a zone and a real date: the cron triggers must not depend on the machine", () => {
    const raw = stackValues("prod");
    raw.events[0].start = "2026-12-12T00:00:00";
    raw.events[0].end = "2026-02-30T03:00:00+08:00";
    raw.events[1].start = "next friday";
    const msg = problemsOf(raw);
    expect(msg).toContain(
      'mlops-platform:events[0].start = "2026-12-12T00:00:00": has no zone; add Z (UTC) or an offset such as +08:00',
    );
    expect(msg).toContain(
      'mlops-platform:events[0].end = "2026-02-30T03:00:00+08:00": is not a calendar date',
    );
    expect(msg).toContain(
      'mlops-platform:events[1].start = "next friday": must be an ISO-8601 time with zone, e.g. 2026-12-12T00:00:00+08:00',
    );
  });
});
