/**
 * The `<registry>` placeholder of DESIGN section 3's example spec (`image: <registry>/recs/trainer:1.4.2`):
 * like `s3://<artifacts>/...` for the platform's bucket, it stands for the stack's own container
 * registry, `mlops-platform:imageRegistry`. Resolved before validation, so every reader of a spec
 * (the DAG, the InferenceService, the checks) sees a real image reference. Without the stack key the
 * placeholder is left as written and the image check names it. Pure: no Pulumi imports.
 */
import { isPlainObject } from "./deep-merge";

/** The placeholder host a spec's image may start with. */
export const REGISTRY_PLACEHOLDER = "<registry>";

/**
 * `data` with every `image` value that starts with `<registry>/` (at any depth: `serving.image`,
 * `training.image`, the same under `stacks.<stack>`) rewritten onto `registry`; `data` itself when
 * the stack sets no registry.
 */
export function withImageRegistry(data: unknown, registry: string | undefined): unknown {
  if (registry === undefined) return data;
  const prefix = `${REGISTRY_PLACEHOLDER}/`;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!isPlainObject(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        key === "image" && typeof v === "string" && v.startsWith(prefix)
          ? `${registry}/${v.slice(prefix.length)}`
          : walk(v),
      ]),
    );
  };
  return walk(data);
}
