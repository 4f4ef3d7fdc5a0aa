import { modelRules } from "../../components/model/monitoring-rules";
import { modelsFor } from "./fixtures";
import { SALE, alertsSeen, healthyMinute, weekRps, weekSeries } from "./week";

test("measure", () => {
  const spec = modelsFor("prod").find((m) => m.name === "homepage-feed")!;
  const days = Number(process.env.DAYS ?? 8);
  const minutes = days * 1440;
  const share = (spec.canary?.trafficPercent ?? 0) / 100;
  let t0 = Date.now();
  const series = weekSeries(spec, minutes, (m) =>
    healthyMinute(m, weekRps(m), spec.monitoring.features, share),
  );
  console.log("gen", Date.now() - t0, series.length);
  t0 = Date.now();
  const seen = alertsSeen({
    ruleFile: modelRules(spec, { events: [SALE] }) as unknown as Record<string, unknown>,
    series,
    spanEnds: Array.from({ length: days }, (_, d) => (d + 1) * 86400 - 60),
    spanSeconds: 86400,
  });
  console.log("promtool", Date.now() - t0);
  console.log(seen.map((s) => `${s.spanEndSeconds / 86400} ${s.alertstate} ${s.labels}`).join("\n"));
});
