/**
 * The static "before" baseline: every model on its own whole GPUs for its peak, one model per GPU,
 * on whole on-demand instances, all month. The plan's `staticBaseline` spreads that fleet over the
 * zones as the platform's pods are spread (`spreadStaticFleet`); the replay's `static` strategy, like
 * every strategy of the replay, does not spread (`staticFleet`). Pure: no Pulumi imports.
 */
import type { ModelSpec } from "../config/model-schema";
import type { GpuPool, StackConfig } from "../config/stack-schema";
import { binnedGpus, replicaDevices, replicaGpus } from "./gpu-slots";
import {
  cheapestSplitMix,
  HOURS_PER_MONTH,
  InstanceOption,
  instanceOptions,
  PackingConfig,
  smallestSlots,
} from "./instance-mix";
import { candidateSpreads, SpreadDemand, ZonePricing } from "./zone-assignment";

/** The "before": every model on its own whole GPUs, sized for its peak, running all month. */
export interface StaticBaseline {
  readonly gpusByModel: Readonly<Record<string, number>>;
  readonly gpus: number;
  readonly hourlyCost: number;
  readonly monthlyCost: number;
}

/**
 * Whole GPUs per model for its peak with no sharing between models (the pre-platform setup): the
 * GPUs that hold the replicas covering the peak at full `rpsPerReplica` (`staticReplicas`), spread
 * over the cluster's zones as the platform's replicas are, on the cheapest whole on-demand instances
 * of each zone (`spreadStaticFleet`), around the clock.
 *
 * Why spread: the plan compares the serving pools' expected cost, whose packing spreads every
 * model's replicas over the zones (the pods' topology spread), with this baseline. A static
 * deployment's pods carry the same spread - a fixed replica count changes nothing of the
 * InferenceService around it - and a zone's GPUs serve only that zone's pods, so unspread the
 * baseline left out the GPUs the spread costs and the two differed by more than the platform's
 * saving: on eight-GPU instances, three models of three whole-GPU replicas unspread fill two nodes,
 * spread a node in each zone, and the expected cost printed 150% of static. The replay's `static`
 * (`staticFleet`) stays unspread, as every strategy of the replay.
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
    const fleet = spreadStaticFleet(
      pool,
      config,
      onPool.map((spec) => ({
        model: spec.name,
        devices: replicaDevices(spec.serving.gpu.share, pool),
        replicas: staticReplicas(spec, peakRps.get(spec.name) ?? 0),
        replicaGpus: replicaGpus(spec.serving.gpu.share, pool),
      })),
      config.cluster.availabilityZones,
    );
    onPool.forEach((spec, k) => (gpusByModel[spec.name] = fleet.gpusByModel[k]));
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
  const options = staticOptions(pool, config);
  if (options.length === 0) return { gpus: 0, hourly: 0 };
  const smallest = smallestSlots(options);
  const big = new Map<number, number>();
  let small = 0;
  for (const m of models) {
    const perReplica = wholeGpus(m.replicaGpus);
    if (perReplica > smallest) big.set(perReplica, (big.get(perReplica) ?? 0) + m.gpus);
    else small += m.gpus;
  }
  return fleetOf(options, { big, small });
}

/** One model's replicas for the static fleet: `replicas` of `devices` slots, each `replicaGpus` GPUs. */
export interface StaticDemand extends SpreadDemand {
  readonly replicaGpus: number;
}

/**
 * The static fleet spread over `zones` as the platform's pods are: each model's replicas over the
 * zones with maxSkew 1, the remainders where the fleet costs least (zone-assignment.ts, as the plan's
 * packing), each model's replicas in a zone on whole GPUs of its own (counted GPU by GPU,
 * `binnedGpus`), and each zone's GPUs on its own cheapest whole instances (`staticFleet`'s rule).
 * `gpusByModel` in the order of `models`.
 */
