/**
 * plan.json's capacity: the capacity planner (`components/capacity/packing.ts` `planCapacity`:
 * replicas packed onto the cheapest instance mix at minimum, expected and peak load) for the serving
 * pools, and the simple estimate (tools/plan/capacity.ts) for training pools. The planner is a
 * parameter with a narrow structural type so that tests can give the summary a planner's result.
 */
import type { ModelSpec } from "../../components/config/model-schema";
import type { StackConfig } from "../../components/config/stack-schema";
import { billedAtLimit } from "../../components/capacity/packing";
import {
  budgetCheckCost,
  CapacitySummary,
  HOURS_PER_MONTH,
  PoolCapacity,
  Range,
  round4,
  simpleCapacityEstimate,
  unusedPoolWarnings,
} from "./capacity";
import { sliceSplitWarnings } from "./slice-split";
import { zoneSpreadNotes } from "./zone-spread-note";

/** The part of one pool packing the plan reads. */
interface Packing {
  readonly gpus: number;
  readonly slots: number;
  readonly usedSlots: number;
  readonly monthlyCost: number;
  readonly hourlyCost: number;
  readonly overMaxGpus: boolean;
  readonly nodes: readonly { readonly type: string; readonly zone?: number }[];
  readonly gpusWithoutSpread?: number;
  readonly hourlyCostWithoutSpread?: number;
}

/** The part of `planCapacity`'s result the plan reads. */
export interface PlannerResult {
  readonly pools: readonly {
    readonly name: string;
    readonly levels: { readonly minimum: Packing; readonly expected: Packing; readonly peak: Packing };
  }[];
  /** The pre-platform setup: whole GPUs per model for its peak, always on. */
  readonly staticBaseline?: { readonly gpus: number; readonly monthlyCost: number };
}

/** Expected and peak requests/s of a model (from the stack's traffic history). */
export interface ModelLoad {
  readonly expectedRps: number;
  readonly peakRps: number;
}

/** `planCapacity(config, specs, load)`. */
export type Planner = (
  config: StackConfig,
  models: readonly ModelSpec[],
  load?: ReadonlyMap<string, ModelLoad>,
) => PlannerResult;

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Why the peak packing is above `maxGpus`: the pods need more GPUs than that even packed without
 * the zone spread, or they fit but not spread over the zones, a spread the serving pods only
 * prefer (`ScheduleAnyway`): then they all run, some beside others of their zone.
 */
function peakWarning(peak: Packing, maxGpus: number): string {
  return peak.gpusWithoutSpread !== undefined && peak.gpusWithoutSpread <= maxGpus
    ? `spread over the zones the peak packs onto ${peak.gpus} GPUs, above maxGpus ${maxGpus}: at peak the replicas all fit (${peak.gpusWithoutSpread} GPUs) but not all spread over the zones`
    : `packing needs ${peak.gpus} GPUs at peak but maxGpus is below that: models cannot all reach max`;
}

