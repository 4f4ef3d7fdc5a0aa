import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
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

describe("a rollback", () => {
  const uri = "s3://<artifacts>/homepage-feed/v43";

  /**
   * `rollback` of staging's homepage-feed held at 25%, against a stand-in for the Automation API
   * stack whose `pulumi up` fails on demand. In a process of its own: the spec edit runs Prettier,
   * which loads its parsers with dynamic imports that Jest's VM refuses.
   */
  function rollBack(failUp: boolean) {
    const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-rollback-"));
    const file = path.join(modelsDir, "homepage-feed.yaml");
    fs.copyFileSync(path.join(ROOT, "models", "homepage-feed.yaml"), file);
    const held = JSON.stringify({ "homepage-feed": { percent: 25, modelUri: uri } });
    const script = `const { automationDeployer } = require("./components/delivery/automation-deployer");
      const stack = {
        config: { "mlops-platform:canaryTraffic": { value: ${JSON.stringify(held)} } },
        ups: [],
        getAllConfig: async () => stack.config,
        setConfig: async (k, v) => { stack.config[k] = v; },
        removeConfig: async (k) => { delete stack.config[k]; },
        up: async (o) => {
          stack.ups.push(o.message);
          if (${failUp}) throw new Error("error: update failed");
          return { summary: { result: "succeeded" } };
        },
        outputs: async () => ({}),
      };
      const d = automationDeployer({ stackName: "staging", workDir: ${JSON.stringify(ROOT)},
        modelsDir: ${JSON.stringify(modelsDir)}, log: () => undefined, selectStack: async () => stack });
      const report = (error) => console.log(JSON.stringify({ error, config: stack.config, ups: stack.ups }));
      d.rollback("homepage-feed", ${JSON.stringify(uri)}).then(() => report(null), (e) => report(e.message));`;
    const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as {
      error: string | null;
      config: Record<string, { value: string }>;
      ups: string[];
    };
    return { ...out, spec: fs.readFileSync(file, "utf8") };
  }

  test("records its verdict in the spec even when its pulumi up fails, so a rerun does not promote it", () => {
    const r = rollBack(true);
    expect(r.error).toMatch(
      /^pulumi up of stack staging failed .*: error: update failed\. The degraded canary may still take 25% of the traffic: rerun pulumi up --stack staging \(mlops-platform:canaryTraffic holds it at 0%; .*homepage-feed\.yaml no longer deploys it in staging\)$/,
    );
    expect(r.ups).toEqual(["promote homepage-feed: rollback"]);
    // The spec says rolled back for staging; the config holds 0% until a deploy succeeds.
    expect(r.spec).toContain("rolledBack");
    expect(JSON.parse(r.config["mlops-platform:canaryTraffic"].value)["homepage-feed"].percent).toBe(0);
  });

  test("that deploys clears the held level", () => {
    const r = rollBack(false);
    expect(r.error).toBeNull();
    expect(r.spec).toContain("rolledBack");
    expect(r.config["mlops-platform:canaryTraffic"]).toBeUndefined();
  });
});
