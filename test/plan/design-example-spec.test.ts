/**
 * DESIGN section 3's example spec, copied as it is into a models folder, plans on the committed stacks.
 * Its training image is `<registry>/recs/trainer:1.4.2`: like `s3://<artifacts>/`, the placeholder
 * stands for the stack's own registry (`mlops-platform:imageRegistry`). It was refused as "not a host
 * name", so a team starting from the documented example got a failed plan.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigValidationError } from "../../components/config/errors";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { plan, TMP } from "../helpers/plan-cli";
import { stackConfig } from "../helpers/stack";

/** DESIGN.md section 3's example, verbatim. */
const DESIGN_EXAMPLE = `name: homepage-feed            # DNS-1123 label; unique; must equal the file name
team: homepage                 # owner: alert routing, namespace, labels
serving:
  runtime: triton              # triton | mlserver | torchserve | custom (custom needs image)
  modelUri: s3://<artifacts>/homepage-feed/v42    # or an MLflow registry reference
  gpu: { pool: inference, share: 0.25 }            # share of one GPU per replica (0 < share <= 1, or whole GPUs >= 1)
  rpsPerReplica: 400           # requests/s one replica serves within the latency SLO (from a load test)
  replicas: { min: 2, max: 40 }
  coldStartSeconds: 90         # time from pod start to ready (model load)
slo: { latencyP99Ms: 50, availability: 99.9 }
canary:                        # optional; absent = no canary
  modelUri: s3://<artifacts>/homepage-feed/v43
  trafficPercent: 10
  analysis: { maxErrorRatio: 1.5, maxLatencyP99Ms: 60, intervalMinutes: 5, steps: [10, 25, 50, 100] }
experiments:                   # optional A/B test: more named variants beside stable (and canary)
  - name: two-tower-b          # variant label in metrics
    modelUri: s3://<artifacts>/homepage-feed/v44
    weight: 20                 # percent of traffic, or route by header instead:
    # header: { name: x-exp-bucket, value: b }
training:
  schedule: "0 3 * * *"        # cron, in the platform's time zone
  image: <registry>/recs/trainer:1.4.2
  gpu: { pool: training, count: 1 }
  retrainOn: [drift, quality]  # alerts that start a retraining run
monitoring:
  features: [price, user_age_bucket, category_id]  # inputs watched for drift
  quality: { metric: ctr, minRatio: 0.8 }            # online quality vs its own recent baseline
stacks:                        # per-stack overrides, deep-merged over the rest
  staging: { serving: { replicas: { min: 1, max: 4 } } }
`;

/** A custom-runtime spec whose serving image uses the placeholder in its base and staging override. */
const CUSTOM = {
  name: "m1",
  team: "search",
  serving: {
    runtime: "custom",
    image: "<registry>/srv/m1:1.0",
    modelUri: "s3://<artifacts>/m1/v1",
    gpu: { pool: "inference", share: 0.25 },
    rpsPerReplica: 100,
    replicas: { min: 1, max: 4 },
  },
  slo: { latencyP99Ms: 50, availability: 99.9 },
  stacks: { staging: { serving: { image: "<registry>/srv/m1:1.1" } } },
};

describe("DESIGN's example spec", () => {
  it.each(["staging", "prod"])(
    "plans on %s as written, its <registry> image on the stack's registry",
    (stack) => {
      const models = path.join(fs.mkdtempSync(path.join(TMP, "design-example-")), "models");
      fs.mkdirSync(models);
      fs.writeFileSync(path.join(models, "homepage-feed.yaml"), DESIGN_EXAMPLE);
      const out = path.join(path.dirname(models), "out");
      const r = plan(["--stack", stack, "--models", models, "--out", out]);
      expect(r.stderr).not.toContain("problem");
      expect(r.status).toBe(0);
      const dag = fs.readFileSync(
        path.join(out, "manifests/airflow/ConfigMap/dag-homepage-feed.yaml"),
        "utf8",
      );
      expect(dag).toContain('"registry.example.com/recs/trainer:1.4.2"');
    },
    120_000,
  );
});

describe("the <registry> image placeholder", () => {
  const validate = (registry: string | undefined) =>
    validateModelSpecs([{ file: "models/m1.yaml", data: CUSTOM }], "staging", {
      ...stackConfig("staging"),
      imageRegistry: registry,
    });

  it("stands for mlops-platform:imageRegistry, in overrides too", () => {
    expect(validate("harbor.internal:5000/ml")[0].serving.image).toBe("harbor.internal:5000/ml/srv/m1:1.1");
  });

  it("without imageRegistry is refused, naming the key that makes it usable", () => {
    expect(() => validate(undefined)).toThrow(ConfigValidationError);
    expect(() => validate(undefined)).toThrow(/serving\.image.*<registry>.*mlops-platform:imageRegistry/);
  });

  it("imageRegistry must be a registry host", () => {
    expect(() =>
      stackConfig("staging", (raw) => (raw.imageRegistry = "https://registry.example.com")),
    ).toThrow(/imageRegistry = "https:\/\/registry.example.com": must be a registry host/);
  });
});
