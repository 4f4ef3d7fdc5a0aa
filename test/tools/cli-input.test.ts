/**
 * Command lines run as child processes: bad flags stop them with one message and nothing changed.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import { PrometheusQueryError, queryInstant } from "../../components/delivery/prometheus-client";
import * as YAML from "yaml";
import { readModelSources } from "../../components/config/model-sources";
import { yamlErrorsReasons } from "../../components/config/yaml-document";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { startFakePrometheus } from "../helpers/fake-prometheus";
import { InputError } from "../../tools/capacity/inputs";
import { checkFlags, HelpRequested, parseFlags, positiveIntFlag } from "../../tools/capacity/cli-flags";
import { ArgsError, parsePlanArgs } from "../../tools/plan/args";
import { generateTraffic } from "../../components/capacity/traffic-generator";
import { trafficToCsv } from "../../components/capacity/traffic-csv-writer";
import { ROOT } from "../helpers/program";
import { fixtureSpecs, FIXTURE_MODELS, prodConfig } from "../capacity/helpers";
import { tempDirs, withProjectFile } from "../helpers/temp-dir";

const tempDir = tempDirs("yaml-");

/** `r` exited 1 and its output holds every fragment. */
function expectRefused(r: { status: number | null; out: string }, ...fragments: string[]) {
  expect(r.status).toBe(1);
  for (const f of fragments) expect(r.out).toContain(f);
}

/** Runs a tool of the repository in a process of its own (stdout and stderr apart). */
function spawnTool(tool: string, args: string[]) {
  return spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", tool, ...args], {
    cwd: ROOT,
    encoding: "utf8",
  });
}

/** `run` without blocking this process, so that a server in it (a fake Prometheus) can answer. */
function runAsync(
  tool: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", tool, ...args], {
      cwd: ROOT,
      env,
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, out }));
  });
}

