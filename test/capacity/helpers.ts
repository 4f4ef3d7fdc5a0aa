/** Shared fixtures of the capacity tests: the prod stack, the fixture specs and hand-made variants. */
import * as path from "path";
import type { ModelSpec } from "../../components/config/model-schema";
import { modelSpecSchema } from "../../components/config/model-schema";
import type { StackConfig } from "../../components/config/stack-schema";
import { loadModelSpecs, loadStackConfig } from "../../tools/capacity/inputs";
import { ROOT } from "../helpers/program";

/** Fixture model specs (twelve models on the prod inference pool). */
export const FIXTURE_MODELS = path.join(ROOT, "test", "fixtures", "capacity-models");

/** The validated prod stack config. */
export function prodConfig(): StackConfig {
  return loadStackConfig("prod", ROOT);
}

/** The fixture specs validated for prod. */
export function fixtureSpecs(config = prodConfig()): ModelSpec[] {
  return loadModelSpecs(FIXTURE_MODELS, "prod", config);
}

/** Prod config with one small serving pool (g6.xlarge, 4-way time-slicing) and overrides. */
export function tinyConfig(
  pool: Partial<StackConfig["gpuPools"][number]> = {},
  events: any[] = [],
): StackConfig {
  const base = prodConfig();
  return {
    ...base,
    events: events.map((e) => ({ ...e })),
    gpuPools: [
      {
        ...base.gpuPools[0],
        instanceTypes: ["g6.xlarge"],
        sharing: { mode: "time-slicing", replicas: 4 },
        minGpus: 0,
        provisioningSeconds: 60,
        consolidateAfter: "1m",
        ...pool,
      },
    ],
  } as StackConfig;
}

/** A model spec on the `inference` pool with overrides of `serving`. */
export function spec(name: string, serving: Record<string, unknown> = {}): ModelSpec {
  return modelSpecSchema.parse({
    name,
    team: "t",
    serving: {
      runtime: "triton",
      modelUri: `s3://bucket/${name}/v1`,
      gpu: { pool: "inference", share: 0.25 },
      rpsPerReplica: 100,
      replicas: { min: 1, max: 10 },
      coldStartSeconds: 60,
      targetUtilization: 0.8,
      ...serving,
    },
    slo: { latencyP99Ms: 50, availability: 99.9 },
  });
}
