/** simulate, bench:capacity and bench:small-clusters run as child processes: their problems in one message, their progress and reports, and --project-root. */
import * as fs from "fs";
import * as path from "path";
import { generateTraffic } from "../../components/capacity/traffic-generator";
import { trafficToCsv } from "../../components/capacity/traffic-csv-writer";
import { ROOT } from "../helpers/program";
import { fixtureSpecs, FIXTURE_MODELS, prodConfig } from "../capacity/helpers";
import { tempDirs, withProjectFile } from "../helpers/temp-dir";
import { expectRefused, runTool as run, spawnTool } from "../helpers/tool-cli";

const tempDir = tempDirs("yaml-");

describe("simulate", () => {
  test("a stack name that is a path, and a project folder that does not exist, are named as such", () => {
    expectRefused(
      run("tools/simulate.ts", ["--stack", "../Pulumi", "--traffic", "/nonexistent.csv"]),
      'stack name "../Pulumi": use letters, digits, -, _ and . (a stack, not a path',
    );
    expectRefused(
      run("tools/generate-traffic.ts", [
        "--stack",
        "prod",
        "--project-root",
        "/nonexistent",
        "--out",
        "/tmp/x.csv",
      ]),
      "project folder /nonexistent does not exist",
    );
  });

  test("a broken spec and the traffic file's own problems come in one message", () => {
    const dir = tempDir();
    const models = path.join(dir, "models");
    fs.cpSync(FIXTURE_MODELS, models, { recursive: true });
    const specFile = fs.readdirSync(models).find((f) => f.endsWith(".yaml")) as string;
    const spec = path.join(models, specFile);
    fs.writeFileSync(spec, fs.readFileSync(spec, "utf8").replace(/rpsPerReplica: \d+/, "rpsPerReplica: -5"));
    const traffic = path.join(dir, "t.csv");
    fs.writeFileSync(
      traffic,
      "timestamp,model,rps\n2026-12-06T16:00:00Z,any-model,-3\n2026-12-06T16:01:00Z,any-model,abc\n",
    );
    expectRefused(
      run("tools/simulate.ts", ["--stack", "prod", "--models", models, "--traffic", traffic]),
      `${specFile}: serving.rpsPerReplica = -5`,
      "t.csv:2: rps -3 is negative",
      't.csv:3: rps "abc" is not a number',
    );
  });

  test("a wrong stack, a missing traffic file and a folder for --json come in one message", () => {
    expectRefused(
      run("tools/simulate.ts", ["--stack", "nope", "--traffic", "/nonexistent.csv", "--json", "/tmp"]),
      "--traffic /nonexistent.csv: not found",
      'unknown stack "nope"',
      "--json /tmp: is a folder, not a file",
    );
  });
});

describe("bench:capacity", () => {
  test("a wrong stack and a missing traffic file come in one message, worded as simulate's", () => {
    expectRefused(
      run("tools/bench-capacity.ts", ["--stack", "nope", "--traffic", "/nonexistent.csv"]),
      "--traffic /nonexistent.csv: not found (path relative to",
      'unknown stack "nope"',
    );
  });

  test("shows its progress on stderr and keeps the report on stdout whole", () => {
    const dir = tempDir();
    const traffic = path.join(dir, "day.csv");
    const config = prodConfig();
    fs.writeFileSync(
      traffic,
      trafficToCsv(generateTraffic(fixtureSpecs(config), config, { seed: 3, days: 1 })),
    );
    const r = spawnTool("tools/bench-capacity.ts", ["--traffic", traffic, "--models", FIXTURE_MODELS]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(
      /^reading .*day\.csv \.\.\. done in [\d.]+ s\nreplaying the four strategies \.\.\. done in [\d.]+ s\nreplaying the what-ifs and the foresight references \.\.\. done in [\d.]+ s\n$/,
    );
    expect(r.stdout).toMatch(/^.*day\.csv on stack prod, \d+ models\n\nstrategy +GPU util/);
    expect(r.stdout).toMatch(/\ntarget +measured +met\nplatform GPU utilization >= 82% .*(yes|NO)\n/);
  });
});

describe("bench:small-clusters", () => {
  test("a bad case count and a wrong stack come in one message", () => {
    expectRefused(
      run("tools/bench-small-clusters.ts", ["--cases", "0", "--stack", "nope"]),
      "--cases 0: expected a whole number from 1 to 500",
      'unknown stack "nope"',
    );
  });

  test("prints each cluster's misses with and without the sales' freeze, and the totals", () => {
    const r = spawnTool("tools/bench-small-clusters.ts", ["--cases", "2", "--models", FIXTURE_MODELS]);
    expect(r.status).toBe(0);
    const rows = r.stdout.split("\n").filter((l) => /^ +\d+ +[1-3] +0\.\d\d +\d+ +\d+ +\d+ +\S/.test(l));
    expect(rows).toHaveLength(2);
    expect(r.stdout).toMatch(
      /\ntotal over 2 clusters \(\d+ model-minutes\): platform \d+ \(\d\.\d{3}%\), without the sales' freeze \d+ \(\d\.\d{3}%\), reactive \d+/,
    );
    expect(r.stderr).toContain("2/2 clusters replayed");
  });
});

describe("--project-root, as plan has it", () => {
  test("generate-traffic, simulate and bench:capacity read the stack file of another project folder", () => {
    const root = withProjectFile(tempDir());
    fs.copyFileSync(path.join(ROOT, "Pulumi.prod.yaml"), path.join(root, "Pulumi.qa.yaml"));
    fs.cpSync(FIXTURE_MODELS, path.join(root, "models"), { recursive: true });
    const csv = path.join(root, "day.csv");
    const common = ["--stack", "qa", "--project-root", root];
    expect(run("tools/generate-traffic.ts", [...common, "--days", "1", "--out", csv]).status).toBe(0);
    const simulated = run("tools/simulate.ts", [...common, "--traffic", csv]);
    expect(simulated.status).toBe(0);
    expect(simulated.out).toMatch(/platform +\d+\.\d%/);
    expect(run("tools/bench-capacity.ts", [...common, "--traffic", csv]).status).toBe(0);
    // Without it the stack is looked for in the repository, which has no qa.
    expectRefused(run("tools/simulate.ts", ["--stack", "qa", "--traffic", csv]), 'unknown stack "qa"');
  });
});
