/**
 * `CanaryDeployer` over the Pulumi Automation API: the promotion's progress is the stack config key
 * `mlops-platform:canaryTraffic` (applied by the program, exported as the `canaryTraffic` stack
 * output), so the deployed step is read back from the stack's state. Spec write-back edits
 * `models/<model>.yaml` so the next ordinary `pulumi up` keeps the result.
 *
 * Needs the Pulumi CLI and cloud credentials; tests inject a fake deployer instead.
 */
import * as fs from "fs";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { CanaryDeployer } from "./promote";
import { promoteCanary, removeCanary } from "./spec-writer";

const KEY = "mlops-platform:canaryTraffic";

/** Options of the Automation API deployer. */
export interface AutomationDeployerArgs {
  readonly stackName: string;
  /** Folder with Pulumi.yaml. */
  readonly workDir: string;
  /** Path of the model's spec file, edited on rollback and promotion. */
  readonly specFile: (model: string) => string;
  readonly log: (line: string) => void;
}

/** Creates the deployer; the stack is selected lazily on first use. */
export function automationDeployer(args: AutomationDeployerArgs): CanaryDeployer {
  let selected: Promise<Stack> | undefined;
  const stack = () =>
    (selected ??= LocalWorkspace.selectStack({ stackName: args.stackName, workDir: args.workDir }).catch(
      (err: unknown) => {
        throw withoutCliNoise(err);
      },
    ));

  const readOverrides = async (): Promise<Record<string, number>> => {
    const all = await (await stack()).getAllConfig();
    const raw = all[KEY]?.value;
    return raw ? (JSON.parse(raw) as Record<string, number>) : {};
  };
  const writeOverrides = async (map: Record<string, number>) => {
    const s = await stack();
    if (Object.keys(map).length === 0) await s.removeConfig(KEY);
    else await s.setConfig(KEY, { value: JSON.stringify(map) });
  };
  const up = async (message: string) => {
    const s = await stack();
    const result = await s.up({ message, onOutput: (line) => args.log(line.trimEnd()) });
    if (result.summary.result !== "succeeded") throw new Error(`pulumi up ${result.summary.result}`);
  };

  return {
    async deployedTraffic(model) {
      const outputs = await (await stack()).outputs();
      const map = outputs.canaryTraffic?.value as Record<string, number> | undefined;
      return map?.[model];
    },
    async setTraffic(model, percent) {
      await writeOverrides({ ...(await readOverrides()), [model]: percent });
      await up(`promote ${model}: canary ${percent}%`);
    },
    async rollback(model) {
      await writeOverrides({ ...(await readOverrides()), [model]: 0 });
      await up(`promote ${model}: rollback`);
      const file = args.specFile(model);
      fs.writeFileSync(file, removeCanary(fs.readFileSync(file, "utf8"), args.stackName));
      const { [model]: _done, ...rest } = await readOverrides();
      await writeOverrides(rest);
    },
    async promote(model) {
      const file = args.specFile(model);
      fs.writeFileSync(file, promoteCanary(fs.readFileSync(file, "utf8"), args.stackName));
      const { [model]: _done, ...rest } = await readOverrides();
      await writeOverrides(rest);
      await up(`promote ${model}: canary is now stable`);
    },
  };
}

/**
 * The Automation API reports a missing Pulumi CLI as the raw result of `pulumi version` (exit code,
 * empty stdout, ENOENT in stderr); said in one line instead.
 */
export function withoutCliNoise(err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  if (/ENOENT/.test(message) && /pulumi/.test(message))
    return new Error(
      "the Pulumi CLI is not installed or not on PATH (https://www.pulumi.com/docs/iac/download-install/)",
    );
  return err instanceof Error ? err : new Error(message);
}
