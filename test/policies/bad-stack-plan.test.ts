/**
 * End to end: `npm run plan` on a deliberately bad prod stack (test/fixtures/bad-stack: budget far
 * too low, single-AZ databases) with a model whose canary takes 60% of traffic exits 2 and lists
 * exactly those mandatory violations. Runs the real CLI in a child process (its schema step loads
 * ESM packages that jest's CommonJS mode cannot).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

describe("plan on a deliberately bad stack", () => {
  let result: ReturnType<typeof spawnSync>;
  let plan: {
    policy: { violations: { policy: string; resource: string; enforcement: string; message: string }[] };
  };

  beforeAll(() => {
    const models = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-bad-models-"));
    for (const f of fs.readdirSync(path.join(ROOT, "models")).filter((n) => n.endsWith(".yaml"))) {
      fs.copyFileSync(path.join(ROOT, "models", f), path.join(models, f));
    }
    const feed = path.join(models, "homepage-feed.yaml");
    const text = fs.readFileSync(feed, "utf8");
    expect(text).toContain("  trafficPercent: 10");
    expect(text).toContain("steps: [10, 25, 50, 100]");
    // A canary starting at a 60% first step: the spec allows it (at most its first step), prod's cap not.
    fs.writeFileSync(
      feed,
      text
        .replace("  trafficPercent: 10", "  trafficPercent: 60")
        .replace("steps: [10, 25, 50, 100]", "steps: [60, 100]"),
    );
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-bad-out-"));
    result = spawnSync(
      process.execPath,
      [
        "-r",
        "ts-node/register/transpile-only",
        "tools/plan.ts",
        "--stack",
        "badprod",
        "--project-root",
        "test/fixtures/bad-stack",
        "--models",
        models,
        "--out",
        out,
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    plan = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
  }, 180_000);

  test("exits 2", () => {
    expect(result.status).toBe(2);
  });

  test("lists exactly the expected mandatory violations", () => {
    const found = plan.policy.violations.map((v) => `${v.enforcement} ${v.policy} ${v.resource}`).sort();
    expect(found).toEqual([
      "mandatory aws-rds-instance-multi-az mlops-airflow-db-db",
      "mandatory aws-rds-instance-multi-az mlops-mlflow-db-db",
      // Twice: the canary's 60% and its 60% analysis step, both above prod's 50% cap.
      "mandatory mlops-canary-traffic-capped homepage-feed-route",
      "mandatory mlops-canary-traffic-capped homepage-feed-route",
      "mandatory mlops-gpu-cost-fits-budget (stack)",
      // Not mlops-model-gpu-demand-fits-pool: the canary's 60% is taken from stable's traffic, so
      // the model's peak is stable's max and one replica more, which the pool holds.
    ]);
  });

  test("each violation says how to fix it", () => {
    const byPolicy = Object.fromEntries(plan.policy.violations.map((v) => [v.policy, v.message]));
    expect(byPolicy["mlops-canary-traffic-capped"]).toContain("above the 50% cap");
    expect(byPolicy["mlops-gpu-cost-fits-budget"]).toContain("above the budget of 100000 CNY");
    expect(byPolicy["aws-rds-instance-multi-az"]).toContain("set multiAz: true");
  });
});
