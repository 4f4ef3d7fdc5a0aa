/** The tools' model folders and loads: folders named *.yaml, specs saved as JSON, and the stack's and specs' problems in one message. */
import * as fs from "fs";
import * as path from "path";
import { loadModelSpecs, loadStackAndSpecs, loadStackConfig } from "../../tools/capacity/inputs";
import { readModelSources } from "../../components/config/model-sources";
import { ROOT } from "../helpers/program";
import { tempDirs, withProjectFile } from "../helpers/temp-dir";
import { errorOf, stackFileIn } from "../helpers/input-errors";

const tempDir = tempDirs("inputs-");

describe("model folders", () => {
  test("a folder or a dangling link named *.yaml is a problem naming it, not a crash", () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "foo.yaml"));
    fs.symlinkSync(path.join(dir, "missing", "x.yaml"), path.join(dir, "new-model.yaml"));
    const { sources, problems } = readModelSources(dir);
    expect(sources).toEqual([]);
    expect(problems.map((p) => `${path.basename(p.file)}: ${p.reason}`)).toEqual([
      "foo.yaml: not a readable model spec: is a folder",
      "new-model.yaml: not a readable model spec: is a broken link",
    ]);
  });
});

describe("model folders: a spec saved as JSON", () => {
  test("is named instead of skipped; other JSON files are left alone", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "ads-ctr.json"), JSON.stringify({ name: "ads-ctr", serving: {} }));
    fs.writeFileSync(path.join(dir, "schema.json"), JSON.stringify({ $schema: "x", type: "object" }));
    fs.writeFileSync(path.join(dir, "broken.json"), "{");
    const { problems } = readModelSources(dir);
    expect(problems.map((p) => `${path.basename(p.file)}: ${p.reason}`)).toEqual([
      "ads-ctr.json: looks like a model spec but is not read: specs are .yaml or .yml files; rename it ads-ctr.yaml (JSON is valid YAML)",
    ]);
  });
});

describe("loadModelSpecs (simulate, generate-traffic, promote)", () => {
  test("a file that cannot be read does not hide the problems of the others", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "zz-broken.yaml"), "team: [a\n");
    const search = fs.readFileSync(path.join(ROOT, "models", "search-ranking.yaml"), "utf8");
    fs.writeFileSync(
      path.join(dir, "search-ranking.yaml"),
      search.replace("pool: inference", "pool: inferense"),
    );
    const message = errorOf(() => loadModelSpecs(dir, "prod", loadStackConfig("prod", ROOT)));
    expect(message).toMatch(/^2 configuration problems:/);
    expect(message).toContain("zz-broken.yaml: YAML syntax error");
    expect(message).toContain('search-ranking.yaml: serving.gpu.pool = "inferense"');
  });
});

