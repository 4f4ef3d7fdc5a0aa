/**
 * The stack's traffic history (`trafficHistory`): what plan and the budget policy cost serving at.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planCapacity } from "../../components/capacity/packing";
import { expectedRpsFromTraffic } from "../../policies/lib/capacity";
import { InputError, loadModelSpecs, loadTrafficHistory } from "../../tools/capacity/inputs";
import { trafficLoad } from "../../components/capacity/traffic-load";
import { ROOT } from "../helpers/program";
import { prodConfig } from "./helpers";

const config = prodConfig();
const specs = loadModelSpecs(path.join(ROOT, "models"), "prod", config);
const names = specs.map((s) => s.name);

describe("traffic history", () => {
  test("prod declares the committed sample week, covering every model", () => {
    expect(config.trafficHistory).toBe("models/traffic/sample-week.csv");
    const h = loadTrafficHistory(ROOT, config, names)!;
    expect([...h.traffic.models].sort()).toEqual([...names].sort());
    expect(h.ignored).toEqual([]);
  });

  test("models of the history without a spec are set aside and named, not an error", () => {
    const h = loadTrafficHistory(ROOT, config, ["homepage-feed", "search-ranking", "brand-new"])!;
    expect(h.traffic.models).toEqual(["homepage-feed", "search-ranking"]);
    expect(h.ignored).toHaveLength(10);
    expect(h.ignored).toContain("cart-cross-sell");
  });

  test("a stack without history gets none; a missing file is one clear error", () => {
    expect(loadTrafficHistory(ROOT, { ...config, trafficHistory: undefined }, names)).toBeUndefined();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "history-"));
    expect(() => loadTrafficHistory(dir, config, names)).toThrow(InputError);
    expect(() => loadTrafficHistory(dir, config, names)).toThrow(
      `not found; trafficHistory is relative to the project root ${dir}`,
    );
  });

  test("a malformed history names the file and the line", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "history-"));
    fs.mkdirSync(path.join(dir, "models", "traffic"), { recursive: true });
    fs.writeFileSync(
      path.join(dir, "models", "traffic", "sample-week.csv"),
      "timestamp,model,rps\n2026-12-07T00:00:00Z,homepage-feed,-3\n",
    );
    expect(() => loadTrafficHistory(dir, config, names)).toThrow(
      /sample-week\.csv.*negative|negative.*sample-week/s,
    );
  });

  test("the mean load sizes plan's expected level far below replicas.max, what a model without history counts", () => {
    const h = loadTrafficHistory(ROOT, config, names)!;
    const withHistory = planCapacity(config, specs, trafficLoad(h.traffic));
    const without = planCapacity(config, specs);
    const gpus = (p: typeof without) => p.pools[0].levels.expected.gpus;
    expect(gpus(withHistory)).toBeLessThan(gpus(without) / 3);
    expect(withHistory.monthlyCost.expected).toBeLessThan(config.budget.monthlyGpuCost);
    // The mean rate of the week per model is what the pack config carries for the budget policy.
    const mean = expectedRpsFromTraffic(h.traffic);
    const homepage = h.traffic.rps[h.traffic.models.indexOf("homepage-feed")];
    expect(mean["homepage-feed"]).toBeCloseTo(homepage.reduce((a, b) => a + b, 0) / homepage.length, 1);
  });
});
