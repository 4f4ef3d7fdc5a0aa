import * as YAML from "yaml";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { promoteCanary, rejectedBy, removeCanary, startCanary } from "../../components/delivery/spec-writer";

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

describe("an edit for one stack leaves the others' deployments as they were", () => {
  /** What `stack` deploys: the spec with its override merged, as the program reads it. */
  const effective = (text: string, stack: string) => {
    const specs = validateModelSpecs([{ file: "models/m.yaml", data: YAML.parse(text) }], stack, {});
    return { uri: specs[0].serving.modelUri, canary: specs[0].canary?.modelUri };
  };
  const shared = `name: m
team: t
serving:
  runtime: triton
  modelUri: s3://<artifacts>/m/v1
  gpu: { pool: inference, share: 0.25 }
  rpsPerReplica: 100
  replicas: { min: 1, max: 4 }
  retrainOn: [drift, quality]
slo: { latencyP99Ms: 50, availability: 99.9 }
canary:
  modelUri: s3://<artifacts>/m/v2
  trafficPercent: 10
stacks:
  staging: { serving: { replicas: { min: 1, max: 1 } } }
`.replace("  retrainOn: [drift, quality]\n", "");

  test("promoting a shared canary in staging changes staging only", () => {
    const out = promoteCanary(shared, "staging", ["prod"]);
    expect(effective(out, "staging")).toEqual({ uri: "s3://<artifacts>/m/v2", canary: undefined });
    expect(effective(out, "prod")).toEqual(effective(shared, "prod"));
  });

  test("rolling a shared canary back in staging changes staging only", () => {
    const out = removeCanary(shared, "staging", ["prod"]);
    expect(effective(out, "staging")).toEqual({ uri: "s3://<artifacts>/m/v1", canary: undefined });
    expect(effective(out, "prod")).toEqual({ uri: "s3://<artifacts>/m/v1", canary: "s3://<artifacts>/m/v2" });
  });

  test("the prod canary of promote-to-prod is not started in staging, and a prod promotion lifts the version to the base", () => {
    const staged = promoteCanary(shared, "staging", ["prod"]);
    const rolledBackInProd = removeCanary(staged, "prod", ["staging"]);
    const started = startCanary(rolledBackInProd, "s3://<artifacts>/m/v2", 10, "prod", ["staging"]);
    expect(effective(started, "staging")).toEqual({ uri: "s3://<artifacts>/m/v2", canary: undefined });
    expect(effective(started, "prod")).toEqual({
      uri: "s3://<artifacts>/m/v1",
      canary: "s3://<artifacts>/m/v2",
    });
    const done = promoteCanary(started, "prod", ["staging"]);
    expect(effective(done, "prod")).toEqual({ uri: "s3://<artifacts>/m/v2", canary: undefined });
    expect(effective(done, "staging")).toEqual({ uri: "s3://<artifacts>/m/v2", canary: undefined });
    // Both stacks run v2: the base says so, and no pin is left.
    expect(YAML.parse(done).serving.modelUri).toBe("s3://<artifacts>/m/v2");
    expect(YAML.parse(done).stacks.staging.serving).toEqual({ replicas: { min: 1, max: 1 } });
  });

  test("a canary set partly in the stack's override is promoted with the base's URI", () => {
    const partly = shared.replace(
      "  staging: { serving: { replicas: { min: 1, max: 1 } } }",
      "  staging:\n    serving: { replicas: { min: 1, max: 1 } }\n    canary: { analysis: { steps: [50, 100] } }",
    );
    const out = promoteCanary(partly, "staging", ["prod"]);
    expect(effective(out, "staging")).toEqual({ uri: "s3://<artifacts>/m/v2", canary: undefined });
    expect(effective(out, "prod")).toEqual(effective(partly, "prod"));
    const back = removeCanary(partly, "staging", ["prod"]);
    expect(effective(back, "staging").canary).toBeUndefined();
    expect(effective(back, "prod").canary).toBe("s3://<artifacts>/m/v2");
  });

  test("a partial canary block of another stack still inherits the base's: it is kept for that stack", () => {
    const partial = `${shared}  prod: { canary: { trafficPercent: 5 } }\n`;
    for (const out of [
      removeCanary(partial, "staging", ["prod"]),
      promoteCanary(partial, "staging", ["prod"]),
    ])
      expect(effective(out, "prod")).toEqual(effective(partial, "prod"));
    // And a new prod canary does not go into a base that staging's partial block reads.
    const stagingPartial = shared.replace(
      "  staging: { serving: { replicas: { min: 1, max: 1 } } }",
      "  staging: { serving: { replicas: { min: 1, max: 1 } }, canary: { trafficPercent: 5 } }",
    );
    const started = startCanary(stagingPartial, "s3://<artifacts>/m/v3", 10, "prod", ["staging"]);
    expect(effective(started, "staging")).toEqual(effective(stagingPartial, "staging"));
    expect(effective(started, "prod").canary).toBe("s3://<artifacts>/m/v3");
  });

  test("promoting in the base drops the stack's own pin of an older version", () => {
    // Prod pins its own version and runs no canary: nothing of the base's is prod's.
    const pinned =
      `${shared}  prod: { serving: { modelUri: s3://<artifacts>/m/v0 }, canary: null }\n`.replace(
        "  staging: { serving: { replicas: { min: 1, max: 1 } } }",
        "  staging: { serving: { replicas: { min: 1, max: 1 }, modelUri: s3://<artifacts>/m/v0 } }",
      );
    const out = promoteCanary(pinned, "staging", ["prod"]);
    expect(effective(out, "staging")).toEqual({ uri: "s3://<artifacts>/m/v2", canary: undefined });
    expect(effective(out, "prod")).toEqual(effective(pinned, "prod"));
  });

  test("after a whole cycle no canary: null is left to keep the next base canary out of staging", () => {
    const cycle = [
      (t: string) => promoteCanary(t, "staging", ["prod"]),
      (t: string) => removeCanary(t, "prod", ["staging"]),
      (t: string) => startCanary(t, "s3://<artifacts>/m/v2", 10, "prod", ["staging"]),
      (t: string) => promoteCanary(t, "prod", ["staging"]),
    ].reduce((text, step) => step(text), shared);
    expect(YAML.parse(cycle).stacks.staging).toEqual({ serving: { replicas: { min: 1, max: 1 } } });
    const next = `${cycle.replace(/^stacks:/m, "canary: { modelUri: s3://<artifacts>/m/v3, trafficPercent: 10 }\nstacks:")}`;
    expect(effective(next, "staging").canary).toBe("s3://<artifacts>/m/v3");
  });

  test("an override shared through a YAML alias is edited for one stack only", () => {
    const aliased = shared.replace(
      "  staging: { serving: { replicas: { min: 1, max: 1 } } }",
      "  prod: &small { serving: { replicas: { min: 1, max: 2 } } }\n  staging: *small",
    );
    const out = promoteCanary(aliased, "staging", ["prod"]);
    expect(effective(out, "staging")).toEqual({ uri: "s3://<artifacts>/m/v2", canary: undefined });
    expect(effective(out, "prod")).toEqual(effective(aliased, "prod"));
  });

  test("an override that merges another stack's (<<: *prod) is edited for one stack only", () => {
    // Prod pins v0 and runs no canary; staging merges prod's block and sets its own replicas.
    const merged = shared.replace(
      "  staging: { serving: { replicas: { min: 1, max: 1 } } }",
      [
        "  prod: &prod",
        "    serving: { modelUri: s3://<artifacts>/m/v0, replicas: { min: 1, max: 2 } }",
        "    canary: null",
        "  staging:",
        "    <<: *prod",
        "    serving: { replicas: { min: 1, max: 1 } }",
      ].join("\n"),
    );
    const read = (text: string) => YAML.parse(text, { merge: true }) as unknown;
    const effectiveMerged = (text: string, stack: string) => {
      const specs = validateModelSpecs([{ file: "models/m.yaml", data: read(text) }], stack, {});
      return { uri: specs[0].serving.modelUri, canary: specs[0].canary?.modelUri };
    };
    // Staging takes prod's `canary: null` but not its serving block (its own wins, as a whole).
    expect(effectiveMerged(merged, "staging")).toEqual({ uri: "s3://<artifacts>/m/v1", canary: undefined });
    const started = startCanary(merged, "s3://<artifacts>/m/v3", 10, "staging", ["prod"]);
    expect(effectiveMerged(started, "staging").canary).toBe("s3://<artifacts>/m/v3");
    expect(effectiveMerged(started, "prod")).toEqual(effectiveMerged(merged, "prod"));
    expect(started).not.toContain("<<");
    const promoted = promoteCanary(started, "staging", ["prod"]);
    expect(effectiveMerged(promoted, "staging")).toEqual({ uri: "s3://<artifacts>/m/v3", canary: undefined });
    expect(effectiveMerged(promoted, "prod")).toEqual(effectiveMerged(merged, "prod"));
  });

  test("a shared canary that staging rolled back is known as rejected there; one staging promoted is not", () => {
    const v2 = "s3://<artifacts>/m/v2";
    expect(rejectedBy(removeCanary(shared, "staging", ["prod"]), v2, ["staging"])).toEqual(["staging"]);
    expect(rejectedBy(promoteCanary(shared, "staging", ["prod"]), v2, ["staging"])).toEqual([]);
    expect(rejectedBy(shared, v2, ["staging"])).toEqual([]);
    // Another version than the one switched off is not rejected.
    expect(
      rejectedBy(removeCanary(shared, "staging", ["prod"]), "s3://<artifacts>/m/v3", ["staging"]),
    ).toEqual([]);
    // Staging's verdict is written with the version, and the spec stays valid for both stacks.
    const rolled = removeCanary(shared, "staging", ["prod"]);
    expect(YAML.parse(rolled).stacks.staging.rolledBack).toEqual([v2]);
    expect(effective(rolled, "prod")).toEqual(effective(shared, "prod"));
    // Rolling it back in prod then leaves a spec with no canary and no stale null.
    const both = removeCanary(removeCanary(shared, "staging", ["prod"]), "prod", ["staging"]);
    expect(YAML.parse(both).canary).toBeUndefined();
    expect(YAML.parse(both).stacks.staging).toEqual({ serving: { replicas: { min: 1, max: 1 } } });
  });

  test("a shared canary staging promoted and then replaced by a later version is not rejected", () => {
    const v2 = "s3://<artifacts>/m/v2";
    // Staging promotes the base canary v2 (prod still canaries it), then a canary v3 of its own.
    const promoted = promoteCanary(shared, "staging", ["prod"]);
    const later = promoteCanary(
      startCanary(promoted, "s3://<artifacts>/m/v3", 10, "staging", ["prod"]),
      "staging",
      ["prod"],
    );
    expect(effective(later, "staging")).toEqual({ uri: "s3://<artifacts>/m/v3", canary: undefined });
    expect(effective(later, "prod").canary).toBe(v2);
    expect(rejectedBy(later, v2, ["staging"])).toEqual([]);
  });

  test("a prod canary goes into stacks.prod when the spec has one there, whatever staging does", () => {
    const own = `${shared}  prod: { canary: { modelUri: s3://<artifacts>/m/hotfix, trafficPercent: 25 } }\n`;
    const out = startCanary(own, "s3://<artifacts>/m/v3", 10, "prod", ["staging"]);
    expect(effective(out, "prod").canary).toBe("s3://<artifacts>/m/v3");
  });
});