/** Runs a tool; its output is stdout and stderr together. */
function run(tool: string, args: string[]) {
  const r = spawnTool(tool, args);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("flags", () => {
  test("a flag given twice is refused instead of the last one winning", () => {
    expect(() => parseFlags(["--stack", "staging", "--stack=prod"], ["stack"])).toThrow(
      new InputError("--stack given twice (staging, prod); give it once"),
    );
    expect(() => parsePlanArgs(["--stack", "staging", "--stack", "prod"])).toThrow(ArgsError);
  });

  test("--help or -h anywhere asks for the usage, before any flag is judged", () => {
    expect(() => parseFlags(["--stack", "x", "-h"], ["stack"])).toThrow(HelpRequested);
    expect(() => parseFlags(["--bogus", "--help"], ["stack"])).toThrow(HelpRequested);
    expect(() => parseFlags(["--stack", "--help"], ["stack"])).toThrow(HelpRequested);
  });

  test("every command prints its usage on --help and exits 0 without doing anything", () => {
    // generate-traffic with --out would write a file: --help must stop it first.
    const out = path.join(tempDir(), "t.csv");
    for (const [tool, flag] of [
      ["tools/generate-traffic.ts", "--out"],
      ["tools/simulate.ts", "--json"],
    ] as const) {
      const r = run(tool, ["--stack", "prod", flag, out, "--help"]);
      expect(r.status).toBe(0);
      expect(r.out).toMatch(/^Usage: npm run [a-z-]+ -- /);
      expect(r.out).toContain("-h, --help");
      expect(fs.existsSync(out)).toBe(false);
    }
  });

  test("simulate's progress in a log is a line per strategy, not a run of carriage returns", () => {
    const config = prodConfig();
    const csv = path.join(tempDir(), "day.csv");
    fs.writeFileSync(csv, trafficToCsv(generateTraffic(fixtureSpecs(config), config, { seed: 2, days: 1 })));
    const r = spawnTool("tools/simulate.ts", [
      "--stack",
      "prod",
      "--traffic",
      csv,
      "--models",
      FIXTURE_MODELS,
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain("\r");
    expect(r.stderr.split("\n").slice(1, 5)).toEqual([
      "static ...",
      "reactive ...",
      "platform ...",
      "oracle ...",
    ]);
    expect(r.stderr).toMatch(/\nreplayed in \d+\.\d\d s\n$/);
    expect(r.stdout).toMatch(/^strategy +GPU util/);
  });

  test("a rate far beyond what replicas.max serves is refused as a unit slip, before the replay", () => {
    const config = prodConfig();
    const csv = path.join(tempDir(), "day.csv");
    fs.writeFileSync(csv, trafficToCsv(generateTraffic(fixtureSpecs(config), config, { seed: 2, days: 1 })));
    // Two specs whose rpsPerReplica lost three digits: 0.4 and 0.3 requests/s a replica.
    const models = tempDir();
    for (const f of fs.readdirSync(FIXTURE_MODELS).filter((f) => f.endsWith(".yaml")))
      fs.writeFileSync(
        path.join(models, f),
        fs
          .readFileSync(path.join(FIXTURE_MODELS, f), "utf8")
          .replace(/rpsPerReplica: (400|300)\n/, (_m, n) =>
            ["ads-ctr.yaml", "cart-cross-sell.yaml"].includes(f)
              ? `rpsPerReplica: ${Number(n) / 1000}\n`
              : _m,
          ),
      );
    const json = path.join(tempDir(), "out.json");
    const started = Date.now();
    const r = run("tools/simulate.ts", [
      ...["--stack", "prod", "--traffic", csv, "--models", models, "--json", json],
    ]);
    expectRefused(
      r,
      `2 problems in traffic file ${csv}:`,
      "  - model ads-ctr peaks at ",
      "replicas at rpsPerReplica 0.4, over 100 times its replicas.max (192)",
      "  - model cart-cross-sell peaks at ",
      "replicas.max is each spec's value for stack prod, after its stacks.prod overrides",
    );
    expect(r.out).not.toContain("    at ");
    expect(fs.existsSync(json)).toBe(false);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  test("generate-traffic refuses at once a file larger than simulate and plan read, and writes nothing", () => {
    // 36 models x 366 days: 19 million rows, more than 500 MiB even at the shortest rate "0.000".
    const dir = tempDir();
    for (const file of fs.readdirSync(FIXTURE_MODELS).filter((f) => f.endsWith(".yaml")))
      for (const copy of [1, 2, 3]) {
        const name = `${path.basename(file, ".yaml")}-${copy}`;
        const text = fs.readFileSync(path.join(FIXTURE_MODELS, file), "utf8");
        fs.writeFileSync(path.join(dir, `${name}.yaml`), text.replace(/^name: .*$/m, `name: ${name}`));
      }
    const out = path.join(tempDir(), "year.csv");
    const r = run("tools/generate-traffic.ts", ["--models", dir, "--days", "366", "--out", out]);
    expect(r.status).toBe(1);
    const m =
      /--days 366 for 36 models is 18,973,440 rows \(at least (\d+) MiB\), more than the 500 MiB a traffic file may have/.exec(
        r.out,
      );
    expect(Number(m?.[1])).toBeGreaterThan(500);
    expect(fs.existsSync(out)).toBe(false);
  });

  test("checkFlags reports every bad flag at once", () => {
    expect(() =>
      checkFlags(
        () => positiveIntFlag("0", "days", 366),
        () => positiveIntFlag("7", "seed", 10),
        () => positiveIntFlag("x", "sizes", 5),
      ),
    ).toThrow(
      new InputError(
        "--days 0: expected a whole number from 1 to 366\n--sizes x: expected a whole number from 1 to 5",
      ),
    );
    expect(
      checkFlags(
        () => 1,
        () => "a",
      ),
    ).toEqual([1, "a"]);
  });
});

describe("model files the YAML library cannot turn into data", () => {
  test("an alias bomb and a multi-document file are problems naming the file", () => {
    const dir = tempDir();
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 10; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    fs.writeFileSync(path.join(dir, "bomb.yaml"), lines.join("\n"));
    fs.writeFileSync(path.join(dir, "multi.yaml"), "name: a\n---\nname: b\n");
    const { problems } = readModelSources(dir);
    expect(problems.map((p) => `${path.basename(p.file)}: ${p.reason}`)).toEqual([
      "bomb.yaml: cannot read: Excessive alias count indicates a resource exhaustion attack",
      "multi.yaml: holds more than one YAML document (---); one model per file",
    ]);
  });

  test("an alias inside the value it names is named with its path, not a crash", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "a.yaml"), "name: a\nteam: &t\n  members: [x, *t]\n");
    fs.writeFileSync(path.join(dir, "b.yaml"), "&all\nname: b\nself: *all\n");
    const { problems } = readModelSources(dir);
    expect(problems.map((p) => `${path.basename(p.file)}: ${p.reason}`)).toEqual([
      "a.yaml: cannot read: team.members[1] is an alias of a value that contains it (a recursive anchor); write the value out instead",
      "b.yaml: cannot read: self is an alias of a value that contains it (a recursive anchor); write the value out instead",
    ]);
  });
});

describe("YAML merge keys in a model spec", () => {
  test("<<: *anchor merges the block, the file's own keys winning; a merge of a scalar is named", () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, "a.yaml"),
      [
        "name: a",
        "stacks:",
        "  prod: &prod { serving: { rpsPerReplica: 5 }, canary: null }",
        "  staging:",
        "    <<: *prod",
        "    serving: { rpsPerReplica: 2 }",
      ].join("\n"),
    );
    fs.writeFileSync(path.join(dir, "b.yaml"), "name: b\nserving:\n  <<: 5\n");
    const { sources, problems } = readModelSources(dir);
    expect(sources.map((s) => s.data)).toEqual([
      {
        name: "a",
        stacks: {
          prod: { serving: { rpsPerReplica: 5 }, canary: null },
          staging: { serving: { rpsPerReplica: 2 }, canary: null },
        },
      },
    ]);
    expect(problems.map((p) => `${path.basename(p.file)}: ${p.reason}`)).toEqual([
      "b.yaml: cannot read: a merge key (<<) must name a map or a list of maps (<<: *anchor)",
    ]);
  });
});

