/**
 * The setup of the bad-specs tests: a staging config with MIG and whole-GPU serving pools, the valid
 * spec each test edits, and the validator's message for the edited specs.
 */
import type { SpecSource } from "../../components/config/model-schema";
import { source, specYaml, validationMessage } from "../helpers/model-specs";
import { stackConfig } from "./harness";
export { source } from "../helpers/model-specs";

/** Staging plus a MIG serving pool and a whole-GPU serving pool. */
export const cfg = stackConfig("staging", (raw) => {
  raw.gpuPools.push(
    {
      name: "mig",
      purpose: "serving",
      instanceTypes: ["p4d.24xlarge"],
      sharing: { mode: "mig", profile: "3g.20gb" },
      maxGpus: 8,
    },
    {
      name: "whole",
      purpose: "serving",
      instanceTypes: ["g6.xlarge"],
      sharing: { mode: "none" },
      maxGpus: 4,
    },
  );
  raw.pricing.instances["p4d.24xlarge"] = { onDemand: 283 };
});

/** A valid spec named `name`, with `edit` applied to its YAML text. */
export function spec(name: string, edit: (yaml: string) => string = (y) => y): string {
  return specYaml(name, edit);
}

/** Validates the sources and returns the error message (fails when they are valid). */
export function problemsOf(...sources: SpecSource[]): string {
  return problemsIn("staging", ...sources);
}

/** The error message of the sources planned for `stack` (fails when they are valid). */
export function problemsIn(stack: string, ...sources: SpecSource[]): string {
  const message = validationMessage(sources, stack, cfg);
  if (message === undefined) throw new Error("expected the specs to be invalid");
  return message;
}

/** The error message of one spec `models/<name>.yaml`, the valid spec with `edit` applied. */
export function problemsOfEdited(name: string, edit: (yaml: string) => string): string {
  return problemsOf(source(`models/${name}.yaml`, spec(name, edit)));
}

/** A bad-spec case: [what, file name, edit, expected message fragment]. */
export type BadSpecCase = [string, string, (y: string) => string, string];
