import { ModelSpec } from "../../components/config/model-schema";
import { checkStagingHealth, stagingHealthQueries } from "../../components/delivery/staging-health";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { FakePrometheus, startFakePrometheus } from "../helpers/fake-prometheus";

const PROMTOOL = "/usr/bin/promtool";

/** Whether promtool is here; in CI it must be. */
function havePromtool(): boolean {
  if (fs.existsSync(PROMTOOL)) return true;
  if (process.env.CI === "true") throw new Error(`${PROMTOOL} is missing (apt-get install prometheus)`);
  return false;
}

/** Runs `promtool test rules` on one test of `input_series` and `promql_expr_test`; expects SUCCESS. */
function expectPromqlTestPasses(inputSeries: object[], exprTests: object[]): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "staging-health-"));
  const file = path.join(dir, "test.yaml");
  fs.writeFileSync(
    file,
    YAML.stringify({
      rule_files: [],
      evaluation_interval: "1m",
      tests: [{ interval: "1m", input_series: inputSeries, promql_expr_test: exprTests }],
    }),
  );
  const run = spawnSync(PROMTOOL, ["test", "rules", file], { encoding: "utf8" });
  fs.rmSync(dir, { recursive: true, force: true });
  expect(run.stdout + run.stderr).toContain("SUCCESS");
}

const spec = {
  name: "search-ranking",
  team: "search",
  serving: { modelUri: "s3://<artifacts>/search-ranking/v18" },
  slo: { latencyP99Ms: 40, availability: 99.9 },
} as unknown as ModelSpec;
const q = stagingHealthQueries(spec, 24);

describe("staging health before prod (local Prometheus-speaking server)", () => {
  let prom: FakePrometheus | undefined;
  afterEach(async () => prom?.close());

  async function verdict(answers: Record<string, number | string | undefined>) {
    prom = await startFakePrometheus((query) => answers[query]);
    return checkStagingHealth(prom.url, spec, 24);
  }

  test("queries select the staging version by its model_version label", () => {
    expect(q.served).toContain('model_version="v18"');
    expect(q.errorRatio).toContain('variant="stable"');
  });

  test("a version that served all day without alerts within the SLO is ready", async () => {
    const v = await verdict({ [q.served]: 288, [q.errorRatio]: 0.0002 });
    expect(v.ready).toBe(true);
    expect(v.reasons).toContain("no alert fired");
  });

  test("a version deployed only 6 hours ago is not ready", async () => {
    const v = await verdict({ [q.served]: 72, [q.errorRatio]: 0.0002 });
    expect(v.ready).toBe(false);
    expect(v.reasons[0]).toBe("served in 72 of 288 five-minute steps; needs 274");
  });

  test("a version that fired an alert is not ready", async () => {
    prom = await startFakePrometheus((query) =>
      query === q.served ? 288 : query === q.errorRatio ? 0 : query === q.alerts ? 1 : undefined,
    );
    const v = await checkStagingHealth(prom.url, spec, 24);
    expect(v.ready).toBe(false);
  });

  test("a count of steps that is not a number is no count: not ready", async () => {
    for (const served of ["NaN", "+Inf"]) {
      const v = await verdict({ [q.served]: served, [q.errorRatio]: 0 });
      expect(v.ready).toBe(false);
      await prom?.close();
      prom = undefined;
    }
  });

  test("the error ratio of a version without a single error is 0 (promtool), not unknown", () => {
    if (!havePromtool()) return;
    const sel = 'model="search-ranking",variant="stable",model_version="v18"';
    expectPromqlTestPasses(
      [{ series: `mlops_model_requests_total{${sel},outcome="success"}`, values: "0+600x1500" }],
      [{ eval_time: "1440m", expr: q.errorRatio, exp_samples: [{ labels: "{}", value: 0 }] }],
    );
  });

  test("an uninstrumented Triton version is checked on Triton's own counters (promtool)", () => {
    if (!havePromtool()) return;
    const triton = { ...spec, serving: { ...spec.serving, runtime: "triton" } } as unknown as ModelSpec;
    const t = stagingHealthQueries(triton, 24);
    const sel = 'model="search-ranking",variant="stable",model_version="v18"';
    expectPromqlTestPasses(
      [
        { series: `nv_inference_request_success{${sel}}`, values: "0+594x1500" },
        { series: `nv_inference_request_failure{${sel}}`, values: "0+6x1500" },
      ],
      [
        // 6 failures in every 600 requests, and served in (nearly) every 5-minute step.
        {
          eval_time: "1500m",
          expr: `round(1e4 * ${t.errorRatio})`,
          exp_samples: [{ labels: "{}", value: 100 }],
        },
        {
          eval_time: "1500m",
          expr: `${t.served} >= bool 287`,
          exp_samples: [{ labels: '{model="search-ranking"}', value: 1 }],
        },
      ],
    );
  });

  test("answers no query can give are not trusted: more steps than the window, a ratio outside 0-1, 0/0", async () => {
    const cases: [Record<string, number | string>, string][] = [
      [
        { [q.served]: 1e9, [q.errorRatio]: 0 },
        "served in 1000000000 five-minute steps, more than the 288 the window has",
      ],
      [{ [q.served]: 288, [q.errorRatio]: -0.5 }, "error ratio -0.5 is not a ratio (0-1)"],
      [{ [q.served]: 288, [q.errorRatio]: "NaN" }, "error ratio unknown: no requests in the window"],
    ];
    for (const [answers, reason] of cases) {
      const v = await verdict(answers);
      expect(v.ready).toBe(false);
      expect(v.reasons.join("\n")).toContain(reason);
      await prom?.close();
      prom = undefined;
    }
  });

  test("errors above the SLO budget block the promotion", async () => {
    const v = await verdict({ [q.served]: 288, [q.errorRatio]: 0.01 });
    expect(v.ready).toBe(false);
    expect(v.reasons[2]).toContain("above the SLO budget 0.0010");
  });
});
