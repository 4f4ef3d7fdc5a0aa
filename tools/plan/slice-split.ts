/**
 * The plan's note on a time-sliced pool whose replicas the device plugin may split over two GPUs.
 * The plan, the budget policy and the simulator count every replica's slices on one GPU
 * (components/capacity/gpu-fit.ts), but nothing in the cluster enforces that: the scheduler counts a
 * node's slices only, and the device plugin's `packed` allocation takes slices from the fullest GPU
 * with room first. That keeps a replica on one GPU only while every pod on the pool's GPUs has one
 * size that divides the slices per GPU; on a node of one GPU there is nothing to split over.
 */
import { replicaDevices } from "../../components/capacity/gpu-slots";
import { gpuInstanceType } from "../../components/capacity/instance-catalog";
import type { ModelSpec } from "../../components/config/model-schema";
import type { GpuPool } from "../../components/config/stack-schema";

/** The note for `pool` and the models it serves, or none. */
export function sliceSplitWarnings(pool: GpuPool, models: readonly ModelSpec[]): string[] {
  if (pool.sharing.mode !== "time-slicing" || pool.purpose !== "serving") return [];
  const slices = pool.sharing.replicas;
  const multiGpu = pool.instanceTypes.filter((t) => (gpuInstanceType(t)?.gpus ?? 1) > 1);
  if (multiGpu.length === 0) return [];
  const sizes = new Map<number, string[]>();
  const add = (devices: number, who: string) => sizes.set(devices, [...(sizes.get(devices) ?? []), who]);
  for (const m of models)
    if (m.serving.gpu.pool === pool.name) add(replicaDevices(m.serving.gpu.share, pool), m.name);
  // The warm capacity's pause pods hold one slice each on the same GPUs.
  if (pool.minGpus > 0 && sizes.size > 0) add(1, "the warm capacity's pause pods");
  const [only] = sizes.keys();
  if (sizes.size === 0 || (sizes.size === 1 && slices % only === 0)) return [];
  const who = [...sizes]
    .sort(([a], [b]) => a - b)
    .map(([d, names]) => `${d} (${names.join(", ")})`)
    .join(", ");
  return [
    `replicas of ${who} of the ${slices} slices per GPU share the GPUs of ${multiGpu.join(", ")}: the device plugin's packed allocation fills the fullest GPU first and may give a replica slices of two GPUs, of which it uses one, while this plan counts each replica on one GPU; single-GPU instance types, or one slice count that divides ${slices}, avoid it`,
  ];
}
