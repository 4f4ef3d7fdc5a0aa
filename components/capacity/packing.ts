/**
 * GPU packing and cost: how each serving pool's replica GPU shares pack onto nodes (`packPool`), and
 * the monthly cost at minimum, expected and peak load (`planCapacity`), beside the static "before"
 * baseline (whole GPUs for the peak, one model per GPU). Pure: no Pulumi imports.
 * Its parts in their own files: the slot arithmetic (the units, below) in gpu-slots.ts, where a
 * replica's slots go GPU by GPU in gpu-fit.ts, the instance types, their prices and the cheapest
 * instance mix for a demand in instance-mix.ts, the nodes of one zone (first fit onto the cheapest
 * mix) in zone-nodes.ts, the static baseline in static-baseline.ts.
 *
 * Units: a *slot* is the schedulable GPU device the NVIDIA device plugin advertises on a node of the
 * pool: one time-slice (time-slicing), one MIG device (MIG) or one whole GPU (no sharing). A replica
 * requests `replicaDevices(share, pool)` slots (gpu-slots.ts) and must fit on one node - and, on a
 * time-sliced pool, its slices on one GPU (gpu-fit.ts says why and what the device plugin does): the
 * nodes are packed GPU by GPU, not as bags of slots.
 *
 * What this plans is a layout in which every replica holds its slices on one GPU. The scheduler
 * counts a node's slices only, so it may bind a replica where its slices span GPUs; the plugin's
 * `packed` policy (the fullest GPU first) keeps each replica on one GPU only while every pod on the
 * pool's GPUs has one size that divides the slices per GPU (as in prod: one-slice replicas, no pause
 * pods). With several sizes (or pause pods beside multi-slice replicas) the cluster may split a
 * replica where this plan does not.
 */
import type { ModelSpec } from "../config/model-schema";
import type { StackConfig } from "../config/stack-schema";
import { gpuGrain, replicaDevices, warmSlots } from "./gpu-slots";
import {
  cheapestMix,
  HOURS_PER_MONTH,
  InstanceOption,
  instanceOptions,
  PackingConfig,
  PackingPool,
  smallestSlots,
} from "./instance-mix";
import { staticBaseline, StaticBaseline } from "./static-baseline";
import { zoneNodes } from "./zone-nodes";
import { STABLE_VARIANT, Variant, variantsOf } from "../model/variants";
import { candidateSpreads, packedZonePricing, spreadHourly } from "./zone-assignment";

/** One node of a packing. */
export interface PackedNode {
  readonly zone: number;
  readonly type: string;
  readonly gpus: number;
  readonly slots: number;
  /** Slots the models' replicas use. */
  readonly usedSlots: number;
  /** Slots the models' replicas use on each GPU of the node. */
  readonly usedPerGpu: readonly number[];
  /** Slots the pool's warm-capacity pause pods hold (`warmSlots`). */
  readonly warmSlots: number;
  readonly hourly: number;
}

/** How one pool's replicas pack onto nodes at one load level. */
export interface PoolPacking {
  readonly pool: string;
  readonly nodes: readonly PackedNode[];
  readonly gpus: number;
  readonly slots: number;
  readonly usedSlots: number;
  readonly hourlyCost: number;
  readonly monthlyCost: number;
  /** True when the packing needs more GPUs than the pool's `maxGpus`. */
  readonly overMaxGpus: boolean;
  /**
   * GPUs the same pods need packed without the zone spread (which the serving pods only prefer,
   * `ScheduleAnyway`); set by `planCapacity` at each level whose spread packing is over `maxGpus`,
   * and at the minimum, where the spread may set the nodes (the plan notes what it costs).
   */
  readonly gpusWithoutSpread?: number;
  /** Hourly cost of the packing without the zone spread; set with `gpusWithoutSpread`. */
  readonly hourlyCostWithoutSpread?: number;
}

/** Replica demand of one model on a pool: `replicas` pods of `devices` slots each. */
export interface ReplicaDemand {
  readonly model: string;
  readonly devices: number;
  readonly replicas: number;
}

/**
 * Packs the replica demands of one pool into the cheapest nodes. Each model's replicas spread over
 * `zones` as the topology spread the serving pods carry has them (maxSkew 1: the full rounds in every
 * zone, the remainder in distinct zones), the remainders in the zones where they cost least
 * (zone-assignment.ts says why that is what Karpenter does); every order of `demands` packs alike.
 * Each zone is packed on its own, because a pod cannot use free slots in another zone. The pool's
 * warm capacity (`warmSlots`: `minGpus` GPUs of pause pods) is headroom on top: a replica that finds
 * no free slot preempts a pause pod, which then waits for a node of its own, so the pause pods are
 * always there. They take the slots the replicas leave free first (they have no zone spread), then
 * the cheapest new nodes.
 */
