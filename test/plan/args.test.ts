import { ArgsError, parsePlanArgs } from "../../tools/plan/args";

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
});
