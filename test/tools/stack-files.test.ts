/** The tools' stack files read as the Pulumi CLI reads them: merge keys, aliases, .nan and .inf, required keys and the project file. */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { loadStackConfig } from "../../tools/capacity/inputs";
import { ROOT } from "../helpers/program";
import { tempDirs, withProjectFile } from "../helpers/temp-dir";
import { errorOf, stackFileIn } from "../helpers/input-errors";

const tempDir = tempDirs("inputs-");

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
    // environment is folded into its line, not repeated.
    expect(errorOf(() => loadStackConfig("prod", root))).toBe(
      [
        "4 configuration problems:",
        `  - ${file}: mlops-platform:environment: not set, and Pulumi.yaml declares it without a default, so the Pulumi CLI refuses the stack; set it: one of dev, staging, prod`,
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
