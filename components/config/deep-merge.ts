/**
 * Deep merge for per-stack overrides in model specs: objects merge key by key, everything else
 * (arrays included) is replaced, so `steps: [50, 100]` in an override means exactly those steps.
 * A `null` in the override removes the field (`canary: null`: this stack runs without a canary),
 * which then takes its default or, for a required field, is reported as missing. An override that
 * is `null` as a whole - `prod:` with nothing under it - changes nothing.
 */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (override === null || override === undefined) return base;
  if (!isPlainObject(override)) return override;
  // A new section (no base, or a base of another type) loses its nulls too.
  const out: Record<string, unknown> = isPlainObject(base) ? { ...base } : {};
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else out[key] = deepMerge(out[key], value);
  }
  return out;
}

/** True for `{...}` objects (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
