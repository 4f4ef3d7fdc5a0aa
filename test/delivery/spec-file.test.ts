import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { specFilePath, writeSpecFile } from "../../components/delivery/spec-file";
import { ROOT } from "../helpers/program";
import { tempDirs } from "../helpers/temp-dir";

const tempDir = tempDirs("spec-file-");

describe("the spec file of a model", () => {
  test("is found as .yaml or .yml in any case, hidden files aside", () => {
    const dir = tempDir();
    for (const f of ["a.yml", "B.YAML", ".c.yaml"]) fs.writeFileSync(path.join(dir, f), "");
    expect(specFilePath(dir, "a")).toBe(path.join(dir, "a.yml"));
    expect(specFilePath(dir, "B")).toBe(path.join(dir, "B.YAML"));
    expect(specFilePath(dir, "c")).toBe(path.join(dir, "c.yaml"));
  });

  test("a rewritten spec passes the project's Prettier check, and nothing is left beside it", () => {
    const dir = fs.mkdtempSync(path.join(ROOT, "test", ".spec-file-"));
    try {
      const file = path.join(dir, "homepage-feed.yaml");
      fs.copyFileSync(path.join(ROOT, "models", "homepage-feed.yaml"), file);
      // In a process of its own: Prettier loads its parsers with dynamic imports, which Jest's VM refuses.
      const script = `const fs = require("fs");
        const { writeSpecFile } = require("./components/delivery/spec-file");
        const { promoteCanary } = require("./components/delivery/spec-writer");
        const file = ${JSON.stringify(file)};
        writeSpecFile(file, promoteCanary(fs.readFileSync(file, "utf8"), "staging", ["prod"]));`;
      const write = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
        cwd: ROOT,
        encoding: "utf8",
      });
      expect(write.stderr).toBe("");
      const check = spawnSync(
        process.execPath,
        [require.resolve("prettier/bin/prettier.cjs"), "--check", file],
        {
          cwd: ROOT,
          encoding: "utf8",
        },
      );
      expect(check.status).toBe(0);
      expect(fs.readdirSync(dir)).toEqual(["homepage-feed.yaml"]);
      const text = fs.readFileSync(file, "utf8");
      expect(text).toContain("# Homepage"); // the team's comments are kept
      expect(text).toContain("retrainOn: [drift, quality]"); // lines the edit did not touch stay as they were
      expect(text).toMatch(
        / {2}staging:\n {4}serving: \{.*modelUri: s3:\/\/<artifacts>\/homepage-feed\/v43 \}\n/,
      );
      expect(text).toContain("    canary: null\n");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("outside the repository: the project's Prettier settings, a symlink's target, the file's mode", () => {
    const dir = tempDir(); // in the system's temp folder: no Prettier config up the tree
    const real = path.join(dir, "real.yaml");
    const long = `  gpu: { pool: inference, share: 0.125 } # ${"x".repeat(50)}`; // 90 characters: fits 110, not 80
    fs.writeFileSync(real, `name: m\nserving:\n${long}\n  modelUri: s3://a/m/v1\n`);
    fs.chmodSync(real, 0o664);
    const link = path.join(dir, "m.yaml");
    fs.symlinkSync(real, link);
    const script = `require("./components/delivery/spec-file").writeSpecFile(${JSON.stringify(link)},
      require("fs").readFileSync(${JSON.stringify(link)}, "utf8").replace("v1", "v2"));`;
    const write = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(write.stderr).toBe("");
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real, "utf8")).toBe(`name: m\nserving:\n${long}\n  modelUri: s3://a/m/v2\n`);
    expect(fs.statSync(real).mode & 0o777).toBe(0o664);
  });

  test("a write that fails leaves the spec as it was", async () => {
    const dir = tempDir();
    const file = path.join(dir, "m.yaml");
    fs.writeFileSync(file, "name: m\n");
    // The file written beside the spec cannot be created: a folder holds its name.
    fs.mkdirSync(path.join(dir, `.m.yaml.${process.pid}.tmp`, "x"), { recursive: true });
    await expect(writeSpecFile(file, "name: changed\n")).rejects.toThrow();
    expect(fs.readFileSync(file, "utf8")).toBe("name: m\n");
  });
});