describe("loadStackAndSpecs: a rejected stack file does not hide the specs' problems", () => {
  /** A project root with prod's stack file edited, and a models folder with search-ranking edited. */
  function project(editStack: (y: string) => string, editSpec: (y: string) => string) {
    const root = withProjectFile(tempDir());
    const stack = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
    fs.writeFileSync(path.join(root, "Pulumi.prod.yaml"), editStack(stack));
    const models = path.join(root, "models");
    fs.mkdirSync(models);
    const search = fs.readFileSync(path.join(ROOT, "models", "search-ranking.yaml"), "utf8");
    fs.writeFileSync(path.join(models, "search-ranking.yaml"), editSpec(search));
    return { root, models };
  }
  const same = (y: string) => y;

  test("the stack's and the specs' problems come in one message", () => {
    const { root, models } = project(
      (y) => y.replace(/monthlyGpuCost: \d+/, "monthlyGpuCost: -5"),
      (y) => y.replace("pool: inference", "pool: inferense").replace("team: search", "team: serch"),
    );
    const message = errorOf(() => loadStackAndSpecs("prod", models, root));
    expect(message).toMatch(/^3 configuration problems:/);
    expect(message).toContain("Pulumi.prod.yaml: mlops-platform:budget.monthlyGpuCost = -5");
    expect(message).toContain('search-ranking.yaml: serving.gpu.pool = "inferense": unknown GPU pool');
    expect(message).toContain('search-ranking.yaml: team = "serch": has no receiver');
  });

  test("a stack-wide problem beyond the schema does not hide them either", () => {
    const { root, models } = project(
      (y) => y.replace("vpcCidr: 10.40.0.0/16", "vpcCidr: 10.40.0.0/26"),
      (y) => y.replace("pool: inference", "pool: inferense"),
    );
    const message = errorOf(() => loadStackAndSpecs("prod", models, root));
    expect(message).toMatch(/^2 configuration problems:/);
    expect(message).toContain("mlops-platform:cluster.vpcCidr");
    expect(message).toContain('serving.gpu.pool = "inferense"');
  });

  test("checks needing a broken part of the stack are skipped, not guessed", () => {
    // The pools do not parse: whether the spec's pool exists is unknown, so nothing is said of it,
    // but the spec's own problems still are.
    const { root, models } = project(
      (y) => y.replace("provisioningSeconds: 150", "provisioningSeconds: soon"),
      (y) =>
        y.replace("pool: inference", "pool: inferense").replace("min: 2, max: 800", "min: 900, max: 800"),
    );
    const message = errorOf(() => loadStackAndSpecs("prod", models, root));
    expect(message).toMatch(/^2 configuration problems:/);
    expect(message).toContain("mlops-platform:gpuPools[0].provisioningSeconds");
    expect(message).toContain(
      "search-ranking.yaml: serving.replicas.min = 900: must be <= replicas.max (800)",
    );
    expect(message).not.toContain("inferense");
  });

  test("a pool with a problem of its own is named once, not once per model on it", () => {
    // A MIG profile on the L4/T4 pool: every model's share would also fail the profile's slices.
    const { root, models } = project(
      (y) =>
        y.replace("sharing: { mode: time-slicing, replicas: 8 }", "sharing: { mode: mig, profile: 1g.10gb }"),
      (y) => y.replace("min: 2, max: 800", "min: 900, max: 800"),
    );
    const message = errorOf(() => loadStackAndSpecs("prod", models, root));
    expect(message).toContain("mlops-platform:gpuPools[0].sharing.profile");
    expect(message).toContain("search-ranking.yaml: serving.replicas.min = 900");
    expect(message).not.toContain("serving.gpu.share");
    expect(message).not.toContain("unknown GPU pool");
  });

  test("a pool renamed to a duplicate is the one problem, not every spec's pool as unknown", () => {
    // Found by a bad-input review: 12 lines of "unknown GPU pool" for the training pool's models.
    const { root, models } = project(
      (y) => y.replace("- name: training", "- name: inference"),
      (y) => y,
    );
    const message = errorOf(() => loadStackAndSpecs("prod", models, root));
    expect(message).toContain('mlops-platform:gpuPools[1].name = "inference": duplicate pool name');
    expect(message).not.toContain("unknown GPU pool");
  });

  test("without a stack file (a typo in --stack) the specs still get their own checks", () => {
    const { root, models } = project(same, (y) => y.replace("min: 2, max: 800", "min: 900, max: 800"));
    const message = errorOf(() => loadStackAndSpecs("prdo", models, root));
    // The file is named by its path: it is the given folder's, not the repository's.
    expect(message.split("\n")[0]).toBe(
      `unknown stack "prdo": ${stackFileIn(root, "prdo")} not found; stacks here: prod`,
    );
    expect(message).toContain(
      "search-ranking.yaml: serving.replicas.min = 900: must be <= replicas.max (800)",
    );
    expect(errorOf(() => loadStackAndSpecs("prdo", path.join(root, "none"), root))).toContain(
      "models folder not found",
    );
  });

  test("a canaryTraffic key of no model is refused, as pulumi up would refuse it", () => {
    const { root, models } = project(
      (y) => `${y}  mlops-platform:canaryTraffic: '{"nosuch":10,"search-ranking":25}'\n`,
      same,
    );
    expect(errorOf(() => loadStackAndSpecs("prod", models, root))).toBe(
      [
        "1 configuration problem:",
        `  - ${stackFileIn(root, "prod")}: mlops-platform:canaryTraffic.nosuch: no model of that name; remove the key (it is written by npm run promote)`,
      ].join("\n"),
    );
  });

  test("a good stack and good specs load as loadStackConfig and loadModelSpecs do", () => {
    const { root, models } = project(same, same);
    const { config, specs } = loadStackAndSpecs("prod", models, root);
    expect(config).toEqual(loadStackConfig("prod", ROOT));
    expect(specs.map((s) => s.name)).toEqual(["search-ranking"]);
  });
});
