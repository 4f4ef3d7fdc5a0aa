/**
 * The static "before" baseline: every model on its own whole GPUs for its peak, one model per GPU,
 * on whole on-demand instances, all month (the plan's `staticBaseline`; the replay's `static`
 * strategy runs the same fleet). Pure: no Pulumi imports.
 */
import type { ModelSpec } from "../config/model-schema";
import type { GpuPool, StackConfig } from "../config/stack-schema";
import { binnedGpus, replicaDevices, replicaGpus } from "./gpu-slots";
import {
  cheapestSplitMix,
  HOURS_PER_MONTH,
  instanceOptions,
  PackingConfig,
  smallestSlots,
} from "./instance-mix";

/** The "before": every model on its own whole GPUs, sized for its peak, running all month. */
export interface StaticBaseline {
  readonly gpusByModel: Readonly<Record<string, number>>;
  readonly gpus: number;
  readonly hourlyCost: number;
  readonly monthlyCost: number;
}

/**
 * Whole GPUs per model for its peak with no sharing between models (the pre-platform setup): the
 * GPUs that hold the replicas covering the peak at full `rpsPerReplica` (`staticGpus`), on the
 * cheapest whole on-demand instances of the pool that hold them (`staticFleet`), around the clock.
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
 * Replicas the static fleet runs a model at: enough for `peakRps` at full `rpsPerReplica`, and at
 * least the spec's `replicas.min` (at least one), as every other strategy keeps it: a model that
 * asks for three replicas for availability had them before the platform too.
 */
export function staticReplicas(spec: ModelSpec, peakRps: number): number {
  const forPeak = Math.ceil(peakRps / spec.serving.rpsPerReplica - 1e-9);
  return Math.max(1, spec.serving.replicas.min, forPeak);
}

/**
 * Whole GPUs one model needs for `peakRps` without sharing a GPU with other models (at least 1): its
 * replicas counted GPU by GPU (`binnedGpus`), as the packing places them. Its replicas' shares
 * summed would undercount a time-sliced pool: ten replicas of 5 of 8 slices add up to 6.25 GPUs, 7
 * rounded up, but no two fit one GPU, so they hold 10.
 */
export function staticGpus(
  spec: ModelSpec,
  peakRps: number,
  pool: Pick<GpuPool, "sharing" | "instanceTypes">,
): number {
  const replicas = staticReplicas(spec, peakRps);
  const devices = replicaDevices(spec.serving.gpu.share, pool);
  return Math.max(1, Math.ceil(binnedGpus(new Map([[devices, replicas]]), pool) - 1e-9));
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
    // One replica's GPUs, rounded up: the GPUs its pieces span (`gpuPieces`), which decide the node
    // types that hold it; the model's own total (`gpus`) is already counted GPU by GPU.
    const perReplica = Math.ceil(m.replicaGpus - 1e-9);
    if (perReplica > smallest) {
      big += m.gpus;
      largestBig = Math.max(largestBig, perReplica);
    } else small += m.gpus;
  }
  const nodes = cheapestSplitMix(options, big, largestBig, small) ?? [];
  return { gpus: nodes.reduce((a, n) => a + n.gpus, 0), hourly: nodes.reduce((a, n) => a + n.hourly, 0) };
}
