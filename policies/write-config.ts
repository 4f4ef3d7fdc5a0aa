/**
 * Writes `policies/config/<stack>.json`, the `--policy-pack-config` for one stack: enforcement for
 * the stack's environment, the capacity facts from `Pulumi.<stack>.yaml`, and the mean request rate
 * per model of its `trafficHistory` (regenerate when the history is refreshed; a test compares).
 *   npx ts-node --transpile-only policies/write-config.ts <stack> [...] && npx prettier --write policies/config
 */
import * as fs from "fs";
import * as path from "path";
import { capacityConfigFromStack, expectedRpsFromTraffic } from "./lib/capacity";
import { InputError, loadModelSpecs, loadStackConfig, loadTrafficHistory } from "../tools/capacity/inputs";
import { packConfig } from "./pack-config";

/** The pack config of a stack, from its stack file in `projectRoot`. */
export function stackPackConfig(projectRoot: string, stack: string): ReturnType<typeof packConfig> {
  // Secret keys (webhook URLs) are referenced by name from the config, not part of its schema:
  // loadStackConfig leaves them out.
  const cfg = loadStackConfig(stack, projectRoot);
  // The budget policy costs serving at the traffic history's mean load; the specs only name the
  // models the history may contain (their sizes come from the deployed ScaledObjects).
  const names = loadModelSpecs(path.join(projectRoot, "models"), stack, cfg).map((s) => s.name);
  const history = loadTrafficHistory(projectRoot, cfg, names);
  const expected = history ? expectedRpsFromTraffic(history.traffic) : undefined;
  return packConfig(cfg.environment, { capacity: capacityConfigFromStack(cfg, undefined, expected) });
}

/** Path of the committed pack config of a stack. */
export function packConfigPath(projectRoot: string, stack: string): string {
  return path.join(projectRoot, "policies", "config", `${stack}.json`);
}

const USAGE = `Usage: npx ts-node --transpile-only policies/write-config.ts <stack> [<stack> ...] && npx prettier --write policies/config

Writes policies/config/<stack>.json, the --policy-pack-config of each stack named, from its
Pulumi.<stack>.yaml, the model specs and its trafficHistory.`;

/**
 * The stacks named on the command line, or why there are none to write: without this check no
 * argument wrote nothing and exited 0, and `--help` was read as a stack named "--help".
 */
function stacksToWrite(argv: readonly string[]): string[] {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    process.exit(0);
  }
  const flag = argv.find((a) => a.startsWith("-"));
  if (flag !== undefined || argv.length === 0)
    throw new InputError(
      `${flag === undefined ? "name at least one stack" : `unknown argument ${flag}`}\n\n${USAGE}`,
    );
  return [...argv];
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  try {
    // Every stack first, so a bad one leaves all committed configs as they were.
    const configs = stacksToWrite(process.argv.slice(2)).map(
      (stack) => [stack, stackPackConfig(root, stack)] as const,
    );
    for (const [stack, config] of configs) {
      const out = packConfigPath(root, stack);
      fs.writeFileSync(out, JSON.stringify(config, null, 2) + "\n");
      console.log(`wrote ${path.relative(root, out)}`);
    }
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}
