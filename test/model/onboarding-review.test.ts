/**
 * What a black-box review of a new team's model file found passing or reading wrong: a URI into
 * another model's folder of the artifact bucket, a canary starting above its first analysis step, a
 * name error quoting the wrong length limit, and a computed sum printed as a field's value.
 */
import { source as specSource, specYaml, validationMessage } from "../helpers/model-specs";
import { stackConfig } from "./harness";

const cfg = stackConfig("staging");

/** `models/<name>.yaml`: a valid spec with a canary and a header-pinned experiment, `edit` applied. */
function source(name: string, edit: (yaml: string) => string = (y) => y) {
  const options = { share: 0.125, trafficPercent: 5, steps: "5, 20, 50, 100", training: false };
  return specSource(`models/${name}.yaml`, specYaml(name, edit, options));
}

/** The problem lines of `edit`ed specs (none when they are valid). */
function problems(name: string, edit?: (yaml: string) => string): string[] {
  return (
    validationMessage([source(name, edit)], "staging", cfg)
      ?.split("\n")
      .slice(1) ?? []
  );
}

describe("a new team's model file", () => {
  test("the valid spec passes", () => {
    expect(problems("query-autocomplete")).toEqual([]);
  });

  test("URIs in another model's folder of the artifact bucket are refused, each at its field", () => {
    const lines = problems("qa", (y) =>
      y
        .replace("s3://<artifacts>/qa/v2", "s3://<artifacts>/homepage-feed/v8")
        .replace('"s3://<artifacts>/qa/b"', '"s3://<artifacts>/search-ranking/b"'),
    );
    expect(lines).toEqual([
      `  - models/qa.yaml: canary.modelUri = "s3://<artifacts>/homepage-feed/v8": is in the folder homepage-feed/ of the artifact bucket; a model's files go under s3://<artifacts>/qa/ (its pods are granted read of the paths its spec names, so another model's folder would open that model's files to this one)`,
      expect.stringContaining(
        `experiments[0].modelUri = "s3://<artifacts>/search-ranking/b": is in the folder search-ranking/`,
      ),
    ]);
  });

  test("a team's own bucket and a registry reference stay allowed", () => {
    expect(
      problems("qa", (y) =>
        y
          .replace("s3://<artifacts>/qa/v1", "s3://team-discovery-models/qa/v1")
          .replace("s3://<artifacts>/qa/v2", "models:/qa/2"),
      ),
    ).toEqual([]);
  });

  test("a canary starting above its first analysis step is refused; at or below it passes", () => {
    expect(problems("qa", (y) => y.replace("trafficPercent: 5", "trafficPercent: 75"))).toEqual([
      "  - models/qa.yaml: canary.trafficPercent = 75: is above the analysis' first step (5%): the canary takes it as it deploys, before any analysis, and promote then starts at 5%; start at 5 or below (0 deploys it without traffic)",
    ]);
    expect(problems("qa", (y) => y.replace("trafficPercent: 5", "trafficPercent: 0"))).toEqual([]);
  });

  test("a stack whose override sets only the model's steps is told at those steps, not at trafficPercent", () => {
    const lines = problems(
      "qa",
      (y) =>
        y
          .replace("  analysis: { steps: [5, 20, 50, 100] }\n", "")
          .replace("canary:", "canaryAnalysis: { steps: [5, 20, 50, 100] }\ncanary:") +
        "stacks:\n  prod:\n    canaryAnalysis: { steps: [2, 50, 100] }\n",
    );
    expect(lines).toEqual([
      "  - models/qa.yaml: stacks.prod.canaryAnalysis.steps = [2,50,100]: starts at 2%, below the canary's trafficPercent (5): the canary would take 5% as it deploys, before any analysis; start the steps at 5 or above, or lower trafficPercent",
    ]);
  });

  test("a malformed name quotes the model's own length limit, 42", () => {
    const lines = problems("qa", (y) => y.replace("name: qa", "name: Bad_Name"));
    expect(lines[0]).toContain(`name = "Bad_Name": must be a DNS-1035 label`);
    expect(lines[0]).toContain("at most 42 characters for a model");
    expect(lines.join("\n")).not.toContain("at most 63");
  });

  test("a sum of weights is said in words, not printed as the list's value", () => {
    const lines = problems("qa", (y) =>
      y.replace(
        "header: { name: x-exp, value: b } }",
        'weight: 60 }\n  - { name: exp-c, modelUri: "s3://<artifacts>/qa/c", weight: 41 }',
      ),
    );
    expect(lines).toEqual([
      "  - models/qa.yaml: experiments: the canary's trafficPercent 5 plus the experiments' weights 101 make 106; they must stay below 100 so stable keeps traffic",
    ]);
  });
});
