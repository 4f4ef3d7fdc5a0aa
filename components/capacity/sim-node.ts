/**
 * A node of the replay's node model (autoscaled-replay.ts) and what happens on one node: a node with
 * nothing on it, pause pods filling its free slots, a replica preempting pause pods. Slots are kept
 * per GPU, as a time-sliced replica's slices sit on one GPU (gpu-fit.ts). Pure: no Pulumi imports;
 * the functions change the node given them, the replay's own state.
 */
import { fitsOnGpus, occupyGpus, takeGpus } from "./gpu-fit";
import type { InstanceOption } from "./instance-mix";

/** One node of the replay. */
export interface SimNode {
  readonly option: InstanceOption;
  readonly readySec: number;
  /** Slots taken on the node, replicas and pause pods. */
  used: number;
  /**
   * Free slots on each GPU: on a time-sliced pool a replica's slices sit on one GPU, so a node's
   * free slots alone do not say whether a replica fits.
   */
  free: number[];
  emptySince: number;
  /** First minute since which the node's pods would fit on the other nodes (underutilized). */
  movableSince: number;
  /** Being drained by consolidation: tainted, removed once this second has passed. */
  drainedAtSec?: number;
  /** Warm-capacity pause pods on the node (one slot each, counted in `used`). */
  warm: number;
  /** Pause pods on each GPU of the node. */
  warmOn: number[];
}

/** Free slots on each GPU of a node of `option` with nothing on it. */
export function idleGpus(option: InstanceOption): number[] {
  return Array<number>(option.gpus).fill(option.slots / option.gpus);
}

/** A node of `option` with nothing on it, ready at `readySec`, launched in minute `t`. */
export function emptyNode(option: InstanceOption, readySec: number, t: number): SimNode {
  return {
    option,
    readySec,
    used: 0,
    free: idleGpus(option),
    emptySince: t,
    movableSince: Infinity,
    warm: 0,
    warmOn: Array<number>(option.gpus).fill(0),
  };
}

/** Puts up to `count` one-slot pause pods in the node's free slots, GPU by GPU; returns how many. */
export function addWarm(n: SimNode, count: number): number {
  let placed = 0;
  for (let g = 0; g < n.free.length && placed < count; g++) {
    const take = Math.min(count - placed, n.free[g]);
    n.free[g] -= take;
    n.warmOn[g] += take;
    placed += take;
  }
  n.used += placed;
  n.warm += placed;
  return placed;
}

/**
 * Makes room for a replica of `devices` slots by evicting pause pods (the scheduler preempts them
 * for it), those on the GPUs its pieces go to, first fit over free slots and pause pods together.
 * Returns those GPUs and the pause pods evicted, or `undefined` (nothing changed) when even without
 * its pause pods the node has no room for it.
 */
export function preemptWarm(
  n: SimNode,
  devices: number,
  grain: number,
): { gpus: number[]; evicted: number } | undefined {
  const withWarm = n.free.map((f, g) => f + n.warmOn[g]);
  if (!fitsOnGpus(withWarm, n.option.slots - n.used + n.warm, devices, grain)) return undefined;
  const gpus = takeGpus(withWarm, devices, grain);
  const after = [...n.free];
  occupyGpus(after, gpus, devices, grain);
  let evicted = 0;
  after.forEach((f, g) => {
    const evict = Math.max(0, -f);
    n.warmOn[g] -= evict;
    n.free[g] += evict;
    evicted += evict;
  });
  n.warm -= evicted;
  n.used -= evicted;
  return { gpus, evicted };
}
