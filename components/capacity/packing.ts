/**
 * GPU packing and cost: how each serving pool's replica GPU shares pack onto nodes, the cheapest
 * instance mix for a demand, and the monthly cost at minimum, expected and peak load, beside the
 * static "before" baseline (whole GPUs for the peak, one model per GPU). Pure: no Pulumi imports.
 *
 * Units: a *slot* is the schedulable GPU device the NVIDIA device plugin advertises on a node of the
 * pool: one time-slice (time-slicing), one MIG device (MIG) or one whole GPU (no sharing). A replica
 * requests `deviceCount(share, pool)` slots and must fit on one node.
 */
import type { ModelSpec } from "../config/model-schema";
import type { GpuPool, StackConfig } from "../config/stack-schema";
import { gpuInstanceType, migSliceFraction } from "./instance-catalog";
import { STABLE_VARIANT, Variant, variantsOf } from "../model/variants";

/**
 * What packing reads of a pool: the stack config's `gpuPools[]` entry, or the policy pack's copy of
 * it, so the plan and the budget policy cost the same nodes.
 */
export type PackingPool = Pick<
  GpuPool,
  "name" | "instanceTypes" | "capacityType" | "sharing" | "minGpus" | "maxGpus"
>;

/** What packing reads of the stack config: instance prices and the zones pods spread over. */
export interface PackingConfig {
  readonly pricing: Pick<StackConfig["pricing"], "instances">;
  readonly cluster: Pick<StackConfig["cluster"], "availabilityZones">;
}

/** Average hours in a month (8,760 h / 12), the convention of the AWS pricing calculator. */
export const HOURS_PER_MONTH = 730;

/** One instance type a pool may launch, with what it offers and costs. */
export interface InstanceOption {
  readonly type: string;
  readonly gpus: number;
  /** Schedulable GPU devices (slots) per node. */
  readonly slots: number;
  /** Hourly price at the pool's capacity type (spot or on-demand). */
  readonly hourly: number;
}

/** One node of a packing. */
export interface PackedNode {
  readonly zone: number;
  readonly type: string;
  readonly gpus: number;
  readonly slots: number;
  /** Slots the models' replicas use. */
  readonly usedSlots: number;
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
   * `ScheduleAnyway`); set by `planCapacity` at peak when the spread packing is over `maxGpus`.
   */
  readonly gpusWithoutSpread?: number;
}

/** Replica demand of one model on a pool: `replicas` pods of `devices` slots each. */
export interface ReplicaDemand {
  readonly model: string;
  readonly devices: number;
  readonly replicas: number;
}

/**
 * GPU devices (slots) one replica of `share` requests on the pool: the same rule as the config's
 * `deviceCount` (components/config/model-schema.ts), restated here because that module's imports
 * reach the Pulumi SDK and capacity code stays Pulumi-free.
 */
export function replicaDevices(share: number, pool: Pick<GpuPool, "sharing">): number {
  const sharing = pool.sharing;
  if (sharing.mode === "none") return Math.max(1, Math.round(share));
  if (sharing.mode === "time-slicing") return Math.max(1, Math.round(share * sharing.replicas));
  return Math.max(1, Math.round(share / (migSliceFraction(sharing.profile) ?? 1)));
}

/** Slots one GPU of `instanceType` offers under the pool's sharing. */
export function slotsPerGpu(pool: Pick<GpuPool, "sharing">, instanceType: string): number {
  const sharing = pool.sharing;
  if (sharing.mode === "none") return 1;
  if (sharing.mode === "time-slicing") return sharing.replicas;
  return gpuInstanceType(instanceType)?.gpu.migProfiles[sharing.profile] ?? 1;
}

/**
 * Slots one GPU of the pool offers at the least: the fewest of its instance types. Counting GPUs in
 * these units never exceeds a GPU total whatever mix of types Karpenter launches (the NodePool limit,
 * the warm capacity, a replica's GPUs).
 */
export function fewestSlotsPerGpu(pool: Pick<GpuPool, "sharing" | "instanceTypes">): number {
  return Math.min(...pool.instanceTypes.map((t) => slotsPerGpu(pool, t)));
}

/**
 * Slots the pool's warm capacity holds: `minGpus` GPUs of one-slot pause pods, at the fewest slots
 * per GPU of the pool's types (gpu-node-pool-specs.ts `warmCapacityPods` deploys as many).
 */
export function warmSlots(pool: Pick<GpuPool, "sharing" | "instanceTypes" | "minGpus">): number {
  return pool.minGpus * fewestSlotsPerGpu(pool);
}

