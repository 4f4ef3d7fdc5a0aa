/**
 * Runs `tools/plan.ts` as a child process, as `npm run plan` does: the schema validation loads
 * ESM-only packages, which jest's CommonJS mode cannot import, so it is tested through the CLI.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURE_MODELS = path.join(__dirname, "fixtures", "models");
const FIXTURE_PROGRAM = path.join(__dirname, "fixtures", "program.ts");
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cli-"));

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function plan(args: string[], env: Record<string, string> = {}): Result {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.MLOPS_MODELS_DIR;
  delete childEnv.MLOPS_PROJECT_ROOT;
  const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "tools/plan.ts", ...args], {
    cwd: ROOT,
    env: childEnv,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** The plan.json of an earlier plan: a plan's head (stack, resources), marked to be recognised. */
const PREVIOUS_PLAN = '{"stack":"staging","resources":{"count":0,"byType":{}},"previous":true}';

/** An output folder from an earlier plan, to prove failed plans leave it alone. */
function previousOutput(name: string): string {
  const dir = path.join(TMP, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "plan.json"), PREVIOUS_PLAN);
  return dir;
}

afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

const hasTool = (tool: string) => spawnSync("which", [tool]).status === 0;

describe.each(["staging", "prod"])("plan of the real program on %s", (stack) => {
  const out = path.join(TMP, `real-${stack}`);
  let result: Result;
  beforeAll(() => {
    result = plan(["--stack", stack, "--out", out]);
  }, 120_000);

  it("exits 0 and prints the summary", () => {
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Plan for stack ${stack}`);
    expect(result.stderr).toMatch(/\[1\/6\] evaluating program done in \d+\.\d\ds/);
    // The crons' zone beside them: the cron text alone does not say it.
    expect(result.stdout).toContain("training schedule (Asia/Shanghai)");
  });

  it("writes plan.json with the contract's sections", () => {
    const doc = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    expect(doc.stack).toBe(stack);
    expect(Object.keys(doc)).toEqual(
      expect.arrayContaining(["resources", "models", "capacity", "policy", "schemaValidation"]),
    );
    expect(doc.capacity.currency).toBe("CNY");
    expect(Array.isArray(doc.policy.violations)).toBe(true);
    expect(fs.existsSync(path.join(out, "policy-report.md"))).toBe(true);
    // The summary's notices are kept for the pull-request comment, word for word.
    expect(doc.notices.length).toBeGreaterThan(0);
    for (const notice of doc.notices) expect(result.stdout).toContain(notice);
  });
});

describe("plan of a program declaring platform objects", () => {
  const out = path.join(TMP, "fixture-prod");
  let result: Result;
  let doc: Record<string, any>;
  beforeAll(() => {
    result = plan([
      "--stack",
      "prod",
      "--models",
      FIXTURE_MODELS,
      "--program",
      FIXTURE_PROGRAM,
      "--out",
      out,
    ]);
    doc = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
  }, 120_000);

  it("exits 2 on the fixture's mandatory policy violations (no PDBs, NetworkPolicies, ...) and still writes the report", () => {
    expect(result.stderr).not.toMatch(/internal error/);
    if (!doc.policy.evaluated) {
      // Before policies/evaluate.ts exists the step is skipped and says so.
      expect(result.stdout).toContain("Policies: SKIPPED");
      expect(result.status).toBe(0);
      return;
    }
    expect(doc.policy.mandatory).toBeGreaterThan(0);
    expect(doc.policy.violations[0]).toEqual({
      policy: expect.any(String),
      resource: expect.any(String),
      message: expect.any(String),
      enforcement: expect.stringMatching(/^(mandatory|advisory)$/),
    });
    expect(result.status).toBe(2);
    expect(fs.readFileSync(path.join(out, "policy-report.md"), "utf8")).toContain(
      `${doc.policy.mandatory} mandatory`,
    );
  });

  it("writes one manifest per declared Kubernetes object and Helm release", () => {
    const declared = Object.entries(doc.resources.byType as Record<string, number>)
      .filter(([type]) => type.startsWith("kubernetes:"))
      .reduce((sum, [, n]) => sum + n, 0);
    expect(declared).toBe(26);
    expect(filesUnder(path.join(out, "manifests"))).toHaveLength(declared);
  });

  it("gives every rendered object apiVersion, kind and metadata.name", () => {
    for (const file of filesUnder(path.join(out, "manifests"))) {
      const obj = YAML.parse(fs.readFileSync(path.join(out, "manifests", file), "utf8"));
      expect({
        file,
        apiVersion: typeof obj.apiVersion,
        kind: typeof obj.kind,
        name: typeof obj.metadata?.name,
      }).toEqual({
        file,
        apiVersion: "string",
        kind: "string",
        name: "string",
      });
    }
  });

  it("places objects by namespace, kind and name", () => {
    const files = filesUnder(path.join(out, "manifests"));
    expect(files).toContain("_cluster/NodePool/inference.yaml");
    expect(files).toContain("model-homepage-feed/ScaledObject/homepage-feed.yaml");
    expect(files).toContain("monitoring/HelmRelease/kube-prometheus-stack.yaml");
  });

  it("validates objects against maintained schemas and lists the kinds without one", () => {
    expect(doc.schemaValidation.validated).toBe(22);
    expect(doc.schemaValidation.byKind).toMatchObject({
      "apps/v1/Deployment": 3,
      "keda.sh/v1alpha1/ScaledObject": 3,
      "karpenter.sh/v1/NodePool": 1,
      "monitoring.coreos.com/v1/PrometheusRule": 3,
    });
    expect(doc.schemaValidation.notCovered).toEqual([
      { apiVersion: "helm.sh/v3", kind: "HelmRelease", count: 1 },
      { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", count: 3 },
    ]);
  });

  it("never writes a secret value", () => {
    for (const file of filesUnder(out))
      expect(fs.readFileSync(path.join(out, file), "utf8")).not.toContain("fixture-password-do-not-print");
    expect(result.stdout + result.stderr).not.toContain("fixture-password-do-not-print");
  });

  it("lists each model with its pool, share, replicas, canary, schedule and rendered alerts", () => {
    expect(doc.models.find((m: { name: string }) => m.name === "homepage-feed")).toMatchObject({
      team: "homepage",
      pool: "inference",
      share: 0.25,
      replicas: { min: 2, max: 12 },
      canaryPercent: 10,
      schedule: "0 3 * * *",
      alerts: ["ModelErrorBudgetBurn", "ModelLatencyHigh"],
    });
  });

  it("writes rule files promtool accepts", () => {
    if (!hasTool("promtool") && process.env.CI !== "true") return;
    const rules = filesUnder(path.join(out, "prometheus", "rules")).map((f) =>
      path.join(out, "prometheus", "rules", f),
    );
    expect(rules).toHaveLength(3);
    const r = spawnSync("promtool", ["check", "rules", ...rules], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it("extracts the Alertmanager config amtool accepts", () => {
    if (!hasTool("amtool") && process.env.CI !== "true") return;
    const r = spawnSync("amtool", ["check-config", path.join(out, "alertmanager.yaml")], {
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
  });

  it("writes each dashboard as JSON", () => {
    expect(filesUnder(path.join(out, "dashboards"))).toEqual([
      "homepage-feed.json",
      "search-ranking.json",
      "similar-items.json",
    ]);
  });
});

describe("plan failures", () => {
  it("exits 1 on an object the schema rejects, naming the manifest and path, and keeps the old output", () => {
    const out = previousOutput("invalid-object");
    const r = plan(
      ["--stack", "prod", "--models", FIXTURE_MODELS, "--program", FIXTURE_PROGRAM, "--out", out],
      {
        PLAN_FIXTURE_INVALID: "1",
      },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "manifests/model-homepage-feed/Deployment/homepage-feed-transformer.yaml: /spec/template/spec/containers/0/ports/0/containerPort: must be integer",
    );
    expect(filesUnder(out)).toEqual(["plan.json"]);
  }, 120_000);

  it("exits 1 on a broken model spec with the validation message only and keeps the old output", () => {
    const models = fs.mkdtempSync(path.join(TMP, "models-"));
    for (const f of fs.readdirSync(FIXTURE_MODELS))
      fs.copyFileSync(path.join(FIXTURE_MODELS, f), path.join(models, f));
    const file = path.join(models, "homepage-feed.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("share: 0.25", "share: 0.3"));
    const out = previousOutput("bad-spec");
    const r = plan(["--stack", "staging", "--models", models, "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /homepage-feed\.yaml: serving\.gpu\.share = 0\.3: pool inference time-slices each GPU 8 ways/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.readFileSync(path.join(out, "plan.json"), "utf8")).toBe(PREVIOUS_PLAN);
  }, 120_000);

  /** A project root holding one stack file: staging's, edited. */
  function stackRoot(name: string, edit: (yaml: string) => string): string {
    const root = fs.mkdtempSync(path.join(TMP, `${name}-`));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    const staging = fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.staging.yaml"), "utf8");
    fs.writeFileSync(path.join(root, "Pulumi.staging.yaml"), edit(staging));
    return root;
  }

  it("reads trafficHistory against --project-root, in the program as in the capacity step", () => {
    const root = stackRoot("history", (y) => `${y}  mlops-platform:trafficHistory: hist.csv\n`);
    fs.copyFileSync(path.join(ROOT, "models", "traffic", "sample-week.csv"), path.join(root, "hist.csv"));
    const out = fs.mkdtempSync(path.join(TMP, "history-out-"));
    const models = path.join(ROOT, "models");
    const r = plan(["--stack", "staging", "--project-root", root, "--models", models, "--out", out]);
    expect(r.stderr).not.toContain("not found");
    expect(r.status).toBe(0);
  }, 120_000);

  it("refuses a key whose namespace is misspelt (it would silently not apply)", () => {
    const root = stackRoot("namespace", (y) => `${y}  mlops-platfrom:events: []\n`);
    const r = plan(["--stack", "staging", "--project-root", root, "--models", FIXTURE_MODELS]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "Pulumi.staging.yaml: mlops-platfrom:events: namespace is not mlops-platform, so nothing reads this key",
    );
  }, 120_000);

  it("a rejected stack file does not hide the model specs' or the traffic history's problems", () => {
    const root = stackRoot(
      "stack-and-specs",
      (y) =>
        `${y.replace("monthlyGpuCost: 40000", "monthlyGpuCost: -5")}  mlops-platform:trafficHistory: traffic/none.csv\n`,
    );
    const models = fs.mkdtempSync(path.join(TMP, "models-"));
    for (const f of fs.readdirSync(FIXTURE_MODELS))
      fs.copyFileSync(path.join(FIXTURE_MODELS, f), path.join(models, f));
    const file = path.join(models, "homepage-feed.yaml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("share: 0.25", "share: 0.3"));
    const r = plan(["--stack", "staging", "--project-root", root, "--models", models]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("3 configuration problems:");
    expect(r.stderr).toContain("Pulumi.staging.yaml: mlops-platform:budget.monthlyGpuCost = -5");
    expect(r.stderr).toMatch(/homepage-feed\.yaml: serving\.gpu\.share = 0\.3: pool inference time-slices/);
    // The traffic file's own list is nested under the key that names it.
    expect(r.stderr).toMatch(/mlops-platform:trafficHistory: .*traffic\/none\.csv:\n {6}- .*not found/);
  }, 120_000);

  it("a required key left unset does not hide the stack file's other problems", () => {
    const root = stackRoot("unset-key", (y) =>
      y
        .replace(/^ {2}mlops-platform:environment: staging\n/m, "")
        .replace("monthlyGpuCost: 40000", "monthlyGpuCost: -5"),
    );
    const out = previousOutput("unset-key");
    const r = plan(["--stack", "staging", "--project-root", root, "--models", FIXTURE_MODELS, "--out", out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("2 configuration problems:");
    expect(r.stderr).toContain(
      "Pulumi.staging.yaml: mlops-platform:environment: not set, and Pulumi.yaml declares it without a default, so the Pulumi CLI refuses the stack; set it\n",
    );
    expect(r.stderr).toContain("Pulumi.staging.yaml: mlops-platform:budget.monthlyGpuCost = -5");
    expect(fs.readFileSync(path.join(out, "plan.json"), "utf8")).toBe(PREVIOUS_PLAN);
  }, 120_000);

  it("lists every YAML problem of the stack file at once, in its own words", () => {
    const root = stackRoot(
      "yaml",
      (y) =>
        `${y.replace("monthlyGpuCost: 40000", "monthlyGpuCost: 40000\n    monthlyGpuCost: 5")}---\nx: 1\n`,
    );
    const r = plan(["--stack", "staging", "--project-root", root, "--models", FIXTURE_MODELS]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Pulumi.staging.yaml: 2 YAML problems:");
    expect(r.stderr).toContain("Map keys must be unique");
    expect(r.stderr).toContain("holds more than one YAML document (---)");
  }, 120_000);

  it("a slip that derails the parser is one line, not the dozen errors after it", () => {
    const root = stackRoot("tab", (y) => y.replace(/^ {6}minSize: 2$/m, "\tminSize: 2"));
    const r = plan(["--stack", "staging", "--project-root", root, "--models", FIXTURE_MODELS]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /Pulumi\.staging\.yaml: YAML syntax error: Tabs are not allowed as indentation at line \d+, column 1 \(and \d+ later parser errors, which usually follow from this one: fix it and run again\)\n/,
    );
    expect(r.stderr.split("\n").filter((l) => l.includes("YAML"))).toHaveLength(1);
  }, 120_000);

  it("more zones than the region has is one line naming the key, not a stack trace", () => {
    const root = stackRoot("zones", (y) => y.replace("availabilityZones: 2", "availabilityZones: 4"));
    const r = plan(["--stack", "staging", "--project-root", root, "--models", FIXTURE_MODELS]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      "plan: Pulumi.staging.yaml: mlops-platform:cluster.availabilityZones is 4, but the region has only 3",
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it("exits 1 on an unknown stack and names the stacks that exist", () => {
    const r = plan(["--stack", "nope"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(
      'unknown stack "nope": Pulumi.nope.yaml not found; stacks here: prod, staging',
    );
  }, 120_000);

  it("lists the specs' own problems beside a stack file the Pulumi CLI would refuse", () => {
    const root = stackRoot("no-budget", (y) => y.replace(/ {2}mlops-platform:budget:\n.*\n/, ""));
    fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
    const models = fs.mkdtempSync(path.join(TMP, "no-budget-models-"));
    fs.writeFileSync(path.join(models, "broken.yaml"), "name: broken\n\tteam: x\n");
    const r = plan(["--stack", "staging", "--project-root", root, "--models", models]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("mlops-platform:budget: not set");
    expect(r.stderr).toContain("broken.yaml: YAML syntax error");
  }, 120_000);

  it("exits 1 when the models folder does not exist", () => {
    const r = plan(["--stack", "staging", "--models", path.join(TMP, "missing")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("models folder not found");
  }, 120_000);

  it("exits 1 with one line, no stack trace, when --program names no module", () => {
    const r = plan(["--stack", "staging", "--program", path.join(TMP, "missing-program.ts")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("missing-program.ts: no such module");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it.each([
    ["a file that is not a program", "README.md", "SyntaxError: Invalid or unexpected token (README.md:1)"],
    ["a TypeScript syntax error", "syntax-error.ts", "TSError: ⨯ Unable to compile TypeScript: "],
  ])(
    "exits 1 with one line, no stack trace, when --program is %s",
    (_, name, expected) => {
      const file = name === "README.md" ? name : path.join(TMP, name);
      if (file !== name) fs.writeFileSync(file, "export const x = ;\n");
      const out = previousOutput(`program-${name}`);
      const r = plan(["--stack", "staging", "--models", FIXTURE_MODELS, "--program", file, "--out", out]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        `plan: --program ${file}: cannot be loaded as a Pulumi program: ${expected}`,
      );
      expect(r.stderr).not.toMatch(/\n\s+at |internal error/);
      expect(fs.readFileSync(path.join(out, "plan.json"), "utf8")).toBe(PREVIOUS_PLAN);
    },
    120_000,
  );

  it("takes a --program's exports as its outputs when it exports no function, as the Pulumi CLI does", () => {
    const file = path.join(TMP, "exports-only.ts");
    fs.writeFileSync(file, "export const answer = 42;\n");
    const out = fs.mkdtempSync(path.join(TMP, "exports-only-out-"));
    const r = plan(["--stack", "staging", "--models", FIXTURE_MODELS, "--program", file, "--out", out]);
    expect(r.stderr).not.toContain("internal error");
    // Planned and written: 2 is the fixture models' mandatory finding (more GPUs than staging's pool).
    expect(r.status).toBe(2);
    expect(JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")).resources.count).toBe(0);
  }, 120_000);

  it("says so when the models folder holds no spec, and plans the platform alone", () => {
    const models = fs.mkdtempSync(path.join(TMP, "no-models-"));
    const out = path.join(TMP, "no-models-out");
    const r = plan(["--stack", "staging", "--models", models, "--out", out]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`no model specs (*.yaml) in ${models}: planning the platform only`);
    expect(JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")).models).toEqual([]);
  }, 120_000);

  it("prints usage on --help", () => {
    const r = plan(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: npm run plan -- --stack <name> [--models <dir>] [--out <dir>]");
  }, 120_000);
});
