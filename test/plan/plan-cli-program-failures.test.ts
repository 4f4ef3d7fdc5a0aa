/** `npm run plan` failures of the program and the models folder: each named in one line, and --help. */
import * as fs from "fs";
import * as path from "path";
import { FIXTURE_MODELS, plan, PREVIOUS_PLAN, previousOutput, TMP } from "../helpers/plan-cli";

describe("plan failures", () => {
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
