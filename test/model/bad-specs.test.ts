/**
 * Bad model specs: each is rejected with a message naming the file, the field and what is allowed,
 * and every problem of every file is reported in one error.
 */
import * as YAML from "yaml";
import { ConfigValidationError } from "../../components/config/errors";
import { editDistance } from "../../components/config/edit-distance";
import { parseQuantity } from "../../components/config/model-fields";
import { shareProblem } from "../../components/config/model-pool-checks";
import { SpecSource } from "../../components/config/model-schema";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { stackConfig } from "./harness";

/** Staging plus a MIG serving pool and a whole-GPU serving pool. */
const cfg = stackConfig("staging", (raw) => {
  raw.gpuPools.push(
    {
      name: "mig",
      purpose: "serving",
      instanceTypes: ["p4d.24xlarge"],
      sharing: { mode: "mig", profile: "3g.20gb" },
      maxGpus: 8,
    },
    {
      name: "whole",
      purpose: "serving",
      instanceTypes: ["g6.xlarge"],
      sharing: { mode: "none" },
      maxGpus: 4,
    },
  );
  raw.pricing.instances["p4d.24xlarge"] = { onDemand: 283 };
});

/** A valid spec named `name`, with `edit` applied to its YAML text. */
function spec(name: string, edit: (yaml: string) => string = (y) => y): string {
  return edit(`
name: ${name}
team: homepage
serving:
  runtime: triton
  modelUri: s3://<artifacts>/${name}/v1
  gpu: { pool: inference, share: 0.25 }
  rpsPerReplica: 300
  replicas: { min: 1, max: 4 }
slo: { latencyP99Ms: 50, availability: 99.9 }
canary:
  modelUri: s3://<artifacts>/${name}/v2
  trafficPercent: 10
  analysis: { steps: [10, 50, 100] }
experiments:
  - { name: exp-b, modelUri: "s3://<artifacts>/${name}/b", header: { name: x-exp, value: b } }
training:
  schedule: "0 3 * * *"
  image: registry.example.com/recs/trainer:1.4.2
  gpu: { pool: training, count: 1 }
`);
}

const source = (file: string, yaml: string): SpecSource => ({ file, data: YAML.parse(yaml) });

/** Validates the sources and returns the error message (fails when they are valid). */
function problemsOf(...sources: SpecSource[]): string {
  return problemsIn("staging", ...sources);
}

/** The error message of the sources planned for `stack` (fails when they are valid). */
function problemsIn(stack: string, ...sources: SpecSource[]): string {
  try {
    validateModelSpecs(sources, stack, cfg);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return (err as Error).message;
  }
  throw new Error("expected the specs to be invalid");
}

/** The error message of one spec `models/<name>.yaml`, the valid spec with `edit` applied. */
function problemsOfEdited(name: string, edit: (yaml: string) => string): string {
  return problemsOf(source(`models/${name}.yaml`, spec(name, edit)));
}

