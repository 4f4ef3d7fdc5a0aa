/** Stack values once accepted silently and now refused: a node that joins in 0 seconds, two regions. */
import * as path from "path";
import { ConfigValidationError } from "../../components/config/errors";
import { stackValues } from "../helpers/stack";
import { problemsOf } from "../helpers/stack-config-problems";
import { ROOT, runStack, tempStack } from "../helpers/program";

describe("stack values refused", () => {
  test("a pool's provisioningSeconds below 30 is refused", () => {
    const raw = stackValues("staging");
    raw.gpuPools[0].provisioningSeconds = 0;
    expect(problemsOf(raw)).toContain(
      "mlops-platform:gpuPools[0].provisioningSeconds = 0: must be at least 30 seconds",
    );
  });

  test("aws:region beside a different mlops-platform:region is refused, naming both", async () => {
    const dir = tempStack("staging", (config) => {
      config["aws:region"] = "us-east-1";
    });
    const run = runStack("staging", { projectRoot: dir, modelsDir: path.join(ROOT, "models") });
    await expect(run).rejects.toBeInstanceOf(ConfigValidationError);
    await expect(run).rejects.toThrow(
      'Pulumi.staging.yaml: aws:region = "us-east-1": differs from mlops-platform:region (ap-southeast-1)',
    );
  });
});
