/**
 * The canary levels a deploy must keep: the deployed stack's `canaryTraffic` output (what `npm run
 * promote` holds in `mlops-platform:canaryTraffic`, which lives in the runner's copy of the stack
 * file and is gone by the next deploy). Set again before that deploy's `pulumi up`, a rolled-back
 * canary stays at 0% (and one mid-promotion at its step) until the pull request with the rewritten
 * spec merges, instead of coming back at its spec's `trafficPercent`. Only levels of a canary the
 * spec still deploys are kept: once that pull request removed it, the level goes, so a later canary
 * of the same version starts at its own `trafficPercent` instead of a stale 0%. Pure.
 */
import { canaryTrafficLevels, heldForCanary, HeldCanary } from "../config/stack-schema";
import { showValue } from "../config/errors";
import { zodProblems } from "../config/zod-problems";

/** What the output is when it is no map: its kind only (a secret output prints as a string). */
function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return `a ${typeof value}`;
}

/**
 * The levels of `output` (the parsed stack output) held for the canary each model's spec deploys in
 * the stack (`canaries`: model -> canary `modelUri`), or `undefined` when none is left to hold. No
 * output (`undefined`: a first deployment) holds nothing; anything else that is not a map of held
 * levels - null, a number, a string, a list - is an error: read as "nothing held", a deploy would
 * bring a rolled-back canary back at its spec's trafficPercent without a word.
 */
export function levelsToCarry(
  output: unknown,
  canaries: ReadonlyMap<string, string>,
): Record<string, HeldCanary> | undefined {
  if (output === undefined) return undefined;
  const what =
    "the stack's canaryTraffic output is not a map of held levels ({<model>: {percent, modelUri}})";
  if (typeof output !== "object" || output === null || Array.isArray(output))
    throw new Error(`${what}: it is ${kindOf(output)}`);
  const parsed = canaryTrafficLevels.safeParse(output);
  if (!parsed.success) {
    const problems = zodProblems("", output, parsed.error.issues, "", canaryTrafficLevels);
    const lines = problems.map(
      (p) => `${p.path}${"value" in p ? ` = ${showValue(p.value)}` : ""}: ${p.reason}`,
    );
    throw new Error(`${what}: ${lines.join("; ")}`);
  }
  const kept = Object.entries(parsed.data).filter(([model, held]) => {
    const uri = canaries.get(model);
    return uri !== undefined && heldForCanary(held, uri);
  });
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}
