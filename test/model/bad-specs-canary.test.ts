/** Bad model specs: canaries, experiments and the model's canaryAnalysis. */
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { cfg, problemsOf, problemsOfEdited, source, spec } from "./bad-spec-harness";
import { CANARY_CASES } from "./bad-spec-cases/canary";

describe("bad model specs", () => {
  test.each(CANARY_CASES)("%s", (_what, name, edit, message) => {
    expect(problemsOfEdited(name, edit)).toContain(message);
  });
});

test("a rejected slo or canary share silences only the checks that read it", () => {
  const msg = problemsOfEdited("split", (y) =>
    y
      .replace("latencyP99Ms: 50", 'latencyP99Ms: "40ms"')
      .replace("steps: [10, 50, 100]", "steps: [10, 50], maxLatencyP99Ms: 80")
      .replace("trafficPercent: 10", 'trafficPercent: "ten"')
      .replace(
        "header: { name: x-exp, value: b } }",
        'header: { name: x-exp, value: b } }\n  - { name: exp-b, modelUri: "s3://<artifacts>/split/c", weight: 5 }',
      ),
  );
  expect(msg).toMatch(/^4 configuration problems:/);
  expect(msg).toContain("models/split.yaml: canary.analysis.steps = [10,50]: must end at 100");
  expect(msg).toContain('models/split.yaml: experiments[1].name = "exp-b": duplicate experiment name');
});

test("one rejected experiment does not hide the other experiments' checks or the weight total", () => {
  const msg = problemsOfEdited("exps", (y) =>
    y.replace(
      /^experiments:\n.*\n/m,
      [
        "experiments:",
        '  - { name: canary, modelUri: "s3://<artifacts>/exps/a", weight: 30 }',
        '  - { name: exp-b, modelUri: "http://bad/b", weight: 40 }',
        '  - { name: exp-c, modelUri: "s3://<artifacts>/exps/c", weight: 30, header: { name: x-exp, value: c } }',
        '  - { name: exp-c, modelUri: "s3://<artifacts>/exps/d", header: { name: x-exp, value: c } }',
        "",
      ].join("\n"),
    ),
  );
  expect(msg.split("\n").slice(1)).toEqual([
    '  - models/exps.yaml: experiments[0].name = "canary": stable and canary are reserved variant names',
    expect.stringMatching(
      /^ {2}- models\/exps\.yaml: experiments\[1\]\.modelUri = "http:\/\/bad\/b": must start with s3:\/\//,
    ),
    "  - models/exps.yaml: experiments[2]: needs exactly one of weight (percent of traffic) or header {name, value}",
    '  - models/exps.yaml: experiments[3].name = "exp-c": duplicate experiment name',
    '  - models/exps.yaml: experiments[3].header = {"name":"x-exp","value":"c"}: header x-exp: c already pins experiment exp-c',
    "  - models/exps.yaml: experiments: the canary's trafficPercent 10 plus the experiments' weights 100 make 110; they must stay below 100 so stable keeps traffic",
  ]);
});

describe("experiment weights beside the canary's analysis steps", () => {
  const weighted = (weight: number) => (y: string) =>
    y.replace(
      /^experiments:\n.*\n/m,
      `experiments:\n  - { name: exp-b, modelUri: "s3://<artifacts>/w/b", weight: ${weight} }\n`,
    );
  const valid = (yaml: string) => validateModelSpecs([source("models/w.yaml", yaml)], "staging", cfg);

  test("a step that would leave stable no traffic is rejected, naming the step and both ways out", () => {
    // Steps 10, 50, 100: at the 50% step a 50% experiment leaves stable nothing.
    expect(problemsOfEdited("w", weighted(50))).toContain(
      "models/w.yaml: experiments: the experiments' weights 50 plus the 50% step of the canary's analysis (steps 10, 50, 100) must stay below 100 so stable keeps traffic during that step; lower the weights to at most 49 or set canary.analysis.steps or canaryAnalysis.steps with no step below 100 above 49",
    );
    expect(valid(spec("w", weighted(49)))).toHaveLength(1);
  });

  test("without a canary the steps the next canary runs count: the model's canaryAnalysis, or the defaults", () => {
    const noCanary = (y: string) => y.replace(/^canary:\n(?: {2}.*\n)+/m, "");
    const declared = (steps: string) => (y: string) =>
      `${noCanary(weighted(40)(y))}canaryAnalysis: { steps: [${steps}] }\n`;
    expect(problemsOfEdited("w", declared("30, 70, 100"))).toContain(
      "models/w.yaml: experiments: the experiments' weights 40 plus the 70% step of canaryAnalysis (steps 30, 70, 100) must stay below 100 so stable keeps traffic during that step; lower the weights to at most 29 or set canaryAnalysis.steps with no step below 100 above 59",
    );
    expect(valid(spec("w", declared("30, 59, 100")))).toHaveLength(1);
    // promote-to-prod starts a canary at the defaults (10, 25, 50, 100): a 60% experiment beside
    // them would fail the prod pull request it opens, so it fails here first.
    expect(problemsOfEdited("w", (y) => noCanary(weighted(60)(y)))).toContain(
      "models/w.yaml: experiments: the experiments' weights 60 plus the 50% step of the default canary analysis, which the next canary runs (steps 10, 25, 50, 100)",
    );
    expect(valid(spec("w", (y) => noCanary(weighted(49)(y))))).toHaveLength(1);
  });

  test("weights that leave no room for any step only say to lower the weights", () => {
    const noCanary = (y: string) => y.replace(/^canary:\n(?: {2}.*\n)+/m, "");
    const msg = problemsOfEdited("w", (y) => noCanary(weighted(99)(y)));
    expect(msg).toMatch(/lower the weights to at most 49$/);
  });
});