describe("YAML syntax errors", () => {
  const spec = [
    "name: a",
    "team: t",
    "serving:",
    "  runtime: triton",
    "  gpu: { pool: inference }",
    "  rpsPerReplica: 1",
  ];

  test("one slip is one problem on its line, with a count of the parser errors it brought", () => {
    const dir = tempDir();
    // A tab before `gpu` makes the parser misread every line after it.
    fs.writeFileSync(
      path.join(dir, "a.yaml"),
      [...spec.slice(0, 4), "\tgpu: x", ...spec.slice(5)].join("\n"),
    );
    const reasons = readModelSources(dir).problems.map((p) => p.reason);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(
      /^YAML syntax error: Tabs are not allowed as indentation at line 5, column 1 \(and \d+ later parser errors?, which usually follow from this one: fix it and run again\)$/,
    );
  });

  test("an unquoted cron, read as a YAML alias, is told to be quoted", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "a.yaml"), [...spec, "training:", "  schedule: */15 * * * *"].join("\n"));
    const reasons = readModelSources(dir).problems.map((p) => p.reason);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(
      /^YAML syntax error: .*alias.* at line 8, column \d+; a value starting with \* is read as an alias: quote it \("\*\/15 \* \* \* \*"\)/,
    );
  });

  test("self-contained slips are all listed in file order, each once", () => {
    const text = ["team: t", "name: a", ...spec.slice(1), "name: b", 'x: "\\q"', "y: [1"].join("\n");
    const doc = YAML.parseDocument(text, { uniqueKeys: true });
    const reasons = yamlErrorsReasons(doc.errors, "model");
    expect(reasons.map((r) => r.replace(/ at line.*?(?= \(|$)/, ""))).toEqual([
      "YAML syntax error: Map keys must be unique",
      "YAML syntax error: Map keys must be unique",
      "YAML syntax error: Invalid escape sequence \\q",
      expect.stringMatching(/^YAML syntax error: .*\]/),
    ]);
    expect(reasons.every((r) => !r.includes("later parser error"))).toBe(true);
  });
});

