/**
 * A right key at the wrong depth - the commonest indentation slip - is one problem that says where
 * the key belongs, not an "unknown key" beside a "required" field that is the same slip.
 */
import { problemsOf, problemsOfEdited, source, spec } from "./bad-spec-harness";

test("replicas dedented to the top level is one problem naming serving.replicas", () => {
  const msg = problemsOfEdited("lvl1", (y) =>
    y.replace("  replicas: { min: 1, max: 4 }", "replicas: { min: 1, max: 4 }"),
  );
  expect(msg.split("\n")).toEqual([
    "1 configuration problem:",
    "  - models/lvl1.yaml: replicas: unknown key at this level: replicas belongs at serving.replicas (check its indentation); allowed keys here: name, team, serving, slo, canary, canaryAnalysis, experiments, training, monitoring, rolledBack, stacks",
  ]);
});

test("a key one level too shallow inside a block names the map it belongs in", () => {
  const msg = problemsOfEdited("lvl2", (y) =>
    y.replace("  analysis: { steps: [10, 50, 100] }", "  steps: [10, 50, 100]"),
  );
  expect(msg).toContain(
    "models/lvl2.yaml: canary.steps: unknown key at this level: steps belongs at canary.analysis.steps (check its indentation)",
  );
});

test("a key one level too deep names the map around it", () => {
  const msg = problemsOfEdited("lvl3", (y) =>
    y
      .replace("  replicas: { min: 1, max: 4 }\n", "")
      .replace(
        "gpu: { pool: inference, share: 0.25 }",
        "gpu: { pool: inference, share: 0.25, replicas: { min: 1, max: 4 } }",
      ),
  );
  expect(msg).toContain(
    "models/lvl3.yaml: serving.gpu.replicas: unknown key at this level: replicas belongs at serving.replicas (check its indentation)",
  );
  // The required field it left empty is the same slip: not reported again.
  expect(msg).not.toContain("serving.replicas: required");
});

test("a field two blocks have names both", () => {
  const msg = problemsOfEdited("lvl4", (y) =>
    y
      .replace("  modelUri: s3://<artifacts>/lvl4/v1\n", "")
      .replace("team: homepage", "team: homepage\nmodelUri: s3://<artifacts>/lvl4/v1"),
  );
  expect(msg).toContain("modelUri belongs at serving.modelUri or canary.modelUri (check its indentation)");
  // Two places: the missing one is still named on its own.
  expect(msg).toContain("serving.modelUri: required");
});

test("inside a stack's override the place is named inside the override", () => {
  const yaml = `${spec("lvl5")}stacks:\n  staging:\n    replicas: { min: 1, max: 1 }\n`;
  expect(problemsOf(source("models/lvl5.yaml", yaml))).toContain(
    "models/lvl5.yaml: stacks.staging.replicas: unknown key at this level: replicas belongs at stacks.staging.serving.replicas (check its indentation)",
  );
});

test("a misspelt key is still named as a slip of spelling, not moved", () => {
  const msg = problemsOfEdited("lvl6", (y) => y.replace("  replicas:", "  replica:"));
  expect(msg).toContain("serving.replica: unknown key; did you mean replicas?");
  expect(msg).not.toContain("belongs at");
});