/** [what, file name, edit, expected message fragment]. */
const CASES: [string, string, (y: string) => string, string][] = [
  [
    "unknown pool",
    "a1",
    (y) => y.replace("pool: inference", "pool: inferense"),
    'models/a1.yaml: serving.gpu.pool = "inferense": unknown GPU pool; this stack has: inference, training, mig, whole',
  ],
  [
    "pool of the wrong purpose",
    "a2",
    (y) => y.replace("pool: inference", "pool: training"),
    'models/a2.yaml: serving.gpu.pool = "training": pool training is for training; serving needs a pool with purpose serving',
  ],
  [
    "training on a serving pool",
    "a2t",
    (y) => y.replace("{ pool: training, count: 1 }", "{ pool: whole, count: 1 }"),
    'models/a2t.yaml: training.gpu.pool = "whole": pool whole is for serving; training needs a pool with purpose training',
  ],
  [
    "training on an unknown pool",
    "a2u",
    (y) => y.replace("{ pool: training, count: 1 }", "{ pool: trainning, count: 1 }"),
    'models/a2u.yaml: training.gpu.pool = "trainning": unknown GPU pool; this stack has: inference, training, mig, whole',
  ],
  [
    "training on more GPUs than the pool has",
    "a2c",
    (y) => y.replace("{ pool: training, count: 1 }", "{ pool: training, count: 64 }"),
    "models/a2c.yaml: training.gpu.count = 64: pool training has at most",
  ],
  [
    "more whole GPUs per replica than any node of the pool has",
    "a5n",
    (y) => y.replace("{ pool: inference, share: 0.25 }", "{ pool: whole, share: 2 }"),
    "models/a5n.yaml: serving.gpu.share = 2: no instance type of pool whole has 2 GPUs (one pod runs on one node; the largest, g6.xlarge, has 1)",
  ],
  [
    "training on more GPUs than one node of the pool has",
    "a2n",
    (y) => y.replace("{ pool: training, count: 1 }", "{ pool: training, count: 2 }"),
    "models/a2n.yaml: training.gpu.count = 2: no instance type of pool training has 2 GPUs",
  ],
  [
    "share of two GPUs on a time-sliced pool says where such a model belongs",
    "a3w",
    (y) => y.replace("share: 0.25", "share: 2"),
    "models/a3w.yaml: serving.gpu.share = 2: pool inference time-slices each GPU 8 ways: use a multiple of 1/8 (0.1250) up to 1 (more slices of one GPU add no compute: a model needing more than a GPU per replica belongs on a pool with sharing none)",
  ],
  [
    "share not fitting 8-way time-slicing",
    "a3",
    (y) => y.replace("share: 0.25", "share: 0.3"),
    "models/a3.yaml: serving.gpu.share = 0.3: pool inference time-slices each GPU 8 ways: use a multiple of 1/8 (0.1250) up to 1",
  ],
  [
    "share not a MIG device on a MIG pool",
    "a4",
    (y) => y.replace("{ pool: inference, share: 0.25 }", "{ pool: mig, share: 0.25 }"),
    "models/a4.yaml: serving.gpu.share = 0.25: pool mig uses MIG 3g.20gb: use 0.4286, one MIG device (a CUDA process uses a single MIG device, so a replica given more would hold idle ones); a model needing more compute per replica belongs on a pool with a larger profile or with sharing none",
  ],
  [
    "non-integer share on a whole-GPU pool",
    "a5",
    (y) => y.replace("{ pool: inference, share: 0.25 }", "{ pool: whole, share: 1.5 }"),
    "models/a5.yaml: serving.gpu.share = 1.5: pool whole has no GPU sharing: use whole GPUs (1, 2, ...)",
  ],
  [
    "a canary of the version stable serves",
    "cs",
    (y) => y.replace("modelUri: s3://<artifacts>/cs/v2", "modelUri: s3://<artifacts>/cs/v1"),
    'models/cs.yaml: canary.modelUri = "s3://<artifacts>/cs/v1": is the version stable serves (serving.modelUri): point the canary at the new version',
  ],
  [
    "bad cron: a field out of its range is named with the range",
    "a6",
    (y) => y.replace('"0 3 * * *"', '"0 25 * * *"'),
    'models/a6.yaml: training.schedule = "0 25 * * *": hour 25 is outside 0-23 (fields: minute hour day month weekday)',
  ],
  [
    "bad cron: minute out of range",
    "a6m",
    (y) => y.replace('"0 3 * * *"', '"61 * * * *"'),
    'models/a6m.yaml: training.schedule = "61 * * * *": minute 61 is outside 0-59',
  ],
  [
    "bad cron: weekday out of range",
    "a6w",
    (y) => y.replace('"0 3 * * *"', '"0 3 * * 8"'),
    'models/a6w.yaml: training.schedule = "0 3 * * 8": weekday 8 is outside 0-7',
  ],
  [
    "bad cron: a step of 0",
    "a6s",
    (y) => y.replace('"0 3 * * *"', '"*/0 3 * * *"'),
    'models/a6s.yaml: training.schedule = "*/0 3 * * *": minute step 0 (*/0) never moves on: use 1 or more',
  ],
  [
    "bad cron: a range that wraps round is offered the two ranges it means, not its bounds swapped",
    "a6r",
    (y) => y.replace('"0 3 * * *"', '"0 22-2 * * *"'),
    'models/a6r.yaml: training.schedule = "0 22-2 * * *": hour range 22-2 runs backwards, and cron ranges do not wrap round: write 22-23,0-2 for the values it means',
  ],
  [
    "bad cron: a wrapping range of names keeps the names",
    "a6n",
    (y) => y.replace('"0 3 * * *"', '"0 3 * NOV-FEB FRI-MON"'),
    'models/a6n.yaml: training.schedule = "0 3 * NOV-FEB FRI-MON": month range NOV-FEB runs backwards, and cron ranges do not wrap round: write NOV-DEC,JAN-FEB for the values it means',
  ],
  [
    "bad cron: a range past the field's end",
    "a6e",
    (y) => y.replace('"0 3 * * *"', '"0 3 * * 1-10"'),
    'models/a6e.yaml: training.schedule = "0 3 * * 1-10": weekday 10 is outside 0-7',
  ],
  [
    "bad modelUri scheme",
    "a7",
    (y) => y.replace("modelUri: s3://<artifacts>/a7/v1", "modelUri: gs://bucket/a7/v1"),
    'models/a7.yaml: serving.modelUri = "gs://bucket/a7/v1": must start with s3:// or models:/',
  ],
  [
    "modelUri without a path inside the bucket",
    "a8",
    (y) => y.replace("modelUri: s3://<artifacts>/a8/v1", "modelUri: s3://my-bucket"),
    'models/a8.yaml: serving.modelUri = "s3://my-bucket": must be s3://<bucket>/<path> with a path inside the bucket',
  ],
  [
    "min > max",
    "a9",
    (y) => y.replace("{ min: 1, max: 4 }", "{ min: 5, max: 4 }"),
    "models/a9.yaml: serving.replicas.min = 5: must be <= replicas.max (4)",
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
    "a model scaled to zero, which nothing would scale back up",
    "b0",
    (y) => y.replace("replicas: { min: 1, max: 4 }", "replicas: { min: 0, max: 4 }"),
    "models/b0.yaml: serving.replicas.min = 0: must be at least 1: a model scaled to 0 replicas is never scaled back up",
  ],
  [
    "canary at 100% with no weighted experiment, named at its own field",
    "b3a",
    (y) => y.replace("trafficPercent: 10", "trafficPercent: 100"),
    "models/b3a.yaml: canary.trafficPercent = 100: must stay below 100 so stable keeps traffic; a canary ready for all of it is promoted instead (npm run promote makes it stable)",
  ],
  [
    "unknown key (typo)",
    "b4",
    (y) => y.replace("replicas: { min", "replica: { min"),
    "models/b4.yaml: serving.replica: unknown key; did you mean replicas? allowed keys: runtime, image, runtimeVersion, modelUri, gpu, rpsPerReplica, replicas",
  ],
  [
    "a missing map names the fields it needs",
    "c1",
    (y) => y.replace("  gpu: { pool: inference, share: 0.25 }\n", ""),
    "models/c1.yaml: serving.gpu: required: a map with pool, share",
  ],
  [
    "a missing map names its optional fields apart",
    "c2",
    (y) => y.replace(/training:\n(  .*\n)+/, "training: { schedule: '0 3 * * *', image: r/t:1 }\n"),
    "models/c2.yaml: training.gpu: required: a map with pool (optional: count)",
  ],
  [
    "a missing choice lists the choices",
    "c3",
    (y) => y.replace("  runtime: triton\n", ""),
    "models/c3.yaml: serving.runtime: required: one of triton, mlserver, torchserve, custom",
  ],
  [
    "a missing number says so",
    "c4",
    (y) => y.replace("latencyP99Ms: 50, ", ""),
    "models/c4.yaml: slo.latencyP99Ms: required: a number",
  ],
  [
    "a key cut short is matched to the key it starts",
    "c5",
    (y) => y.replace("  rpsPerReplica: 300\n", "  rpsPerReplica: 300\n  coldStart: 30\n"),
    "models/c5.yaml: serving.coldStart: unknown key; did you mean coldStartSeconds? allowed keys:",
  ],
  [
    "two letters swapped in a short key are still taken for a slip",
    "c5a",
    (y) => y.replace("team: homepage", "tema: homepage"),
    "models/c5a.yaml: tema: unknown key; did you mean team? allowed keys:",
  ],
  [
    "a short key two edits from another is not guessed at (base is not name)",
    "c5b",
    (y) => y.replace("team: homepage", "team: homepage\nbase: homepage-feed"),
    "models/c5b.yaml: base: unknown key; allowed keys: name,",
  ],
  [
    "a key far from every allowed key gets no guess",
    "c6",
    (y) => y.replace("  rpsPerReplica: 300\n", "  rpsPerReplica: 300\n  shards: 3\n"),
    "models/c6.yaml: serving.shards: unknown key; allowed keys: runtime,",
  ],
  [
    "name differs from the file name",
    "b5",
    (y) => y.replace("name: b5\n", "name: b5-typo\n"),
    'models/b5.yaml: name = "b5-typo": must equal the file name (b5)',
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
    "name of a platform namespace",
    "monitoring",
    (y) => y,
    'models/monitoring.yaml: name = "monitoring": is reserved',
  ],
  [
    "Service name too long",
    "m".repeat(50),
    (y) => y,
    `canary: makes the Service name ${"m".repeat(50)}-canary-predictor 67 characters, over Kubernetes' 63; a model with a canary has a name of at most 46`,
  ],
  [
    "experiment's Service name too long: the experiment's own name is shown",
    "e".repeat(40),
    (y) => y.replace("name: exp-b,", "name: long-experiment-b,"),
    `experiments[0].name = "long-experiment-b": makes the Service name ${"e".repeat(40)}-long-experiment-b-predictor 68 characters, over Kubernetes' 63; the model's and the experiment's names together at most 52`,
  ],
  [
    "a name starting with a digit: the message says a letter must come first",
    "7eleven",
    (y) => y,
    `name = "7eleven": must be a DNS-1035 label: lower-case letters, digits and '-', first a letter, last not '-', at most 42 characters for a model (its IAM role's name)`,
  ],
  [
    "memory without a unit (bytes)",
    "unit1",
    (y) =>
      y.replace(
        "  replicas: { min: 1, max: 4 }",
        "  replicas: { min: 1, max: 4 }\n  resources: { cpu: 0.0001, memory: 1536 }",
      ),
    "serving.resources.memory = 1536: must be at least 16Mi; a number without a unit is bytes (1536 is 1.5 KiB: write 1536Mi)",
  ],
  [
    "CPU below a millicore",
    "unit2",
    (y) =>
      y.replace(
        "  replicas: { min: 1, max: 4 }",
        "  replicas: { min: 1, max: 4 }\n  resources: { cpu: 0.0001, memory: 1Gi }",
      ),
    "serving.resources.cpu = 0.0001: must be at least 1m (0.001 cores), Kubernetes' precision",
  ],
  [
    "latency in seconds",
    "unit3",
    (y) => y.replace("latencyP99Ms: 50", "latencyP99Ms: 0.05"),
    "slo.latencyP99Ms = 0.05: is in milliseconds: at least 1 (0.05 would be 50 microseconds)",
  ],
  [
    "an error ratio as a percent",
    "unit4",
    (y) =>
      y.replace(
        "analysis: { steps: [10, 50, 100] }",
        "analysis: { steps: [10, 50, 100], maxErrorRatio: 150 }",
      ),
    "canary.analysis.maxErrorRatio = 150: is a multiple of stable's error ratio (1.5 = half as many errors again), at most 10; not a percent",
  ],
  [
    "an experiment of the version stable serves",
    "expsame",
    (y) => y.replace('modelUri: "s3://<artifacts>/expsame/b"', 'modelUri: "s3://<artifacts>/expsame/v1"'),
    'experiments[0].modelUri = "s3://<artifacts>/expsame/v1": is the version stable serves: an experiment tries another version',
  ],
  [
    "IAM role name too long",
    "r".repeat(43),
    (y) => y,
    `name = "${"r".repeat(43)}": is 43 characters; at most 42 (its IAM role name`,
  ],
  [
    "a cron Airflow's croniter refuses (hashed)",
    "hashed",
    (y) => y.replace('schedule: "0 3 * * *"', 'schedule: "H 3 * * *"'),
    'models/hashed.yaml: training.schedule = "H 3 * * *": must be a five-field cron expression',
  ],
  [
    "a cron Airflow's croniter refuses (last weekday)",
    "lastfri",
    (y) => y.replace('schedule: "0 3 * * *"', 'schedule: "0 3 * * 5L"'),
    'models/lastfri.yaml: training.schedule = "0 3 * * 5L": must be a five-field cron expression',
  ],
  [
    "a cron that never fires (31 February)",
    "feb31",
    (y) => y.replace('schedule: "0 3 * * *"', 'schedule: "0 3 31 2 *"'),
    'models/feb31.yaml: training.schedule = "0 3 31 2 *": never fires: day 31 does not exist in month 2',
  ],
  [
    "an n-th weekday beside a day of the month (croniter finds no date)",
    "nthday",
    (y) => y.replace('schedule: "0 3 * * *"', 'schedule: "0 3 1 * 5#2"'),
    'models/nthday.yaml: training.schedule = "0 3 1 * 5#2": weekday 5#2 needs * as the day of the month (got 1)',
  ],
  [
    "31 February with a weekday is still never",
    "feb31w",
    (y) => y.replace('schedule: "0 3 * * *"', 'schedule: "0 3 31 2 1"'),
    'models/feb31w.yaml: training.schedule = "0 3 31 2 1": never fires: day 31 does not exist in month 2',
  ],
  [
    "rpsPerReplica that a two-decimal KEDA threshold rounds to 0",
    "tiny",
    (y) => y.replace("rpsPerReplica: 300", "rpsPerReplica: 0.04"),
    "models/tiny.yaml: serving.rpsPerReplica = 0.04: must be at least 0.1 requests/s per replica",
  ],
  [
    "memory in thousandths of a byte (m for Mi)",
    "milli",
    (y) =>
      y.replace(
        "  replicas: { min: 1, max: 4 }",
        "  replicas: { min: 1, max: 4 }\n  resources: { cpu: 500m, memory: 1536m }",
      ),
    'models/milli.yaml: serving.resources.memory = "1536m": must be memory such as 1536Mi, 8Gi or 2G',
  ],
  [
    "a CPU request of nothing",
    "nocpu",
    (y) =>
      y.replace(
        "  replicas: { min: 1, max: 4 }",
        "  replicas: { min: 1, max: 4 }\n  resources: { cpu: '0', memory: 1Gi }",
      ),
    'models/nocpu.yaml: serving.resources.cpu = "0": must be more than 0 cores',
  ],
  [
    "a CPU quantity with a memory suffix",
    "cpugi",
    (y) =>
      y.replace(
        "  replicas: { min: 1, max: 4 }",
        "  replicas: { min: 1, max: 4 }\n  resources: { cpu: 1Gi, memory: 1Gi }",
      ),
    'models/cpugi.yaml: serving.resources.cpu = "1Gi": must be CPU cores such as 2, 0.5 or 500m',
  ],
  [
    "a feature listed twice",
    "twicef",
    (y) => `${y}monitoring:\n  features: [price, basket_size, price]\n`,
    'models/twicef.yaml: monitoring.features[2] = "price": listed twice (also monitoring.features[0])',
  ],
  [
    "a retraining trigger listed twice",
    "twicer",
    (y) =>
      y.replace(
        "  gpu: { pool: training, count: 1 }",
        "  gpu: { pool: training, count: 1 }\n  retrainOn: [drift, drift]",
      ),
    'models/twicer.yaml: training.retrainOn[1] = "drift": listed twice (also training.retrainOn[0])',
  ],
  [
    // Found by a bad-input review: the misspelt trigger fenced the list, and its duplicate went unseen.
    "a retraining trigger listed twice beside a misspelt one",
    "twicem",
    (y) =>
      y.replace(
        "  gpu: { pool: training, count: 1 }",
        "  gpu: { pool: training, count: 1 }\n  retrainOn: [drift, drfit, drift]",
      ),
    'models/twicem.yaml: training.retrainOn[2] = "drift": listed twice (also training.retrainOn[0])',
  ],
  [
    "a feature name with a regex character",
    "dotf",
    (y) => `${y}monitoring:\n  features: [price.v2]\n`,
    'models/dotf.yaml: monitoring.features[0] = "price.v2": must be a feature name of letters, digits and _',
  ],
  [
    "YAML's .inf is shown as Infinity, not as JSON's null",
    "inf",
    (y) => y.replace("rpsPerReplica: 300", "rpsPerReplica: .inf"),
    "models/inf.yaml: serving.rpsPerReplica = Infinity: ",
  ],
  [
    "a replica rate no load test gives",
    "huge",
    (y) => y.replace("rpsPerReplica: 300", "rpsPerReplica: 99999999999999999999999"),
    "models/huge.yaml: serving.rpsPerReplica = 1e+23: must be at most 1,000,000 requests/s per replica",
  ],
];

