/**
 * Writes `policies/config/<stack>.json`, the `--policy-pack-config` for one stack: enforcement for
 * the stack's environment and the capacity facts from `Pulumi.<stack>.yaml`.
 *   npx ts-node --transpile-only policies/write-config.ts <stack> [...] && npx prettier --write policies/config
 */
import * as fs from "fs";
import * as path from "path";
import { CONFIG_NAMESPACE, validateStackConfig } from "../components/config/stack-schema";
import { readStackFile } from "../tools/offline/stack-file";
import { capacityConfigFromStack } from "./lib/capacity";
import { packConfig } from "./pack-config";

/** The pack config of a stack, from its stack file in `projectRoot`. */
export function stackPackConfig(projectRoot: string, stack: string): ReturnType<typeof packConfig> {
  const file = readStackFile(projectRoot, stack, CONFIG_NAMESPACE);
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(file.config)) {
    // Secret keys (webhook URLs) are referenced by name from the config, not part of its schema.
    if (!key.startsWith(prefix) || file.secretKeys.includes(key)) continue;
    try {
      raw[key.slice(prefix.length)] = JSON.parse(value);
    } catch {
      raw[key.slice(prefix.length)] = value;
    }
  }
  const cfg = validateStackConfig(raw, file.file);
  return packConfig(cfg.environment, { capacity: capacityConfigFromStack(cfg) });
}

/** Path of the committed pack config of a stack. */
export function packConfigPath(projectRoot: string, stack: string): string {
  return path.join(projectRoot, "policies", "config", `${stack}.json`);
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  for (const stack of process.argv.slice(2)) {
    const out = packConfigPath(root, stack);
    fs.writeFileSync(out, JSON.stringify(stackPackConfig(root, stack), null, 2) + "\n");
    console.log(`wrote ${path.relative(root, out)}`);
  }
}
