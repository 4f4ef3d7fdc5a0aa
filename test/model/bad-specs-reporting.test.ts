/**
 * Bad model specs are reported all at once: every problem of every file in one error, and a rejected
 * field silences only the checks that need it.
 */
import { ConfigValidationError } from "../../components/config/errors";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { cfg, problemsOf, problemsOfEdited, source, spec } from "./bad-spec-harness";
import { CASES } from "./bad-spec-cases";

describe("bad model specs", () => {
  test("the valid base spec passes, so each case fails for its own edit only", () => {
    expect(validateModelSpecs([source("models/ok.yaml", spec("ok"))], "staging", cfg)[0].name).toBe("ok");
  });

  test("every problem of every file is reported in one error", () => {
    const sources = CASES.map(([, name, edit]) => source(`models/${name}.yaml`, spec(name, edit)));
    const err = (() => {
      try {
        validateModelSpecs(sources, "staging", cfg);
      } catch (e) {
        return e as ConfigValidationError;
      }
      throw new Error("expected the specs to be invalid");
    })();
    for (const [, , , message] of CASES) expect(err.message).toContain(message);
    const files = new Set(err.problems.map((p) => p.file));
    expect(files.size).toBe(CASES.length);
    expect(err.message.split("\n")[0]).toBe(`${err.problems.length} configuration problems:`);
  });

  test("a staging override is validated like the base spec, and its problems point into it", () => {
    const yaml = spec("ov", (y) => `${y}stacks:\n  staging: { serving: { gpu: { share: 0.3 } } }\n`);
    expect(problemsOf(source("models/ov.yaml", yaml))).toContain(
      "models/ov.yaml: stacks.staging.serving.gpu.share = 0.3",
    );
  });
});

test("a type error does not hide the checks against the stack in the same file", () => {
  const msg = problemsOfEdited("both", (y) =>
    y.replace("share: 0.25", "share: 0.3").replace("trafficPercent: 10", "trafficPercent: 150"),
  );
  expect(msg).toContain("models/both.yaml: canary.trafficPercent = 150");
  expect(msg).toContain("models/both.yaml: serving.gpu.share = 0.3: pool inference time-slices each GPU");
});

test("a required field of the wrong type hides only the checks that need it", () => {
  const msg = problemsOfEdited("req", (y) =>
    y
      .replace("rpsPerReplica: 300", 'rpsPerReplica: "fast"')
      .replace("replicas: { min: 1, max: 4 }", "replicas: { min: 6, max: 4 }")
      .replace("share: 0.25", "share: 0.3"),
  );
  expect(msg).toMatch(/^3 configuration problems:/);
  expect(msg).toContain('models/req.yaml: serving.rpsPerReplica = "fast": must be a number, not a string');
  expect(msg).toContain("models/req.yaml: serving.replicas.min = 6: must be <= replicas.max (4)");
  expect(msg).toContain("models/req.yaml: serving.gpu.share = 0.3: pool inference time-slices each GPU");
});

test("a check that needs a rejected field stays silent rather than judge a stand-in", () => {
  const msg = problemsOfEdited("max", (y) =>
    y.replace("replicas: { min: 1, max: 4 }", 'replicas: { min: 6, max: "four" }'),
  );
  expect(msg).toMatch(/^1 configuration problem:/);
  expect(msg).toContain('models/max.yaml: serving.replicas.max = "four"');
});
