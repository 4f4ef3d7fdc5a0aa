/**
 * The replay's `oracle` strategy and the instant-start level-foresight bound (simulate.ts,
 * level-foresight.ts): the replicas wanted each minute, without any control delay, on the cheapest
 * nodes for that minute. Pure: no Pulumi imports.
 *
 * It sizes the nodes by the slots the replicas take, not by placing them node by node, so it ignores
 * how replicas fragment nodes (the limit), but not how a time-sliced replica's slices fill a GPU: no
 * placement puts two 5-slice replicas on one 8-slice GPU (gpu-fit.ts).
 */
import type { GpuPool, StackConfig } from "../config/stack-schema";
import { countBySize, slotsForPods } from "./gpu-fit";
import { gpuGrain, warmSlots } from "./gpu-slots";
import { cheapestSplitMix, instanceOptions, smallestSlots } from "./instance-mix";
import type { ModelCtx } from "./replay-context";
import { Accumulator } from "./strategy-result";

/**
 * Per-minute provisioning without any control delay: each minute every model gets
 * `ceil(replicasWanted(model, minute))` replicas (at least `replicas.min`), packed with the pool's
 * pause pods into the cheapest nodes for that minute alone and billed for it. `oracle` wants exactly
 * its demand; the level-foresight bound its smoothed level plus a noise margin.
 */
export function runOracle(
  pool: GpuPool,
  models: ModelCtx[],
  config: StackConfig,
  minutes: number,
  acc: Accumulator,
  replicasWanted: (c: ModelCtx, t: number) => number,
  progress?: (f: number) => void,
) {
  const options = instanceOptions(pool, config);
  const smallest = smallestSlots(options);
  // The pool's pause pods hold their slots whatever the strategy: headroom on top of the replicas.
  const warm = warmSlots(pool);
  const grain = gpuGrain(pool);
  const cache = new Map<string, { gpus: number; hourly: number }>();
  for (let t = 0; t < minutes; t++) {
    // Slots of pods only the bigger types hold, and the largest of them; the others by size, with
    // the one-slot pause pods, counted in the GPUs their slices fill (`slotsForPods`: on a
    // time-sliced pool a replica's slices share one GPU, so 5-slice replicas take a GPU of 8 each).
    let big = 0;
    let largestBig = 0;
    const smallPods: [number, number][] = warm > 0 ? [[1, warm]] : [];
    for (const c of models) {
      const r = Math.max(c.spec.serving.replicas.min, Math.ceil(replicasWanted(c, t) - 1e-9));
      if (c.devices > smallest) {
        big += r * c.devices;
        if (r > 0) largestBig = Math.max(largestBig, c.devices);
      } else smallPods.push([c.devices, r]);
      acc.serve(c.series[t], r, c, t);
    }
    const small = slotsForPods(countBySize(smallPods), grain);
    const key = `${big}/${largestBig}/${small}`;
    let mix = cache.get(key);
    if (!mix) {
      const nodes = cheapestSplitMix(options, big, largestBig, small) ?? [];
      mix = { gpus: nodes.reduce((a, n) => a + n.gpus, 0), hourly: nodes.reduce((a, n) => a + n.hourly, 0) };
      cache.set(key, mix);
    }
    acc.provision(pool.name, t, mix.gpus, mix.hourly);
    if (t % 1440 === 1439) progress?.((t + 1) / minutes);
  }
}
