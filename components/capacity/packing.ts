/**
 * GPU packing and cost: how each serving pool's replica GPU shares pack onto nodes (`packPool`), and
 * the monthly cost at minimum, expected and peak load (`planCapacity`), beside the static "before"
 * baseline (whole GPUs for the peak, one model per GPU). Pure: no Pulumi imports.
 * Its parts in their own files: the slot arithmetic (the units, below) in gpu-slots.ts, where a
 * replica's slots go GPU by GPU in gpu-fit.ts, the instance types, their prices and the cheapest
 * instance mix for a demand in instance-mix.ts, the static baseline in static-baseline.ts.
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
import { countBySize, fitsOnGpus, slotsForPods, takeGpus } from "./gpu-fit";
import { gpuGrain, replicaDevices, warmSlots } from "./gpu-slots";
import {
  cheapestMix,
  cheapestSplitMix,
  HOURS_PER_MONTH,
  InstanceOption,
  instanceOptions,
  PackingConfig,
  PackingPool,
  smallestSlots,
} from "./instance-mix";
import { staticBaseline, StaticBaseline } from "./static-baseline";
import { STABLE_VARIANT, Variant, variantsOf } from "../model/variants";

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
   * `ScheduleAnyway`); set by `planCapacity` at each level whose spread packing is over `maxGpus`.
   */
  readonly gpusWithoutSpread?: number;
}

/** Replica demand of one model on a pool: `replicas` pods of `devices` slots each. */
export interface ReplicaDemand {
  readonly model: string;
  readonly devices: number;
  readonly replicas: number;
}

/** What first fit reads of a node: its GPUs and its slots (an `InstanceOption`), slots even per GPU. */
export type NodeShape = Pick<InstanceOption, "gpus" | "slots">;

/** Where first fit put one pod of `devices` slots: its node, and the GPU of each of its pieces (`gpuPieces`). */
export interface PodPlacement {
  readonly devices: number;
  readonly node: number;
  readonly gpus: readonly number[];
}

/** A first-fit packing: the slots used on each node and on each GPU of it, and where each pod went. */
export interface FirstFit {
  readonly used: number[];
  readonly usedPerGpu: number[][];
  /** With `record`: one per pod, largest pods first (the order they were placed in). */
  readonly pods?: PodPlacement[];
}

/**
 * First-fit decreasing of pod sizes (slots) onto nodes, GPU by GPU: each pod, largest first, on the
 * first node where it fits (`fitsOnGpus`: on a time-sliced pool, `grain` slices per GPU, its slices
 * on one GPU), there on the first GPUs with room (`takeGpus`). Undefined when a pod finds no node.
 * With one-piece pods this is first fit over the nodes' GPUs in order, so `gpuBinSlots` GPUs hold them.
 * `record` keeps where each pod went (the tests read it; a pool of 400,000 replicas took 4x as long
 * with an object per pod, and the packing needs only the slots used).
 */
export function firstFitDecreasing(
  pods: readonly number[],
  nodes: readonly NodeShape[],
  grain: number,
  record = false,
): FirstFit | undefined {
  const perGpu = nodes.map((n) => n.slots / n.gpus);
  const free = nodes.map((n, i) => Array<number>(n.gpus).fill(perGpu[i]));
  const used = nodes.map(() => 0);
  const placed: PodPlacement[] = [];
  // Free slots only shrink, so while pods keep one size the nodes found too full for it stay too
  // full: the scan resumes where the last pod of that size went instead of at node 0 (the same
  // placement as a scan from 0, in O(pods + sizes x nodes) instead of O(pods x nodes)).
  let from = 0;
  let size = Infinity;
  for (const pod of [...pods].sort((a, b) => b - a)) {
    if (pod !== size) [from, size] = [0, pod];
    while (from < nodes.length && !fitsOnGpus(free[from], nodes[from].slots - used[from], pod, grain)) from++;
    if (from === nodes.length) return undefined;
    const gpus = takeGpus(free[from], pod, grain);
    if (record) placed.push({ devices: pod, node: from, gpus });
    used[from] += pod;
  }
  const usedPerGpu = free.map((f, i) => f.map((x) => perGpu[i] - x));
  return record ? { used, usedPerGpu, pods: placed } : { used, usedPerGpu };
}

/**
 * Packs the replica demands of one pool into the cheapest nodes. Each model's replicas spread
 * round-robin over `zones` (the topology spread the serving pods carry, maxSkew 1), and each zone is
 * packed on its own, because a pod cannot use free slots in another zone. The pool's warm capacity
 * (`warmSlots`: `minGpus` GPUs of pause pods) is headroom on top: a replica that finds no free slot
 * preempts a pause pod, which then waits for a node of its own, so the pause pods are always there.
 * They take the slots the replicas leave free first (they have no zone spread), then the cheapest
 * new nodes.
 */