/** Hourly price of an instance type for the pool's capacity type; throws when the config lacks it. */
export function hourlyPrice(pool: PackingPool, type: string, config: Pick<PackingConfig, "pricing">): number {
  const price = config.pricing.instances[type];
  const hourly = pool.capacityType === "spot" ? price?.spot : price?.onDemand;
  if (hourly === undefined) throw new Error(`no ${pool.capacityType} price for ${type} (pool ${pool.name})`);
  return hourly;
}

/** The instance types a pool may launch, cheapest GPU first. */
export function instanceOptions(pool: PackingPool, config: Pick<PackingConfig, "pricing">): InstanceOption[] {
  return pool.instanceTypes
    .map((type) => {
      const gpus = gpuInstanceType(type)?.gpus ?? 1;
      return { type, gpus, slots: gpus * slotsPerGpu(pool, type), hourly: hourlyPrice(pool, type, config) };
    })
    .sort((a, b) => a.hourly / a.slots - b.hourly / b.slots || a.slots - b.slots);
}

/**
 * Cheapest nodes for `big` slots of pods larger than the pool's smallest type (the largest of them
 * `largestBig` slots) and `small` slots of pods any type holds: the big pods get nodes that hold
 * them (`cheapestMix` sized by the largest), the small ones fill what those leave free and then the
 * cheapest mix of any type. One mix for every pod, sized by the largest, would put a pool's one-GPU
 * replicas on its four-GPU type only because another model needs two GPUs. `undefined` when no
 * type holds the largest pod.
 */
export function cheapestSplitMix(
  options: readonly InstanceOption[],
  big: number,
  largestBig: number,
  small: number,
): InstanceOption[] | undefined {
  // Sized in pods of the largest size, not in slots: 12 slots of 3-slot pods do not fit an 8-slot
  // and a 4-slot node (two and one), whatever their slots add up to.
  const units = options
    .filter((o) => o.slots >= largestBig)
    .map((o) => ({ ...o, slots: Math.floor(o.slots / Math.max(1, largestBig)) }));
  const bigUnits = big > 0 ? cheapestMix(units, Math.ceil(big / Math.max(1, largestBig))) : [];
  if (bigUnits === undefined) return undefined;
  const bigNodes = bigUnits.map((u) => options.find((o) => o.type === u.type)!);
  const spare = bigNodes.reduce((a, o) => a + o.slots, 0) - big;
  const smallNodes = cheapestMix(options, Math.max(0, small - spare));
  return smallNodes && [...bigNodes, ...smallNodes];
}

/** Slots of a pool's smallest type: pods above it need a bigger type (`cheapestSplitMix`). */
export function smallestSlots(options: readonly InstanceOption[]): number {
  return Math.min(...options.map((o) => o.slots));
}

/**
 * Cheapest multiset of instances offering at least `slots` slots, using only types whose nodes hold
 * a pod of `largestPod` slots (unbounded knapsack by dynamic programming over slots). Returns the
 * chosen options, or `undefined` when no type can hold the largest pod.
 */
export function cheapestMix(
  options: readonly InstanceOption[],
  slots: number,
  largestPod = 1,
): InstanceOption[] | undefined {
  const usable = options.filter((o) => o.slots >= largestPod);
  if (usable.length === 0) return undefined;
  if (slots <= 0) return [];
  const biggest = Math.max(...usable.map((o) => o.slots));
  // Some cheapest mix uses each other type fewer than `cheapest.slots` times: that many nodes of
  // another type cost at least as much as (their slots / cheapest.slots) nodes of the type cheapest
  // per slot, for the same slots. So all but `reserve` slots can be covered by the cheapest type up
  // front and only the rest searched - exact, and the search stays small at any load (10 M rps would
  // be a million slots, seconds per minute of a replay).
  const cheapest = usable.reduce((a, o) => (o.hourly / o.slots < a.hourly / a.slots ? o : a));
  const reserve = usable.length * cheapest.slots * biggest;
  const bulk = slots > 2 * reserve ? Math.floor((slots - reserve) / cheapest.slots) : 0;
  if (bulk > 0) {
    const rest = cheapestMix(usable, slots - bulk * cheapest.slots) ?? [];
    return [...rest, ...Array<InstanceOption>(bulk).fill(cheapest)].sort((a, b) => b.slots - a.slots);
  }
  const limit = slots + biggest;
  const cost = new Float64Array(limit + 1).fill(Infinity);
  const pick = new Int32Array(limit + 1).fill(-1);
  cost[0] = 0;
  for (let s = 1; s <= limit; s++) {
    usable.forEach((o, i) => {
      const prev = s - o.slots;
      if (prev >= 0 && cost[prev] + o.hourly < cost[s] - 1e-9) {
        cost[s] = cost[prev] + o.hourly;
        pick[s] = i;
      }
    });
  }
  let best = slots;
  for (let s = slots; s <= limit; s++) if (cost[s] < cost[best] - 1e-9) best = s;
  const mix: InstanceOption[] = [];
  for (let s = best; s > 0; s -= usable[pick[s]].slots) mix.push(usable[pick[s]]);
  return mix.sort((a, b) => b.slots - a.slots);
}

