/**
 * The instance types a pool may launch, with their slots and prices (`instanceOptions`), and the
 * cheapest mix of them for a number of slots (`cheapestMix`, `cheapestSplitMix`); what packing reads
 * of a pool and of the stack config. Pure: no Pulumi imports.
 */
import type { GpuPool, StackConfig } from "../config/stack-schema";
import { slotsPerGpu } from "./gpu-slots";
import { gpuInstanceType } from "./instance-catalog";

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
  const { cheapest, bulk } = bulkOfCheapest(usable, slots);
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

/**
 * The part of a large mix the type cheapest per slot covers up front (`bulk` nodes of `cheapest`).
 * Some cheapest mix uses each other type fewer than `cheapest.slots` times: that many nodes of another
 * type cost at least as much as (their slots / cheapest.slots) nodes of the type cheapest per slot,
 * for the same slots. So all but `reserve` slots can be covered by the cheapest type up front and only
 * the rest searched - exact, and the search stays small at any load (10 M rps would be a million
 * slots, seconds per minute of a replay).
 */
function bulkOfCheapest(
  usable: readonly InstanceOption[],
  slots: number,
): { cheapest: InstanceOption; bulk: number } {
  const biggest = Math.max(...usable.map((o) => o.slots));
  const cheapest = usable.reduce((a, o) => (o.hourly / o.slots < a.hourly / a.slots ? o : a));
  const reserve = usable.length * cheapest.slots * biggest;
  return { cheapest, bulk: slots > 2 * reserve ? Math.floor((slots - reserve) / cheapest.slots) : 0 };
}

/**
 * The hourly price of `cheapestMix(options, slots, largestPod)`, Infinity where no type holds the
 * largest pod, without building the mix: the zone spread prices a zone of a large plan once for each
 * model that might take a replica there, and building and sorting a mix of thousands of nodes each
 * time made that the packing's slowest step.
 */
export function cheapestMixHourly(options: readonly InstanceOption[], slots: number, largestPod = 1): number {
  const usable = options.filter((o) => o.slots >= largestPod);
  if (usable.length === 0) return Infinity;
  if (slots <= 0) return 0;
  const { cheapest, bulk } = bulkOfCheapest(usable, slots);
  const rest = cheapestMix(usable, slots - bulk * cheapest.slots) ?? [];
  return bulk * cheapest.hourly + rest.reduce((a, o) => a + o.hourly, 0);
}
