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
      expect(used.length).toBeGreaterThan(8);
      const missing = used.filter((n) => !recorded.has(n));
      // A model without watched features records no feature PSI; the drift panel keeps the
      // prediction's. CTR and variant panels come only with what records them.
      if (spec.monitoring.features.length > 0) expect(missing).toEqual([]);
      else expect(missing.every((n) => /psi/.test(n))).toBe(true);
    },
  );

  test("the model dashboard has the panels of issue 6, CTR and variants only where recorded", () => {
    const withAll = models.find((m) => m.canary && m.monitoring.quality)!;
    const panels = modelDashboard(withAll).panels;
    expect(panels.map((p) => p.title)).toEqual(
      expect.arrayContaining([
        "Traffic by variant",
        "Error ratio",
        "Latency p50 / p99 against the SLO",
        "Replicas against KEDA bounds",
        "GPU share in use (GPUs)",
        "Drift (PSI)",
        "CTR against baseline",
        "Variants against stable: error ratio",
        "Variants against stable: p99 latency",
      ]),
    );
    // Latency in seconds, apart from the ratios.
    expect(
      panels.find((p) => p.title === "Variants against stable: p99 latency")!.fieldConfig.defaults.unit,
    ).toBe("s");
    const plain = models.find((m) => !m.canary && m.experiments.length === 0 && !m.monitoring.quality)!;
    const titles = modelDashboard(plain).panels.map((p) => p.title);
    expect(titles.filter((t) => /CTR|Variants/.test(t))).toEqual([]);
    // Its replicas are its own namespace's HPAs, not those of a model whose name starts with its.
    expect(JSON.stringify(modelDashboard(plain))).toContain(`namespace=\\"${plain.name}\\"`);
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
    // A pool without GPUs now (training between runs) keeps its term at 0, not an empty sum.
    expect(cost).toContain('(sum(pool:mlops_gpus:count{pool="inference"}) or vector(0)) * 7 * 24');
    expect(d.panels.find((p) => p.title.startsWith("GPU-hours"))!.targets.map((t) => t.legendFormat)).toEqual(
      models.map((m) => m.name),
    );
  });
});