export function packPool(
  pool: PackingPool,
  config: PackingConfig,
  demands: readonly ReplicaDemand[],
  zones = config.cluster.availabilityZones,
): PoolPacking {
  const options = instanceOptions(pool, config);
  const grain = gpuGrain(pool);
  const podsByZone: number[][] = Array.from({ length: Math.max(1, zones) }, () => []);
  demands.forEach((d, k) => {
    for (let r = 0; r < d.replicas; r++) podsByZone[(r + k) % podsByZone.length].push(d.devices);
  });
  // The split mix can leave fewer free slots for the warm capacity than one mix of the bigger type
  // would: the two are compared whole, pause pods included, so the result is never above one mix.
  // Without a replica some type cannot hold, both are the one mix: packed once. The split one must
  // be cheaper to be taken.
  const smallest = smallestSlots(options);
  const anyBig = demands.some((d) => d.replicas > 0 && d.devices > smallest);
  const packings = (anyBig ? [false, true] : [false]).map((split) => {
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
          zone: nodes.length % Math.max(1, zones),
          ...o,
          usedSlots: 0,
          usedPerGpu: Array<number>(o.gpus).fill(0),
          warmSlots: take,
        });
      }
    return nodes;
  });
  const hourlyOf = (nodes: PackedNode[]) => nodes.reduce((a, n) => a + n.hourly, 0);
  const nodes = packings.reduce((best, p) => (hourlyOf(p) < hourlyOf(best) - 1e-9 ? p : best));
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

/**
 * The largest of `values`, by a loop: a pool's pods at a large plan's peak number in the hundred
 * thousands, and `Math.max(...pods)` passes each as an argument (a stack overflow at 500 models).
 */
function largestOf(values: readonly number[]): number {
  let largest = -Infinity;
  for (const v of values) if (v > largest) largest = v;
  return largest;
}

/**
 * The cheapest nodes found for one zone's pods and the slots each node's pods use (in all and per
 * GPU): one mix of types that all hold the largest pod and, with `trySplit`, the split mix (pods only
 * a bigger type holds on such types, the rest on any type, as the simulator and the static fleet
 * launch them), the cheaper for the pods; each grown a slot at a time until first-fit places every
 * pod (fragmentation). The split mix alone can fragment where pods of several big sizes meet; one mix
 * alone put a pool's one-GPU replicas on its four-GPU type only because another model's replica
 * needs two GPUs (31% more in a review's case).
 */
function zoneNodes(
  poolName: string,
  options: readonly InstanceOption[],
  pods: readonly number[],
  trySplit: boolean,
  grain: number,
): ZoneNodes {
  const largest = pods.length === 0 ? 1 : largestOf(pods);
  const smallest = smallestSlots(options);
  const big = pods.filter((d) => d > smallest);
  const bigSlots = big.reduce((a, b) => a + b, 0);
  const fits = (mix: InstanceOption[] | undefined): ZoneNodes | undefined => {
    const ff = mix && firstFitDecreasing(pods, mix, grain);
    return mix && ff ? { mix, used: ff.used, usedPerGpu: ff.usedPerGpu } : undefined;
  };
  const hourly = (c: { mix: InstanceOption[] }) => c.mix.reduce((a, o) => a + o.hourly, 0);
  let single: ZoneNodes | undefined;
  for (let need = slotsForPods(countBySize(pods.map((d) => [d, 1] as const)), grain); !single; need++) {
    const mix = cheapestMix(options, need, largest);
    if (!mix) throw new Error(`pool ${poolName}: no instance type holds a pod of ${largest} GPU devices`);
    single = fits(mix);
  }
  // The split mix only differs with pods some type cannot hold; a few extra slots settle most
  // fragmentation, past the largest node's slots the single mix is as good.
  if (!trySplit || bigSlots === 0) return single;
  const biggest = Math.max(...options.map((o) => o.slots));
  const small = pods.filter((d) => d <= smallest);
  const smallNeed = slotsForPods(countBySize(small.map((d) => [d, 1] as const)), grain);
  for (let extra = 0; extra <= biggest; extra++) {
    const split = fits(cheapestSplitMix(options, bigSlots, largestOf(big), smallNeed + extra));
    if (split) return hourly(split) < hourly(single) - 1e-9 ? split : single;
  }
  return single;
}

/** The nodes of one zone and the slots their pods use, per node and per GPU of each. */
interface ZoneNodes {
  readonly mix: InstanceOption[];
  readonly used: number[];
  readonly usedPerGpu: number[][];
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
      // Over maxGpus, also the GPUs without the zone spread: the replicas may all run unspread.
      const at = (level: LoadLevel): PoolPacking => {
        const d = demands(level);
        const p = packPool(pool, config, d);
        return p.overMaxGpus ? { ...p, gpusWithoutSpread: packPool(pool, config, d, 1).gpus } : p;
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
