/**
 * Model specs and a stack config for the monitoring tests, validated through the real schemas so the
 * tests see exactly what `pulumi up` would. The committed `models/` folder is used when it has files.
 */
import * as fs from "fs";
import * as path from "path";
import { readModelSources } from "../../components/config/model-sources";
import { ModelSpec } from "../../components/config/model-schema";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { PromRule, SERIES } from "../../components/model/promql";
import { ROOT } from "../helpers/program";
import { stackConfig } from "../helpers/stack";
export { stackConfig } from "../helpers/stack";

/** A fully featured model: canary, features, quality, retraining on drift and quality. */
export const HOMEPAGE_FEED = {
  name: "homepage-feed",
  team: "homepage",
  serving: {
    runtime: "torchserve",
    modelUri: "s3://artifacts/homepage-feed/v42",
    gpu: { pool: "inference", share: 0.25 },
    rpsPerReplica: 400,
    replicas: { min: 2, max: 40 },
  },
  slo: { latencyP99Ms: 50, availability: 99.9 },
  canary: {
    modelUri: "s3://artifacts/homepage-feed/v43",
    trafficPercent: 10,
    analysis: { maxErrorRatio: 1.5, maxLatencyP99Ms: 60 },
  },
  training: {
    schedule: "0 3 * * *",
    image: "registry.example.com/recs/trainer:1.4.2",
    gpu: { pool: "training", count: 1 },
    retrainOn: ["drift", "quality"],
  },
  monitoring: { features: ["price", "user_age_bucket"], quality: { metric: "ctr", minRatio: 0.8 } },
};

/** A Triton model without canary, drift features or retraining (the minimal case). */
export const SEARCH_RANKING = {
  name: "search-ranking",
  team: "search",
  serving: {
    runtime: "triton",
    modelUri: "s3://artifacts/search-ranking/v7",
    gpu: { pool: "inference", share: 0.5 },
    rpsPerReplica: 200,
    replicas: { min: 1, max: 10 },
  },
  slo: { latencyP99Ms: 80, availability: 99.5 },
};

/** An MLServer model retraining on quality only. */
export const CART_CROSS_SELL = {
  name: "cart-cross-sell",
  team: "cart",
  serving: {
    runtime: "mlserver",
    modelUri: "models:/cart-cross-sell/3",
    gpu: { pool: "inference", share: 0.25 },
    rpsPerReplica: 150,
    replicas: { min: 1, max: 8 },
  },
  slo: { latencyP99Ms: 100, availability: 99 },
  training: {
    schedule: "0 4 * * *",
    image: "registry.example.com/recs/trainer:1.4.2",
    gpu: { pool: "training" },
    retrainOn: ["quality"],
  },
  monitoring: { features: ["basket_size"], quality: { metric: "ctr", minRatio: 0.7 } },
};

/** The committed models for `stack` if `models/` has any, else the fixtures above. */
export function modelsFor(stack: string): ModelSpec[] {
  const cfg = stackConfig(stack);
  const dir = path.join(ROOT, "models");
  const committed = fs.existsSync(dir) ? readModelSources(dir) : { sources: [], problems: [] };
  if (committed.sources.length > 0 && committed.problems.length === 0) {
    return validateModelSpecs(committed.sources, stack, cfg);
  }
  return fixtureModels(stack);
}

/** The fixture models validated for `stack`. */
export function fixtureModels(stack: string): ModelSpec[] {
  const cfg = stackConfig(stack);
  return validateModelSpecs(
    [HOMEPAGE_FEED, SEARCH_RANKING, CART_CROSS_SELL].map((data) => ({
      file: `models/${data.name}.yaml`,
      data,
    })),
    stack,
    cfg,
  );
}

/** The series the traffic-anomaly rules record: with the alert, all `ModelTrafficAnomaly` needs. */
const TRAFFIC_RECORDS = new Set<string>([
  SERIES.modelRequests("1m"),
  SERIES.modelRequests("2m"),
  SERIES.modelRequests("5m"),
  SERIES.eventMultiplier,
  SERIES.normalizedRequests,
  SERIES.expectedLow,
  SERIES.expectedHigh,
]);

/** True for the rules `ModelTrafficAnomaly` depends on (a scenario loads only those, to stay fast). */
export function isTrafficRule(r: PromRule): boolean {
  return TRAFFIC_RECORDS.has(r.record ?? "") || r.alert === "ModelTrafficAnomaly";
}
