/**
 * `CanaryDeployer` over the Pulumi Automation API: the promotion's progress is the stack config key
 * `mlops-platform:canaryTraffic` (applied by the program, exported as the `canaryTraffic` stack
 * output), so the deployed step is read back from the stack's state. Spec write-back edits the
 * model's spec (for this stack only) so the next ordinary `pulumi up` keeps the result. Every `up`
 * deploys the models folder the tool edits and runs the project's policy pack.
 *
 * Needs the Pulumi CLI and cloud credentials; tests inject a fake deployer instead.
 */
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { knownStacks, MODELS_DIR_ENV } from "../config/load";
import { canaryTrafficLevels, HeldCanary } from "../config/stack-schema";
import { CanaryDeployer } from "./promote";
import { specFilePath, writeSpecFile } from "./spec-file";
import { promoteCanary, removeCanary } from "./spec-writer";

const KEY = "mlops-platform:canaryTraffic";

/**
 * The held levels of `canaryTraffic` (the config key or the stack output), each as
 * `{ percent, modelUri }`: a bare percent, as stacks deployed before the version was recorded hold
 * it, becomes `{ percent }`.
 */
export function heldLevels(value: unknown): Record<string, HeldCanary> {
  // The stack config's own schema reads both forms, as the program does.
  return typeof value === "object" && value !== null ? canaryTrafficLevels.parse(value) : {};
}

/** Options of the Automation API deployer. */
export interface AutomationDeployerArgs {
  readonly stackName: string;
  /** Folder with Pulumi.yaml. */
  readonly workDir: string;
  /** Folder of the model specs: the program deploys it, and the spec edits go to its files. */
  readonly modelsDir: string;
  readonly log: (line: string) => void;
  /** The stack to drive; `LocalWorkspace.selectStack` of `stackName` when absent (a test's stand-in). */
  readonly selectStack?: () => Promise<DeployStack>;
}

/** What the deployer uses of an Automation API stack. */
export type DeployStack = Pick<Stack, "getAllConfig" | "setConfig" | "removeConfig" | "up" | "outputs">;

/**
 * `pulumi up`'s policy packs, as the README's deploy runs them: the pack in `policies/` with the
 * stack's config, so a promotion cannot deploy what the pack forbids (prod's canary traffic cap).
 */
export function policyPackOptions(
  workDir: string,
  stack: string,
): { policyPacks: string[]; policyPackConfigs: string[] } {
  const pack = path.join(workDir, "policies");
  const config = path.join(pack, "config", `${stack}.json`);
  return fs.existsSync(pack)
    ? { policyPacks: [pack], policyPackConfigs: fs.existsSync(config) ? [config] : [] }
    : { policyPacks: [], policyPackConfigs: [] };
}

