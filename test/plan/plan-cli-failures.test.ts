/** `npm run plan` failures of the inputs: a rejected object, a broken spec and stack-file problems, each named in one run, an earlier plan's output left alone. */
import * as fs from "fs";
import * as path from "path";
import {
  filesUnder,
  FIXTURE_MODELS,
  FIXTURE_PROGRAM,
  plan,
  PREVIOUS_PLAN,
  previousOutput,
  stackRoot,
  TMP,
} from "../helpers/plan-cli";
import { ROOT } from "../helpers/program";

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
      "Pulumi.staging.yaml: mlops-platform:environment: not set, and Pulumi.yaml declares it without a default, so the Pulumi CLI refuses the stack; set it: one of dev, staging, prod\n",
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
    const models = fs.mkdtempSync(path.join(TMP, "no-budget-models-"));
    fs.writeFileSync(path.join(models, "broken.yaml"), "name: broken\n\tteam: x\n");
    const r = plan(["--stack", "staging", "--project-root", root, "--models", models]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("mlops-platform:budget: not set");
    expect(r.stderr).toContain("broken.yaml: YAML syntax error");
  }, 120_000);
});