/** First-fit decreasing of pod sizes into node capacities; the used slots per node, or undefined. */
export function firstFitDecreasing(
  pods: readonly number[],
  capacities: readonly number[],
): number[] | undefined {
  const used = capacities.map(() => 0);
  // Free slots only shrink, so while pods keep one size the nodes found too full for it stay too
  // full: the scan resumes where the last pod of that size went instead of at node 0 (the same
  // placement as a scan from 0, in O(pods + sizes x nodes) instead of O(pods x nodes)).
  let from = 0;
  let size = Infinity;
  for (const pod of [...pods].sort((a, b) => b - a)) {
    if (pod !== size) [from, size] = [0, pod];
    while (from < capacities.length && capacities[from] - used[from] < pod) from++;
    if (from === capacities.length) return undefined;
    used[from] += pod;
  }
  return used;
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
      const { mix, used } = zoneNodes(pool.name, options, pods, split);
      mix.forEach((o, i) => {
        const take = Math.min(warm, o.slots - used[i]);
        warm -= take;
        nodes.push({
          zone,
          type: o.type,
          gpus: o.gpus,
          slots: o.slots,
          usedSlots: used[i],
          warmSlots: take,
          hourly: o.hourly,
        });
      });
    });
    if (warm > 0)
      for (const o of cheapestMix(options, warm) ?? []) {
        const take = Math.min(warm, o.slots);
        warm -= take;
        nodes.push({ zone: nodes.length % Math.max(1, zones), ...o, usedSlots: 0, warmSlots: take });
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
 * The cheapest nodes found for one zone's pods and the slots each node's pods use: one mix of types
 * that all hold the largest pod and, with `trySplit`, the split mix (pods only a bigger type holds
 * on such types, the rest on any type, as the simulator and the static fleet launch them), the
 * cheaper for the pods; each grown a slot at a time until first-fit places every pod
 * (fragmentation). The split mix alone can fragment where pods of several big sizes meet; one mix
 * alone put a pool's one-GPU replicas on its four-GPU type only because another model's replica
 * needs two GPUs (31% more in a review's case).
 */
function zoneNodes(
  poolName: string,
  options: readonly InstanceOption[],
  pods: readonly number[],
  trySplit: boolean,
): { mix: InstanceOption[]; used: number[] } {
  const total = pods.reduce((a, b) => a + b, 0);
  const largest = pods.length === 0 ? 1 : Math.max(...pods);
  const smallest = smallestSlots(options);
  const big = pods.filter((d) => d > smallest);
  const bigSlots = big.reduce((a, b) => a + b, 0);
  const fits = (mix: InstanceOption[] | undefined) => {
    const used =
      mix &&
      firstFitDecreasing(
        pods,
        mix.map((o) => o.slots),
      );
    return mix && used ? { mix, used } : undefined;
  };
  const hourly = (c: { mix: InstanceOption[] }) => c.mix.reduce((a, o) => a + o.hourly, 0);
  let single: { mix: InstanceOption[]; used: number[] } | undefined;
  for (let need = total; !single; need++) {
    const mix = cheapestMix(options, need, largest);
    if (!mix) throw new Error(`pool ${poolName}: no instance type holds a pod of ${largest} GPU devices`);
    single = fits(mix);
  }
  // The split mix only differs with pods some type cannot hold; a few extra slots settle most
  // fragmentation, past the largest node's slots the single mix is as good.
  if (!trySplit || bigSlots === 0) return single;
  const biggest = Math.max(...options.map((o) => o.slots));
  for (let extra = 0; extra <= biggest; extra++) {
    const split = fits(cheapestSplitMix(options, bigSlots, Math.max(...big), total - bigSlots + extra));
    if (split) return hourly(split) < hourly(single) - 1e-9 ? split : single;
  }
  return single;
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

/** The "before": every model on its own whole GPUs, sized for its peak, running all month. */
export interface StaticBaseline {
  readonly gpusByModel: Readonly<Record<string, number>>;
  readonly gpus: number;
  readonly hourlyCost: number;
  readonly monthlyCost: number;
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
      const at = (level: LoadLevel) => packPool(pool, config, demands(level));
      const peakDemands = demands("peak");
      const peak = packPool(pool, config, peakDemands);
      return {
        name: pool.name,
        levels: {
          minimum: at("minimum"),
          expected: at("expected"),
          peak: peak.overMaxGpus
            ? { ...peak, gpusWithoutSpread: packPool(pool, config, peakDemands, 1).gpus }
            : peak,
        },
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

/**
 * Whole GPUs per model for its peak with no sharing between models (the pre-platform setup): the
 * replicas that cover the peak at full `rpsPerReplica`, times the GPUs each holds on its pool,
 * rounded up to whole GPUs, on the cheapest whole on-demand instances of the pool that hold them
 * (`staticFleet`), around the clock.
 */
export function staticBaseline(
  config: StackConfig,
  specs: readonly ModelSpec[],
  peakRps: ReadonlyMap<string, number>,
): StaticBaseline {
  const gpusByModel: Record<string, number> = {};
  let gpus = 0;
  let hourlyCost = 0;
  for (const pool of config.gpuPools) {
    const onPool = specs.filter((s) => s.serving.gpu.pool === pool.name);
    if (onPool.length === 0) continue;
    for (const spec of onPool) gpusByModel[spec.name] = staticGpus(spec, peakRps.get(spec.name) ?? 0, pool);
    const fleet = staticFleet(
      pool,
      config,
      onPool.map((spec) => ({
        gpus: gpusByModel[spec.name],
        replicaGpus: replicaGpus(spec.serving.gpu.share, pool),
      })),
    );
    gpus += fleet.gpus;
    hourlyCost += fleet.hourly;
  }
  return { gpusByModel, gpus, hourlyCost, monthlyCost: hourlyCost * HOURS_PER_MONTH };
}

/**
 * GPUs one replica of `share` holds on the pool: its devices over the devices per GPU of the pool's
 * type with the fewest (a 1g.20gb MIG slice is a quarter of an H100, though a seventh of its
 * compute), as the nodes it runs on are counted.
 */
export function replicaGpus(share: number, pool: Pick<GpuPool, "sharing" | "instanceTypes">): number {
  const devices = replicaDevices(share, pool);
  if (pool.sharing.mode === "none") return devices;
  return devices / fewestSlotsPerGpu(pool);
}

/**
 * Replicas the static fleet runs a model at: enough for `peakRps` at full `rpsPerReplica`, and at
 * least the spec's `replicas.min` (at least one), as every other strategy keeps it: a model that
 * asks for three replicas for availability had them before the platform too.
 */
export function staticReplicas(spec: ModelSpec, peakRps: number): number {
  const forPeak = Math.ceil(peakRps / spec.serving.rpsPerReplica - 1e-9);
  return Math.max(1, spec.serving.replicas.min, forPeak);
}

/** Whole GPUs one model needs for `peakRps` without sharing a GPU with other models (at least 1). */
export function staticGpus(
  spec: ModelSpec,
  peakRps: number,
  pool: Pick<GpuPool, "sharing" | "instanceTypes">,
): number {
  const replicas = staticReplicas(spec, peakRps);
  return Math.max(1, Math.ceil(replicas * replicaGpus(spec.serving.gpu.share, pool) - 1e-9));
}

/**
 * The static fleet of one pool: the cheapest whole on-demand instances (the fleet was on-demand)
 * holding each model's whole GPUs, a model whose replica holds more GPUs than the pool's smallest
 * type on types that hold one. Billed whole: ten GPUs of eight-GPU nodes are two nodes.
 */
export function staticFleet(
  pool: GpuPool,
  config: Pick<PackingConfig, "pricing">,
  models: readonly { gpus: number; replicaGpus: number }[],
): { gpus: number; hourly: number } {
  const priced = pool.instanceTypes.filter((t) => config.pricing.instances[t]?.onDemand !== undefined);
  const options = instanceOptions(
    { ...pool, instanceTypes: priced, capacityType: "on-demand", sharing: { mode: "none" } },
    config,
  );
  if (options.length === 0) return { gpus: 0, hourly: 0 };
  const smallest = smallestSlots(options);
  let big = 0;
  let largestBig = 0;
  let small = 0;
  for (const m of models) {
    const perReplica = Math.ceil(m.replicaGpus - 1e-9);
    if (perReplica > smallest) {
      big += m.gpus;
      largestBig = Math.max(largestBig, perReplica);
    } else small += m.gpus;
  }
  const nodes = cheapestSplitMix(options, big, largestBig, small) ?? [];
  return { gpus: nodes.reduce((a, n) => a + n.gpus, 0), hourly: nodes.reduce((a, n) => a + n.hourly, 0) };
}
