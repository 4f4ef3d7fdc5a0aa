/** Bad model specs: the per-stack overrides under `stacks:`, checked for every stack of the project. */
import { editDistance } from "../../components/config/edit-distance";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { cfg, problemsIn, problemsOf, source, spec } from "./bad-spec-harness";

describe("stack overrides", () => {
  const overridden = (stacks: string) =>
    source(
      "models/ov.yaml",
      spec("ov", (y) => `${y}stacks:\n${stacks}`),
    );

  test("an override under a near miss of a stack name is a problem, not ignored", () => {
    const src = overridden("  prdo: { serving: { replicas: { max: 8 } } }\n");
    let msg = "";
    try {
      validateModelSpecs([src], "staging", cfg, ["prod", "staging"]);
    } catch (err) {
      msg = (err as Error).message;
    }
    expect(msg).toContain(
      "models/ov.yaml: stacks.prdo: no stack prdo in this project (did you mean prod?); stacks: prod, staging",
    );
  });

  test("a stacks block that is not a map does not hide the rest of the file", () => {
    const src = source(
      "models/ov.yaml",
      spec("ov", (y) => `${y.replace("share: 0.25", "share: 0.3")}stacks: [prod]\n`),
    );
    const msg = problemsOf(src);
    expect(msg).toContain('models/ov.yaml: stacks = ["prod"]: must map stack names to overrides');
    expect(msg).toContain("models/ov.yaml: serving.gpu.share = 0.3: pool inference time-slices");
  });

  test("a problem is reported where the override sets the field, and in the base where it does not", () => {
    const src = overridden(
      "  staging:\n    serving: { replicas: { min: 5 }, gpu: { share: 0.3 } }\n    canary: { analysis: { steps: [50, 10] } }\n",
    );
    const base = src.data as { serving: Record<string, unknown> };
    const msg = problemsOf({ ...src, data: { ...base, serving: { ...base.serving, targetUtilization: 2 } } });
    expect(msg).toContain(
      "models/ov.yaml: stacks.staging.serving.replicas.min = 5: must be <= replicas.max (4)",
    );
    expect(msg).toContain("models/ov.yaml: stacks.staging.serving.gpu.share = 0.3");
    // A list is replaced whole, so the steps (and anything inside them) are the override's.
    expect(msg).toContain(
      "models/ov.yaml: stacks.staging.canary.analysis.steps = [50,10]: must be strictly ascending",
    );
    expect(msg).toContain("models/ov.yaml: serving.targetUtilization = 2");
    expect(msg).not.toContain("stacks.staging.serving.targetUtilization");
  });

  test("the project's stack names pass, and without a list any name does", () => {
    const src = overridden("  prod: { serving: { replicas: { max: 8 } } }\n");
    expect(validateModelSpecs([src], "prod", cfg, ["prod", "staging"])[0].serving.replicas.max).toBe(8);
    expect(() => validateModelSpecs([overridden("  other: {}\n")], "staging", cfg)).not.toThrow();
    // A stack whose file is not in this checkout (not a near miss of one that is) is left alone.
    expect(() => validateModelSpecs([overridden("  qa: {}\n")], "staging", cfg, ["prod"])).not.toThrow();
    expect(editDistance("prdo", "prod")).toBe(2);
    expect(editDistance("stagin", "staging")).toBe(1);
  });

  test("an override that is not a map is named at its place, and the rest of the file is still checked", () => {
    const src = source(
      "models/ov.yaml",
      spec("ov", (y) => `${y.replace("share: 0.25", "share: 0.3")}stacks:\n  staging: 5\n  prod: [a]\n`),
    );
    const msg = problemsOf(src);
    expect(msg).toContain(
      "models/ov.yaml: stacks.staging = 5: must be a map of the fields to override for that stack (or empty)",
    );
    expect(msg).toContain('models/ov.yaml: stacks.prod = ["a"]: must be a map');
    expect(msg).toContain("models/ov.yaml: serving.gpu.share = 0.3: pool inference time-slices");
  });

  test("another stack's override is checked against the schema too: planning staging names prod's typo", () => {
    const src = source(
      "models/ov2.yaml",
      spec(
        "ov2",
        (y) =>
          `${y}stacks:\n  staging: { serving: { replicas: { max: "four" } } }\n  prod: { serving: { replicass: { max: 8 } }, canary: { trafficPercent: 10.5 } }\n`,
      ),
    );
    const lines = problemsOf(src).split("\n").slice(1);
    expect(lines).toEqual([
      '  - models/ov2.yaml: stacks.staging.serving.replicas.max = "four": must be a number, not a string',
      "  - models/ov2.yaml: stacks.prod.serving.replicass: unknown key; did you mean replicas? allowed keys: runtime, image, runtimeVersion, servedModel, modelUri, gpu, rpsPerReplica, replicas, coldStartSeconds, resources, targetUtilization",
      "  - models/ov2.yaml: stacks.prod.canary.trafficPercent = 10.5: must be a whole percentage from 0 to 99 (10 is 10%, not 0.1)",
    ]);
  });

  test("a base value the planned stack overrides is still checked for the stacks that inherit it", () => {
    // Found by a bad-input review: staging's plan passed a base count of 0 that breaks prod.
    const edit = (stacks: string) => (y: string) =>
      `${y.replace("gpu: { pool: training, count: 1 }", "gpu: { pool: training, count: 0 }")}stacks:\n${stacks}`;
    const staging = "  staging: { training: { gpu: { count: 1 } } }\n";
    const plan = (text: string) => () =>
      validateModelSpecs([source("models/inh.yaml", text)], "staging", cfg, ["staging", "prod", "dev"]);
    expect(plan(spec("inh", edit(staging)))).toThrow(
      "models/inh.yaml: training.gpu.count = 0: must be >= 1 (stacks prod, dev inherit it)",
    );
    // When every other stack overrides it too, no stack plans the base value.
    const all = `${staging}  prod: { training: { gpu: { count: 2 } } }\n  dev: { training: { gpu: { count: 1 } } }\n`;
    expect(plan(spec("inh", edit(all)))).not.toThrow();
  });

  test("another stack's override gets the checks that need no stack config: a feature listed twice", () => {
    const src = source(
      "models/ov3.yaml",
      spec(
        "ov3",
        (y) =>
          `${y}monitoring:\n  features: [price]\nstacks:\n  prod: { monitoring: { features: [price, price] } }\n`,
      ),
    );
    expect(problemsOf(src)).toContain(
      'models/ov3.yaml: stacks.prod.monitoring.features[1] = "price": listed twice (also monitoring.features[0])',
    );
  });

  test("a problem another stack's override brings about is reported there, even at a field the base sets", () => {
    // The base's min is 1; prod's max of 0... a max below the base's min, and a custom runtime
    // without the image the base never needed; beside a schema typo in the same override.
    const src = source(
      "models/ov4.yaml",
      spec(
        "ov4",
        (y) =>
          `${y.replace("replicas: { min: 1, max: 4 }", "replicas: { min: 3, max: 4 }")}stacks:\n  prod: { serving: { replicas: { max: 2 }, runtime: custom, coldStartSecond: 5 } }\n`,
      ),
    );
    const msg = problemsOf(src);
    // At the line prod changed: the file holds no stacks.prod.serving.replicas.min.
    expect(msg).toContain(
      "models/ov4.yaml: stacks.prod.serving.replicas.max = 2: must be >= replicas.min (3)",
    );
    expect(msg).toContain("models/ov4.yaml: stacks.prod.serving.image");
    expect(msg).toContain("models/ov4.yaml: stacks.prod.serving.coldStartSecond: unknown key");
    // Staging itself is fine: nothing about the base.
    expect(msg).not.toMatch(/ov4\.yaml: serving\./);
  });

  test("a problem comparing two fields is said at the one the planned stack's override sets", () => {
    // Prod pins stable at the canary's version and raises the latency SLO above the canary's
    // limit: both are prod's lines, though each check names the canary's field first.
    const src = overridden(
      '  prod:\n    serving: { modelUri: "s3://<artifacts>/ov/v2" }\n    slo: { latencyP99Ms: 900 }\n',
    );
    const base = src.data as { canary: Record<string, unknown> };
    const withLimit = { ...base, canary: { ...base.canary, analysis: { maxLatencyP99Ms: 500 } } };
    const msg = problemsIn("prod", { ...src, data: withLimit });
    expect(msg).toContain(
      'models/ov.yaml: stacks.prod.serving.modelUri = "s3://<artifacts>/ov/v2": is the version the canary deploys (canary.modelUri)',
    );
    expect(msg).toContain(
      "models/ov.yaml: stacks.prod.slo.latencyP99Ms = 900: must be <= canary.analysis.maxLatencyP99Ms (500)",
    );
    expect(msg).not.toMatch(/ov\.yaml: (stacks\.prod\.)?canary\./);
    // Planning staging, prod's override is still where they are said.
    expect(problemsOf({ ...src, data: withLimit })).toContain(
      "models/ov.yaml: stacks.prod.slo.latencyP99Ms = 900",
    );
    // Where the override sets the compared field itself, the problem stays there.
    const own = overridden('  prod:\n    canary: { modelUri: "s3://<artifacts>/ov/v1" }\n');
    expect(problemsIn("prod", own)).toContain(
      'models/ov.yaml: stacks.prod.canary.modelUri = "s3://<artifacts>/ov/v1": is the version stable serves',
    );
  });

  test("an empty override changes nothing", () => {
    // `staging:` with nothing under it (its lines commented out) parses to null.
    const [spec] = validateModelSpecs([overridden("  staging:\n  # serving: {}\n")], "staging", cfg);
    expect(spec.canary?.trafficPercent).toBe(10);
    expect(spec.serving.replicas).toEqual({ min: 1, max: 4 });
  });

  test("null in an override removes an optional field, which takes its default", () => {
    const src = overridden(
      "  staging:\n    canary: null\n    training: null\n    experiments: null\n    serving: { coldStartSeconds: null, replicas: { max: 2 } }\n",
    );
    const [staging] = validateModelSpecs([src], "staging", cfg);
    expect(staging.canary).toBeUndefined();
    expect(staging.training).toBeUndefined();
    expect(staging.experiments).toEqual([]);
    expect(staging.serving.coldStartSeconds).toBe(60);
    expect(staging.serving.replicas).toEqual({ min: 1, max: 2 });
    // Other stacks keep them.
    const [prod] = validateModelSpecs([src], "prod", cfg);
    expect(prod.canary?.modelUri).toBe("s3://<artifacts>/ov/v2");
    expect(prod.training?.schedule).toBe("0 3 * * *");
  });

  test("a section an override adds loses its nulls too", () => {
    const src = source(
      "models/ov.yaml",
      spec(
        "ov",
        (y) =>
          `${y.replace(/^canary:[^]*?(?=^experiments:)/m, "")}stacks:\n  staging:\n    canary: { modelUri: "s3://<artifacts>/ov/v3", trafficPercent: 5, analysis: null }\n`,
      ),
    );
    const [staging] = validateModelSpecs([src], "staging", cfg);
    expect(staging.canary).toMatchObject({ modelUri: "s3://<artifacts>/ov/v3", trafficPercent: 5 });
  });

  test("null on a required field is named in the override, with why it is wrong", () => {
    const msg = problemsOf(overridden("  staging:\n    slo: null\n    serving: { gpu: null }\n"));
    expect(msg).toContain(
      "models/ov.yaml: stacks.staging.slo: required: a map with latencyP99Ms, availability; null in an override removes a field, and only optional ones can be removed",
    );
    expect(msg).toContain("models/ov.yaml: stacks.staging.serving.gpu: required: a map with pool, share;");
    expect(msg).not.toContain("= null");
  });
});
