/** promote and promote-to-prod run as child processes: bad flags, an unreachable or malformed Prometheus, and a prod canary in progress. */
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { PrometheusQueryError, queryInstant } from "../../components/delivery/prometheus-client";
import * as YAML from "yaml";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { startFakePrometheus } from "../helpers/fake-prometheus";
import { ROOT } from "../helpers/program";
import { prodConfig } from "../capacity/helpers";
import { tempDirs } from "../helpers/temp-dir";
import { expectRefused, runTool as run, runToolAsync as runAsync } from "../helpers/tool-cli";

const tempDir = tempDirs("yaml-");

describe("Prometheus replies", () => {
  test("a sample without [time, value] is a query error, not a crash", async () => {
    const server = http.createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ status: "success", data: { resultType: "vector", result: [{}] } }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await expect(queryInstant(url, "up")).rejects.toThrow(PrometheusQueryError);
      await expect(queryInstant(url, "up")).rejects.toThrow("malformed sample");
    } finally {
      server.close();
    }
  });
});

describe("promote", () => {
  /** `promote` of staging's homepage-feed against `prometheus`, with `extra` flags. */
  const promote = (prometheus: string, ...extra: string[]) =>
    run("tools/promote.ts", [
      "--stack",
      "staging",
      "--model",
      "homepage-feed",
      "--prometheus",
      prometheus,
      ...extra,
    ]);

  test("a bad or unreachable --prometheus stops it before any deploy", () => {
    const bad = promote("x");
    expect(bad.status).toBe(1);
    expect(bad.out).toContain(
      "--prometheus x: not an http(s) URL (e.g. http://localhost:9090); nothing was changed",
    );
    const down = promote("http://127.0.0.1:1");
    expect(down.status).toBe(1);
    expect(down.out).toMatch(
      /--prometheus http:\/\/127.0.0.1:1: Prometheus at .* unreachable.*; nothing was changed/,
    );
  });

  test("--model with --all is refused (it would promote every canary)", () => {
    const r = promote("http://127.0.0.1:1", "--all", "--dry-run");
    expect(r.status).toBe(1);
    expect(r.out).toContain("--model homepage-feed and --all: give one of them; nothing was changed");
    expect(r.out).not.toContain("steps");
  });

  test("a password in --prometheus is never printed", () => {
    const r = promote("http://admin:S3cret@127.0.0.1:1");
    expect(r.status).toBe(1);
    expect(r.out).toContain(
      "--prometheus http://127.0.0.1:1/: Prometheus at http://127.0.0.1:1/ unreachable",
    );
    expect(r.out).not.toContain("S3cret");
  });

  test("a failure names the model and stack, and with --all the models not attempted", async () => {
    // Prometheus answers; the deploy cannot run (no Pulumi CLI on an empty PATH, so a machine
    // logged in to a real backend deploys nothing either): the first canary fails.
    const prom = await startFakePrometheus(() => 1);
    try {
      const args = ["--stack", "staging", "--all", "--prometheus", prom.url];
      const r = await runAsync("tools/promote.ts", args, { ...process.env, PATH: "" });
      expect(r.status).toBe(1);
      expect(r.out).toMatch(
        /promote failed: coupon-targeting in staging: .*; not attempted: homepage-feed, livestream-ranking/,
      );
    } finally {
      await prom.close();
    }
  });

  test("a dry run needs no Prometheus: it prints the steps and queries", () => {
    const r = promote("http://127.0.0.1:1", "--dry-run");
    expect(r.out).toContain("homepage-feed: steps 10% -> 25% -> 50% -> 100%");
    expect(r.out).not.toContain("unreachable");
  });
});

/** The repository's model specs, copied into a folder of their own for a test to edit. */
function modelsCopy(): string {
  const dir = tempDir();
  for (const f of fs.readdirSync(path.join(ROOT, "models")).filter((f) => f.endsWith(".yaml")))
    fs.copyFileSync(path.join(ROOT, "models", f), path.join(dir, f));
  return dir;
}

/** homepage-feed's staging override, and the same once staging promoted v43 to stable. */
const STAGING_SERVING = "    serving: { replicas: { min: 1, max: 1 } }";
const STAGING_SERVES_V43 =
  "    serving: { replicas: { min: 1, max: 1 }, modelUri: s3://<artifacts>/homepage-feed/v43 }";

