import * as fs from "fs";
import * as path from "path";
import { ArgsError, parsePlanArgs, USAGE } from "../../tools/plan/args";

describe("parsePlanArgs", () => {
  it("reads --stack, --models and --out", () => {
    expect(parsePlanArgs(["--stack", "prod", "--models", "m", "--out=o"])).toEqual({
      help: false,
      stack: "prod",
      modelsDir: "m",
      outDir: "o",
    });
  });

  it("accepts --help without a stack", () => {
    expect(parsePlanArgs(["--help"]).help).toBe(true);
  });

  it("requires --stack", () => {
    expect(() => parsePlanArgs(["--models", "m"])).toThrow(new ArgsError("--stack <name> is required"));
  });

  it("rejects a flag without its value", () => {
    expect(() => parsePlanArgs(["--stack", "--out", "o"])).toThrow("--stack needs a value");
  });

  it("rejects unknown arguments", () => {
    expect(() => parsePlanArgs(["--stack", "prod", "--bogus"])).toThrow('unknown argument "--bogus"');
  });

  it("shows the command line README's plan section gives, and lists every flag it accepts", () => {
    // --program (tests, experiments) is left out of the line, as README leaves it out; it is an option.
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
    const line = /^`(npm run plan -- [^`]*)` evaluates/m.exec(readme)?.[1];
    expect(USAGE.split("\n")[0]).toBe(`Usage: ${line}`);
    const options = USAGE.slice(USAGE.indexOf("Options:"));
    for (const flag of ["--stack", "--models", "--out", "--program", "--project-root"]) {
      expect(options).toContain(`${flag} <`);
      expect(() => parsePlanArgs(["--stack", "prod", flag, "x"])).not.toThrow("unknown argument");
    }
    expect(options).toContain("-h, --help");
  });

  it("says that exit 2 writes the plan too and that a refused --out exits 1", () => {
    expect(USAGE).not.toContain("replaced only when the plan succeeds");
    expect(USAGE).toContain("(exit 0 or 2)");
    expect(USAGE).toContain("a refused --out");
  });
});
