/**
 * An optional block left null at the top of a spec - `canary:` with its lines commented out, or
 * `training: null` - means the block is absent, as null does in a stack's override; a required one
 * left null is still refused as empty.
 */
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { cfg, problemsOfEdited, source, spec } from "./bad-spec-harness";

/** The spec `models/<name>.yaml` validated for staging. */
const validated = (name: string, edit: (y: string) => string) =>
  validateModelSpecs([source(`models/${name}.yaml`, spec(name, edit))], "staging", cfg)[0];

/** The spec text with its canary block (the three lines from `canary:`) replaced by `to`. */
const canaryAs = (to: string) => (y: string) => y.replace(/canary:\n(  .*\n){3}/, `${to}\n`);

test("canary: null is no canary", () => {
  expect(validated("nc", canaryAs("canary: null")).canary).toBeUndefined();
});

test("canary: with its lines commented out is no canary", () => {
  const edit = (y: string) =>
    y.replace(/canary:\n((  .*\n){3})/, (_a, lines: string) => `canary:\n${lines.replace(/^ /gm, "#")}`);
  expect(spec("cm", edit)).toMatch(/canary:\n# {1}modelUri/);
  expect(validated("cm", edit).canary).toBeUndefined();
});

test("training: null is no training, and stacks: null no override", () => {
  const out = validated("nt", (y) => y.replace(/training:\n(  .*\n){3}/, "training: null\nstacks: null\n"));
  expect(out.training).toBeUndefined();
  expect(out.serving.replicas).toEqual({ min: 1, max: 4 });
});

test("a stack's override may still set a canary the base leaves null", () => {
  const yaml = spec("ov", canaryAs("canary: null")).concat(
    'stacks:\n  staging: { canary: { modelUri: "s3://<artifacts>/ov/v9", trafficPercent: 10 } }\n',
  );
  const out = validateModelSpecs([source("models/ov.yaml", yaml)], "staging", cfg)[0];
  expect(out.canary?.modelUri).toBe("s3://<artifacts>/ov/v9");
});

test("a required block left null is still refused as empty", () => {
  expect(
    problemsOfEdited("ns", (y) => y.replace("slo: { latencyP99Ms: 50, availability: 99.9 }", "slo: null")),
  ).toContain("models/ns.yaml: slo = null: must be a map with latencyP99Ms, availability, not empty (null)");
});
