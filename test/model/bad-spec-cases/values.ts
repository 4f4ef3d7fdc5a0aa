/** Bad-spec cases of field values: URIs, replica bounds, resource quantities, units, lists with repeats and rates no replica serves. */
import type { BadSpecCase } from "../bad-spec-harness";

/** [what, file name, edit, expected message fragment]. */
export const VALUE_CASES: BadSpecCase[] = [
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
    "a model scaled to zero, which nothing would scale back up",
    "b0",
    (y) => y.replace("replicas: { min: 1, max: 4 }", "replicas: { min: 0, max: 4 }"),
    "models/b0.yaml: serving.replicas.min = 0: must be at least 1: a model scaled to 0 replicas is never scaled back up",
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
