/**
 * A spec whose base `canary:` is left empty (null) has no base canary, as its validation reads it:
 * a rollback or promotion of a stack's own canary leaves no `canary: null` in the other stacks.
 */
import * as YAML from "yaml";
import { promoteCanary, removeCanary } from "../../components/delivery/spec-writer";

const text = `name: m
serving:
  modelUri: s3://a/m/v1
canary:
stacks:
  staging:
    canary:
      modelUri: s3://a/m/v2
      trafficPercent: 10
  prod:
    serving: { replicas: { min: 2, max: 4 } }
`;

test("rolling back a stack's own canary beside an empty base canary switches no other stack off", () => {
  const doc = YAML.parse(removeCanary(text, "staging", ["prod"]));
  expect(doc.stacks?.staging).toBeUndefined();
  expect(doc.stacks.prod).toEqual({ serving: { replicas: { min: 2, max: 4 } } });
});

test("promoting it pins the stack's version and leaves the other stacks alone", () => {
  const doc = YAML.parse(promoteCanary(text, "staging", ["prod"]));
  expect(doc.stacks.staging).toEqual({ serving: { modelUri: "s3://a/m/v2" } });
  expect(doc.stacks.prod).toEqual({ serving: { replicas: { min: 2, max: 4 } } });
});
