/** Bad-spec cases of keys and names: typos in keys, missing blocks and names Kubernetes or IAM would refuse. */
import type { BadSpecCase } from "../bad-spec-harness";

/** [what, file name, edit, expected message fragment]. */
export const KEY_AND_NAME_CASES: BadSpecCase[] = [
  [
    "unknown key (typo)",
    "b4",
    (y) => y.replace("replicas: { min", "replica: { min"),
    "models/b4.yaml: serving.replica: unknown key; did you mean replicas? allowed keys: runtime, image, runtimeVersion, servedModel, modelUri, gpu, rpsPerReplica, replicas",
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
    "name of a platform namespace",
    "monitoring",
    (y) => y,
    'models/monitoring.yaml: name = "monitoring": is reserved',
  ],
  [
    "Service name too long",
    "m".repeat(50),
    (y) => y,
    `canary: makes the Service name ${"m".repeat(50)}-canary-predictor 67 characters, over Kubernetes' 63; a model with a canary has a name of at most 41`,
  ],
  [
    "experiment's Service name too long: the experiment's own name is shown",
    "e".repeat(40),
    (y) => y.replace("name: exp-b,", "name: long-experiment-b,"),
    `experiments[0].name = "long-experiment-b": makes the Service name ${"e".repeat(40)}-long-experiment-b-predictor 68 characters, over Kubernetes' 63; the model's and the experiment's names together at most 47`,
  ],
  [
    "a name starting with a digit: the message says a letter must come first",
    "7eleven",
    (y) => y,
    `name = "7eleven": must be a DNS-1035 label: lower-case letters, digits and '-', first a letter, last not '-', at most 42 characters for a model (its IAM role's name)`,
  ],
  [
    "IAM role name too long",
    "r".repeat(43),
    (y) => y,
    `name = "${"r".repeat(43)}": is 43 characters; at most 42 (its IAM role name`,
  ],
];
