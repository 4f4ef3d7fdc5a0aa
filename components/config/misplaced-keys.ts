/**
 * Where an unknown key belongs when it is a known field one level off: the commonest indentation
 * slip in a spec is a right key at the wrong depth (`replicas:` dedented to the top level instead of
 * under `serving:`, `pool:` beside `gpu:` instead of inside it, `steps:` under `canary:` instead of
 * `canary.analysis:`). zod calls it an unknown key and, separately, the field it left a required
 * map without; naming where the key belongs says both in one problem. Pure: no file access.
 */
import { z } from "zod";
import { schemaAt } from "./beyond-schema";

/**
 * The field names of the object schema at `path`, or none where it is no object (or unknown). A
 * union of objects has the fields of each: a pool's `sharing` is one map per mode, and `profile:`
 * dedented out of `sharing: {mode: mig}` is the same slip as `replicas:` dedented out of `serving:`.
 */
function fieldsAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const at = schemaAt(schema, path);
  return at ? objectFields(at) : [];
}

function objectFields(at: z.ZodType): string[] {
  const def = at.def as z.core.$ZodTypeDef & { shape?: Record<string, unknown>; options?: z.ZodType[] };
  if (def.type === "object") return Object.keys(def.shape ?? {});
  if (def.type === "union") return [...new Set((def.options ?? []).flatMap(objectFields))];
  return [];
}

/**
 * The paths where `key`, unknown in the object at `path`, is a field one level away: inside one of
 * that object's own map fields (one level too shallow), or in the object around it (one level too
 * deep). Empty when it is neither, so the plain unknown-key message stands. Lists are not looked
 * into: `weight:` beside `experiments:` has no single place in the list to name.
 */
export function misplacedKeyPaths(
  schema: z.ZodType,
  path: readonly PropertyKey[],
  key: string,
): PropertyKey[][] {
  const deeper = fieldsAt(schema, path)
    .filter((field) => fieldsAt(schema, [...path, field]).includes(key))
    .map((field) => [...path, field, key]);
  // The enclosing object of a list element is the list's owner: `experiments[0].foo` goes up two.
  const parent = path.length > 0 && typeof path[path.length - 1] === "string" ? path.slice(0, -1) : undefined;
  const shallower = parent && fieldsAt(schema, parent).includes(key) ? [[...parent, key]] : [];
  return [...deeper, ...shallower];
}