export function packPool(
  pool: PackingPool,
  config: PackingConfig,
  demands: readonly ReplicaDemand[],
  zones = config.cluster.availabilityZones,
): PoolPacking {
  const options = instanceOptions(pool, config);
  const grain = gpuGrain(pool);
  // The split mix can leave fewer free slots for the warm capacity than one mix of the bigger type
  // would: the two are compared whole, pause pods included, so the result is never above one mix.
  // Without a replica some type cannot hold, both are the one mix: packed once. The split one must
  // be cheaper to be taken, and a spread other than the first (the cost-aware one) too.
  const smallest = smallestSlots(options);
  const anyBig = demands.some((d) => d.replicas > 0 && d.devices > smallest);
  const hourlyOf = (nodes: PackedNode[]) => nodes.reduce((a, n) => a + n.hourly, 0);
  const pricing = packedZonePricing(options, grain, demands, (pods) =>
    zoneNodes(pool.name, options, pods, anyBig, grain).mix.reduce((a, o) => a + o.hourly, 0),
  );
  let best: PackedNode[] | undefined;
  for (const counts of candidateSpreads(demands, zones, pricing)) {
    // The estimate is where `zoneNodes` starts, a lower bound of a zone's nodes: a spread it prices
    // at no less than the best packed cannot be cheaper, and is not packed (the rotation, mostly).
    if (best && spreadHourly(counts, pricing) >= hourlyOf(best) - 1e-9) continue;
    const podsByZone = counts.map((c) => {
      const pods: number[] = [];
      c.forEach((n, k) => {
        for (let r = 0; r < n; r++) pods.push(demands[k].devices);
      });
      return pods;
    });
    for (const split of anyBig ? [false, true] : [false]) {
      const p = spreadNodes(pool, options, podsByZone, split, grain);
      if (!best || hourlyOf(p) < hourlyOf(best) - 1e-9) best = p;
    }
  }
  const nodes = best!;
  const gpus = nodes.reduce((a, n) => a + n.gpus, 0);
  const hourlyCost = hourlyOf(nodes);
  return {
    pool: pool.name,
    nodes,
    gpus,
    slots: nodes.reduce((a, n) => a + n.slots, 0),
    usedSlots: nodes.reduce((a, n) => a + n.usedSlots, 0),
    hourlyCost,
    monthlyCost: hourlyCost * HOURS_PER_MONTH,
    overMaxGpus: gpus > pool.maxGpus,
  };
}

/** The nodes of each zone's pods (`zoneNodes`), then the warm capacity in their free slots and its own. */
function spreadNodes(
  pool: PackingPool,
  options: readonly InstanceOption[],
  podsByZone: readonly (readonly number[])[],
  split: boolean,
  grain: number,
): PackedNode[] {
  const nodes: PackedNode[] = [];
  let warm = warmSlots(pool);
  podsByZone.forEach((pods, zone) => {
    const { mix, used, usedPerGpu } = zoneNodes(pool.name, options, pods, split, grain);
    mix.forEach((o, i) => {
      const take = Math.min(warm, o.slots - used[i]);
      warm -= take;
      nodes.push({
        zone,
        type: o.type,
        gpus: o.gpus,
        slots: o.slots,
        usedSlots: used[i],
        usedPerGpu: usedPerGpu[i],
        warmSlots: take,
        hourly: o.hourly,
      });
    });
  });
  if (warm > 0)
    for (const o of cheapestMix(options, warm) ?? []) {
      const take = Math.min(warm, o.slots);
      warm -= take;
      nodes.push({
        zone: nodes.length % podsByZone.length,
        ...o,
        usedSlots: 0,
        usedPerGpu: Array<number>(o.gpus).fill(0),
        warmSlots: take,
      });
    }
  return nodes;
}

/**
 * GPUs and cost a packing is billed at: Karpenter launches nothing beyond the NodePool's `maxGpus`
 * limit, so a packing that needs more is billed at the limit (its hourly cost pro rata) while the
 * replicas beyond it stay pending (`overMaxGpus`). The plan's cost and the budget policy both use it.
 */
export function billedAtLimit(
  p: Pick<PoolPacking, "gpus" | "hourlyCost">,
  maxGpus: number,
  hoursPerMonth = HOURS_PER_MONTH,
): { gpus: number; hourlyCost: number; monthlyCost: number } {
  const gpus = Math.min(p.gpus, maxGpus);
  const hourlyCost = p.gpus > 0 ? (p.hourlyCost * gpus) / p.gpus : 0;
  return { gpus, hourlyCost, monthlyCost: hourlyCost * hoursPerMonth };
}

