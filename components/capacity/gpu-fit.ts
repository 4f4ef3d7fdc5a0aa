/**
 * Where a replica's GPU devices (slots) go on a node, GPU by GPU: the model packing (packing.ts), the
 * replay's node model (autoscaled-replay.ts, sim-node.ts) and its oracle place replicas with.
 * Arithmetic on free-slot arrays, no imports: `takeGpus`, `occupyGpus` and `releaseGpus` change the
 * array they are given (the caller's own working state), the rest are pure.
 *
 * Why per GPU. The kube-scheduler and Karpenter see only a node's count of `nvidia.com/gpu`; which
 * devices a pod gets is the kubelet's choice, which follows the device plugin's
 * `GetPreferredAllocation`. With time-slicing each device is one slice of a physical GPU, and the
 * platform's plugin config (addons/gpu-operator-values.ts) sets `sharedDevicesAllocationPolicy:
 * packed`: the slices come greedily from the GPU with the most slices already taken
 * (NVIDIA/k8s-device-plugin internal/rm/allocate.go, PR #1621, v0.20.0), the next GPU once that one
 * is full. A replica of d slices is on one GPU only where the fullest GPU with a free slice has d
 * free; otherwise it spans GPUs, its process serves on the first one it sees and the shares on that
 * GPU add up to more than one. So the capacity a time-sliced pool needs is nodes on which every
 * replica's slices fit on one GPU (`grain` = slices per GPU):
 * - a replica of d <= grain slices takes one GPU with d free;
 * - a replica of d > grain slices (a share above one GPU, which model-pool-checks.ts refuses on a
 *   time-sliced pool, but the budget policy may meet one) takes floor(d / grain) whole GPUs and the
 *   rest on one more GPU, what `packed` hands out from idle GPUs;
 * - with `grain` 1 (no sharing: whole GPUs; MIG: each device is a separate GPU instance that may sit
 *   on any GPU of the node, `single` strategy) any free devices of the node do, as the node's count.
 * The scheduler does not enforce this: it may bind a replica to a node whose free slices lie on
 * several GPUs, which `packed` avoids only while every pod on a pool's GPUs has one size dividing
 * the slices per GPU (see packing.ts).
 */

/**
 * The per-GPU pieces of a replica of `devices` slots: `grain`-slot pieces (whole GPUs of a
 * time-sliced pool; single devices with `grain` 1), then the rest on one more GPU.
 */
export function gpuPieces(devices: number, grain: number): number[] {
  const whole = Math.floor(devices / grain);
  const rest = devices - whole * grain;
  const pieces = Array<number>(whole).fill(grain);
  if (rest > 0) pieces.push(rest);
  return pieces;
}

/**
 * Whether a replica of `devices` slots fits a node whose GPUs have `free` slots each (`nodeFree`:
 * their sum, which the caller keeps). With `grain` > 1 every GPU holds `grain` slots, so a whole
 * piece needs an idle GPU and the rest another GPU with room for it.
 */
export function fitsOnGpus(
  free: ArrayLike<number>,
  nodeFree: number,
  devices: number,
  grain: number,
): boolean {
  if (nodeFree < devices) return false;
  // Any free slot of the node takes a one-slot replica; without sharing or with MIG any devices do.
  if (grain === 1 || devices === 1) return true;
  const whole = Math.floor(devices / grain);
  const rest = devices - whole * grain;
  let idle = 0;
  let roomy = 0;
  for (let g = 0; g < free.length; g++) {
    if (free[g] >= grain) idle++;
    if (rest > 0 && free[g] >= rest) roomy++;
  }
  return idle >= whole && (rest === 0 || roomy >= whole + 1);
}

/**
 * Takes a replica of `devices` slots from `free` (the caller's own working array, changed in place:
 * the replay and the packing keep one per node) and returns the GPU of each of its `gpuPieces`, first
 * fit: the whole pieces on the first idle GPUs, the rest on the first other GPU with room. Call it
 * only where `fitsOnGpus` holds.
 */
export function takeGpus(free: number[], devices: number, grain: number): number[] {
  if (devices <= grain) {
    // One piece (a replica of at most a GPU's slices, or one device): no pieces array to build,
    // as packing a plan of a few hundred thousand replicas does this for each.
    let g = 0;
    while (free[g] < devices) g++;
    free[g] -= devices;
    return [g];
  }
  const gpus: number[] = [];
  for (const piece of gpuPieces(devices, grain)) {
    let g = 0;
    while (free[g] < piece) g++;
    free[g] -= piece;
    gpus.push(g);
  }
  return gpus;
}

/** Gives back to `free` (changed in place) the slots a replica of `devices` holds on `gpus`. */
export function releaseGpus(free: number[], gpus: readonly number[], devices: number, grain: number): void {
  gpuPieces(devices, grain).forEach((piece, k) => (free[gpus[k]] += piece));
}