describe("which files of a models folder are specs", () => {
  test("any case of .yaml/.yml counts; hidden files (macOS ._ forks, editor copies) do not", () => {
    const dir = tempDir();
    for (const f of ["a.yaml", "B.YAML", "c.Yml", "._a.yaml", ".d.yaml", "notes.md"])
      fs.writeFileSync(path.join(dir, f), "name: x\n");
    const { sources, problems } = readModelSources(dir);
    expect(problems).toEqual([]);
    expect(sources.map((s) => path.basename(s.file))).toEqual(["B.YAML", "a.yaml", "c.Yml"]);
  });

  test("a name that only nearly ends in .yaml is named, not skipped (pulumi up would delete its model)", () => {
    const dir = tempDir();
    for (const f of ["a.yaml ", "b.yaml.txt", "c.yml", "notes.txt"])
      fs.writeFileSync(path.join(dir, f), "name: x\n");
    const { sources, problems } = readModelSources(dir);
    expect(sources.map((s) => path.basename(s.file))).toEqual(["c.yml"]);
    expect(problems.map((p) => p.reason)).toEqual([
      "is not read: specs are named <model>.yaml; rename it a.yaml",
      "is not read: specs are named <model>.yaml; rename it b.yaml",
    ]);
    // Quoted, so the space that hides it shows.
    expect(problems[0].file.endsWith(' "')).toBe(true);
  });

  test("an empty or comment-only spec is called empty, with the keys it needs", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "a.yaml"), "");
    fs.writeFileSync(path.join(dir, "b.yaml"), "# name: b\n");
    expect(readModelSources(dir).problems.map((p) => `${path.basename(p.file)}: ${p.reason}`)).toEqual([
      "a.yaml: is empty (or only comments); a model spec needs name, team, serving and slo",
      "b.yaml: is empty (or only comments); a model spec needs name, team, serving and slo",
    ]);
  });

  test("a spec in a subfolder is named, with where it goes, instead of never being deployed", () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "search", "old"), { recursive: true });
    fs.mkdirSync(path.join(dir, "traffic"));
    fs.mkdirSync(path.join(dir, ".git"));
    fs.writeFileSync(path.join(dir, "a.yaml"), "name: a\n");
    fs.writeFileSync(path.join(dir, "search", "b.yaml"), "name: b\n");
    fs.writeFileSync(path.join(dir, "search", "old", "c.YML"), "name: c\n");
    fs.writeFileSync(path.join(dir, "traffic", "week.csv"), "timestamp,model,rps\n");
    fs.writeFileSync(path.join(dir, ".git", "d.yaml"), "name: d\n");
    const { sources, problems } = readModelSources(dir);
    expect(sources.map((s) => path.basename(s.file))).toEqual(["a.yaml"]);
    const rel = (...parts: string[]) => path.relative(process.cwd(), path.join(dir, ...parts));
    expect(problems.map((p) => `${p.file}: ${p.reason}`)).toEqual([
      `${rel("search", "b.yaml")}: is in a subfolder, and only specs directly in the models folder are read: move it to ${rel("b.yaml")}`,
      `${rel("search", "old", "c.YML")}: is in a subfolder, and only specs directly in the models folder are read: move it to ${rel("c.YML")}`,
    ]);
  });

  test("a file given as the folder is called a file, not a missing folder", () => {
    const file = path.join(tempDir(), "spec.yaml");
    fs.writeFileSync(file, "name: x\n");
    expect(readModelSources(file).problems.map((p) => p.reason)).toEqual([
      "is a file, not a folder of model specs; pass --models <dir>, the folder that holds them",
    ]);
    expect(readModelSources(path.join(file, "nope")).problems[0].reason).toContain("models folder not found");
  });
});

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

