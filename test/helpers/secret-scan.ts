/**
 * Finds values that look like secrets in Helm release values. Helm values are stored in Pulumi state
 * and in the in-cluster release Secret in plain text, so a password there is a leak even when the
 * Pulumi output is marked secret (DESIGN section 7): values may only *name* Secrets and keys.
 *
 * Reusable over a whole program run: `scanHelmReleases(run.resources)`.
 */
import { RecordedResource } from "../../tools/offline/mock-cloud";

/** One suspicious value. */
export interface SecretFinding {
  /** `type::name` of the resource, or the label given to `findSecretLikeValues`. */
  readonly resource: string;
  /** Path inside the values, e.g. `grafana.adminPassword`. */
  readonly path: string;
  readonly reason: string;
}

/** Key names that hold credentials (a value under them is a secret unless it is a reference). */
const SECRET_KEY = /pass(word|wd)?|secret|token|credential|api[-_]?key|private[-_]?key|access[-_]?key/i;

/**
 * Key names whose value refers to a Secret or to a key inside one (`existingSecret`, `configSecret`,
 * `passwordKey`, `storageSpecSecretName`, `secretAccessKeyName`, ...). Case-sensitive on purpose: a
 * bare `secret:` or `password:` is not a reference.
 */
const REFERENCE_KEY =
  /(^existing|Existing|Name$|Names$|Ref$|Keys?$|File$|Path$|Annotation$|Placeholder$|Secret$|Secrets$|^secrets$)/;

/** What a Secret name or a key inside a Secret looks like (DNS subdomain / config key characters). */
const REFERENCE_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,251}[A-Za-z0-9])?$/;

/** Shapes that are secrets wherever they appear. */
const SECRET_SHAPES: readonly [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "PEM private key"],
  [/\bAKIA[0-9A-Z]{16}\b/, "AWS access key id"],
  [/^eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}$/, "JWT"],
  [/^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i, "URL with embedded credentials"],
];

/** Pulumi's wire encoding of a secret: `{ [SIG_KEY]: SECRET_SIG, value }` (runtime/rpc.js). */
const PULUMI_SIG_KEY = "4dabf18193072939515e22adb298388d";
const PULUMI_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Shannon entropy in bits per character. */
export function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * True for a token-like string: long, one "word" (no spaces, slashes or colons, so not a path, URL,
 * image or PromQL), mixing character classes with high entropy, as generated passwords and API keys
 * do. Human-readable identifiers (`kube-prometheus-stack`, `all-1g.10gb`) have low entropy or one class.
 */
export function looksRandom(text: string): boolean {
  if (text.length < 20 || /[\s/:{}$]/.test(text)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(text)).length;
  // Resource names (buckets, queues, hosts) are lower-case words joined by '-', '_' or '.', often with
  // a Pulumi auto-name suffix of hex digits ("artifacts-bucket-dea1e5d"): names, not tokens.
  const parts = text.split(/[-_.]/);
  const dashedWords = parts.length >= 2 && parts.every((w) => /^[a-z0-9]+$/.test(w));
  return classes >= 2 && !dashedWords && entropy(text) >= 3.5;
}

/** Walks `values` and returns every secret-looking value, with its path. */
export function findSecretLikeValues(values: unknown, resource = "values"): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const walk = (value: unknown, path: string, key: string): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`, key));
      return;
    }
    if (typeof value === "object") {
      const obj = value as Record<string, unknown>;
      if (obj[PULUMI_SIG_KEY] === PULUMI_SECRET_SIG) {
        findings.push({ resource, path, reason: "a Pulumi secret is inlined in the values" });
        return;
      }
      for (const [k, v] of Object.entries(obj)) walk(v, path === "" ? k : `${path}.${k}`, k);
      return;
    }
    if (typeof value !== "string" || value === "") return;
    for (const [shape, what] of SECRET_SHAPES) {
      if (shape.test(value)) {
        findings.push({ resource, path, reason: `value looks like a ${what}` });
        return;
      }
    }
    if (SECRET_KEY.test(key)) {
      const isReference = REFERENCE_KEY.test(key) && REFERENCE_VALUE.test(value) && !looksRandom(value);
      if (!isReference) {
        findings.push({
          resource,
          path,
          reason: `key "${key}" holds a literal value; reference a Kubernetes Secret (existingSecret-style) instead`,
        });
      }
      return;
    }
    if (looksRandom(value)) findings.push({ resource, path, reason: "high-entropy string (token-like)" });
  };
  walk(values, "", "");
  return findings;
}

/** Type tokens of resources whose inputs carry Helm values. */
const HELM_TYPES = [
  "kubernetes:helm.sh/v3:Release",
  "kubernetes:helm.sh/v4:Chart",
  "kubernetes:helm.sh/v3:Chart",
];

/** Scans the `values` of every Helm release/chart among `resources`. */
export function scanHelmReleases(resources: readonly RecordedResource[]): SecretFinding[] {
  return resources
    .filter((r) => HELM_TYPES.includes(r.type))
    .flatMap((r) => findSecretLikeValues(r.inputs.values ?? {}, `${r.type}::${r.name}`));
}

/** Formats findings for an assertion message. */
export function formatFindings(findings: readonly SecretFinding[]): string {
  return findings.map((f) => `${f.resource}: ${f.path}: ${f.reason}`).join("\n");
}