/** Gives `free` (changed in place) a replica of `devices` slots on `gpus`, one GPU per piece. */
export function occupyGpus(free: number[], gpus: readonly number[], devices: number, grain: number): void {
  gpuPieces(devices, grain).forEach((piece, k) => (free[gpus[k]] -= piece));
}

/**
 * Slots of GPUs that first-fit decreasing needs for pods of the given sizes (`counts`: slots ->
 * pods) when every GPU holds `grain` slots and a pod's pieces (`gpuPieces`) may go to any GPU:
 * `grain` x that GPU count. Pods of one piece fit any node's GPUs alike, so nodes with this many GPUs
 * hold them, placed first fit GPU by GPU (`firstFitDecreasing` in zone-nodes.ts). With `grain` 1 it is
 * the pods' slots.
 */
export function gpuBinSlots(counts: ReadonlyMap<number, number>, grain: number): number {
  let total = 0;
  for (const [d, n] of counts) total += d * n;
  if (grain === 1) return total;
  const groups: [number, number][] = [];
  for (const [d, n] of counts) for (const piece of gpuPieces(d, grain)) groups.push([piece, n]);
  const pieces = countBySize(groups);
  // One size (every replica of the pool alike, as in prod): whole GPUs of as many as fit one.
  if (pieces.size === 1) {
    const [[size, n]] = pieces;
    return Math.ceil(n / Math.floor(grain / size)) * grain;
  }
  // Largest pieces first; each size fills the GPUs from the first with room for it, as free space
  // only shrinks (the placement of a scan from GPU 0 for each piece). The GPUs are kept as runs of
  // equal free slots in GPU order: a size fills whole runs and splits at most one, so the work is
  // quadratic in the sizes, not linear in the GPUs (the zone spread prices a zone of a large plan,
  // tens of thousands of GPUs, once for each model it might take a replica of).
  const runs: { free: number; gpus: number }[] = [];
  for (const size of [...pieces.keys()].sort((a, b) => b - a)) {
    let left = pieces.get(size)!;
    for (let i = 0; i < runs.length && left > 0; i++) {
      const run = runs[i];
      const each = Math.floor(run.free / size);
      if (each === 0) continue;
      const filled = Math.min(run.gpus, Math.floor(left / each));
      if (filled === run.gpus) {
        run.free -= each * size;
        left -= each * run.gpus;
        continue;
      }
      // The last pieces end inside this run: `filled` GPUs take `each`, one more takes the rest.
      const rest = left - filled * each;
      const split = [
        { free: run.free - each * size, gpus: filled },
        { free: run.free - rest * size, gpus: rest > 0 ? 1 : 0 },
        { free: run.free, gpus: run.gpus - filled - (rest > 0 ? 1 : 0) },
      ].filter((r) => r.gpus > 0);
      runs.splice(i, 1, ...split);
      left = 0;
    }
    const perGpu = Math.floor(grain / size);
    const full = Math.floor(left / perGpu);
    if (full > 0) runs.push({ free: grain - perGpu * size, gpus: full });
    if (left - full * perGpu > 0) runs.push({ free: grain - (left - full * perGpu) * size, gpus: 1 });
  }
  return runs.reduce((a, r) => a + r.gpus, 0) * grain;
}

/**
 * Pods by size (slots -> pods), what `gpuBinSlots` and `slotsForPods` read: `pods` pods of `slots`
 * each per group, groups of one size added up (a pool's models at a replica count, the pause pods,
 * single pods as groups of one: `pods.map((d) => [d, 1] as const)`). The one count of the packing,
 * the replay, the oracle, the plan's pool limits and the budget policy.
 */
export function countBySize(groups: Iterable<readonly [slots: number, pods: number]>): Map<number, number> {
  const counts = new Map<number, number>();
  for (const [slots, pods] of groups) counts.set(slots, (counts.get(slots) ?? 0) + pods);
  return counts;
}

/**
 * Slots to ask the cheapest instance mix for, for pods of the given sizes: their own slots or, where
 * their slices must share GPUs (`grain` > 1), the slots of the GPUs that hold them (`gpuBinSlots`)
 * less a GPU plus one. Every instance type offers whole GPUs of `grain` slices, so any slot count
 * from there up to the bin slots asks for as many GPUs as they, and pods of one piece fit the
 * cheapest mix of that many; pods that fit GPUs without waste (one-slice replicas) ask for their own
 * slots, as before GPUs were counted. 5-slice pods on 8-slice GPUs waste 3 of each 8: counted in
 * slots, they would ask for nodes that cannot hold them.
 */
export function slotsForPods(counts: ReadonlyMap<number, number>, grain: number): number {
  let total = 0;
  for (const [d, n] of counts) total += d * n;
  return Math.max(total, gpuBinSlots(counts, grain) - grain + 1);
}
