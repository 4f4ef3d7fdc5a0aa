/** Bad model specs: field values, quantities and their units. */
import { parseQuantity } from "../../components/config/model-fields";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { cfg, problemsOfEdited, source, spec } from "./bad-spec-harness";
import { VALUE_CASES } from "./bad-spec-cases/values";

describe("bad model specs", () => {
  test.each(VALUE_CASES)("%s", (_what, name, edit, message) => {
    expect(problemsOfEdited(name, edit)).toContain(message);
  });

  test("decimal and binary memory suffixes and millicores are accepted and sized alike", () => {
    const withResources = (r: string) =>
      spec("res", (y) =>
        y.replace("  replicas: { min: 1, max: 4 }", `  replicas: { min: 1, max: 4 }\n  resources: ${r}`),
      );
    for (const r of [
      "{ cpu: 400m, memory: 1G }",
      '{ cpu: "0.5", memory: 1536Mi }',
      '{ cpu: "0.75", memory: 2000000k }',
    ])
      expect(validateModelSpecs([source("models/res.yaml", withResources(r))], "staging", cfg)).toHaveLength(
        1,
      );
    expect(parseQuantity("1G", "memory")).toBeCloseTo(1e9 / 2 ** 30);
    expect(parseQuantity("1536Mi", "memory")).toBe(1.5);
    expect(parseQuantity("250m", "cpu")).toBe(0.25);
    expect(parseQuantity("1Gi", "cpu")).toBeNaN();
  });
});
