/**
 * The cheapest nodes for one zone's pods (`zoneNodes`), placed by first-fit decreasing GPU by GPU
 * (`firstFitDecreasing`): what packing.ts `packPool` builds each zone of a pool from. Pure: no
 * Pulumi imports. The units (slots) and why a time-sliced replica's slices sit on one GPU: packing.ts
 * and gpu-fit.ts.
 */
import { countBySize, fitsOnGpus, slotsForPods, takeGpus } from "./gpu-fit";
import { cheapestMix, cheapestSplitMix, InstanceOption, smallestSlots } from "./instance-mix";

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
export function zoneNodes(
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
export interface ZoneNodes {
  readonly mix: InstanceOption[];
  readonly used: number[];
  readonly usedPerGpu: number[][];
}
