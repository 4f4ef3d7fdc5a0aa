/**
 * README's onboarding example, the one file a model team adds, read from README itself (as
 * scripts/refresh-plan-fixtures.sh reads it for the cost-diff fixtures): it must stay a valid spec
 * for both stacks beside the committed models, with the staging override README describes.
 */
import { execFileSync } from "child_process";
import * as path from "path";
import * as YAML from "yaml";
import { readModelSources } from "../../components/config/model-sources";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { ROOT } from "../helpers/program";
import { stackConfig } from "./harness";

const example = execFileSync("bash", [path.join(ROOT, "scripts", "readme-example.sh")], { encoding: "utf8" });

describe("README's onboarding example", () => {
  test("is found in README", () => {
    expect(example).toMatch(/^name: order-eta-rerank\n/);
  });

  test.each(["staging", "prod"])("is a valid spec for %s beside the committed models", (stack) => {
    const { sources } = readModelSources(path.join(ROOT, "models"));
    const added = { file: "models/order-eta-rerank.yaml", data: YAML.parse(example) };
    const specs = validateModelSpecs([...sources, added], stack, stackConfig(stack));
    const spec = specs.find((s) => s.name === "order-eta-rerank")!;
    expect(spec.serving.replicas).toEqual(stack === "staging" ? { min: 1, max: 1 } : { min: 2, max: 4 });
    expect(spec.serving.gpu.share).toBe(0.125);
  });
});
