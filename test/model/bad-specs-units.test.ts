/**
 * Range errors say what kind of number a field is - a fraction or a percent - so a value in the
 * other unit is fixed at once, and an image whose registry is a placeholder names the registry.
 */
import { validationMessage } from "../helpers/model-specs";
import { cfg, problemsOfEdited, source, spec } from "./bad-spec-harness";

/** The message of spec `name` edited, on a stack that sets no `imageRegistry` for `<registry>` to stand for. */
function withoutRegistry(name: string, edit: (yaml: string) => string): string {
  return validationMessage([source(`models/${name}.yaml`, spec(name, edit))], "staging", {
    ...cfg,
    imageRegistry: undefined,
  })!;
}

test("DESIGN's example image with its <registry> placeholder names the registry, not a missing tag", () => {
  const msg = withoutRegistry("img", (y) =>
    y.replace("image: registry.example.com/recs/trainer:1.4.2", 'image: "<registry>/recs/trainer:1.4.2"'),
  );
  expect(msg.split("\n")[1]).toBe(
    "  - models/img.yaml: training.image = \"<registry>/recs/trainer:1.4.2\": has the registry host <registry>, which is not a host name (letters, digits, '.' and '-', then an optional :port): write your registry's host, such as registry.example.com, or set mlops-platform:imageRegistry in the stack file for <registry> to stand for",
  );
});

test("a placeholder registry and a missing tag are both said", () => {
  const msg = withoutRegistry("img2", (y) =>
    y.replace("image: registry.example.com/recs/trainer:1.4.2", 'image: "<registry>/recs/trainer"'),
  );
  expect(msg).toContain("for <registry> to stand for; and must be an image with a tag or digest");
});

test.each([
  [
    "targetUtilization as a percent",
    "  rpsPerReplica: 300",
    "  rpsPerReplica: 300\n  targetUtilization: 95",
    "serving.targetUtilization = 95: must be <= 1 (a fraction of rpsPerReplica: 0.95 is 95%, not 95)",
  ],
  [
    "availability as a fraction",
    "availability: 99.9",
    "availability: 0.999",
    "slo.availability = 0.999: must be >= 90 (a percent: 99.9 is three nines, not 0.999)",
  ],
  [
    "availability above five nines",
    "availability: 99.9",
    "availability: 100",
    "slo.availability = 100: must be <= 99.999 (a percent: 99.9 is three nines)",
  ],
  [
    "quality minRatio as a percent",
    "training:",
    "monitoring: { quality: { metric: ctr, minRatio: 80 } }\ntraining:",
    "monitoring.quality.minRatio = 80: must be a fraction between 0 and 1 of the metric's recent baseline (0.8 is 80%, not 80)",
  ],
  [
    "a canary step as a fraction",
    "steps: [10, 50, 100]",
    "steps: [0, 50, 100]",
    "canary.analysis.steps[0] = 0: must be a percent of traffic from 1 to 100 (10 is 10%, not 0.1)",
  ],
  [
    "an experiment weight above 99",
    "header: { name: x-exp, value: b } }",
    "weight: 150 }",
    "experiments[0].weight = 150: must be a percent of traffic from 1 to 99 (20 is 20%, not 0.2)",
  ],
])("%s says which unit it is", (_what, from, to, line) => {
  expect(problemsOfEdited("unit", (y) => y.replace(from, to))).toContain(`models/unit.yaml: ${line}`);
});
