/**
 * Whether the stack's committed policy pack config, `policies/config/<stack>.json`, is the one its
 * stack file gives. `plan` evaluates the policies with a config built in-process, but `pulumi preview`
 * and `pulumi up` read this file (`--policy-pack-config`): a new stack without it fails its first
 * preview on a missing file, and a stack whose pools, prices, budget or environment changed after it
 * was written has the budget and pool-fit policies of every real preview judge the old values while
 * the plan judged the new ones. The committed-config test covers only the stacks it lists.
 */
import * as fs from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { packConfigPath, stackPackConfig } from "../../policies/write-config";
import { InputError } from "../capacity/inputs";

/** The command that writes the stack's pack config, as README gives it. */
function writeCommand(stack: string): string {
  return `npx ts-node --transpile-only policies/write-config.ts ${stack} && npx prettier --write policies/config`;
}

/**
 * At most one line: the stack's pack config is missing, unreadable or stale. Nothing for a project
 * folder without the policy pack (a `--project-root` of stack files alone, which deploys with a
 * pack config of its own) or whose specs the pack config cannot be built from.
 */
export function policyConfigNotices(projectRoot: string, stack: string): string[] {
  if (!fs.existsSync(path.join(projectRoot, "policies", "config"))) return [];
  const file = packConfigPath(projectRoot, stack);
  const shown = path.relative(process.cwd(), file) || file;
  const fix = `write it with ${writeCommand(stack)}`;
  if (!fs.existsSync(file))
    return [
      `${shown} does not exist: pulumi preview and pulumi up read it (--policy-pack-config policies/config/${stack}.json) and fail without it; ${fix}`,
    ];
  let committed: unknown;
  try {
    committed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return [`${shown} is not JSON: pulumi preview and pulumi up read it (--policy-pack-config); ${fix}`];
  }
  let expected: unknown;
  try {
    // Through JSON, as the file was written: fields left undefined are not in the file either.
    expected = JSON.parse(JSON.stringify(stackPackConfig(projectRoot, stack)));
  } catch (err) {
    if (err instanceof InputError) return [];
    throw err;
  }
  if (isDeepStrictEqual(committed, expected)) return [];
  return [
    `${shown} does not match Pulumi.${stack}.yaml (its environment, pools, prices, budget or traffic history changed since it was written): the policies of pulumi preview and pulumi up would judge the old values; ${fix.replace("write it", "rewrite it")}`,
  ];
}