describe("bad model specs", () => {
  test.each(CASES)("%s", (_what, name, edit, message) => {
    expect(problemsOfEdited(name, edit)).toContain(message);
  });

  test("a misspelt required key is one problem, at the typo, not also the field it meant as missing", () => {
    const msg = problemsOfEdited("b4", (y) => y.replace("replicas: { min", "replica: { min"));
    expect(msg.split("\n")).toEqual([
      "1 configuration problem:",
      expect.stringMatching(
        /^ {2}- models\/b4\.yaml: serving\.replica: unknown key; did you mean replicas\?/,
      ),
    ]);
    // A key far from any field leaves the missing one reported: nothing names it.
    expect(problemsOfEdited("b4", (y) => y.replace("replicas: { min", "scaling: { min"))).toContain(
      "models/b4.yaml: serving.replicas: required",
    );
  });

  test("the valid base spec passes, so each case fails for its own edit only", () => {
    expect(validateModelSpecs([source("models/ok.yaml", spec("ok"))], "staging", cfg)[0].name).toBe("ok");
  });

  test("the limits are the real ones: a 42-character name and cron month and weekday names pass", () => {
    const name = "n".repeat(42);
    const named = (y: string) => y.replace('schedule: "0 3 * * *"', 'schedule: "0 3 1 jan,JUL MON-FRI"');
    const [m] = validateModelSpecs([source(`models/${name}.yaml`, spec(name, named))], "staging", cfg);
    expect(m.name).toBe(name);
    expect(m.training?.schedule).toBe("0 3 1 jan,JUL MON-FRI");
  });

  test("a team a letter or two from one with a receiver is a typo; a new team pages the platform team", () => {
    const withReceivers = {
      ...cfg,
      alerting: {
        ...cfg.alerting,
        receivers: {
          ...cfg.alerting.receivers,
          homepage: { kind: "webhook", urlSecret: "hook" },
          pdp: { kind: "webhook", urlSecret: "hook2" },
        },
      },
    } as typeof cfg;
    const check = (team: string) => {
      try {
        validateModelSpecs(
          [
            source(
              "models/t.yaml",
              spec("t", (y) => y.replace("team: homepage", `team: ${team}`)),
            ),
          ],
          "staging",
          withReceivers,
        );
        return "ok";
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(check("hompage")).toContain(
      'models/t.yaml: team = "hompage": has no receiver in alerting.receivers; did you mean homepage?',
    );
    expect(check("pd")).toBe("ok"); // two letters: no edit allowed
    expect(check("ads")).toBe("ok"); // two edits from pdp, but only one allowed at three letters
    expect(check("cart")).toBe("ok");
    expect(check("homepage")).toBe("ok");
  });

  test("duplicate names across files are reported against the second file", () => {
    const a = source("models/dup.yaml", spec("dup"));
    const b = source("other/dup.yaml", spec("dup"));
    expect(problemsOf(a, b)).toContain(
      'other/dup.yaml: name = "dup": duplicate model name, already used by models/dup.yaml',
    );
  });

  test("every problem of every file is reported in one error", () => {
    const sources = CASES.map(([, name, edit]) => source(`models/${name}.yaml`, spec(name, edit)));
    const err = (() => {
      try {
        validateModelSpecs(sources, "staging", cfg);
      } catch (e) {
        return e as ConfigValidationError;
      }
      throw new Error("expected the specs to be invalid");
    })();
    for (const [, , , message] of CASES) expect(err.message).toContain(message);
    const files = new Set(err.problems.map((p) => p.file));
    expect(files.size).toBe(CASES.length);
    expect(err.message.split("\n")[0]).toBe(`${err.problems.length} configuration problems:`);
  });

  test("a staging override is validated like the base spec, and its problems point into it", () => {
    const yaml = spec("ov", (y) => `${y}stacks:\n  staging: { serving: { gpu: { share: 0.3 } } }\n`);
    expect(problemsOf(source("models/ov.yaml", yaml))).toContain(
      "models/ov.yaml: stacks.staging.serving.gpu.share = 0.3",
    );
  });

  test("decimal and binary memory suffixes and millicores are accepted and sized alike", () => {
    const withResources = (r: string) =>
      spec("res", (y) =>
        y.replace("  replicas: { min: 1, max: 4 }", `  replicas: { min: 1, max: 4 }\n  resources: ${r}`),
      );
    for (const r of [
      "{ cpu: 400m, memory: 1G }",
      '{ cpu: "0.5", memory: 1536Mi }',
      '{ cpu: "0.75", memory: 2000000k }',
    ])
      expect(validateModelSpecs([source("models/res.yaml", withResources(r))], "staging", cfg)).toHaveLength(
        1,
      );
    expect(parseQuantity("1G", "memory")).toBeCloseTo(1e9 / 2 ** 30);
    expect(parseQuantity("1536Mi", "memory")).toBe(1.5);
    expect(parseQuantity("250m", "cpu")).toBe(0.25);
    expect(parseQuantity("1Gi", "cpu")).toBeNaN();
  });

  test("a replica whose CPU or memory cannot fit beside its GPU slices is rejected", () => {
    const msg = problemsOfEdited("fat", (y) =>
      y.replace(
        "  replicas: { min: 1, max: 4 }",
        '  replicas: { min: 1, max: 4 }\n  resources: { cpu: "4", memory: 12Gi }',
      ),
    );
    expect(msg).toContain(
      'models/fat.yaml: serving.resources.cpu = "4": with share 0.25 a replica may request at most',
    );
    expect(msg).toContain('models/fat.yaml: serving.resources.memory = "12Gi"');
  });

  test("a MIG replica's CPU and memory are limited by the part of the GPU its device fills, not its compute", () => {
    // Found by a black-box review: 3g.20gb is 3/7 of an A100's compute but half an A100-40GB (two
    // fit one), so on p4d.24xlarge (12 vCPU per GPU) a replica may ask 0.5 x 12 x 0.9 = 5.4 vCPU,
    // where 0.4286 x 12 x 0.9 = 4.63 refused specs that fit.
    const onMig = (cpu: string) =>
      spec("migfat", (y) =>
        y
          .replace("{ pool: inference, share: 0.25 }", "{ pool: mig, share: 0.4286 }")
          .replace(
            "  replicas: { min: 1, max: 4 }",
            `  replicas: { min: 1, max: 4 }\n  resources: { cpu: "${cpu}", memory: 8Gi }`,
          ),
      );
    expect(validateModelSpecs([source("models/migfat.yaml", onMig("5"))], "staging", cfg)).toHaveLength(1);
    expect(() => validateModelSpecs([source("models/migfat.yaml", onMig("6"))], "staging", cfg)).toThrow(
      'models/migfat.yaml: serving.resources.cpu = "6": with its 1 3g.20gb device (0.5 of a GPU on p4d.24xlarge) a replica may request at most 5.40 vCPU: its part of one GPU\'s vCPU on p4d.24xlarge (pool mig), less 10% for node daemons, since a replica may be placed on any type of its pool with room for its GPUs; lower it, or ask the platform team for a pool of a larger MIG profile or roomier types',
    );
  });

  test("a replica must fit the pool's type with the least CPU and memory per GPU, which packing may pick", () => {
    // g6.xlarge has 4 vCPU / 16 GiB for its GPU, g6.12xlarge 12 / 48 per GPU: an 8-vCPU whole-GPU
    // replica runs on the second only, while packing and cost place it on the cheaper first.
    const mixed = stackConfig("staging", (raw) => {
      raw.gpuPools.push({
        name: "whole",
        purpose: "serving",
        instanceTypes: ["g6.xlarge", "g6.12xlarge"],
        sharing: { mode: "none" },
        maxGpus: 8,
      });
      raw.pricing.instances["g6.12xlarge"] = { onDemand: 40.3 };
    });
    const fat = spec("fat", (y) =>
      y
        .replace("gpu: { pool: inference, share: 0.25 }", "gpu: { pool: whole, share: 1 }")
        .replace(
          "  replicas: { min: 1, max: 4 }",
          '  replicas: { min: 1, max: 4 }\n  resources: { cpu: "8", memory: 32Gi }',
        ),
    );
    let message = "";
    try {
      validateModelSpecs([source("models/fat.yaml", fat)], "staging", mixed);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(
      'models/fat.yaml: serving.resources.cpu = "8": with share 1 a replica may request at most 3.60 vCPU: its part of one GPU\'s vCPU on g6.xlarge, the type of pool whole with the least per GPU of those that hold the replica',
    );
    expect(message).toContain(
      'models/fat.yaml: serving.resources.memory = "32Gi": with share 1 a replica may request at most 14.40 GiB',
    );
    const fits = fat.replace('cpu: "8", memory: 32Gi', 'cpu: "3", memory: 12Gi');
    expect(validateModelSpecs([source("models/fat.yaml", fits)], "staging", mixed)).toHaveLength(1);
    // A two-GPU replica only goes on g6.12xlarge: g6.xlarge's one GPU sets it no limit (2 x 12 x 0.9).
    const twoGpus = fat
      .replace("share: 1 }", "share: 2 }")
      .replace('cpu: "8", memory: 32Gi', 'cpu: "16", memory: 64Gi');
    expect(validateModelSpecs([source("models/fat.yaml", twoGpus)], "staging", mixed)).toHaveLength(1);
  });
});

test("a type error does not hide the checks against the stack in the same file", () => {
  const msg = problemsOfEdited("both", (y) =>
    y.replace("share: 0.25", "share: 0.3").replace("trafficPercent: 10", "trafficPercent: 150"),
  );
  expect(msg).toContain("models/both.yaml: canary.trafficPercent = 150");
  expect(msg).toContain("models/both.yaml: serving.gpu.share = 0.3: pool inference time-slices each GPU");
});

test("a required field of the wrong type hides only the checks that need it", () => {
  const msg = problemsOfEdited("req", (y) =>
    y
      .replace("rpsPerReplica: 300", 'rpsPerReplica: "fast"')
      .replace("replicas: { min: 1, max: 4 }", "replicas: { min: 6, max: 4 }")
      .replace("share: 0.25", "share: 0.3"),
  );
  expect(msg).toMatch(/^3 configuration problems:/);
  expect(msg).toContain('models/req.yaml: serving.rpsPerReplica = "fast": must be a number, not a string');
  expect(msg).toContain("models/req.yaml: serving.replicas.min = 6: must be <= replicas.max (4)");
  expect(msg).toContain("models/req.yaml: serving.gpu.share = 0.3: pool inference time-slices each GPU");
});

test("an image may name a registry port and carry a tag and a digest; a port is not a tag", () => {
  const digest = `@sha256:${"a".repeat(64)}`;
  for (const image of [
    "harbor.internal:5000/recs/trainer:1.2.3",
    `registry.example.com/recs/trainer:1.2.3${digest}`,
    `recs/trainer${digest}`,
  ]) {
    const yaml = spec("ok", (y) =>
      y.replace("image: registry.example.com/recs/trainer:1.4.2", `image: ${image}`),
    );
    const [ok] = validateModelSpecs([source("models/ok.yaml", yaml)], "staging", cfg);
    expect(ok.training?.image).toBe(image);
  }
  const msg = problemsOfEdited("port", (y) =>
    y.replace("image: registry.example.com/recs/trainer:1.4.2", "image: harbor.internal:5000/recs/trainer"),
  );
  expect(msg).toContain(
    'training.image = "harbor.internal:5000/recs/trainer": must be an image with a tag or digest',
  );
  // Capitals in the path are named as such (the tag is there); malformed paths are refused.
  const upper = problemsOfEdited("upper", (y) =>
    y.replace("image: registry.example.com/recs/trainer:1.4.2", "image: ghcr.io/MyOrg/trainer:1.0"),
  );
  expect(upper).toContain(
    'training.image = "ghcr.io/MyOrg/trainer:1.0": must have a lowercase repository path',
  );
  for (const bad of ["/x:1", "x//y:1", "-x:1"]) {
    const m = problemsOfEdited("bad", (y) =>
      y.replace("image: registry.example.com/recs/trainer:1.4.2", `image: "${bad}"`),
    );
    expect(m).toContain(`training.image = "${bad}": must be an image with a tag or digest`);
  }
});

test("croniter's L (last day of the month) and weekday#n (the n-th weekday) are valid schedules", () => {
  for (const schedule of ["0 3 L * *", "0 3 * * 5#2", "0 3 * * fri#1"]) {
    const yaml = spec("ok", (y) => y.replace('schedule: "0 3 * * *"', `schedule: "${schedule}"`));
    const [ok] = validateModelSpecs([source("models/ok.yaml", yaml)], "staging", cfg);
    expect(ok.training?.schedule).toBe(schedule);
  }
});

test("a serving problem and a training pool problem are both reported in one run", () => {
  const msg = problemsOfEdited("pools", (y) =>
    y
      .replace(/share: [\d.]+/, 'share: "0.125"')
      .replace("  gpu: { pool: training, count: 1 }", "  gpu: { pool: inference, count: 99 }"),
  );
  expect(msg).toContain('models/pools.yaml: serving.gpu.share = "0.125": must be a number, not a string');
  expect(msg).toContain("models/pools.yaml: training.gpu.count = 99: must be <= 64");
  const other = problemsOfEdited("pools2", (y) =>
    y
      .replace(/share: [\d.]+/, 'share: "0.125"')
      .replace("  gpu: { pool: training, count: 1 }", "  gpu: { pool: inference }"),
  );
  expect(other).toContain(
    'models/pools2.yaml: training.gpu.pool = "inference": pool inference is for serving',
  );
});

test("a time zone in the training block or the cron says schedules run in the stack's", () => {
  const msg = problemsOfEdited("tz", (y) =>
    y.replace(
      'schedule: "0 3 * * *"',
      'schedule: "CRON_TZ=Europe/Berlin 0 3 * * *"\n  timezone: Europe/Berlin',
    ),
  );
  expect(msg).toContain(
    "models/tz.yaml: training.timezone: unknown key: training schedules run in the stack's time zone (mlops-platform:timeZone in the stack file), and event times carry their own offset",
  );
  expect(msg).toContain(
    'models/tz.yaml: training.schedule = "CRON_TZ=Europe/Berlin 0 3 * * *": must not name a time zone (CRON_TZ=...)',
  );
});

test("an unknown retraining trigger beside quality without monitoring.quality: both problems", () => {
  const msg = problemsOfEdited("retrain", (y) =>
    y.replace(
      "  gpu: { pool: training, count: 1 }",
      "  gpu: { pool: training, count: 1 }\n  retrainOn: [quality, accuracy]",
    ),
  );
  expect(msg).toContain(
    'models/retrain.yaml: training.retrainOn[1] = "accuracy": must be one of drift, quality',
  );
  expect(msg).toContain(
    "models/retrain.yaml: training.retrainOn: quality needs monitoring.quality to be set",
  );
});

test("a wrong type, option or bound is said in the words of the other problems, not zod's", () => {
  const msg = problemsOfEdited("words", (y) =>
    y
      .replace("runtime: triton", "runtime: Triton")
      .replace(
        "replicas: { min: 1, max: 4 }",
        "replicas: [1, 4]\n  coldStartSeconds: -5\n  targetUtilization: 2",
      )
      .replace("slo: { latencyP99Ms: 50, availability: 99.9 }", "slo: 5")
      .replace("trafficPercent: 10", "trafficPercent: 10.5")
      .replace("steps: [10, 50, 100]", "steps: []")
      .replace("schedule:", "retrainOn: drift\n  schedule:"),
  );
  for (const line of [
    'serving.runtime = "Triton": must be one of triton, mlserver, torchserve, custom (did you mean triton?)',
    "serving.replicas = [1,4]: must be a map with min, max, not a list",
    "serving.coldStartSeconds = -5: must be >= 0",
    "serving.targetUtilization = 2: must be <= 1",
    "slo = 5: must be a map with latencyP99Ms, availability, not a number",
    "canary.trafficPercent = 10.5: must be a whole number",
    "canary.analysis.steps = []: must have at least 1 item",
    'training.retrainOn = "drift": must be a list, not a string',
  ])
    expect(msg).toContain(`models/words.yaml: ${line}`);
  expect(msg).not.toMatch(/Invalid (input|option)|Too (small|big)/);
});

test("an unknown pool lists the stack's pools once each, even when the stack file names one twice", () => {
  // The duplicate itself is the stack file's problem, reported by its own check.
  const twice = { ...cfg, gpuPools: [...cfg.gpuPools, cfg.gpuPools[0]] };
  let message = "";
  try {
    validateModelSpecs(
      [
        source(
          "models/p.yaml",
          spec("p", (y) => y.replace("pool: inference", "pool: inferense")),
        ),
      ],
      "staging",
      twice,
    );
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toMatch(/unknown GPU pool; this stack has: inference, training, mig, whole$/);
});

test("a MIG share is exactly one device of the profile: a CUDA process uses one MIG device", () => {
  const pool = (profile: string, instanceTypes = ["p5.48xlarge"]) => ({
    ...cfg.gpuPools.find((p) => p.name === "mig")!,
    instanceTypes,
    sharing: { mode: "mig" as const, profile },
  });
  // 1g.20gb: a seventh of an H100's compute; 3g.40gb three sevenths; 7g.80gb the whole GPU.
  expect(shareProblem(1 / 7, pool("1g.20gb"))).toBeUndefined();
  expect(shareProblem(0.1429, pool("1g.20gb"))).toBeUndefined();
  expect(shareProblem(0.4286, pool("3g.40gb"))).toBeUndefined();
  expect(shareProblem(1, pool("7g.80gb"))).toBeUndefined();
  // Three 1g devices would be three CUDA devices of which the server uses one.
  expect(shareProblem(3 / 7, pool("1g.10gb"))).toBe(
    "pool mig uses MIG 1g.10gb: use 0.1429, one MIG device (a CUDA process uses a single MIG device, so a replica given more would hold idle ones); a model needing more compute per replica belongs on a pool with a larger profile or with sharing none",
  );
  expect(shareProblem(1, pool("1g.10gb"))).toContain("use 0.1429, one MIG device");
  expect(shareProblem(2, pool("7g.80gb"))).toContain("use 1.0000, one MIG device");
});

test("YAML's .nan and .inf are named as such, not as 'a number, not a number'", () => {
  const msg = problemsOfEdited("nonfinite", (y) =>
    y
      .replace(
        "rpsPerReplica: 300",
        "rpsPerReplica: 300\n  coldStartSeconds: .inf\n  targetUtilization: .nan",
      )
      .replace("trafficPercent: 10", "trafficPercent: -.inf"),
  );
  for (const line of [
    "serving.coldStartSeconds = Infinity: must be a finite number, not .inf",
    "serving.targetUtilization = NaN: must be a finite number, not .nan",
    "canary.trafficPercent = -Infinity: must be a finite number, not -.inf",
  ])
    expect(msg).toContain(`models/nonfinite.yaml: ${line}`);
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

test("a check that needs a rejected field stays silent rather than judge a stand-in", () => {
  const msg = problemsOfEdited("max", (y) =>
    y.replace("replicas: { min: 1, max: 4 }", 'replicas: { min: 6, max: "four" }'),
  );
  expect(msg).toMatch(/^1 configuration problem:/);
  expect(msg).toContain('models/max.yaml: serving.replicas.max = "four"');
});

test("a type error does not hide a name that differs from the file or repeats another", () => {
  const broken = (y: string) => y.replace("trafficPercent: 10", "trafficPercent: ten");
  const msg = problemsOf(
    source("models/one.yaml", spec("one", broken)),
    source("models/two.yaml", spec("one", broken)),
    source("other/one.yaml", spec("one", broken)),
  );
  expect(msg).toContain('models/one.yaml: canary.trafficPercent = "ten"');
  expect(msg).toContain('models/two.yaml: name = "one": must equal the file name (two)');
  expect(msg).toContain(
    'other/one.yaml: name = "one": duplicate model name, already used by models/one.yaml',
  );
});

test("a name that differs from its file is that one problem, not also a duplicate on the file it copies", () => {
  // A team copies homepage-feed.yaml to homepage-feed-v2.yaml and forgets the name: the new file
  // sorts first, and the untouched file was blamed as the duplicate.
  const msg = problemsOf(
    source("models/homepage-feed-v2.yaml", spec("homepage-feed")),
    source("models/homepage-feed.yaml", spec("homepage-feed")),
  );
  expect(msg.split("\n")).toEqual([
    "1 configuration problem:",
    '  - models/homepage-feed-v2.yaml: name = "homepage-feed": must equal the file name (homepage-feed-v2)',
  ]);
});

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
      "  - models/ov2.yaml: stacks.prod.serving.replicass: unknown key; did you mean replicas? allowed keys: runtime, image, runtimeVersion, modelUri, gpu, rpsPerReplica, replicas, coldStartSeconds, resources, targetUtilization",
      "  - models/ov2.yaml: stacks.prod.canary.trafficPercent = 10.5: must be a whole number",
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

describe("shares on a time-sliced pool", () => {
  const threeWay = {
    ...cfg.gpuPools[0],
    name: "three",
    sharing: { mode: "time-slicing" as const, replicas: 3 },
  };

  test("a multiple of 1/k to the 4 decimals the message prints is accepted", () => {
    for (const share of [0.3333, 0.33333, 1 / 3, 0.6667, 2 / 3, 1])
      expect(shareProblem(share, threeWay)).toBeUndefined();
  });

  test("anything further off is refused with the value to use", () => {
    for (const share of [0.333, 0.334, 0.5, 0])
      expect(shareProblem(share, threeWay)).toBe(
        "pool three time-slices each GPU 3 ways: use a multiple of 1/3 (0.3333) up to 1",
      );
    expect(shareProblem(1.3333, threeWay)).toMatch(/up to 1 \(more slices of one GPU add no compute/);
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
