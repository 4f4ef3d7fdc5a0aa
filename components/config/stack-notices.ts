/**
 * What `plan` says of the stack config that is not an error: values that have no effect, where a
 * refusal would block a deploy for something harmless. A sales event wholly in the past, and a
 * canary level `npm run promote` holds for a canary the spec no longer has (the promotion writes
 * `canaryTraffic`, and the spec may have moved on since). Pure, for the plan and its tests.
 */
import type { ModelSpec } from "./model-schema";
import { parseZonedTime } from "./iso-time";
import type { StackConfig } from "./stack-schema";

/** One line per notice; `now` in epoch milliseconds. */
export function stackNotices(
  config: Pick<StackConfig, "events" | "canaryTraffic">,
  models: readonly Pick<ModelSpec, "name" | "canary">[],
  now: number = Date.now(),
): string[] {
  return [...pastEventNotices(config.events, now), ...idleCanaryLevelNotices(config.canaryTraffic, models)];
}

/**
 * An event that ended before `now`: its KEDA cron and consolidation freeze recur on its dates every
 * year, which a one-off sale (`double-12-2020`) did not mean; and it takes one of the 48 budgets.
 */
function pastEventNotices(events: StackConfig["events"], now: number): string[] {
  return events.flatMap((e) => {
    const end = parseZonedTime(e.end);
    if (typeof end === "string" || end.ms >= now) return [];
    return [
      `Sales event ${e.name} ended ${e.end}: its pre-scaling and consolidation freeze recur on those dates every year; give it this year's dates, or remove it if the sale is over`,
    ];
  });
}

/**
 * A held level (percent above 0) with no canary to apply to: the spec has none, or its canary is
 * another version (which starts at its own `trafficPercent`). A model without a spec is refused
 * (`orphanedCanaryTraffic`); a held 0 is a rollback's and removes a canary, so it is never idle.
 */
function idleCanaryLevelNotices(
  levels: StackConfig["canaryTraffic"],
  models: readonly Pick<ModelSpec, "name" | "canary">[],
): string[] {
  return Object.entries(levels).flatMap(([name, held]) => {
    const model = models.find((m) => m.name === name);
    if (!model || held.percent === 0) return [];
    const where = `canaryTraffic.${name} holds ${held.percent}%`;
    if (!model.canary)
      return [
        `${where}, but ${name} has no canary: it has no effect; remove the key (written by npm run promote)`,
      ];
    if (held.modelUri !== undefined && held.modelUri !== model.canary.modelUri)
      return [
        `${where} for another canary version than the spec's, which starts at its own trafficPercent: the level has no effect; remove the key`,
      ];
    return [];
  });
}