describe("promote-to-prod --hours", () => {
  const promoteToProd = (hours: string) =>
    run("tools/promote-to-prod.ts", [
      "--model",
      "homepage-feed",
      "--hours",
      hours,
      "--prometheus",
      "http://127.0.0.1:1",
    ]);

  test("bad hours, a bad URL and a missing models folder come in one message, the folder once", () => {
    const args = ["--model", "homepage-feed", "--hours", "-1", "--prometheus", "ftp://x"];
    const r = run("tools/promote-to-prod.ts", [...args, "--models", "/nonexistent"]);
    expectRefused(
      r,
      "--hours -1: expected a whole number from 1 to 720",
      "--prometheus ftp://x: not an http(s) URL",
    );
    expect(r.out.split("/nonexistent: models folder not found")).toHaveLength(2);
  });

  test("a prod canary still in progress is not replaced: exit 3, the spec unchanged", () => {
    const dir = modelsCopy();
    // Staging serves v43 as stable with no canary; prod still canaries a hotfix.
    const file = path.join(dir, "homepage-feed.yaml");
    const text = fs
      .readFileSync(file, "utf8")
      .replace(/^canary:\n(  .*\n)+/m, "")
      .replace(
        /^stacks:\n/m,
        "stacks:\n  prod:\n    canary: { modelUri: s3://<artifacts>/homepage-feed/v42-hotfix, trafficPercent: 10 }\n",
      )
      .replace(STAGING_SERVING, STAGING_SERVES_V43);
    expect(text).toContain("homepage-feed/v43 }");
    fs.writeFileSync(file, text);
    const r = run("tools/promote-to-prod.ts", [
      "--model",
      "homepage-feed",
      "--models",
      dir,
      "--prometheus",
      "http://127.0.0.1:1",
    ]);
    expect(r.out).toContain(
      "homepage-feed: prod has a canary in progress (s3://<artifacts>/homepage-feed/v42-hotfix); promote or roll it back there first",
    );
    expect(r.status).toBe(3);
    expect(fs.readFileSync(file, "utf8")).toBe(text);
  });

  test("the prod canary is analysed as the model's canaryAnalysis says, and starts at its first step", async () => {
    const dir = modelsCopy();
    // Staging promoted v43 (its canary block went with it); the model's canaryAnalysis stays.
    const file = path.join(dir, "homepage-feed.yaml");
    const text = fs
      .readFileSync(file, "utf8")
      .replace(/^canary:\n(  .*\n)+/m, "canaryAnalysis: { maxLatencyP99Ms: 60, steps: [5, 50, 100] }\n")
      .replace(STAGING_SERVING, STAGING_SERVES_V43);
    expect(text).toContain("canaryAnalysis:");
    fs.writeFileSync(file, text);
    // Served in every 5-minute step of the day, no error, no alert.
    const prom = await startFakePrometheus((q) =>
      q.startsWith("count_over_time") ? 288 : q.includes("/") ? 0 : undefined,
    );
    try {
      const r = await runAsync("tools/promote-to-prod.ts", [
        ...["--model", "homepage-feed", "--models", dir, "--prometheus", prom.url],
      ]);
      expect(r.out).toContain("homepage-feed: wrote prod canary s3://<artifacts>/homepage-feed/v43 at 5%");
      expect(r.out).toContain(
        "prod will analyse it: steps 5, 50, 100% every 5 min, errors at most 1.5x stable's, p99 at most 60 ms (canaryAnalysis.maxLatencyP99Ms, canaryAnalysis.steps from the spec, defaults for the rest)",
      );
      expect(r.status).toBe(0);
      const prodSpec = validateModelSpecs(
        [{ file: "homepage-feed.yaml", data: YAML.parse(fs.readFileSync(file, "utf8")) }],
        "prod",
        { gpuPools: prodConfig().gpuPools },
      )[0];
      expect(prodSpec.canary).toEqual({
        modelUri: "s3://<artifacts>/homepage-feed/v43",
        trafficPercent: 5,
        analysis: { maxErrorRatio: 1.5, maxLatencyP99Ms: 60, intervalMinutes: 5, steps: [5, 50, 100] },
      });
    } finally {
      await prom.close();
    }
  });

  test("whole hours only: PromQL has no 1.5h", () => {
    const r = promoteToProd("1.5");
    expect(r.status).toBe(1);
    expect(r.out).toContain("--hours 1.5: expected a whole number from 1 to 720");
  });

  test("no longer than staging's Prometheus keeps its samples (7d: 168 hours)", () => {
    const r = promoteToProd("200");
    expect(r.status).toBe(1);
    expect(r.out).toContain(
      "--hours 200: staging's Prometheus keeps 7d (addons.monitoring.retention in Pulumi.staging.yaml), so at most 168",
    );
    expect(promoteToProd("168").out).not.toContain("--hours");
  });
});
