/**
 * GPU capacity facts the capacity policies need: the pools, budget and prices from the stack config
 * (passed as policy config, the same object for `pulumi preview --policy-pack` and the offline plan),
 * and each model's worst-case GPU demand, read from the InferenceServices and their KEDA ScaledObjects
 * unless the config lists the models explicitly.
 */
import type { PolicyResource } from "@pulumi/policy";
import { gpuInstanceType, migSliceFraction } from "../../components/capacity/instance-catalog";
import type { ModelSpec } from "../../components/config/model-schema";
import { STABLE_VARIANT, variantsOf } from "../../components/model/variants";
import { countBySize } from "../../components/capacity/gpu-fit";
import { binnedGpus, replicaDevices } from "../../components/capacity/gpu-slots";
import type { GpuPool, StackConfig } from "../../components/config/stack-schema";
import type { Traffic } from "../../components/capacity/traffic";
import { trafficLoad } from "../../components/capacity/traffic-load";
import { at, k8sName, namespaceOf, num, obj, str } from "./values";
import { isGpuResource, kindOf, podTemplates, targetGpuPool } from "./workloads";

/** One GPU pool as the policies see it (a subset of the stack config's `gpuPools[]`). */
export interface CapacityPool {
  readonly name: string;
  readonly purpose?: "serving" | "training";
  readonly maxGpus: number;
  readonly minGpus?: number;
  readonly instanceTypes?: readonly string[];
  readonly capacityType?: "on-demand" | "spot";
  readonly sharing?: {
    readonly mode: "none" | "time-slicing" | "mig";
    readonly replicas?: number;
    readonly profile?: string;
  };
}

/** A model variant's serving demand. */
export interface ModelDemand {
  readonly name: string;
  readonly pool: string;
  /** GPUs per replica (0.25 = a quarter of one GPU). */
  readonly share: number;
  readonly maxReplicas: number;
  /** The model the variant serves (label `mlops.io/model`); keys `expectedRps`. */
  readonly model?: string;
  /** Whether this is the model's stable variant, which carries the history's traffic. */
  readonly stable?: boolean;
  /**
   * A header-pinned experiment: its cohort's traffic is not taken from stable's forecast, so at the
   * model's peak it may run at its max beside stable's (`peakReplicas`).
   */
  readonly pinned?: boolean;
  readonly minReplicas?: number;
  /** Requests/s one replica is scaled to carry (the request-rate trigger's threshold). */
  readonly targetRpsPerReplica?: number;
}

/** Policy config of the capacity policies. */
export interface CapacityPolicyConfig {
  readonly pools?: readonly CapacityPool[];
  readonly budget?: { readonly monthlyGpuCost: number };
  readonly pricing?: {
    readonly currency: string;
    readonly instances: Readonly<Record<string, { readonly onDemand: number; readonly spot?: number }>>;
  };
  /** Explicit demands (from the model specs); when absent they are read from the resources. */
  readonly models?: readonly ModelDemand[];
  /** Hours in a billing month. @default 730 (8760 / 12) */
  readonly hoursPerMonth?: number;
  /**
   * Zones the serving replicas spread over (`cluster.availabilityZones`): each zone's pods pack onto
   * their own nodes, as in the plan's packing. @default 1
   */
  readonly availabilityZones?: number;
  /**
   * Mean requests/s per model over the stack's traffic history (`trafficHistory` in the stack
   * config): the expected load the budget is checked at. Models without an entry count at max.
   */
  readonly expectedRps?: Readonly<Record<string, number>>;
  /** Where `expectedRps` comes from, for messages. */
  readonly trafficHistory?: string;
}

/** JSON schema of `CapacityPolicyConfig` for `configSchema`. */
export const CAPACITY_CONFIG_SCHEMA = {
  properties: {
    pools: { type: "array", items: { type: "object" } },
    budget: { type: "object" },
    pricing: { type: "object" },
    models: { type: "array", items: { type: "object" } },
    hoursPerMonth: { type: "number", minimum: 1, default: 730 },
    availabilityZones: { type: "integer", minimum: 1 },
    expectedRps: { type: "object", additionalProperties: { type: "number", minimum: 0 } },
    trafficHistory: { type: "string" },
  },
} as const;

