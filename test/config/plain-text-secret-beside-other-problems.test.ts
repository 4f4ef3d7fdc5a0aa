/**
 * A secret key set in plain text is said to be one, with how to set it, even when the block naming
 * it has another problem (before, it was an "unknown key" then), and its value is never printed.
 */
import * as path from "path";
import { ConfigValidationError } from "../../components/config/errors";
import { ROOT, runStack, tempStack } from "../helpers/program";

async function problemsOf(edit: (config: Record<string, any>) => void): Promise<string> {
  const dir = tempStack("staging", edit, "staging");
  const run = runStack("staging", { projectRoot: dir, modelsDir: path.join(ROOT, "models") });
  await expect(run).rejects.toBeInstanceOf(ConfigValidationError);
  return run.then(
    () => "",
    (err: Error) => err.message,
  );
}

describe("a plain-text secret beside another problem of its block", () => {
  test("a receiver's urlSecret set in plain text while alerting has another problem", async () => {
    const message = await problemsOf((config) => {
      const alerting = config["mlops-platform:alerting"];
      alerting.receivers.cart = { kind: "webhook", urlSecret: "alertWebhookCart" };
      alerting.retrainCooldown = "5m";
      config["mlops-platform:alertWebhookCart"] = "https://hooks.example.com/services/SECRETW7";
    });
    expect(message).toContain("mlops-platform:alerting.retrainCooldown");
    expect(message).toContain(
      "mlops-platform:alertWebhookCart: is the secret alerting.receivers.cart.urlSecret names, but it is set in plain text (stored unencrypted in the stack file); run: pulumi config rm alertWebhookCart && pulumi config set --secret alertWebhookCart <value>",
    );
    expect(message).not.toContain("unknown key");
    expect(message).not.toContain("SECRETW7");
  });

  test("the kubeconfig set in plain text while cluster.existing has another problem", async () => {
    const message = await problemsOf((config) => {
      config["mlops-platform:cluster"] = {
        mode: "existing",
        existing: {
          clusterName: "shared",
          vpcId: "not-a-vpc",
          privateSubnetIds: ["subnet-0abc1234", "subnet-0abc5678"],
          nodeSecurityGroupId: "sg-0abc1234",
        },
      };
      config["mlops-platform:kubeconfig"] = "apiVersion: v1\nusers: [{user: {token: SECRETK8}}]";
    });
    expect(message).toContain("mlops-platform:cluster.existing.vpcId");
    expect(message).toContain(
      "mlops-platform:kubeconfig: is the secret cluster.existing.kubeconfigSecret names, but it is set in plain text",
    );
    expect(message).not.toContain("unknown key");
    expect(message).not.toContain("SECRETK8");
  });
});
