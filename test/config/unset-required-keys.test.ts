/**
 * A required stack key left out is named with what it must be: "set it" alone sent the reader to
 * the README to find that `environment` is one of dev, staging, prod or that `budget` is a map with
 * monthlyGpuCost.
 */
import { InputError, loadStackConfig } from "../../tools/capacity/inputs";
import { stackRoot } from "../helpers/plan-cli";

/** The message of loading staging's stack file with `drop` (a line or block) taken out. */
function messageWithout(drop: RegExp): string {
  const root = stackRoot("unset", (yaml) => {
    expect(yaml).toMatch(drop);
    return yaml.replace(drop, "");
  });
  try {
    loadStackConfig("staging", root);
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error("expected the stack file to be refused");
}

const UNSET =
  "not set, and Pulumi.yaml declares it without a default, so the Pulumi CLI refuses the stack; set it";

describe("a required stack key left out", () => {
  test.each([
    ["environment", /  mlops-platform:environment: staging\n/, "one of dev, staging, prod"],
    ["region", /  mlops-platform:region: ap-southeast-1\n/, "an AWS region such as ap-southeast-1"],
    ["budget", /  mlops-platform:budget:\n    monthlyGpuCost: 40000\n/, "a map with monthlyGpuCost"],
    [
      "gpuPools",
      /  mlops-platform:gpuPools:\n(    .*\n|      .*\n)+/,
      "a list of GPU pools, each a map with name, purpose (serving or training), instanceTypes, maxGpus",
    ],
  ])("%s is named with what it must be", (key, drop, allowed) => {
    const message = messageWithout(drop);
    expect(message).toContain(`mlops-platform:${key}: ${UNSET}: ${allowed}`);
    // Once: the schema's own "required" for the same key is folded into it.
    expect(message.split(`mlops-platform:${key}:`)).toHaveLength(2);
  });

  test("a key whose every field has a default keeps its {} hint", () => {
    expect(messageWithout(/  mlops-platform:addons:\n(    .*\n|      .*\n|        .*\n)+/)).toContain(
      `mlops-platform:addons: ${UNSET} (addons: {} takes every default)`,
    );
  });
});