export function spreadStaticFleet(
  pool: GpuPool,
  config: Pick<PackingConfig, "pricing">,
  models: readonly StaticDemand[],
  zones: number,
): { gpusByModel: number[]; gpus: number; hourly: number } {
  // Without a type priced on demand there is no fleet (0 GPUs), as in `staticFleet`: every zone
  // prices 0 and the smallest type is Infinity.
  const options = staticOptions(pool, config);
  const smallest = smallestSlots(options);
  /** GPUs of `n` replicas of model k in one zone, GPU by GPU. */
  const zoneGpus = (k: number, n: number) =>
    n > 0 ? Math.ceil(binnedGpus(new Map([[models[k].devices, n]]), pool) - 1e-9) : 0;
  const perReplica = models.map((m) => wholeGpus(m.replicaGpus));
  const add = (zone: FleetZone, k: number, gpus: number): FleetZone =>
    perReplica[k] > smallest
      ? {
          big: new Map(zone.big).set(perReplica[k], (zone.big.get(perReplica[k]) ?? 0) + gpus),
          small: zone.small,
        }
      : { big: zone.big, small: zone.small + gpus };
  const pricing: ZonePricing<FleetZone> = {
    summarize: (counts) => counts.reduce<FleetZone>((z, n, k) => add(z, k, zoneGpus(k, n)), EMPTY_ZONE),
    moved: (zone, k, held, by) => add(zone, k, zoneGpus(k, held + by) - zoneGpus(k, held)),
    hourly: (zone) => fleetOf(options, zone).hourly,
  };
  // The zone prices are the fleet's own: the cheapest candidate is the fleet.
  const priced = candidateSpreads(models, zones, pricing).map((counts) => {
    const fleets = counts.map((c) => fleetOf(options, pricing.summarize(c)));
    return {
      counts,
      hourly: fleets.reduce((a, f) => a + f.hourly, 0),
      gpus: fleets.reduce((a, f) => a + f.gpus, 0),
    };
  });
  const best = priced.reduce((b, p) => (p.hourly < b.hourly - 1e-9 ? p : b));
  const gpusByModel = models.map((_, k) => best.counts.reduce((a, c) => a + zoneGpus(k, c[k]), 0));
  return { gpusByModel, gpus: best.gpus, hourly: best.hourly };
}

/** A zone of the static fleet: GPUs of models whose replica needs a bigger type (by its GPUs), and the rest. */
interface FleetZone {
  readonly big: ReadonlyMap<number, number>;
  readonly small: number;
}

const EMPTY_ZONE: FleetZone = { big: new Map(), small: 0 };

/** The pool's types priced on demand, without sharing: what the static fleet was built of. */
function staticOptions(pool: GpuPool, config: Pick<PackingConfig, "pricing">): InstanceOption[] {
  const priced = pool.instanceTypes.filter((t) => config.pricing.instances[t]?.onDemand !== undefined);
  return instanceOptions(
    { ...pool, instanceTypes: priced, capacityType: "on-demand", sharing: { mode: "none" } },
    config,
  );
}

/**
 * One replica's GPUs, rounded up: the GPUs its pieces span (`gpuPieces`), which decide the node types
 * that hold it; a model's own total is counted GPU by GPU.
 */
function wholeGpus(replicaGpus: number): number {
  return Math.ceil(replicaGpus - 1e-9);
}

/** The cheapest whole instances for a zone's (or a pool's) GPUs: big models' on types that hold their replica. */
function fleetOf(options: readonly InstanceOption[], zone: FleetZone): { gpus: number; hourly: number } {
  let big = 0;
  let largestBig = 0;
  for (const [perReplica, gpus] of zone.big)
    if (gpus > 0) {
      big += gpus;
      largestBig = Math.max(largestBig, perReplica);
    }
  const nodes = cheapestSplitMix(options, big, largestBig, zone.small) ?? [];
  return { gpus: nodes.reduce((a, n) => a + n.gpus, 0), hourly: nodes.reduce((a, n) => a + n.hourly, 0) };
}
