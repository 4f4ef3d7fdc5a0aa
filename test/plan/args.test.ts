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

  it("documents every flag it accepts in its usage line", () => {
    const usage = USAGE.split("\n")[0];
    for (const flag of ["--stack", "--models", "--out", "--project-root"]) expect(usage).toContain(flag);
  });

  it("says that exit 2 writes the plan too and that a refused --out exits 1", () => {
    expect(USAGE).not.toContain("replaced only when the plan succeeds");
    expect(USAGE).toContain("(exit 0 or 2)");
    expect(USAGE).toContain("a refused --out");
  });
});