/** Creates the deployer; the stack is selected lazily on first use. */
export function automationDeployer(args: AutomationDeployerArgs): CanaryDeployer {
  let selected: Promise<DeployStack> | undefined;
  const stack = () =>
    (selected ??=
      args.selectStack?.() ??
      LocalWorkspace.selectStack(
        { stackName: args.stackName, workDir: args.workDir },
        // The program reads the specs from the folder the tool edits, not from the project's models/.
        { envVars: { [MODELS_DIR_ENV]: args.modelsDir } },
      ).catch((err: unknown) => {
        throw withoutCliNoise(err);
      }));
  // The stacks the specs may name: this project's and those of the project holding --models.
  const otherStacks = knownStacks(args.workDir, args.modelsDir).filter((s) => s !== args.stackName);
  const editSpec = async (model: string, edit: (text: string) => string) => {
    const file = specFilePath(args.modelsDir, model);
    await writeSpecFile(file, edit(fs.readFileSync(file, "utf8")));
  };

  const readOverrides = async (): Promise<Record<string, HeldCanary>> => {
    const all = await (await stack()).getAllConfig();
    const raw = all[KEY]?.value;
    return raw ? heldLevels(JSON.parse(raw)) : {};
  };
  const writeOverrides = async (map: Record<string, HeldCanary>) => {
    const s = await stack();
    if (Object.keys(map).length === 0) await s.removeConfig(KEY);
    else await s.setConfig(KEY, { value: JSON.stringify(map) });
  };
  const up = async (message: string) => {
    const s = await stack();
    let result: Awaited<ReturnType<Stack["up"]>>;
    try {
      result = await s.up({
        message,
        onOutput: (line) => args.log(line.trimEnd()),
        ...policyPackOptions(args.workDir, args.stackName),
      });
    } catch (err) {
      throw new Error(upFailure(args.stackName, err));
    }
    if (result.summary.result !== "succeeded") throw new Error(`pulumi up ${result.summary.result}`);
  };

  return {
    async deployedTraffic(model) {
      const outputs = await (await stack()).outputs();
      return heldLevels(outputs.canaryTraffic?.value)[model];
    },
    async setTraffic(model, percent, modelUri) {
      await writeOverrides({ ...(await readOverrides()), [model]: { percent, modelUri } });
      await up(`promote ${model}: canary ${percent}%`);
    },
    async rollback(model, modelUri) {
      const overrides = await readOverrides();
      const before = overrides[model]?.percent;
      await writeOverrides({ ...overrides, [model]: { percent: 0, modelUri } });
      // The verdict goes into the spec before the deploy: a rollback whose pulumi up failed (or was
      // interrupted) kept it only in this runner's stack config, and a rerun read the stack's old
      // level from its outputs, analysed it again and could promote the version that failed.
      let specError: Error | undefined;
      try {
        await editSpec(model, (text) => removeCanary(text, args.stackName, otherStacks));
      } catch (err) {
        specError = err as Error;
      }
      const specFile = path.relative(process.cwd(), specFilePath(args.modelsDir, model));
      try {
        await up(`promote ${model}: rollback`);
      } catch (err) {
        const spec = specError
          ? `; its spec could not be rewritten (${specError.message}): remove the canary from ${specFile} for this stack by hand`
          : `; ${specFile} no longer deploys it in ${args.stackName}`;
        throw new Error(
          `${(err as Error).message}. The degraded canary may still take ${before ?? "its"}% of the traffic: rerun pulumi up --stack ${args.stackName} (mlops-platform:canaryTraffic holds it at 0%${spec})`,
        );
      }
      if (specError)
        // Traffic is already off the canary; the stack keeps it at 0% until the spec says so.
        throw new Error(
          `the canary is at 0% in stack ${args.stackName}, but its spec could not be rewritten (${specError.message}): remove the canary from ${specFile} for this stack by hand; mlops-platform:canaryTraffic keeps it at 0% until then`,
        );
      const { [model]: _done, ...rest } = await readOverrides();
      await writeOverrides(rest);
    },
    async promote(model) {
      await editSpec(model, (text) => promoteCanary(text, args.stackName, otherStacks));
      const { [model]: _done, ...rest } = await readOverrides();
      await writeOverrides(rest);
      try {
        await up(`promote ${model}: canary is now stable`);
      } catch (err) {
        // The spec and the config already say "promoted": a rerun of promote has nothing left to do.
        throw new Error(
          `${(err as Error).message}. The spec already makes the canary ${model}'s stable version for stack ${args.stackName}, but the stack still runs the canary: rerun pulumi up --stack ${args.stackName} to finish`,
        );
      }
    },
  };
}

/**
 * A failed `pulumi up` in one line: the Automation API's error repeats the CLI's whole output (already
 * streamed above as it ran) up to three times; its `error:` lines, once each, say what went wrong.
 */
export function upFailure(stack: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const errors = [
    ...new Set(
      message
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => /^error:/.test(l)),
    ),
  ];
  const why = errors.length > 0 ? errors.slice(0, 3).join("; ") : (message.split("\n")[0] ?? "");
  return `pulumi up of stack ${stack} failed (its output is above): ${why}`;
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
