/**
 * The plan's note on a serving pool whose nodes at minimum or expected load are set by the zone spread
 * rather than by the replicas' GPU need. The serving pods spread over the zones (maxSkew 1, `ScheduleAnyway`,
 * which Karpenter treats as required while a pod can be placed otherwise: zone-assignment.ts), so a
 * pool's few minimum replicas each open a node of their own in their own zone: two 1g.5gb MIG
 * replicas need 0.29 GPU, pack onto one p4d (8 GPUs) in one zone, and hold two (16 GPUs, some
 * 206,590 CNY a month more) spread. At expected load the same holds for a pool whose models have no
history yet (costed at their max) or little traffic. Nothing else says so: the figures look like any
pool's. Pure.
 */
import { gpuInstanceType } from "../../components/capacity/instance-catalog";

/**
 * What the note reads of a level's packing (`planCapacity`'s, which sets the unspread figures at the
 * minimum and expected levels).
 */
export interface LevelPacking {
  readonly gpus: number;
  readonly slots: number;
  readonly usedSlots: number;
  readonly hourlyCost: number;
  readonly nodes: readonly { readonly type: string; readonly zone?: number }[];
  readonly gpusWithoutSpread?: number;
  readonly hourlyCostWithoutSpread?: number;
}

/**
 * What the spread costs at one load level (plan.json `capacity.pools[].zoneSpreadAtMinimum` and
 * `zoneSpreadAtExpected`).
 */
export interface ZoneSpreadCost {
  /** GPUs the level's nodes hold, spread over the zones. */
  readonly gpus: number;
  /** GPUs the same replicas pack onto in one zone. */
  readonly gpusWithoutSpread: number;
  /** GPUs the replicas use (their slices as GPUs). */
  readonly replicaGpus: number;
  /** Zones the level's nodes are in. */
  readonly zones: number;
  /** Monthly cost of the spread over the unspread packing, in the plan's currency. */
  readonly extraMonthlyCost: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const money = (x: number) => Math.round(x).toLocaleString("en-US");

/**
 * The load levels the plan notes the spread at (the peak's nodes are a ceiling, not a bill): one note
 * for both when the expected load's spread is the minimum's (a model without history at `replicas.min
 * = replicas.max`, say).
 */
export type SpreadLevel = "minimum" | "expected" | "minimum and expected";

/**
 * The spread's cost at one load level, when its nodes hold more GPUs, at a higher cost, than the same
 * replicas packed in one zone; undefined otherwise (the spread then costs nothing there).
 */
export function zoneSpreadCost(p: LevelPacking, hoursPerMonth: number): ZoneSpreadCost | undefined {
  const without = p.gpusWithoutSpread;
  const withoutHourly = p.hourlyCostWithoutSpread;
  if (without === undefined || withoutHourly === undefined) return undefined;
  if (!(p.gpus > without && p.hourlyCost > withoutHourly + 1e-9)) return undefined;
  return {
    gpus: p.gpus,
    gpusWithoutSpread: without,
    replicaGpus: round2(p.slots > 0 ? (p.usedSlots * p.gpus) / p.slots : 0),
    zones: new Set(p.nodes.map((n) => n.zone)).size,
    extraMonthlyCost: round2((p.hourlyCost - withoutHourly) * hoursPerMonth),
  };
}

/** The note's text: what the spread costs at `level` and what would lower it. */
export function zoneSpreadNote(
  level: SpreadLevel,
  s: ZoneSpreadCost,
  p: LevelPacking,
  currency: string,
): string {
  const counts = new Map<string, number>();
  for (const n of p.nodes) counts.set(n.type, (counts.get(n.type) ?? 0) + 1);
  const nodes = [...counts].map(([type, n]) => `${n} ${type}`).join(" + ");
  const multiGpu = [...counts.keys()].some((t) => (gpuInstanceType(t)?.gpus ?? 1) > 1);
  const levers = [
    level !== "expected"
      ? "fewer zones for its replicas (replicas.min 1 keeps a model's minimum in one zone, without zone redundancy; cluster.availabilityZones sets every pool's zones)"
      : // The expected load's replicas come from traffic, not from a field of the spec.
        "fewer zones (cluster.availabilityZones sets every pool's zones)",
    ...(multiGpu ? ["an instance type with fewer GPUs per node in instanceTypes"] : []),
    "sharing these nodes: other models' replicas on this pool would fill the GPUs the spread leaves free",
  ];
  return (
    `at ${level} load the zone spread, not the replicas' GPU need, sets the nodes: replicas using ${s.replicaGpus} GPU ` +
    `pack onto ${s.gpusWithoutSpread} GPUs in one zone, but spread over ${s.zones} zones (topology spread, maxSkew 1) ` +
    `they hold ${s.gpus} GPUs (${nodes}), ${s.gpus - s.gpusWithoutSpread} GPUs and ${money(s.extraMonthlyCost)} ${currency}/month more; ` +
    `to lower it: ${levers.join(", or ")}`
  );
}

/** The pool's notes: the spread at minimum and at expected load, one note where both are the same. */
export function zoneSpreadNotes(
  levels: Readonly<Record<"minimum" | "expected", LevelPacking>>,
  hoursPerMonth: number,
  currency: string,
): { notes: string[]; atMinimum?: ZoneSpreadCost; atExpected?: ZoneSpreadCost } {
  const atMinimum = zoneSpreadCost(levels.minimum, hoursPerMonth);
  const atExpected = zoneSpreadCost(levels.expected, hoursPerMonth);
  const same =
    atMinimum !== undefined &&
    atExpected !== undefined &&
    atMinimum.gpus === atExpected.gpus &&
    atMinimum.gpusWithoutSpread === atExpected.gpusWithoutSpread &&
    atMinimum.extraMonthlyCost === atExpected.extraMonthlyCost;
  const notes = same
    ? [zoneSpreadNote("minimum and expected", atMinimum, levels.minimum, currency)]
    : [
        ...(atMinimum ? [zoneSpreadNote("minimum", atMinimum, levels.minimum, currency)] : []),
        ...(atExpected ? [zoneSpreadNote("expected", atExpected, levels.expected, currency)] : []),
      ];
  return { notes, atMinimum, atExpected };
}
