import { platformDashboard } from "../../components/addons/platform-dashboard";
import { PLATFORM_SERIES, platformRules } from "../../components/addons/platform-rules";
import { dashboardUid, GRAFANA_UID_MAX, modelDashboard } from "../../components/model/dashboards";
import { modelRules } from "../../components/model/monitoring-rules";
import { fixtureModels, stackConfig } from "./fixtures";

/** Recorded-series names (level:metric:ops) a query references. */
function recordedNames(expr: string): string[] {
  return [...expr.matchAll(/\b([a-z_]+:[a-z_0-9]+:[a-z_0-9]+)\b/g)].map((m) => m[1]);
}

describe("dashboards", () => {
  const cfg = stackConfig("prod");
  const models = fixtureModels("prod");

  test.each(models.map((m) => [m.name, m] as const))(
    "%s: every recorded series a panel queries is recorded by its rules",
    (_n, spec) => {
      const recorded = new Set(
        modelRules(spec, cfg)
          .groups.flatMap((g) => g.rules)
          .map((r) => r.record)
          .filter(Boolean),
      );
      const used = modelDashboard(spec).panels.flatMap((p) =>
        p.targets.flatMap((t) => recordedNames(t.expr)),
      );
      expect(used.length).toBeGreaterThan(10);
      const missing = used.filter((n) => !recorded.has(n));
      // Models without features/quality record no PSI/CTR series; those panels stay empty by design.
      const optional = spec.monitoring.features.length === 0 || !spec.monitoring.quality;
      if (!optional) expect(missing).toEqual([]);
      else expect(missing.every((n) => /psi|ctr/.test(n))).toBe(true);
    },
  );

  test("the model dashboard has the panels of issue 6", () => {
    const titles = modelDashboard(models[0]).panels.map((p) => p.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        "Traffic by variant",
        "Error ratio",
        "Latency p50 / p99 against the SLO",
        "Replicas against KEDA bounds",
        "GPU share in use (GPUs)",
        "Drift (PSI)",
        "CTR against baseline",
        "Canary against stable",
      ]),
    );
  });

  test("uids are unique within Grafana's 40 characters, also for long names sharing a prefix", () => {
    const names = [
      "homepage-feed",
      "homepage-feed-ranking-model-v1",
      "homepage-feed-ranking-model-v2",
      "x".repeat(42),
    ];
    const uids = names.map(dashboardUid);
    expect(uids[0]).toBe("mlops-model-homepage-feed");
    expect(new Set(uids).size).toBe(names.length);
    for (const uid of uids) expect(uid.length).toBeLessThanOrEqual(GRAFANA_UID_MAX);
    expect(uids[1]).toMatch(/^mlops-model-homepage-feed-ranki-[0-9a-f]{8}$/);
  });

  test("the latency panel draws the SLO line from the spec", () => {
    const spec = models.find((m) => m.name === "homepage-feed")!;
    const panel = modelDashboard(spec).panels.find((p) => p.title.startsWith("Latency"))!;
    expect(panel.targets.map((t) => t.expr)).toContain("vector(0.05)");
  });

  test("the platform dashboard only queries platform series the platform rules record, and prices GPUs", () => {
    const recorded = new Set(
      platformRules(cfg)
        .groups.flatMap((g) => g.rules)
        .map((r) => r.record)
        .filter(Boolean),
    );
    const d = platformDashboard(cfg, models);
    const used = d.panels.flatMap((p) => p.targets.flatMap((t) => recordedNames(t.expr)));
    expect(
      used.filter((n) => n.startsWith("pool:") || n.startsWith("node:")).every((n) => recorded.has(n)),
    ).toBe(true);
    expect(used).toContain(PLATFORM_SERIES.poolUtilization);
    const cost = d.panels.find((p) => p.title.startsWith("GPU cost"))!.targets[0].expr;
    // inference: cheapest of g6.xlarge 7.0/1, g6.2xlarge 8.6/1, g5.xlarge 8.7/1, g6.12xlarge 40.3/4 -> 7.0
    expect(cost).toContain('pool="inference"}) * 7 * 24');
    expect(d.panels.find((p) => p.title.startsWith("GPU-hours"))!.targets.map((t) => t.legendFormat)).toEqual(
      models.map((m) => m.name),
    );
  });
});
