import { spawnSync } from "child_process";
import * as path from "path";
import {
  automationDeployer,
  heldLevels,
  policyPackOptions,
  upFailure,
  withoutCliNoise,
} from "../../components/delivery/automation-deployer";
import { ROOT } from "../helpers/program";

describe("automationDeployer without the Pulumi CLI", () => {
  const hasCli = spawnSync("pulumi", ["version"]).status === 0;

  test("says so in one line instead of the raw `pulumi version` result", async () => {
    if (hasCli) return; // this machine has the CLI: the message cannot be provoked here
    const deployer = automationDeployer({
      stackName: "staging",
      workDir: ROOT,
      modelsDir: path.join(ROOT, "models"),
      log: () => undefined,
    });
    await expect(deployer.deployedTraffic("homepage-feed")).rejects.toThrow(
      /^the Pulumi CLI is not installed or not on PATH \(https:/,
    );
  });

  test("other errors pass through unchanged", () => {
    const err = new Error("stack 'nope' not found");
    expect(withoutCliNoise(err)).toBe(err);
    expect(withoutCliNoise("code: -2\n stderr: Command failed with ENOENT: pulumi version").message).toMatch(
      /^the Pulumi CLI is not installed/,
    );
  });
});

describe("the promotion's pulumi up", () => {
  test("runs the project's policy pack with the stack's config, as the README's deploy does", () => {
    expect(policyPackOptions(ROOT, "prod")).toEqual({
      policyPacks: [path.join(ROOT, "policies")],
      policyPackConfigs: [path.join(ROOT, "policies", "config", "prod.json")],
    });
    // A stack without a pack config still runs the pack, on its defaults.
    expect(policyPackOptions(ROOT, "qa").policyPackConfigs).toEqual([]);
  });
});

describe("a failed pulumi up", () => {
  test("is one line with the CLI's error lines once each, not its output three times", () => {
    const cli = "Updating (prod)\n  + kubernetes:apps/v1:Deployment x creating\nerror: update failed\n";
    const err = new Error(`code: 255\n stdout: ${cli}\n stderr: ${cli}\n err?: Error: Command failed ${cli}`);
    expect(upFailure("prod", err)).toBe(
      "pulumi up of stack prod failed (its output is above): error: update failed",
    );
    expect(upFailure("prod", new Error("spawn pulumi EACCES"))).toBe(
      "pulumi up of stack prod failed (its output is above): spawn pulumi EACCES",
    );
  });
});

describe("the held canary levels read back from the stack", () => {
  test("carry the canary version; a bare percent of a stack deployed before holds for any version", () => {
    expect(heldLevels({ a: { percent: 25, modelUri: "s3://b/a/v2" }, b: 50 })).toEqual({
      a: { percent: 25, modelUri: "s3://b/a/v2" },
      b: { percent: 50 },
    });
    expect(heldLevels(undefined)).toEqual({});
  });
});
