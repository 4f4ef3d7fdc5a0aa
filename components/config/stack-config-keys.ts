/**
 * The stack's config keys as the Pulumi runtime holds them: the `mlops-platform:*` values the schema
 * validates, the secret keys the config names, and keys under a misspelt namespace. Separate from
 * load.ts: the keys' rules (what is secret, what nothing reads) are their own subject.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Problem } from "./errors";
import { editDistance } from "./edit-distance";
import { CONFIG_NAMESPACE, stackConfigSchema } from "./stack-schema";
import type { StackParts } from "./validate-stack-config";
import { decodeConfigValue } from "./config-value";

/**
 * Keys whose namespace is a slip of the project's (`mlops-platfrom:events`, `mlops_platform:x`):
 * nothing reads them, so the setting would silently not apply.
 */
export function misspeltNamespaceProblems(file: string): Problem[] {
  return Object.keys(pulumi.runtime.allConfig())
    .filter((key) => {
      const [ns] = splitKey(key);
      return (
        ns !== CONFIG_NAMESPACE && editDistance(ns.toLowerCase().replace(/_/g, "-"), CONFIG_NAMESPACE) <= 2
      );
    })
    .map((key) => ({
      file,
      path: key,
      reason: `namespace is not ${CONFIG_NAMESPACE}, so nothing reads this key; write ${CONFIG_NAMESPACE}:${splitKey(key)[1]}`,
    }));
}

/**
 * The stack's `mlops-platform:*` values with the prefix stripped and JSON objects decoded. Secret
 * keys (kubeconfig, webhook URLs) are left out: they are not part of the schema and never printed.
 */
export function rawStackConfig(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    const [ns, name] = splitKey(key);
    if (ns !== CONFIG_NAMESPACE || isSecretKey(key)) continue;
    out[name] = decodeConfigValue(value);
  }
  return out;
}

/**
 * `isConfigSecret` is exported by the SDK's runtime/config module but marked internal in its typings;
 * it is the only way to see which keys the CLI (or `setAllConfig` in the offline tools) marked secret.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeConfig = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

function isSecretKey(key: string): boolean {
  return runtimeConfig.isConfigSecret(key);
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf(":");
  return i < 0 ? ["", key] : [key.slice(0, i), key.slice(i + 1)];
}

/**
 * Secret keys the config refers to must exist, or `pulumi up` would fail half-way, and be secret: one
 * set in plain text is stored unencrypted in the stack file (its full key is in `plainKeys`). A
 * setting of the schema may not be secret: the program leaves secret keys out of what it validates
 * and prints, so `alerting` with one value set with `--secret` (the CLI then marks the whole key)
 * would silently become the default, with no receivers.
 */
export function secretKeyProblems(
  config: StackParts,
  file: string,
): { problems: Problem[]; plainKeys: Set<string>; secretSettings: string[] } {
  const all = pulumi.runtime.allConfig();
  const problems: Problem[] = [];
  const plainKeys = new Set<string>();
  const secretSettings = Object.keys(all).filter((key) => {
    const [ns, name] = splitKey(key);
    return ns === CONFIG_NAMESPACE && isSecretKey(key) && name in stackConfigSchema.shape;
  });
  for (const key of secretSettings)
    problems.push({
      file,
      path: key,
      reason: `is a secret (a value in it was set with --secret), but it is a setting the program must read: set it in plain text, and a credential as a secret key of its own (receivers name theirs with urlSecret)`,
    });
  const need = (key: string, path: string) => {
    const full = `${CONFIG_NAMESPACE}:${key}`;
    if (all[full] === undefined) {
      problems.push({
        file,
        path: `${CONFIG_NAMESPACE}:${path}`,
        value: key,
        reason: `secret config key ${full} is not set; run: pulumi config set --secret ${key} <value>`,
      });
    } else if (!isSecretKey(full)) {
      plainKeys.add(full);
      problems.push({
        file,
        path: full,
        reason: `is the secret ${path} names, but it is set in plain text (stored unencrypted in the stack file); run: pulumi config rm ${key} && pulumi config set --secret ${key} <value>`,
      });
    }
  };
  if (config.cluster?.mode === "existing")
    need(config.cluster.existing?.kubeconfigSecret ?? "kubeconfig", "cluster.existing.kubeconfigSecret");
  for (const [team, r] of Object.entries(config.alerting?.receivers ?? {})) {
    if (r.urlSecret) need(r.urlSecret, `alerting.receivers.${team}.urlSecret`);
  }
  return { problems, plainKeys, secretSettings };
}
