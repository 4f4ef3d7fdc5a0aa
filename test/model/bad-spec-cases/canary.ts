/** Bad-spec cases of canaries and experiments: steps, percents and variants that would serve the wrong version or no stable traffic. */
import type { BadSpecCase } from "../bad-spec-harness";

/** [what, file name, edit, expected message fragment]. */
export const CANARY_CASES: BadSpecCase[] = [
  [
    "a canary of the version stable serves",
    "cs",
    (y) => y.replace("modelUri: s3://<artifacts>/cs/v2", "modelUri: s3://<artifacts>/cs/v1"),
    'models/cs.yaml: canary.modelUri = "s3://<artifacts>/cs/v1": is the version stable serves (serving.modelUri): point the canary at the new version',
  ],
  [
    "canary steps not ascending",
    "b1",
    (y) => y.replace("steps: [10, 50, 100]", "steps: [50, 10, 100]"),
    "models/b1.yaml: canary.analysis.steps = [50,10,100]: must be strictly ascending",
  ],
  [
    "canary steps not ending at 100",
    "b2",
    (y) => y.replace("steps: [10, 50, 100]", "steps: [10, 50]"),
    "models/b2.yaml: canary.analysis.steps = [10,50]: must end at 100 (full promotion)",
  ],
  [
    "canary steps with nothing to analyse before 100",
    "b2a",
    (y) => y.replace("steps: [10, 50, 100]", "steps: [100]"),
    "models/b2a.yaml: canary.analysis.steps = [100]: needs at least one step below 100: the canary is analysed at each step before 100",
  ],
  [
    "canary percent above 100",
    "b3",
    (y) => y.replace("trafficPercent: 10", "trafficPercent: 120"),
    "models/b3.yaml: canary.trafficPercent = 120: must be a percentage from 0 to 99",
  ],
  [
    "canary at 100% with no weighted experiment, named at its own field",
    "b3a",
    (y) => y.replace("trafficPercent: 10", "trafficPercent: 100"),
    "models/b3a.yaml: canary.trafficPercent = 100: must stay below 100 so stable keeps traffic; a canary ready for all of it is promoted instead (npm run promote makes it stable)",
  ],
  [
    "experiment with both weight and header",
    "b6",
    (y) => y.replace("header: { name: x-exp, value: b }", "weight: 10, header: { name: x-exp, value: b }"),
    "models/b6.yaml: experiments[0]: needs exactly one of weight (percent of traffic) or header {name, value}",
  ],
  [
    "two experiments pinned by the same header",
    "b7",
    (y) =>
      y.replace(
        "header: { name: x-exp, value: b } }",
        'header: { name: x-exp, value: b } }\n  - { name: exp-c, modelUri: "s3://<artifacts>/b7/c", header: { name: X-Exp, value: b } }',
      ),
    'models/b7.yaml: experiments[1].header = {"name":"X-Exp","value":"b"}: header X-Exp: b already pins experiment exp-b',
  ],
  [
    "an experiment of the version stable serves",
    "expsame",
    (y) => y.replace('modelUri: "s3://<artifacts>/expsame/b"', 'modelUri: "s3://<artifacts>/expsame/v1"'),
    'experiments[0].modelUri = "s3://<artifacts>/expsame/v1": is the version stable serves: an experiment tries another version',
  ],
];