describe("cost-diff", () => {
  const plan = path.join(ROOT, "test", "fixtures", "plans", "head-prod.json");
  /** A plan output folder with the prod fixture plan under `stackDir`/. */
  function headFolder(stackDir: string): string {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, stackDir));
    fs.copyFileSync(plan, path.join(dir, stackDir, "plan.json"));
    return dir;
  }
  const costDiff = (...args: string[]) => run("tools/cost-diff.ts", args);

  test("its usage line shows --base, which may be left out, as optional", () => {
    const usage = costDiff("--help").out.split("\n")[0];
    expect(usage).toContain("--head <dir> [--base <dir>]");
    expect(costDiff("--head", headFolder("prod"), "--stacks", "prod")).toMatchObject({ status: 0 });
  });

  test("renders the fixture plan, and refuses it under another stack's folder", () => {
    expect(costDiff("--head", headFolder("prod"), "--stacks", "prod")).toMatchObject({ status: 0 });
    const r = costDiff("--head", headFolder("staging"), "--stacks", "staging");
    expect(r.status).toBe(1);
    expect(r.out).toContain('stack: is "prod", but the file is under staging/');
  });

  test("a file for --head, a stack given twice or an empty one are errors, not an empty comment", () => {
    const file = costDiff("--head", plan);
    expect(file.status).toBe(1);
    expect(file.out).toContain(`--head ${plan}: is a file; give the plan output folder`);
    const twice = costDiff("--head", headFolder("prod"), "--stacks", "prod,prod");
    expect(twice).toMatchObject({ status: 1 });
    expect(twice.out).toContain("--stacks: prod given twice");
    const empty = costDiff("--head", headFolder("prod"), "--stacks", ",");
    expect(empty).toMatchObject({ status: 1 });
    expect(empty.out).toContain('--stacks: unknown stack "", ""; stacks: prod, staging');
  });

  test("one stack's folder for --head or --base names the folder above it", () => {
    const out = headFolder("prod");
    const stackFolder = path.join(out, "prod");
    const head = costDiff("--head", stackFolder, "--stacks", "prod");
    expect(head.status).toBe(1);
    expect(head.out).toContain(
      `--head ${stackFolder}: holds plan.json itself, so it is one stack's folder; give the folder above it (${out})`,
    );
    const base = costDiff("--head", out, "--base", stackFolder, "--stacks", "prod");
    expect(base.status).toBe(1);
    expect(base.out).toContain(`--base ${stackFolder}: holds plan.json itself`);
  });
});

