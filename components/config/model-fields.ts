/**
 * Value schemas the sections of a model spec share: DNS-label names, model URIs, CPU and memory
 * quantities, pinned images. Separate so the schema of each section (model-schema.ts,
 * canary-schema.ts, training-schema.ts) reads as its fields.
 */
import { z } from "zod";
import { REGISTRY_PLACEHOLDER } from "./image-registry";

/**
 * A DNS-1035 label (a DNS-1123 label that starts with a letter, as Service names must: KServe names
 * a predictor's Service after its model): a model's namespace, team and experiment names.
 */
export const DNS_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** `DNS_LABEL` as a field. */
export const dnsLabel = z
  .string()
  .regex(
    DNS_LABEL,
    "must be a DNS-1035 label: lower-case letters, digits and '-', first a letter, last not '-', at most 63",
  );

/** Longest IAM role name AWS accepts. */
export const IAM_ROLE_NAME_MAX = 64;
/** Characters Pulumi appends to an auto-named resource: "-" and 7 random ones. */
export const PULUMI_AUTONAME_SUFFIX = 8;
/** What the model's pod role adds to its name (ModelStack `<model>-pod-role`, podRole `<name>-role`). */
export const POD_ROLE_SUFFIX = "-pod-role-role";
/** Longest model name whose pod role name, auto-named by Pulumi, fits IAM's limit: 42. */
export const MODEL_NAME_MAX = IAM_ROLE_NAME_MAX - PULUMI_AUTONAME_SUFFIX - POD_ROLE_SUFFIX.length;
/**
 * A model's name: a `DNS_LABEL` (its namespace), whose message gives the model's own length limit -
 * `dnsLabel`'s 63 would send a team past the 42 the role name allows (checked on its own in
 * model-spec-checks.ts, with the role name it makes).
 */
export const modelName = z
  .string()
  .regex(
    DNS_LABEL,
    `must be a DNS-1035 label: lower-case letters, digits and '-', first a letter, last not '-', at most ${MODEL_NAME_MAX} characters for a model (its IAM role's name)`,
  );

/**
 * `s3://<bucket>/<path>`: an S3 bucket name (or the `<artifacts>` placeholder for the platform's
 * artifact bucket) and a non-empty path, so read access can be scoped to that path.
 */