/**
 * The capacity policy config of a validated stack config (and, when given, its model specs and the
 * mean request rates of its traffic history, `expectedRpsFromTraffic`).
 */
export function capacityConfigFromStack(
  cfg: StackConfig,
  specs?: readonly ModelSpec[],
  expectedRps?: Readonly<Record<string, number>>,
): CapacityPolicyConfig {
  return {
    pools: cfg.gpuPools.map((p) => ({
      name: p.name,
      purpose: p.purpose,
      maxGpus: p.maxGpus,
      minGpus: p.minGpus,
      instanceTypes: [...p.instanceTypes],
      capacityType: p.capacityType,
      sharing: { ...p.sharing },
    })),
    budget: { monthlyGpuCost: cfg.budget.monthlyGpuCost },
    availabilityZones: cfg.cluster.availabilityZones,
    pricing: { currency: cfg.pricing.currency, instances: { ...cfg.pricing.instances } },
    ...(specs
      ? {
          // Every variant, as `demandsFromResources` finds them in `pulumi preview`: the canary and
          // experiments are InferenceServices of their own, with replica bounds of their own.
          models: specs.flatMap((s) =>
            variantsOf(s).map((v) => ({
              name: v.isvcName,
              pool: s.serving.gpu.pool,
              share: specShareGpus(s, cfg),
              maxReplicas: v.replicas.max,
              model: s.name,
              stable: v.name === STABLE_VARIANT,
              ...(v.header ? { pinned: true } : {}),
              minReplicas: v.replicas.min,
              targetRpsPerReplica: s.serving.rpsPerReplica * s.serving.targetUtilization,
            })),
          ),
        }
      : {}),
    ...(expectedRps && cfg.trafficHistory
      ? { expectedRps: { ...expectedRps }, trafficHistory: cfg.trafficHistory }
      : {}),
  };
}

/**
 * GPUs one replica of `spec` takes: its share, except on a MIG pool, where it is its devices times
 * what each takes of a GPU (`gpusPerDevice`), as the same spec's InferenceService is counted.
 */
function specShareGpus(spec: ModelSpec, cfg: StackConfig): number {
  const pool = cfg.gpuPools.find((p) => p.name === spec.serving.gpu.pool);
  if (pool?.sharing.mode !== "mig") return spec.serving.gpu.share;
  return replicaDevices(spec.serving.gpu.share, pool) * gpusPerDevice(pool, "nvidia.com/gpu");
}

/**
 * Mean requests/s of every model over a traffic history, rounded to 0.1 rps (stable in the committed
 * policy config) unless `exact` (the offline plan, whose cost summary sizes on the exact means).
 */
export function expectedRpsFromTraffic(traffic: Traffic, exact = false): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, { expectedRps }] of trafficLoad(traffic))
    out[name] = exact ? expectedRps : Math.round(expectedRps * 10) / 10;
  return out;
}

/**
 * Replicas a variant takes of its pool at its model's design peak (the traffic stable's
 * `replicas.max` serves). A canary or experiment serves part of the model's traffic (its weight, or
 * a header's cohort that stable would serve otherwise), so the variants together need stable's max
 * plus at most one replica of rounding per other variant (the ceiling of each share), not every
 * variant's max at once: a 50% canary of an 800-replica model adds 1, not 400. A header-pinned
 * experiment counts at its max: stable's forecast still counts its cohort, so stable may reach its
 * max beside it. A variant without a stable sibling on the pool (another tool's InferenceService)
 * counts at its max.
 */
export function peakReplicas(d: ModelDemand, all: readonly ModelDemand[]): number {
  if (d.stable !== false || d.model === undefined || d.pinned) return d.maxReplicas;
  const stable = all.some((o) => o.model === d.model && o.stable === true && o.pool === d.pool);
  return stable ? Math.min(d.maxReplicas, 1) : d.maxReplicas;
}

/**
 * Replicas a variant runs at the expected load: the stable variant of a model with history at its
 * mean rate per target replica (within min and max); other variants of that model at their minimum
 * (the history's rate is the whole model's, counted once at the stable); without history, at the
 * model's design peak (`peakReplicas`: stable at max, the others one replica each).
 */
