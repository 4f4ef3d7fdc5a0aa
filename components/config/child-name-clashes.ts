/**
 * Two models whose Pulumi resource names meet. A model's children are named `<model>-<role>` (the
 * same suffix for every model, so they differ with the model's name) except the per-variant ones,
 * `<model>-<role>-<variant>`, where the experiment's name is the spec's own: model `ab` with
 * experiment `pdb-stable` and model `ab-pdb` both name a PodDisruptionBudget `ab-pdb-pdb-stable`.
 * Their Kubernetes objects live in different namespaces, and the offline plan records both, but the
 * Pulumi engine refuses the second resource of one type and name under the same parent type (a
 * duplicate URN), so `pulumi up` of the whole stack would fail on a spec the plan passed.
 */
import type { Problem } from "./errors";
import type { ModelSpec } from "./model-schema";
import { VARIANT_CHILD_ROLES, VariantChildRole, variantChildName, variantsOf } from "../model/variants";

/** One validated spec and its file. */
export interface SpecInFile {
  readonly spec: ModelSpec;
  readonly file: string;
}

/**
 * A problem at each experiment whose name makes one of its variant's Pulumi names another model's.
 * Stable and canary are fixed names: a clash always has an experiment on one side at least, and
 * renaming the experiment is the fix.
 */
export function childNameClashes(specs: readonly SpecInFile[]): Problem[] {
  // Keyed by kind and name: only one type's resources clash (the URN holds the type).
  const owners = new Map<string, { model: string; file: string; variant: string; experiment?: number }[]>();
  for (const { spec, file } of specs)
    for (const variant of variantsOf(spec)) {
      const experiment = spec.experiments.findIndex((e) => e.name === variant.name);
      for (const role of Object.keys(VARIANT_CHILD_ROLES) as VariantChildRole[]) {
        const name = `${VARIANT_CHILD_ROLES[role]} ${variantChildName(spec.name, role, variant.name)}`;
        const list = owners.get(name) ?? [];
        list.push({
          model: spec.name,
          file,
          variant: variant.name,
          ...(experiment >= 0 ? { experiment } : {}),
        });
        owners.set(name, list);
      }
    }
  const problems: Problem[] = [];
  for (const [name, list] of owners) {
    if (new Set(list.map((o) => o.model)).size < 2) continue;
    for (const own of list) {
      if (own.experiment === undefined) continue;
      const others = list
        .filter((o) => o.model !== own.model)
        .map((o) => `model ${o.model}'s ${o.variant} variant (${o.file})`);
      problems.push({
        file: own.file,
        path: `experiments[${own.experiment}].name`,
        value: own.variant,
        reason: `gives its ${name} the Pulumi name of ${others.join(" and ")}: pulumi up refuses two resources of one type and name (a duplicate URN); rename the experiment`,
      });
    }
  }
  return problems;
}
