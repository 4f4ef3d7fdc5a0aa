/**
 * A percent written as a fraction (0.1 for 10%) is the likely slip on the traffic fields: it is told
 * the field is a whole percent and what 10% looks like, not only "must be a whole number", which
 * sent a team looking for a rounding problem.
 */
import { problemsOfEdited } from "./bad-spec-harness";

test.each([
  [
    "a canary's trafficPercent",
    "trafficPercent: 10",
    "trafficPercent: 0.1",
    "canary.trafficPercent = 0.1: must be a whole percentage from 0 to 99 (10 is 10%, not 0.1)",
  ],
  [
    "an experiment's weight",
    "header: { name: x-exp, value: b } }",
    "weight: 0.2 }",
    "experiments[0].weight = 0.2: must be a whole percent of traffic from 1 to 99 (20 is 20%, not 0.2)",
  ],
  [
    "a canary analysis step",
    "steps: [10, 50, 100]",
    "steps: [0.1, 0.5, 1]",
    "canary.analysis.steps[0] = 0.1: must be a whole percent of traffic from 1 to 100 (10 is 10%, not 0.1)",
  ],
])("%s as a fraction says it is a whole percent", (_what, from, to, expected) => {
  const msg = problemsOfEdited("frac", (y) => y.replace(from, to));
  expect(msg).toContain(`models/frac.yaml: ${expected}`);
  expect(msg).not.toContain("must be a whole number");
});

test("each fractional step is named, all at once", () => {
  const msg = problemsOfEdited("frac2", (y) => y.replace("steps: [10, 50, 100]", "steps: [0.1, 0.5, 1]"));
  expect(msg).toContain("canary.analysis.steps[1] = 0.5: must be a whole percent of traffic from 1 to 100");
});