const S3_MODEL_URI = /^s3:\/\/(<artifacts>|[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/[^/\s]+(\/[^\s]*)?$/;

/** Model URI schemes KServe's storage initializer and our MLflow integration can load. */
export const MODEL_URI_SCHEMES = ["s3://", "models:/"] as const;
/** A model's artifact: a `MODEL_URI_SCHEMES` URI, an S3 one with a path inside its bucket. */
export const modelUri = z
  .string()
  .refine(
    (u) => MODEL_URI_SCHEMES.some((s) => u.startsWith(s) && u.length > s.length),
    `must start with ${MODEL_URI_SCHEMES.join(" or ")} (an S3 artifact path or an MLflow registry reference models:/<name>/<version>)`,
  )
  .refine(
    (u) => !u.startsWith("s3://") || S3_MODEL_URI.test(u),
    "must be s3://<bucket>/<path> with a path inside the bucket (the model's pod role may read only that path); " +
      "use the bucket <artifacts> for the platform's artifact bucket",
  )
  // What a missing one is told it must be (zod-problems.ts missingReason), rather than "a string".
  .describe(
    `a model URI: ${MODEL_URI_SCHEMES.join(" or ")} (s3://<artifacts>/<model>/<version>, or models:/<name>/<version> in the MLflow registry)`,
  );

/** A quantity written as a YAML number (`cpu: 2`), as Kubernetes takes it, read as its text. */
const quantityText = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? String(v) : v);
/**
 * CPU in cores (`2`, `0.5`) or millicores (`500m`); memory in bytes with a binary (`Ki`..`Ti`) or
 * decimal (`k`, `M`, `G`, `T`) suffix. Both must be above zero (a malformed value, NaN, gets only
 * the format's message). Kubernetes also takes `500m` of memory, but that is half a byte - always a
 * slip for `500Mi` - so it is refused here.
 */
export const cpuQuantity = z.preprocess(
  quantityText,
  z
    .string()
    .regex(/^(\d+(\.\d+)?|\d+m)$/, "must be CPU cores such as 2, 0.5 or 500m")
    .refine((q) => !(parseQuantity(q, "cpu") <= 0), "must be more than 0 cores")
    // Kubernetes keeps CPU to the millicore: 0.0001 would be rounded up to 1m, ten times what was written.
    .refine(
      (q) => !(parseQuantity(q, "cpu") < 0.001),
      "must be at least 1m (0.001 cores), Kubernetes' precision",
    ),
);
/** A memory quantity (see `cpuQuantity`). */
export const memoryQuantity = z.preprocess(
  quantityText,
  z
    .string()
    .regex(
      /^\d+(\.\d+)?([kMGT]|[KMGT]i)?$/,
      "must be memory such as 1536Mi, 8Gi or 2G (binary Ki, Mi, Gi, Ti or decimal k, M, G, T; m would be thousandths of a byte)",
    )
    .refine((q) => !(parseQuantity(q, "memory") <= 0), "must be more than 0 bytes")
    // A bare number is bytes: `memory: 1536` is 1.5 KiB, where no container starts.
    .refine(
      (q) => !(parseQuantity(q, "memory") < 16 / 1024),
      "must be at least 16Mi; a number without a unit is bytes (1536 is 1.5 KiB: write 1536Mi)",
    ),
);

/** Bytes per memory suffix: binary (Ki..Ti) and decimal (k..T). */
const MEMORY_UNITS: Record<string, number> = {
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A CPU quantity in cores (`500m` -> 0.5) or a memory quantity in GiB (`1536Mi` -> 1.5); NaN otherwise. */
export function parseQuantity(q: string, kind: "cpu" | "memory"): number {
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(q);
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  if (kind === "cpu") return m[2] === "m" ? n / 1000 : m[2] === "" ? n : Number.NaN;
  return Object.hasOwn(MEMORY_UNITS, m[2]) ? (n * MEMORY_UNITS[m[2]]) / 2 ** 30 : Number.NaN;
}

/**
 * An image reference (the distribution grammar): `[registry/]path[:tag][@sha256:digest]`, where a
 * registry is a host with a dot or a port, or `localhost` (`harbor.internal:5000`, whose port is no
 * tag), and the path is lowercase components (`[a-z0-9]` runs joined by `.`, `_`, `__` or dashes)
 * separated by single slashes. Pinned by a tag or a digest (or both).
 */
const IMAGE_REFERENCE = new RegExp(
  "^(?:(?:[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+|localhost)(?::\\d{1,5})?/|[A-Za-z0-9-]+:\\d{1,5}/)?" +
    "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*" +
    "(?<tag>:[\\w][\\w.-]{0,127})?(?<digest>@sha256:[a-f0-9]{64})?$",
);

/** An image reference pinned by a tag or digest; `message` says what is wanted when it is not. */
export function pinnedImage(message: string) {
  return z.string().superRefine((image, ctx) => {
    const pinned = (i: string) => {
      const m = IMAGE_REFERENCE.exec(i);
      return m !== null && (m.groups?.tag !== undefined || m.groups?.digest !== undefined);
    };
    if (pinned(image)) return;
    // A first part that no host name or path has (DESIGN's `<registry>` placeholder, copied as it
    // is): the registry is what is wrong, however well the rest is pinned.
    const host = image.includes("/") ? image.slice(0, image.indexOf("/")) : undefined;
    if (host !== undefined && /[^A-Za-z0-9._:-]/.test(host)) {
      const rest = pinned(`registry.example.com${image.slice(host.length)}`) ? "" : `; and ${message}`;
      // DESIGN's placeholder is usable once the stack names its registry (image-registry.ts).
      const placeholder =
        host === REGISTRY_PLACEHOLDER
          ? ", or set mlops-platform:imageRegistry in the stack file for <registry> to stand for"
          : "";
      ctx.addIssue({
        code: "custom",
        message: `has the registry host ${host}, which is not a host name (letters, digits, '.' and '-', then an optional :port): write your registry's host, such as registry.example.com${placeholder}${rest}`,
      });
      return;
    }
    // A path in capitals is the likelier slip than a missing tag: say that one.
    const lowered = image.replace(
      /^([^/]*[.:][^/]*\/|localhost\/)?([^:@]*)/,
      (_all, host = "", path: string) => host + path.toLowerCase(),
    );
    const upper = lowered !== image && IMAGE_REFERENCE.test(lowered);
    ctx.addIssue({
      code: "custom",
      message: upper ? "must have a lowercase repository path (registries refuse capitals there)" : message,
    });
  });
}

/**
 * Highest p99 latency, in milliseconds, a model's SLO (`slo.latencyP99Ms`) or a canary's limit
 * (`maxLatencyP99Ms`) may name. The latency alerts take the p99 from histograms with
 * `histogram_quantile`, which never reports more than a histogram's highest finite bucket:
 * prometheus_client's default buckets end at 10 s, and MLServer's REST histogram (starlette_exporter)
 * keeps them. Above 10 s the alert could never fire for such a server - a silent SLO, as was 50000
 * typed for 50. Online serving answers in milliseconds; 10 s is already far beyond a page load.
 */
export const MAX_LATENCY_P99_MS = 10_000;

/** A p99 latency in milliseconds: at least 1 (not seconds), at most `MAX_LATENCY_P99_MS`. */
export const latencyP99Ms = z
  .number()
  .min(1, "is in milliseconds: at least 1 (0.05 would be 50 microseconds)")
  .max(
    MAX_LATENCY_P99_MS,
    `must be at most ${MAX_LATENCY_P99_MS.toLocaleString("en-US")} ms (10 s): the latency alerts read histograms whose highest bucket is 10 s by default (prometheus_client's, which MLServer keeps), so a p99 above it is never seen and the alert could not fire`,
  );