export function expectedReplicas(
  d: ModelDemand,
  expectedRps?: Readonly<Record<string, number>>,
  all: readonly ModelDemand[] = [d],
): number {
  const rps = d.model === undefined ? undefined : expectedRps?.[d.model];
  if (rps === undefined) return peakReplicas(d, all);
  const min = d.minReplicas ?? 0;
  if (!d.stable) return min;
  if (!d.targetRpsPerReplica) return d.maxReplicas;
  return Math.min(d.maxReplicas, Math.max(min, Math.ceil(rps / d.targetRpsPerReplica - 1e-9)));
}

/**
 * GPUs one device of the pool's sharing mode takes (a time-slice of 4 = 0.25). A MIG device takes
 * 1 / (devices of its profile per GPU), as the capacity planner packs them: a 4g.40gb device holds
 * a whole A100 (nothing else fits beside it) although it has 4 of its 7 compute slices. The pool's
 * instance type with the fewest devices per GPU counts (the worst case); the compute fraction only
 * when the catalog knows none of them.
 */
export function gpusPerDevice(pool: CapacityPool | undefined, resourceName: string): number {
  // The GPU Operator's `single` MIG strategy (the platform's) advertises each MIG device of a pool as
  // `nvidia.com/gpu`; the `mixed` one as `nvidia.com/mig-<profile>`. Both are counted by profile.
  const profile = resourceName.startsWith("nvidia.com/mig-")
    ? resourceName.slice("nvidia.com/mig-".length)
    : resourceName === "nvidia.com/gpu" && pool?.sharing?.mode === "mig"
      ? pool.sharing.profile
      : undefined;
  if (profile !== undefined) {
    const perGpu = (pool?.instanceTypes ?? [])
      .map((t) => gpuInstanceType(t)?.gpu.migProfiles[profile])
      .filter((n): n is number => n !== undefined && n > 0);
    return perGpu.length > 0 ? 1 / Math.min(...perGpu) : (migSliceFraction(profile) ?? 1);
  }
  if (pool?.sharing?.mode === "time-slicing" && (pool.sharing.replicas ?? 0) > 0)
    return 1 / (pool.sharing.replicas ?? 1);
  return 1;
}

/**
 * Devices (`nvidia.com/gpu`) one replica of `share` GPUs requests on the pool: the inverse of how a
 * share is counted here (`gpusPerDevice`). Not `replicaDevices`, which reads a spec's share: on a
 * MIG pool that is the profile's compute fraction (1/7 for 1g.20gb), while a share counted here is
 * the GPU a device fills (1/4 of an H100 for 1g.20gb), so one device read back as two.
 */
export function shareDevices(pool: CapacityPool, share: number): number {
  return Math.max(1, Math.round(share / gpusPerDevice(pool, "nvidia.com/gpu")));
}

