/**
 * Model specs written as YAML text for the validation tests: a valid spec to edit into a bad one,
 * and the validator's message for the sources (the bad-specs and onboarding-review tests).
 */
import * as YAML from "yaml";
import { ConfigValidationError } from "../../components/config/errors";
import type { SpecSource } from "../../components/config/model-schema";
import type { StackConfig } from "../../components/config/stack-schema";
import { validateModelSpecs } from "../../components/config/validate-model-specs";

/** What the valid spec of {@link specYaml} serves and trains. */
export interface SpecYamlOptions {
  /** The serving GPU share on pool inference. @default 0.25 */
  readonly share?: number;
  /** The canary's traffic percent. @default 10 */
  readonly trafficPercent?: number;
  /** The canary's analysis steps. @default "10, 50, 100" */
  readonly steps?: string;
  /** Whether the spec has a nightly training block. @default true */
  readonly training?: boolean;
}

/** A valid spec named `name` with a canary and a header-pinned experiment, `edit` applied to its YAML. */
export function specYaml(
  name: string,
  edit: (yaml: string) => string = (y) => y,
  options: SpecYamlOptions = {},
): string {
  const training = `training:
  schedule: "0 3 * * *"
  image: registry.example.com/recs/trainer:1.4.2
  gpu: { pool: training, count: 1 }
`;
  return edit(`
name: ${name}
team: homepage
serving:
  runtime: triton
  modelUri: s3://<artifacts>/${name}/v1
  gpu: { pool: inference, share: ${options.share ?? 0.25} }
  rpsPerReplica: 300
  replicas: { min: 1, max: 4 }
slo: { latencyP99Ms: 50, availability: 99.9 }
canary:
  modelUri: s3://<artifacts>/${name}/v2
  trafficPercent: ${options.trafficPercent ?? 10}
  analysis: { steps: [${options.steps ?? "10, 50, 100"}] }
experiments:
  - { name: exp-b, modelUri: "s3://<artifacts>/${name}/b", header: { name: x-exp, value: b } }
${options.training === false ? "" : training}`);
}

/** A spec source: `yaml` parsed as the file `file` would be. */
export const source = (file: string, yaml: string): SpecSource => ({ file, data: YAML.parse(yaml) });

/**
 * The validator's message for `sources` planned for `stack`, undefined when they are valid; any
 * error it throws must be a ConfigValidationError.
 */
export function validationMessage(
  sources: SpecSource[],
  stack: string,
  cfg: StackConfig,
): string | undefined {
  try {
    validateModelSpecs(sources, stack, cfg);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return (err as Error).message;
  }
  return undefined;
}