/** Replicas a model runs at a load level; `undefined` rps means its declared min (or max for peak). */
export type LoadLevel = "minimum" | "expected" | "peak";

/** Per-model traffic the plan sizes for (requests per second). */
export interface ModelLoad {
  readonly expectedRps: number;
  readonly peakRps: number;
}

/** The capacity plan of a stack: per serving pool and load level, plus totals and the static baseline. */
export interface CapacityPlan {
  readonly currency: string;
  readonly pools: readonly { readonly name: string; readonly levels: Record<LoadLevel, PoolPacking> }[];
  readonly monthlyCost: Record<LoadLevel, number>;
  readonly staticBaseline: StaticBaseline;
}

/** Replicas that serve `rps` at the model's target utilization, within its replica bounds. */
export function replicasForRps(spec: ModelSpec, rps: number): number {
  const perReplica = spec.serving.rpsPerReplica * spec.serving.targetUtilization;
  const { min, max } = spec.serving.replicas;
  return Math.min(max, Math.max(min, Math.ceil(rps / perReplica - 1e-9)));
}

/**
 * Plans every serving pool at three load levels: a model's minimum is `replicas.min`; with traffic
 * history (`load`) its expected and peak levels are the replicas for its mean and peak rates;
 * without history for it, both are `replicas.max` (a new model may take any load up to its max; the
 * budget policy counts it the same way). Every variant counts (`variantsOf`: the canary and the
 * experiments are Deployments of their own), at its own bounds. The simulator gives the replayed cost.
 */
export function planCapacity(
  config: StackConfig,
  specs: readonly ModelSpec[],
  load?: ReadonlyMap<string, ModelLoad>,
): CapacityPlan {
  const replicas = (spec: ModelSpec, variant: Variant, level: LoadLevel): number => {
    const { min, max } = variant.replicas;
    const l = load?.get(spec.name);
    if (level === "minimum") return min;
    // Without history at the model's design peak: stable at its max, a weighted canary or experiment
    // one replica over it (it takes its share of the same traffic), a header-pinned one at its max
    // (as the policies' `peakReplicas` counts them).
    if (!l) return variant.name === STABLE_VARIANT || variant.header ? max : Math.min(max, 1);
    // The history's rate is the whole model's: the stable variant is sized for all of it, the canary
    // and experiments count at their minimum (as the budget policy counts them).
    if (variant.name !== STABLE_VARIANT) return min;
    return replicasForRps(spec, level === "peak" ? l.peakRps : l.expectedRps);
  };
  const pools = config.gpuPools
    .filter((p) => p.purpose === "serving")
    .map((pool) => {
      // Each variant of each model on the pool, derived once for the three levels.
      const variants = specs
        .filter((s) => s.serving.gpu.pool === pool.name)
        .flatMap((spec) => variantsOf(spec).map((variant) => ({ spec, variant })));
      const demands = (level: LoadLevel) =>
        variants.map(({ spec, variant }) => ({
          model: variant.isvcName,
          devices: replicaDevices(spec.serving.gpu.share, pool),
          replicas: replicas(spec, variant, level),
        }));
      // Over maxGpus, also the GPUs without the zone spread: the replicas may all run unspread. At
      // the minimum and expected loads too: a few replicas spread one per zone can take a node each
      // (two MIG slices, two p4d), which the plan notes (tools/plan/zone-spread-note.ts).
      const at = (level: LoadLevel): PoolPacking => {
        const d = demands(level);
        const p = packPool(pool, config, d);
        if (!p.overMaxGpus && level === "peak") return p;
        const unspread = packPool(pool, config, d, 1);
        return { ...p, gpusWithoutSpread: unspread.gpus, hourlyCostWithoutSpread: unspread.hourlyCost };
      };
      return {
        name: pool.name,
        levels: { minimum: at("minimum"), expected: at("expected"), peak: at("peak") },
      };
    });
  const total = (level: LoadLevel) => pools.reduce((a, p) => a + p.levels[level].monthlyCost, 0);
  const peakRps = new Map(
    specs.map((s) => [
      s.name,
      load?.get(s.name)?.peakRps ??
        s.serving.replicas.max * s.serving.rpsPerReplica * s.serving.targetUtilization,
    ]),
  );
  return {
    currency: config.pricing.currency,
    pools,
    monthlyCost: { minimum: total("minimum"), expected: total("expected"), peak: total("peak") },
    staticBaseline: staticBaseline(config, specs, peakRps),
  };
}