function fromPacking(
  simple: PoolCapacity,
  levels: PlannerResult["pools"][number]["levels"],
  maxGpus: number,
  unused: readonly string[],
  currency: string,
): PoolCapacity {
  const pick = (f: (p: Packing) => number): Range => ({
    min: round2(f(levels.minimum)),
    expected: round2(f(levels.expected)),
    max: round2(f(levels.peak)),
  });
  // Karpenter stops at maxGpus: the bill too (the warning below says the replicas do not all fit).
  const billed = (p: Packing) => billedAtLimit(p, maxGpus);
  const types = [...new Set(levels.peak.nodes.map((n) => n.type))].sort();
  // The packing's warnings replace the simple estimate's load warnings; an unused pool's stays.
  const warnings = [...unused, ...(levels.peak.overMaxGpus ? [peakWarning(levels.peak, maxGpus)] : [])];
  // Beyond the peak's: the expected cost itself is capped, so it understates what the models need.
  // With room for every replica but not for their spread (a `ScheduleAnyway` preference), none
  // waits: say so, as the peak's line does.
  const expected = levels.expected;
  const peak = levels.peak;
  // Full but not over: nothing warns, yet the next model's pull request fails the pool-fit policy.
  if (!peak.overMaxGpus && peak.gpus > 0 && peak.gpus === maxGpus)
    warnings.push(
      `at peak the replicas take all ${maxGpus} GPUs maxGpus allows (${peak.slots - peak.usedSlots} of ${peak.slots} slices free on them): ` +
        `replicas beyond those slices will not fit; raise maxGpus before adding a model here`,
    );
  if (expected.overMaxGpus)
    warnings.push(
      expected.gpusWithoutSpread !== undefined && expected.gpusWithoutSpread <= maxGpus
        ? `spread over the zones the expected load packs onto ${expected.gpus} GPUs, above maxGpus ${maxGpus}: the replicas all fit (${expected.gpusWithoutSpread} GPUs) but not all spread over the zones; the expected cost is billed at the limit`
        : `at the expected load the packing needs ${expected.gpus} GPUs, above maxGpus ${maxGpus}: the expected cost is billed at the limit and the replicas beyond it wait`,
    );
  const { notes, atMinimum, atExpected } = zoneSpreadNotes(levels, HOURS_PER_MONTH, currency);
  return {
    ...simple,
    ...(notes.length > 0 ? { notes } : {}),
    ...(atMinimum ? { zoneSpreadAtMinimum: atMinimum } : {}),
    ...(atExpected ? { zoneSpreadAtExpected: atExpected } : {}),
    instanceType: types.length > 0 ? types.join("+") : simple.instanceType,
    pricePerGpuHour:
      levels.peak.gpus > 0 ? round4(levels.peak.hourlyCost / levels.peak.gpus) : simple.pricePerGpuHour,
    // GPUs the replicas occupy (slots in use as GPUs), the counterpart of the simple estimate's.
    demand: pick((p) => (p.slots > 0 ? (p.usedSlots * p.gpus) / p.slots : 0)),
    gpus: pick((p) => billed(p).gpus),
    monthlyCost: pick((p) => billed(p).monthlyCost),
    warnings,
  };
}

/**
 * Capacity for plan.json and the summary: the planner's packing for serving pools when `planner` is
 * given (`planCapacity`), the simple estimate for the rest.
 */
export function planCapacitySummary(
  config: StackConfig,
  models: readonly ModelSpec[],
  planner: Planner | undefined,
  load?: ReadonlyMap<string, ModelLoad>,
): CapacitySummary {
  const simple = simpleCapacityEstimate(config, models);
  if (!planner) return simple;
  const planned = planner(config, models, load);
  const byName = new Map(planned.pools.map((p) => [p.name, p.levels]));
  const pools = simple.pools.map((p) => {
    const levels = byName.get(p.name);
    const pool = config.gpuPools.find((g) => g.name === p.name);
    const unused = pool ? [...unusedPoolWarnings(pool, p.models), ...sliceSplitWarnings(pool, models)] : [];
    return levels ? fromPacking(p, levels, pool?.maxGpus ?? Infinity, unused, config.pricing.currency) : p;
  });
  const total = (k: keyof Range) => round2(pools.reduce((sum, p) => sum + p.monthlyCost[k], 0));
  const monthlyCost = { min: total("min"), expected: total("expected"), max: total("max") };
  const budgetCheck = budgetCheckCost(pools, config);
  return {
    ...simple,
    estimator: `serving pools: components/capacity/packing.ts planCapacity (bin packing, ${HOURS_PER_MONTH} h/month); training pools: simple estimate (tools/plan/capacity.ts)`,
    pools,
    monthlyCost,
    budgetCheck,
    withinBudget: budgetCheck <= config.budget.monthlyGpuCost,
    ...(planned.staticBaseline
      ? {
          staticBaseline: {
            gpus: planned.staticBaseline.gpus,
            monthlyCost: round2(planned.staticBaseline.monthlyCost),
            description:
              "serving without the platform: whole GPUs per model for its peak, one model per GPU, always on, spread over the zones as the platform's pods are",
          },
        }
      : {}),
  };
}
