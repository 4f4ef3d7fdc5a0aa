/**
 * Numbers that size what the plan builds are bounded: a replica count or an experiment list far
 * beyond any cluster is one problem naming the field and the limit, before anything is packed or
 * rendered (200,000,000 replicas ran the plan out of memory, 2^53 - 1 reached the manifests).
 */
import { MAX_EXPERIMENTS, MAX_REPLICAS } from "../../components/config/model-schema";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { cfg, problemsOfEdited, source, spec } from "./bad-spec-harness";

const withReplicas = (min: string, max: string) => (y: string) =>
  y.replace("replicas: { min: 1, max: 4 }", `replicas: { min: ${min}, max: ${max} }`);

test.each(["200000000", "2000000000", "9007199254740991", "10001"])(
  "replicas.max %s is refused with the limit",
  (max) => {
    expect(problemsOfEdited("big", withReplicas("1", max))).toBe(
      `1 configuration problem:\n  - models/big.yaml: serving.replicas.max = ${max}: must be at most 10,000 replicas per model`,
    );
  },
);

test("replicas.max 1e308, beyond JavaScript's whole numbers, gets the field's limit, not zod's", () => {
  const msg = problemsOfEdited("huge", withReplicas("1", "1e308"));
  expect(msg).toBe(
    "1 configuration problem:\n  - models/huge.yaml: serving.replicas.max = 1e+308: must be at most 10,000 replicas per model",
  );
});

test("replicas.min is bounded too", () => {
  const msg = problemsOfEdited("min", withReplicas("200000000", "200000000"));
  expect(msg).toContain("models/min.yaml: serving.replicas.min = 200000000: must be at most 10,000 replicas");
  expect(msg).toContain("models/min.yaml: serving.replicas.max = 200000000: must be at most 10,000 replicas");
});

test("the limit itself is accepted", () => {
  const yaml = spec("top", withReplicas(String(MAX_REPLICAS), String(MAX_REPLICAS)));
  expect(validateModelSpecs([source("models/top.yaml", yaml)], "staging", cfg)).toHaveLength(1);
});

test("more experiments than one HTTPRoute holds are refused with the limit", () => {
  const many = Array.from(
    { length: MAX_EXPERIMENTS + 1 },
    (_, i) =>
      `  - { name: e${i}, modelUri: "s3://<artifacts>/many/e${i}", header: { name: x-exp, value: v${i} } }`,
  ).join("\n");
  const msg = problemsOfEdited("many", (y) => y.replace(/experiments:\n.*\n/, `experiments:\n${many}\n`));
  expect(msg).toContain("models/many.yaml: experiments = [");
  expect(msg).toContain("must have at most 14 experiments");
  expect(msg).toMatch(/^1 configuration problem:/);
});
