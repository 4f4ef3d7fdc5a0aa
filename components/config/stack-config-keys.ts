/**
 * The stack's config keys as the Pulumi runtime holds them: the `mlops-platform:*` values the schema
 * validates, the secret keys the config names, and keys under a misspelt namespace. Separate from
 * load.ts: the keys' rules (what is secret, what nothing reads) are their own subject.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Problem } from "./errors";
import { editDistance } from "./edit-distance";
import { CONFIG_NAMESPACE, SECRET_KEY_NAME, stackConfigSchema } from "./stack-schema";
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
 * `aws:region` beside a different `mlops-platform:region`: the platform's own provider is built in
 * the latter, while any resource on the default provider (and the operator's `aws` CLI defaults)
 * would go to the former, splitting the stack across two regions. Refused with both keys named.
 */
export function providerRegionProblems(file: string): Problem[] {
  const all = pulumi.runtime.allConfig();
  const aws = all["aws:region"];
  const own = all[`${CONFIG_NAMESPACE}:region`];
  if (aws === undefined || own === undefined || aws === own) return [];
  return [
    {
      file,
      path: "aws:region",
      value: aws,
      reason: `differs from ${CONFIG_NAMESPACE}:region (${own}): the platform is built in ${CONFIG_NAMESPACE}:region, and resources on the default AWS provider would go to aws:region; set both to the same region`,
    },
  ];
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
  raw: Record<string, unknown>,
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
  for (const { key, path } of referencedSecretKeys(raw)) {
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
  }
  return { problems, plainKeys, secretSettings };
}

/**
 * The secret keys the raw stack config names (`cluster.existing.kubeconfigSecret` in mode existing,
 * each receiver's `urlSecret`) and where. Read from the raw values, not the parsed ones: a block
 * with another mistake (a bad CIDR beside the kubeconfig) still names its secret, whose plain-text
 * value would otherwise be reported as an unknown setting. Only names are taken: a URL written
 * there is the schema's problem, and must never be echoed as a key. The offline stack-file reader
 * (tools/offline/stack-file.ts) stands in a value for each of them.
 */
export function referencedSecretKeys(raw: Record<string, unknown>): { key: string; path: string }[] {
  const out: { key: string; path: string }[] = [];
  const isName = (v: unknown): v is string => typeof v === "string" && SECRET_KEY_NAME.test(v);
  for (const [team, r] of Object.entries(asMap(asMap(raw.alerting)?.receivers) ?? {})) {
    const key = asMap(r)?.urlSecret;
    if (isName(key)) out.push({ key, path: `alerting.receivers.${team}.urlSecret` });
  }
  const cluster = asMap(raw.cluster);
  if (cluster?.mode === "existing") {
    const key = asMap(cluster.existing)?.kubeconfigSecret;
    if (key === undefined || isName(key))
      out.push({ key: key ?? "kubeconfig", path: "cluster.existing.kubeconfigSecret" });
  }
  return out;
}

/** `value` when it is a map (a YAML mapping), else `undefined`. */
function asMap(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
