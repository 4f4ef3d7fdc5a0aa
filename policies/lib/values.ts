/**
 * Tolerant readers for resource properties. Policies see inputs as Pulumi passes them (plain JSON,
 * possibly with missing fields while other components are in progress), so nothing here throws.
 */

/** A plain JSON object. */
export type Obj = Record<string, unknown>;

/** True for a non-null, non-array object. */
export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value as an object, or an empty one. */
export function obj(value: unknown): Obj {
  return isObj(value) ? value : {};
}

/** The value as an array, or an empty one. */
export function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value when it is a string. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The value as a number (numeric strings included), or `undefined`. */
export function num(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))
    return Number(value);
  return undefined;
}

/** Follows a dotted path through nested objects. */
export function at(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of path.split(".")) {
    if (!isObj(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** `metadata.labels` of a Kubernetes object. */
export function labelsOf(props: Obj): Record<string, string> {
  const labels = obj(at(props, "metadata.labels"));
  return Object.fromEntries(Object.entries(labels).filter(([, v]) => typeof v === "string")) as Record<
    string,
    string
  >;
}

/** `metadata.namespace` of a Kubernetes object (Helm releases carry `namespace` at the top). */
export function namespaceOf(props: Obj): string | undefined {
  return str(at(props, "metadata.namespace")) ?? str(props.namespace);
}

/** `metadata.name` of a Kubernetes object, else the Pulumi resource name. */
export function k8sName(props: Obj, fallback: string): string {
  return str(at(props, "metadata.name")) ?? fallback;
}
