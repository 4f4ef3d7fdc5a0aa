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

/**
 * The levels of `output` (the parsed stack output) held for the canary each model's spec deploys in
 * the stack (`canaries`: model -> canary `modelUri`), or `undefined` when none is left to hold.
 */
export function levelsToCarry(
  output: unknown,
  canaries: ReadonlyMap<string, string>,
): Record<string, HeldCanary> | undefined {
  if (typeof output !== "object" || output === null) return undefined;
  const parsed = canaryTrafficLevels.safeParse(output);
  if (!parsed.success)
    throw new Error(
      `the stack's canaryTraffic output is not a map of held levels ({<model>: {percent, modelUri}}): ${parsed.error.issues
        .map((i) => `${i.path.length > 0 ? `${i.path.map(String).join(".")}: ` : ""}${i.message}`)
        .join("; ")}`,
    );
  const kept = Object.entries(parsed.data).filter(([model, held]) => {
    const uri = canaries.get(model);
    return uri !== undefined && heldForCanary(held, uri);
  });
  return kept.length > 0 ? Object.fromEntries(kept) : undefined;
}
