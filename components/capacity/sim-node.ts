/**
 * A node of the replay's node model (autoscaled-replay.ts) and what happens on one node: a node with
 * nothing on it, pause pods filling its free slots, a replica preempting pause pods, and where a
 * drained node's pods go (`planDrain`). Slots are kept per GPU, as a time-sliced replica's slices sit
 * on one GPU (gpu-fit.ts). Pure: no Pulumi imports; the functions change the node given them, the
 * replay's own state (`planDrain` only reads them).
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

/** Where the pods of a node to drain go: the moves `planDrain` found, and the GPUs they leave. */
export interface DrainPlan {
  /** Per pod of the node, in the order given: the node it moves to and the GPU of each of its pieces. */
  readonly pods: readonly { readonly to: number; readonly gpus: number[] }[];
  /** Per pause pod of the node: the node and the GPU it moves to. */
  readonly warm: readonly { readonly to: number; readonly gpu: number }[];
  /** Free slots on each GPU, after the moves, of the nodes that take a pod. */
  readonly free: ReadonlyMap<number, number[]>;
}

/**
 * Whether node `pick` can be drained and where its pods go: every pod (`pods`: slots each), largest
 * first, first fit onto the other nodes `usable` holds, GPU by GPU (a time-sliced replica's
 * slices on one GPU), then its pause pods one slot each (no disruption budget holds them), as
 * Karpenter decides before anything moves. `undefined` when a pod finds no place. Reads the nodes only: the moves take copies of the
 * free slots of the nodes they go to (`free`), so a candidate that fails costs no copy of the rest.
 */
export function planDrain(
  nodes: readonly SimNode[],
  pick: number,
  pods: readonly number[],
  usable: (n: SimNode) => boolean,
  grain: number,
): DrainPlan | undefined {
  // 0 for the drained node and the unusable ones: `fitsOnGpus` refuses a node with no free slot
  // before it reads the GPUs.
  const roomSlots = nodes.map((n, x) => (x !== pick && usable(n) ? n.option.slots - n.used : 0));
  const free = new Map<number, number[]>();
  const copyOf = (x: number) => {
    let f = free.get(x);
    if (!f) free.set(x, (f = [...nodes[x].free]));
    return f;
  };
  // Largest first, as Karpenter's scheduler simulates the moves (its queue sorts pods by requests,
  // descending): a 1-slice pod placed first could take the only GPU a 3-slice one fits.
  const moves: { to: number; gpus: number[] }[] = Array(pods.length);
  const order = pods.map((_d, k) => k).sort((a, b) => pods[b] - pods[a]);
  for (const k of order) {
    const d = pods[k];
    const to = roomSlots.findIndex((r, x) => fitsOnGpus(free.get(x) ?? nodes[x].free, r, d, grain));
    if (to < 0) return undefined;
    roomSlots[to] -= d;
    moves[k] = { to, gpus: takeGpus(copyOf(to), d, grain) };
  }
  const warm: { to: number; gpu: number }[] = [];
  for (let w = 0; w < nodes[pick].warm; w++) {
    const to = roomSlots.findIndex((r) => r >= 1);
    if (to < 0) return undefined;
    roomSlots[to] -= 1;
    warm.push({ to, gpu: takeGpus(copyOf(to), 1, grain)[0] });
  }
  return { pods: moves, warm, free };
}