describe("outputs never replace the command's inputs", () => {
  test("simulate refuses --json on its own traffic file or a spec, and leaves them as they were", () => {
    const dir = tempDir();
    const traffic = path.join(dir, "week.csv");
    const text = trafficToCsv(
      generateTraffic(fixtureSpecs(prodConfig()), prodConfig(), { seed: 7, days: 1 }),
    );
    fs.writeFileSync(traffic, text);
    const models = tempDir();
    fs.cpSync(FIXTURE_MODELS, models, { recursive: true });
    const spec = path.join(
      models,
      fs.readdirSync(models).find((f) => f.endsWith(".yaml"))!,
    );
    const specText = fs.readFileSync(spec, "utf8");
    const args = ["--stack", "prod", "--traffic", traffic, "--models", models, "--json"];
    const onInput = run("tools/simulate.ts", [...args, traffic]);
    expectRefused(onInput, `--json ${traffic}: is an input of this command`);
    // The stack and specs loaded: the CSV is not read a second time for problems of its own.
    expect(onInput.out).not.toContain("as well");
    expectRefused(
      run("tools/simulate.ts", [...args, spec]),
      `--json ${spec}: is a model spec in the models folder`,
    );
    expect(fs.readFileSync(traffic, "utf8")).toBe(text);
    expect(fs.readFileSync(spec, "utf8")).toBe(specText);
  });

  test("generate-traffic refuses a spec or a stack file for --out, with every other bad flag", () => {
    const stackFile = path.join(ROOT, "Pulumi.prod.yaml");
    const before = fs.readFileSync(stackFile, "utf8");
    expectRefused(
      run("tools/generate-traffic.ts", ["--out", "Pulumi.prod.yaml", "--noise", "0.5"]),
      "--out Pulumi.prod.yaml: is a Pulumi project or stack file",
      "--noise 0.5: expected a fraction from 0 to 0.2",
    );
    expect(fs.readFileSync(stackFile, "utf8")).toBe(before);
    const models = tempDir();
    fs.cpSync(FIXTURE_MODELS, models, { recursive: true });
    const spec = path.join(
      models,
      fs.readdirSync(models).find((f) => f.endsWith(".yaml"))!,
    );
    expectRefused(
      run("tools/generate-traffic.ts", ["--models", models, "--out", spec]),
      "is a model spec in the models folder",
    );
  });

  test("nor any file that is not what the flag writes, nor another project's stack file", () => {
    // Found by a bad-input review: --json onto the stack's traffic history or README.md, and
    // --project-root's own stack file, were replaced with exit 0.
    const project = tempDir();
    for (const f of ["Pulumi.yaml", "Pulumi.prod.yaml"])
      fs.copyFileSync(path.join(ROOT, f), path.join(project, f));
    const stackFile = path.join(project, "Pulumi.prod.yaml");
    const stackText = fs.readFileSync(stackFile, "utf8");
    const notes = path.join(project, "notes.md");
    fs.writeFileSync(notes, "# notes\n");
    const csv = path.join(project, "week.csv");
    const root = ["--project-root", project, "--models", path.join(ROOT, "models")];
    expectRefused(
      run("tools/generate-traffic.ts", [...root, "--out", stackFile]),
      `--out ${stackFile}: is a Pulumi project or stack file`,
    );
    expectRefused(
      run("tools/generate-traffic.ts", [...root, "--out", notes]),
      `--out ${notes}: exists and is not a traffic CSV (header timestamp,model,rps)`,
    );
    expect(run("tools/generate-traffic.ts", [...root, "--out", csv, "--days", "1"]).status).toBe(0);
    // An earlier output is replaced, as before.
    expect(
      run("tools/generate-traffic.ts", [...root, "--out", csv, "--days", "1", "--seed", "8"]).status,
    ).toBe(0);
    const sim = (json: string) =>
      run("tools/simulate.ts", [...root, "--stack", "prod", "--traffic", csv, "--json", json]);
    expectRefused(sim(stackFile), `--json ${stackFile}: is a Pulumi project or stack file`);
    expectRefused(sim(notes), `--json ${notes}: exists and is not a JSON file (an earlier --json output)`);
    const json = path.join(project, "result.json");
    expect(sim(json).status).toBe(0);
    expect(sim(json).status).toBe(0);
    expect(fs.readFileSync(stackFile, "utf8")).toBe(stackText);
    expect(fs.readFileSync(notes, "utf8")).toBe("# notes\n");
  });

  test("generate-traffic refuses rows past the year 9999, which no traffic file can hold", () => {
    const out = path.join(tempDir(), "far.csv");
    expectRefused(
      run("tools/generate-traffic.ts", ["--out", out, "--days", "2", "--start", "9999-12-31T00:00Z"]),
      "runs past the year 9999",
    );
    expect(fs.existsSync(out)).toBe(false);
  });
});

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
