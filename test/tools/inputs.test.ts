import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { InputError, loadModelSpecs, loadStackAndSpecs, loadStackConfig } from "../../tools/capacity/inputs";
import { httpUrlFlag, parseFlags, positiveIntFlag, prometheusUrlFlag } from "../../tools/capacity/cli-flags";
import { checkOutputFile, writeOutputFile } from "../../tools/capacity/output-file";
import { readModelSources } from "../../components/config/model-sources";
import { ROOT } from "../helpers/program";
import { tempDirs, withProjectFile } from "../helpers/temp-dir";

const tempDir = tempDirs("inputs-");

/** How a problem names the stack file of a project in `root`: its path from the working folder. */
const stackFileIn = (root: string, stack: string) =>
  path.relative(process.cwd(), path.join(root, `Pulumi.${stack}.yaml`));

/** The InputError message `fn` throws. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("parseFlags", () => {
  test("--flag value and --flag=value are the same; booleans take no value", () => {
    const flags = parseFlags(
      ["--stack=prod", "--traffic", "a.csv", "--dry-run"],
      ["stack", "traffic"],
      ["dry-run"],
    );
    expect([...flags]).toEqual([
      ["stack", "prod"],
      ["traffic", "a.csv"],
      ["dry-run", "true"],
    ]);
  });

  test("unknown flags and missing values name the flag", () => {
    expect(errorOf(() => parseFlags(["--stak", "prod"], ["stack"]))).toBe(
      "unknown argument --stak; allowed: --stack",
    );
    // A mistyped URL flag or a stray URL never prints its password.
    expect(errorOf(() => parseFlags(["--prometeus=http://admin:S3cret@prom:9090"], ["prometheus"]))).toBe(
      "unknown argument --prometeus=http://prom:9090/; allowed: --prometheus",
    );
    expect(errorOf(() => parseFlags(["http://admin:S3cret@prom:9090"], ["prometheus"]))).toBe(
      "unknown argument http://prom:9090/; allowed: --prometheus",
    );
    expect(errorOf(() => parseFlags(["admin:S3cret@prom"], ["prometheus"]))).not.toContain("S3cret");
    expect(errorOf(() => parseFlags(["--stack"], ["stack"]))).toBe("--stack needs a value");
    expect(errorOf(() => parseFlags(["--stack="], ["stack"]))).toBe("--stack needs a value");
    expect(errorOf(() => parseFlags(["--stack", "--json"], ["stack", "json"]))).toBe("--stack needs a value");
  });
});

describe("flag values", () => {
  test("--prometheus falls back to its variable, and a bad variable is named, not the flag", () => {
    const env = "MLOPS_TEST_PROMETHEUS_URL";
    const none = new Map<string, string>();
    try {
      delete process.env[env];
      expect(prometheusUrlFlag(none, env)).toBe("http://localhost:9090");
      process.env[env] = "http://prom:9090";
      expect(prometheusUrlFlag(none, env)).toBe("http://prom:9090");
      expect(prometheusUrlFlag(new Map([["prometheus", "http://other:9090"]]), env)).toBe(
        "http://other:9090",
      );
      process.env[env] = "";
      expect(errorOf(() => prometheusUrlFlag(none, env))).toContain(`$${env} is set but empty`);
      process.env[env] = "prom:9090";
      expect(errorOf(() => prometheusUrlFlag(none, env))).toBe(
        `$${env} (the default of --prometheus) prom:9090: not an http(s) URL (e.g. http://localhost:9090)`,
      );
    } finally {
      delete process.env[env];
    }
  });

  test("URLs must be http(s)", () => {
    expect(httpUrlFlag("http://localhost:9090", "prometheus")).toBe("http://localhost:9090");
    expect(errorOf(() => httpUrlFlag("not a url", "prometheus"))).toBe(
      "--prometheus not a url: not an http(s) URL (e.g. http://localhost:9090)",
    );
    expect(errorOf(() => httpUrlFlag("ftp://x", "prometheus"))).toContain("not an http(s) URL");
    // A bare % in the password: named, without the password, instead of "URI malformed" later.
    expect(errorOf(() => httpUrlFlag("http://admin:50%off@prom:9090", "prometheus"))).toBe(
      "--prometheus http://prom:9090/: the password holds a % that is not a %XX escape; write % as %25",
    );
    expect(httpUrlFlag("http://admin:50%25off@prom:9090", "prometheus")).toBe(
      "http://admin:50%25off@prom:9090",
    );
  });

  test("whole numbers within bounds", () => {
    expect(positiveIntFlag("7", "days", 366)).toBe(7);
    for (const bad of ["0", "-1", "abc", "1e9", "1.5", "367", ""])
      expect(errorOf(() => positiveIntFlag(bad, "days", 366))).toBe(
        `--days ${bad}: expected a whole number from 1 to 366`,
      );
  });
});

describe("output files", () => {
  test("written whole into new folders, replacing an older file", () => {
    const dir = tempDir();
    const file = path.join(dir, "a", "b", "out.json");
    writeOutputFile(file, "one\n", "json");
    writeOutputFile(file, "two\n", "json");
    expect(fs.readFileSync(file, "utf8")).toBe("two\n");
    expect(fs.readdirSync(path.dirname(file))).toEqual(["out.json"]);
  });

  test("a folder, or a path through a file, is refused before anything is written", () => {
    const dir = tempDir();
    expect(errorOf(() => checkOutputFile(dir, "json"))).toBe(`--json ${dir}: is a folder, not a file`);
    const file = path.join(dir, "afile");
    fs.writeFileSync(file, "keep\n");
    expect(errorOf(() => writeOutputFile(path.join(file, "x.json"), "{}", "json"))).toBe(
      `--json ${path.join(file, "x.json")}: ${file} is a file, so the folder cannot be created`,
    );
    expect(fs.readFileSync(file, "utf8")).toBe("keep\n");
  });

  test("through a symbolic link the file it points to is replaced, and the link kept", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "real.json"), "{}\n");
    fs.symlinkSync("real.json", path.join(dir, "link.json"));
    writeOutputFile(path.join(dir, "link.json"), "new\n", "json");
    expect(fs.lstatSync(path.join(dir, "link.json")).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, "real.json"), "utf8")).toBe("new\n");
    expect(fs.readdirSync(dir).sort()).toEqual(["link.json", "real.json"]);
  });

  test("through a dangling link the file it names is created (with its folders), and the link kept", () => {
    const dir = tempDir();
    fs.symlinkSync("out/new.csv", path.join(dir, "dangle.csv"));
    writeOutputFile(path.join(dir, "dangle.csv"), "new\n", "out");
    expect(fs.lstatSync(path.join(dir, "dangle.csv")).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, "out", "new.csv"), "utf8")).toBe("new\n");
  });

  test("a device is written in place: /dev/null takes the output and stays a device", () => {
    expect(checkOutputFile("/dev/null", "json")).toEqual({ target: "/dev/null", missing: [], inPlace: true });
    writeOutputFile("/dev/null", "x\n", "json");
    expect(fs.statSync("/dev/null").isCharacterDevice()).toBe(true);
  });

  test("a folder that takes no new file is refused before any work, naming the folder", () => {
    // /proc refuses new files even to root, whose permission checks always pass.
    expect(errorOf(() => checkOutputFile("/proc/out.json", "json"))).toMatch(
      /^--json \/proc\/out.json: cannot write in \/proc \(E[A-Z]+\)$/,
    );
  });
});

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

describe("stack files: YAML merge keys are read as the Pulumi CLI reads them", () => {
  test("an airflow database merged from mlflow's (<<: *db) is the same config", () => {
    const root = withProjectFile(tempDir());
    const prod = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
    const db =
      "{ instanceClass: db.r6g.large, allocatedStorageGiB: 100, backupRetentionDays: 14, multiAz: true }";
    expect(prod.split(db)).toHaveLength(3); // mlflow's and airflow's, the same block twice
    const [head, mlflow, airflow] = prod.split(db);
    fs.writeFileSync(
      path.join(root, "Pulumi.prod.yaml"),
      `${head}&db ${db}${mlflow}{ <<: *db, backupRetentionDays: 14 }${airflow}`,
    );
    expect(loadStackConfig("prod", root)).toEqual(loadStackConfig("prod", ROOT));
  });
});

describe("stack files: a recursive alias", () => {
  test("a value that is an alias of a value containing it is named, not a crash", () => {
    const root = withProjectFile(tempDir());
    const prod = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
    fs.writeFileSync(
      path.join(root, "Pulumi.prod.yaml"),
      prod.replace(/^config:\n/m, "config:\n  mlops-platform:loop: &loop { again: [*loop] }\n"),
    );
    expect(errorOf(() => loadStackConfig("prod", root))).toBe(
      `${stackFileIn(root, "prod")}: cannot read: config.mlops-platform:loop.again[0] is an alias of a value that contains it (a recursive anchor); write the value out instead`,
    );
  });
});

describe("stack files: YAML's .nan and .inf", () => {
  test("are named with their paths, not read as null", () => {
    const root = withProjectFile(tempDir());
    const prod = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
    const edited = prod.replace("maxGpus: 600", "maxGpus: .inf").replace("maxGpus: 8", "maxGpus: .nan");
    expect(edited).not.toBe(prod);
    fs.writeFileSync(path.join(root, "Pulumi.prod.yaml"), edited);
    const file = stackFileIn(root, "prod");
    expect(errorOf(() => loadStackConfig("prod", root))).toBe(
      [
        `${file}: mlops-platform:gpuPools[0].maxGpus = .inf: must be a finite number (config values pass to the program as JSON)`,
        `${file}: mlops-platform:gpuPools[1].maxGpus = .nan: must be a finite number (config values pass to the program as JSON)`,
      ].join("\n"),
    );
  });
});

describe("stack files: keys", () => {
  test("a key Pulumi.yaml declares without a default must be set, as the Pulumi CLI refuses the stack", () => {
    const root = withProjectFile(tempDir());
    const doc = YAML.parseDocument(fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8"));
    for (const key of ["cluster", "addons", "timeZone", "environment"])
      doc.deleteIn(["config", `mlops-platform:${key}`]);
    // The keys left unset do not hide the file's other problems.
    doc.setIn(["config", "mlops-platform:budget", "monthlyGpuCost"], -5);
    fs.writeFileSync(path.join(root, "Pulumi.prod.yaml"), doc.toString());
    const file = stackFileIn(root, "prod");
    // timeZone has a default in Pulumi.yaml: the CLI fills it in. The schema's own "required" for
    // environment is not repeated.
    expect(errorOf(() => loadStackConfig("prod", root))).toBe(
      [
        "4 configuration problems:",
        `  - ${file}: mlops-platform:environment: not set, and Pulumi.yaml declares it without a default, so the Pulumi CLI refuses the stack; set it`,
        `  - ${file}: mlops-platform:cluster: not set, and Pulumi.yaml declares it without a default, so the Pulumi CLI refuses the stack; set it (cluster: {} takes every default)`,
        `  - ${file}: mlops-platform:addons: not set, and Pulumi.yaml declares it without a default, so the Pulumi CLI refuses the stack; set it (addons: {} takes every default)`,
        `  - ${file}: mlops-platform:budget.monthlyGpuCost = -5: must be > 0`,
      ].join("\n"),
    );
    doc.setIn(["config", "mlops-platform:cluster"], {});
    doc.setIn(["config", "mlops-platform:addons"], {});
    doc.setIn(["config", "mlops-platform:environment"], "prod");
    doc.setIn(["config", "mlops-platform:budget", "monthlyGpuCost"], 400000);
    fs.writeFileSync(path.join(root, "Pulumi.prod.yaml"), doc.toString());
    expect(() => loadStackConfig("prod", root)).not.toThrow();
  });

  test("the project file must be there, readable and name the config's namespace, as the Pulumi CLI needs", () => {
    // Found by a bad-input review: a folder without Pulumi.yaml, or with a broken one, was planned.
    const root = tempDir();
    fs.copyFileSync(path.join(ROOT, "Pulumi.prod.yaml"), path.join(root, "Pulumi.prod.yaml"));
    const project = path.relative(process.cwd(), path.join(root, "Pulumi.yaml"));
    expect(errorOf(() => loadStackConfig("prod", root))).toBe(
      `${project} not found: the Pulumi CLI runs no stack without its project file; copy the repository's Pulumi.yaml into ${path.dirname(project)}`,
    );
    const original = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    fs.writeFileSync(path.join(root, "Pulumi.yaml"), original.replace("name: mlops-platform", "name: mlops"));
    expect(errorOf(() => loadStackConfig("prod", root))).toBe(
      `${project}: name = "mlops": must be mlops-platform, the namespace of the stack files' keys and of the program's config`,
    );
    fs.writeFileSync(path.join(root, "Pulumi.yaml"), original.replace("runtime:", "runtime: [\n"));
    expect(errorOf(() => loadStackConfig("prod", root))).toMatch(
      new RegExp(`^${project}: YAML syntax error`),
    );
    fs.writeFileSync(path.join(root, "Pulumi.yaml"), original.replace(/^runtime:/m, "runtim:"));
    expect(errorOf(() => loadStackConfig("prod", root))).toBe(
      `${project}: runtime: not set; the Pulumi CLI needs it (runtime: nodejs, as the repository's)`,
    );
    // `runtime:` with its block left out (found by a review: null passed as set).
    fs.writeFileSync(
      path.join(root, "Pulumi.yaml"),
      original.replace(/^runtime:\n(?: {2}.*\n)+/m, "runtime:\n"),
    );
    expect(errorOf(() => loadStackConfig("prod", root))).toBe(
      `${project}: runtime: not set; the Pulumi CLI needs it (runtime: nodejs, as the repository's)`,
    );
  });

  test("a stack file that is a folder is named as one, not a crash", () => {
    const root = withProjectFile(tempDir());
    fs.mkdirSync(path.join(root, "Pulumi.prod.yaml"));
    expect(errorOf(() => loadStackConfig("prod", root))).toBe(
      `${stackFileIn(root, "prod")}: is a folder, not a stack file`,
    );
  });

  test("a misspelt top-level config: is named, with the keys a stack file has", () => {
    const root = withProjectFile(tempDir());
    const prod = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
    fs.writeFileSync(path.join(root, "Pulumi.prod.yaml"), prod.replace(/^config:/m, "configs:"));
    expect(errorOf(() => loadStackConfig("prod", root))).toBe(
      `${stackFileIn(root, "prod")}: configs: not a stack file key (did you mean config?); allowed: config, environment, secretsprovider, encryptedkey, encryptionsalt`,
    );
  });
});