/** Worst-case demand of every InferenceService's stable predictor that targets a GPU pool. */
export function demandsFromResources(
  resources: readonly PolicyResource[],
  pools: readonly CapacityPool[],
): ModelDemand[] {
  const scaled = resources.filter((r) => r.type === "kubernetes:keda.sh/v1alpha1:ScaledObject");
  const out: ModelDemand[] = [];
  for (const r of resources) {
    if (kindOf(r.type, r.props) !== "InferenceService") continue;
    const predictor = podTemplates(r.type, r.props).find((t) => t.component === "predictor");
    if (!predictor) continue;
    const poolName = targetGpuPool(predictor);
    const pool = pools.find((p) => p.name === poolName);
    let share = 0;
    for (const c of predictor.containers) {
      const limits = {
        ...obj(at(c.container, "resources.requests")),
        ...obj(at(c.container, "resources.limits")),
      };
      for (const [k, v] of Object.entries(limits))
        if (isGpuResource(k)) share += (num(v) ?? 0) * gpusPerDevice(pool, k);
    }
    if (poolName === undefined || share === 0) continue;
    const isvc = k8sName(r.props, r.name);
    const ns = namespaceOf(r.props);
    // KServe Standard mode names the predictor Deployment `<isvc>-predictor`; KEDA targets it.
    const so = scaled.find((s) => {
      const target = str(at(s.props, "spec.scaleTargetRef.name")) ?? "";
      return namespaceOf(s.props) === ns && (target === isvc || target === `${isvc}-predictor`);
    });
    const maxReplicas =
      num(at(so?.props, "spec.maxReplicaCount")) ??
      num(at(r.props, "spec.predictor.maxReplicas")) ??
      num(at(r.props, "spec.predictor.minReplicas")) ??
      1;
    const minReplicas =
      num(at(so?.props, "spec.minReplicaCount")) ?? num(at(r.props, "spec.predictor.minReplicas"));
    const labels = obj(at(so?.props ?? r.props, "metadata.labels"));
    const model = str(labels["mlops.io/model"]);
    const variant = str(labels["mlops.io/variant"]);
    const triggers = at(so?.props, "spec.triggers");
    const rateTrigger = Array.isArray(triggers)
      ? triggers.find((t) => str(at(t, "name")) === "request-rate")
      : undefined;
    const threshold = num(at(rateTrigger, "metadata.threshold"));
    // A header-pinned experiment's ScaledObject has no forecast: its traffic is not a share.
    const forecast = Array.isArray(triggers)
      ? triggers.some((t) => str(at(t, "name")) === "traffic-forecast")
      : false;
    // Variants (canary, experiments) are InferenceServices of their own, so each counts once by its name.
    out.push({
      name: isvc,
      pool: poolName,
      share,
      maxReplicas,
      ...(model !== undefined ? { model, stable: variant === undefined || variant === "stable" } : {}),
      ...(model !== undefined && variant !== undefined && variant !== "stable" && !forecast
        ? { pinned: true }
        : {}),
      ...(minReplicas !== undefined ? { minReplicas } : {}),
      ...(threshold !== undefined ? { targetRpsPerReplica: threshold } : {}),
    });
  }
  return out;
}

/**
 * The pool's sharing as the capacity code reads it (`GpuPool["sharing"]`): the policy config's
 * optional fields filled in (one slice per GPU, no profile) where a hand-written config leaves them
 * out, and a slice count below 1 read as one, as `gpusPerDevice` counts such a pool's devices.
 */
export function poolSharing(pool: CapacityPool): GpuPool["sharing"] {
  if (pool.sharing?.mode === "time-slicing") {
    const replicas = pool.sharing.replicas ?? 0;
    return { mode: "time-slicing", replicas: replicas > 0 ? replicas : 1 };
  }
  if (pool.sharing?.mode === "mig") return { mode: "mig", profile: pool.sharing.profile ?? "" };
  return { mode: "none" };
}

/**
 * GPUs `replicas` replicas of each of `demands` hold on the pool at once. On a time-sliced pool they
 * are counted GPU by GPU as the packing places them (`binnedGpus`): a replica's slices sit on one
 * GPU, so ten replicas of 5/8 GPU hold 10 GPUs, not the 6.25 their shares add up to. Elsewhere the
 * shares add up: a whole GPU, or a MIG device (its share is `gpusPerDevice`, the GPU it fills of the
 * type with the fewest), takes any free one of its node.
 */
export function demandGpus(
  pool: CapacityPool,
  demands: readonly { readonly share: number; readonly replicas: number }[],
): number {
  const sharing = poolSharing(pool);
  if (sharing.mode !== "time-slicing") return demands.reduce((s, d) => s + d.replicas * d.share, 0);
  const counts = countBySize(demands.map((d) => [shareDevices(pool, d.share), d.replicas]));
  return binnedGpus(counts, { sharing, instanceTypes: [...(pool.instanceTypes ?? [])] });
}

/** Cheapest hourly price of one GPU in the pool (Karpenter launches the cheapest fitting type), or `undefined`. */
export function gpuHourPrice(
  pool: CapacityPool,
  pricing: CapacityPolicyConfig["pricing"],
): number | undefined {
  const prices = (pool.instanceTypes ?? []).flatMap((type) => {
    const p = pricing?.instances[type];
    const gpus = gpuInstanceType(type)?.gpus;
    if (!p || !gpus) return [];
    const hourly = pool.capacityType === "spot" ? (p.spot ?? p.onDemand) : p.onDemand;
    return [hourly / gpus];
  });
  return prices.length > 0 ? Math.min(...prices) : undefined;
}