describe("canaryAnalysis: the model's analysis for every canary", () => {
  /** The spec with the canary's own analysis replaced by `analysis` and `canaryAnalysis` added. */
  const withModelAnalysis =
    (modelAnalysis: string, own = "") =>
    (y: string) =>
      `${y.replace("  analysis: { steps: [10, 50, 100] }\n", own)}canaryAnalysis: ${modelAnalysis}\n`;

  test("a canary takes each field its own analysis does not set", () => {
    const yaml = spec(
      "ca",
      withModelAnalysis(
        "{ maxLatencyP99Ms: 60, steps: [5, 20, 100], intervalMinutes: 8 }",
        "  analysis: { intervalMinutes: 3 }\n",
      ),
    ).replace("trafficPercent: 10", "trafficPercent: 5"); // at most the first step, 5
    const [parsed] = validateModelSpecs([source("models/ca.yaml", yaml)], "staging", cfg);
    expect(parsed.canary?.analysis).toEqual({
      maxErrorRatio: 1.5,
      maxLatencyP99Ms: 60,
      intervalMinutes: 3,
      steps: [5, 20, 100],
    });
  });

  test("a stack's override of canaryAnalysis reaches that stack's canary only", () => {
    // The canary starts at 5, at most either stack's first step.
    const yaml = `${spec("cb", withModelAnalysis("{ steps: [10, 100] }")).replace("trafficPercent: 10", "trafficPercent: 5")}stacks:\n  prod: { canaryAnalysis: { steps: [5, 25, 50, 100] } }\n`;
    const src = source("models/cb.yaml", yaml);
    expect(validateModelSpecs([src], "staging", cfg)[0].canary?.analysis.steps).toEqual([10, 100]);
    expect(validateModelSpecs([src], "prod", cfg)[0].canary?.analysis.steps).toEqual([5, 25, 50, 100]);
    // Planning staging names prod's bad override too, at its place.
    const bad = source("models/cb.yaml", yaml.replace("[5, 25, 50, 100]", "[5, 25, 50]"));
    expect(problemsOf(bad)).toContain(
      "models/cb.yaml: stacks.prod.canaryAnalysis.steps = [5,25,50]: must end at 100",
    );
  });

  test("bad fields are reported once, at canaryAnalysis, with or without a canary", () => {
    const msg = problemsOf(
      source("models/cc.yaml", spec("cc", withModelAnalysis("{ steps: [50, 10], maxLatencyP99Ms: 20 }"))),
      source(
        "models/cd.yaml",
        spec("cd", (y) =>
          withModelAnalysis("{ intervalMinutes: 0, maxErrorRatio: 0.5, step: [10] }")(
            y.replace(/canary:\n(  .*\n)+/, ""),
          ),
        ),
      ),
    );
    expect(msg).toContain("models/cc.yaml: canaryAnalysis.steps = [50,10]: must be strictly ascending");
    expect(msg).toContain("models/cc.yaml: canaryAnalysis.steps = [50,10]: must end at 100");
    expect(msg).toContain(
      "models/cc.yaml: canaryAnalysis.maxLatencyP99Ms = 20: must be >= slo.latencyP99Ms (50)",
    );
    expect(msg).not.toContain("models/cc.yaml: canary.analysis");
    expect(msg).toContain("models/cd.yaml: canaryAnalysis.intervalMinutes = 0");
    expect(msg).toContain("models/cd.yaml: canaryAnalysis.maxErrorRatio = 0.5");
    expect(msg).toContain("models/cd.yaml: canaryAnalysis.step");
    expect(msg).not.toContain("models/cd.yaml: canary.");
  });

  test("another stack's override with other bad steps than the base's is reported too", () => {
    const yaml = `${spec("cf", withModelAnalysis("{ steps: [50, 10, 100] }"))}stacks:\n  prod: { canaryAnalysis: { steps: [60, 20, 100] } }\n`;
    const msg = problemsOf(source("models/cf.yaml", yaml));
    expect(msg).toContain("models/cf.yaml: canaryAnalysis.steps = [50,10,100]: must be strictly ascending");
    expect(msg).toContain(
      "models/cf.yaml: stacks.prod.canaryAnalysis.steps = [60,20,100]: must be strictly ascending",
    );
  });

  test("the canary's own bad steps are reported at the canary beside good model steps", () => {
    const msg = problemsOfEdited(
      "ce",
      withModelAnalysis("{ steps: [10, 100] }", "  analysis: { steps: [60, 30, 100] }\n"),
    );
    expect(msg).toContain("models/ce.yaml: canary.analysis.steps = [60,30,100]: must be strictly ascending");
    expect(msg).not.toContain("canaryAnalysis");
  });
});
