/**
 * Slot arithmetic of a GPU pool: the slots a replica requests, one GPU offers and the pool's warm
 * capacity holds, and the GPUs a replica holds. Pure: no Pulumi imports.
 *
 * Units: a *slot* is the schedulable GPU device the NVIDIA device plugin advertises on a node of the
 * pool (see packing.ts).
 */
import type { GpuPool } from "../config/stack-schema";
import { countBySize, gpuBinSlots, gpuPieces } from "./gpu-fit";
import { gpuInstanceType, migSliceFraction } from "./instance-catalog";

/**
 * GPU devices (slots) one replica of `share` requests on the pool: what its pods ask for
 * (components/model/gpu-resources.ts), what packing places and what the config checks count.
 */
export function replicaDevices(share: number, pool: Pick<GpuPool, "sharing">): number {
  const sharing = pool.sharing;
  if (sharing.mode === "none") return Math.max(1, Math.round(share));
  if (sharing.mode === "time-slicing") return Math.max(1, Math.round(share * sharing.replicas));
  return Math.max(1, Math.round(share / (migSliceFraction(sharing.profile) ?? 1)));
}

/**
 * Slots of one GPU a replica's devices fill before any go to another GPU (gpu-fit.ts): a time-sliced
 * pool's slices per GPU, as the device plugin's `packed` policy hands them out; 1 without sharing and
 * with MIG, where a replica's devices may be any free devices of its node.
 */
export function gpuGrain(pool: Pick<GpuPool, "sharing">): number {
  return pool.sharing.mode === "time-slicing" ? pool.sharing.replicas : 1;
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
 * GPUs that replicas of the given sizes (`counts`: devices -> replicas) hold on the pool, counted GPU
 * by GPU as the packing places them (`gpuBinSlots`), for a limit or a node count. On a time-sliced
 * pool a replica's slices sit on one GPU, so ten replicas of 5 of 8 slices hold 10 GPUs (no two fit
 * one), not the 6.25 their `replicaGpus` add up to; there a GPU holds the pool's slices per GPU
 * whatever its type, so the pool's types are not read (the policies may not know them). Without
 * sharing and with MIG a replica's devices may be any of its node's, so this is `replicaGpus`
 * summed. A lower bound of the packing's GPUs, which also rounds to whole nodes and spreads zones.
 */
export function binnedGpus(
  counts: ReadonlyMap<number, number>,
  pool: Pick<GpuPool, "sharing" | "instanceTypes">,
): number {
  return gpuBinSlots(counts, gpuGrain(pool)) / binnedSlotsPerGpu(pool);
}

/**
 * Slots of one GPU as `binnedGpus` counts them: a time-sliced pool's slices per GPU, a MIG pool's
 * fewest devices per GPU, 1 without sharing. Only a MIG pool's devices per GPU depend on its types;
 * a time-sliced GPU holds `gpuGrain` slices whatever its type (also at 1 slice: the policies may
 * pass no types, and Math.min() is Infinity).
 */
export function binnedSlotsPerGpu(pool: Pick<GpuPool, "sharing" | "instanceTypes">): number {
  return pool.sharing.mode === "mig" ? fewestSlotsPerGpu(pool) : gpuGrain(pool);
}

/** Pieces of one size of a replica (`gpuPieces`): `perReplica` of `slots` each, `perGpu` to a GPU. */
export interface ReplicaPieceSize {
  readonly slots: number;
  readonly perReplica: number;
  readonly perGpu: number;
}

/**
 * `binnedGpus` for a counter that knows only replica counts (the platform dashboard's PromQL reads
 * them off request rates): a replica of `share` on the pool as pieces by size, each size with the
 * pieces one GPU holds. Pieces of one size from any replicas share GPUs, so n replicas hold, summed
 * over sizes, ceil(n x perReplica / perGpu) GPUs: `binnedGpus` of them rounded up to whole GPUs
 * wherever the pool's replicas all have one size (test/capacity/replica-piece-sizes.test.ts). With
 * several sizes it is an upper bound: `gpuBinSlots` also fits smaller pieces into the slices larger
 * ones leave (a 1-slice replica beside a 5-slice one on an 8-slice GPU).
 */
export function replicaPieceSizes(
  share: number,
  pool: Pick<GpuPool, "sharing" | "instanceTypes">,
): ReplicaPieceSize[] {
  const perGpuSlots = binnedSlotsPerGpu(pool);
  const pieces = countBySize(
    gpuPieces(replicaDevices(share, pool), gpuGrain(pool)).map((p) => [p, 1] as const),
  );
  return [...pieces].map(([slots, perReplica]) => ({
    slots,
    perReplica,
    perGpu: Math.floor(perGpuSlots / slots),
  }));
}
