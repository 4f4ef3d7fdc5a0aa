import * as YAML from "yaml";
import { promoteCanary, removeCanary, startCanary } from "../../components/delivery/spec-writer";

const base = `name: homepage-feed
team: homepage
serving:
  runtime: triton
  modelUri: s3://artifacts/homepage-feed/v42   # current stable
canary:
  modelUri: s3://artifacts/homepage-feed/v43
  trafficPercent: 10
stacks:
  staging: { serving: { replicas: { min: 1, max: 4 } } }
`;

describe("spec write-back", () => {
  test("promotion makes the canary stable and keeps comments", () => {
    const out = promoteCanary(base, "prod");
    const doc = YAML.parse(out);
    expect(doc.serving.modelUri).toBe("s3://artifacts/homepage-feed/v43");
    expect(doc.canary).toBeUndefined();
    expect(doc.stacks.staging.serving.replicas).toEqual({ min: 1, max: 4 });
    expect(out).toContain("# current stable");
  });

  test("a staging-only canary is promoted inside stacks.staging", () => {
    const text = `name: m\nserving:\n  modelUri: s3://a/m/v1\nstacks:\n  staging:\n    canary:\n      modelUri: s3://a/m/v2\n      trafficPercent: 10\n`;
    const doc = YAML.parse(promoteCanary(text, "staging"));
    expect(doc.serving.modelUri).toBe("s3://a/m/v1");
    expect(doc.stacks.staging.serving.modelUri).toBe("s3://a/m/v2");
    expect(doc.stacks.staging.canary).toBeUndefined();
  });

  test("prod promotion drops a staging pin that now equals the base", () => {
    const text = `name: m\nserving:\n  modelUri: s3://a/m/v1\ncanary:\n  modelUri: s3://a/m/v2\n  trafficPercent: 10\nstacks:\n  staging:\n    serving:\n      modelUri: s3://a/m/v2\n`;
    const doc = YAML.parse(promoteCanary(text, "prod"));
    expect(doc.serving.modelUri).toBe("s3://a/m/v2");
    expect(doc.stacks).toBeUndefined();
  });

  test("rollback removes the canary", () => {
    expect(YAML.parse(removeCanary(base, "prod")).canary).toBeUndefined();
  });

  test("startCanary writes the canary at the first step", () => {
    const doc = YAML.parse(startCanary(removeCanary(base, "prod"), "s3://artifacts/homepage-feed/v44", 10));
    expect(doc.canary).toEqual({ modelUri: "s3://artifacts/homepage-feed/v44", trafficPercent: 10 });
  });
});
