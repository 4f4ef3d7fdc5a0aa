/**
 * How many replicas of each model run in each availability zone under the zone spread the serving
 * pods carry, the choice the spread leaves made for cost: what the plan's packing (packing.ts
 * `packPool`) and its static baseline (static-baseline.ts `spreadStaticFleet`) spread. Pure: no
 * Pulumi imports.
 *
 * The spread. Every serving pod carries a topology spread per model variant over
 * `topology.kubernetes.io/zone`, maxSkew 1, `whenUnsatisfiable: ScheduleAnyway`
 * (components/model/inference-service.ts). maxSkew 1 fixes all but a model's remainder: of n
 * replicas over Z zones every zone holds floor(n / Z), and the n mod Z left over go to distinct
 * zones, any of them. Which ones decides the cost where a node holds more than one zone's pods: a
 * model of one whole-GPU replica and one of two, on four-GPU nodes over three zones, fill two nodes
 * when the single replica joins a zone of the other's, three when it takes the third zone. The
 * packing chose by a fixed rotation over the order the models were listed in (replica r of the k-th
 * model in zone (r + k) mod Z), so the same specs in another order cost 50% more.
 *
 * Why the choice below is what the cluster does (Karpenter v1):
 * - Karpenter does not ignore a `ScheduleAnyway` spread. Under its default preference policy,
 *   `Respect` (`PREFERENCE_POLICY`, kubernetes-sigs/karpenter PR 2122; the platform's Karpenter values
 *   leave it unset), it schedules pods in its provisioning simulation, and in consolidation's (whose
 *   `SimulateScheduling`, pkg/controllers/disruption/helpers.go, builds the provisioner's scheduler),
 *   with every preference as a requirement, and drops a pod's spread only when that pod cannot be
 *   placed otherwise (`Preferences.Relax`, `removeTopologySpreadScheduleAnyway`,
 *   pkg/controllers/provisioning/scheduling/preferences.go): at the NodePool's limit, say, which
 *   planCapacity's `gpusWithoutSpread` counts. So each zone holds floor(n / Z) or one more.
 * - It places a pending pod on a node that exists first, then on a node it is already launching, and
 *   only then on a new one (scheduler.go `add`: addToExistingNode, addToInflightNode,
 *   addToNewNodeClaim), and the spread admits any zone where the model stays within maxSkew of its
 *   least-filled zone (topologygroup.go `nextDomainTopologySpread`). A remainder replica is
 *   admissible in every zone at the model's floor, so it takes the free slots of a node already
 *   needed before a node is launched for it: the zones where it costs least, not a rotation.
 * - Consolidation runs the same simulation with the preferences kept ("consolidation will always
 *   respect preferences", a maintainer in aws/karpenter-provider-aws#5685) and deletes or replaces a
 *   node whose pods fit elsewhere: it moves remainder replicas into other zones' free slots, and
 *   never breaks the spread to do so.
 * So the cluster drives the remainders into the zones where they fill nodes. `cheapestFillSpread`
 * models the provisioning (each remainder where it adds least) and `improveSpread` the consolidation
 * (a replica moved wherever that lowers the price); neither is an optimum, as Karpenter's are not.
 * The kube-scheduler may bind a replica in another admissible zone when several have room;
 * consolidation then moves it if that frees a node.
 */
import { slotsForPods } from "./gpu-fit";
import { cheapestMixHourly, cheapestSplitMix, InstanceOption, smallestSlots } from "./instance-mix";

/** Replicas of one model variant to spread: `replicas` pods of `devices` slots each. */
export interface SpreadDemand {
  readonly model: string;
  readonly devices: number;
  readonly replicas: number;
}

/**
 * How a caller prices one zone: a summary of the replicas it holds (its pods by size, its GPUs per
 * model), grown a replica at a time, so a zone of a large plan is not summed up again for each model
 * that might take a replica there.
 */
export interface ZonePricing<S> {
  /** The summary of a zone holding `counts[k]` replicas of the k-th demand (the caller's order). */
  readonly summarize: (counts: readonly number[]) => S;
  /** The summary with `by` (1 or -1) replicas more of demand `k`, of which the zone holds `held`. */
  readonly moved: (zone: S, k: number, held: number, by: 1 | -1) => S;
  /** Its hourly cost. An estimate will do: the caller prices the candidate spreads exactly. */
  readonly hourly: (zone: S) => number;
}

/**
 * The order demands take zones in: largest pods first (as first fit places them), then the most
 * replicas, then by name. Any permutation of the same demands gets the same order and so the same
 * zones: the order the specs are listed in is no property of the cluster.
 */
export function spreadOrder(demands: readonly SpreadDemand[]): number[] {
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return demands
    .map((_, k) => k)
    .sort(
      (a, b) =>
        demands[b].devices - demands[a].devices ||
        demands[b].replicas - demands[a].replicas ||
        byName(demands[a].model, demands[b].model),
    );
}

/**
 * The rotation the packing used before the remainders were chosen for cost, in `spreadOrder`:
 * replica r of the i-th demand in zone (r + i) mod `zones`. Replicas per zone, `[zone][demand]`.
 */
export function roundRobinSpread(demands: readonly SpreadDemand[], zones: number): number[][] {
  const counts = Array.from({ length: zones }, () => demands.map(() => 0));
  spreadOrder(demands).forEach((k, i) => {
    const { replicas } = demands[k];
    const rest = replicas % zones;
    // Zone z holds the replicas r = z - i (mod zones) below `replicas`: the full rounds, and one of
    // the rest when z is among the `rest` zones from i on.
    for (let z = 0; z < zones; z++)
      counts[z][k] = Math.floor(replicas / zones) + ((((z - i) % zones) + zones) % zones < rest ? 1 : 0);
  });
  return counts;
}

/**
 * Replicas per zone (`[zone][demand]`): the full rounds in every zone, then each demand's remainder,
 * in `spreadOrder`, in the zones where one more replica adds least to the zone's price - nothing
 * where it fits the free slots of the nodes the zone already needs - and on a tie the lower zone, so
 * the remainders gather and fill the nodes they open instead of opening one in every zone.
 */
export function cheapestFillSpread<S>(
  demands: readonly SpreadDemand[],
  zones: number,
  pricing: ZonePricing<S>,
  order = spreadOrder(demands),
): number[][] {
  const counts = Array.from({ length: zones }, () => demands.map((d) => Math.floor(d.replicas / zones)));
  // Priced only when some demand has a remainder: one zone, or whole rounds only, need no choice
  // (the large plans' packing of a few hundred thousand replicas in one zone).
  let priced: { zone: S; hourly: number }[] | undefined;
  for (const k of order) {
    const rest = demands[k].replicas % zones;
    if (rest === 0) continue;
    const before = (priced ??= counts.map((c) => {
      const zone = pricing.summarize(c);
      return { zone, hourly: pricing.hourly(zone) };
    }));
    const added = before.map(({ zone, hourly }, z) => {
      const after = pricing.moved(zone, k, counts[z][k], 1);
      const h = pricing.hourly(after);
      // Equal prices (Infinity too, a pod no type holds, which the packing reports) add nothing.
      return { z, after, hourly: h, extra: h === hourly ? 0 : h - hourly };
    });
    added.sort((a, b) => (Math.abs(a.extra - b.extra) > 1e-9 ? a.extra - b.extra : a.z - b.z));
    for (const { z, after, hourly } of added.slice(0, rest)) {
      counts[z][k]++;
      before[z] = { zone: after, hourly };
    }
  }
  return counts;
}

/**
 * `counts` (replicas per zone, `[zone][demand]`) improved one replica at a time: a remainder replica
 * moves from its zone to one holding the model's floor (the spread stays maxSkew 1) wherever that
 * lowers the two zones' prices, until no move does (at most `passes` rounds over the demands). The
 * greedy fills the zones largest pods first and may leave a later model's remainder no room: seven
 * 2-slice and five 3-slice replicas over four zones of 8-slice GPUs fit one GPU per zone, which the
 * greedy misses by one GPU and one move finds - as a consolidation moving a pod to delete a node does.
 */
export function improveSpread<S>(
  demands: readonly SpreadDemand[],
  counts: readonly (readonly number[])[],
  pricing: ZonePricing<S>,
  passes = 4,
): number[][] {
  const zones = counts.length;
  const next = counts.map((c) => [...c]);
  const order = spreadOrder(demands).filter((k) => demands[k].replicas % zones > 0);
  if (order.length === 0) return next;
  const priced = next.map((c) => {
    const zone = pricing.summarize(c);
    return { zone, hourly: pricing.hourly(zone) };
  });
  for (let pass = 0, moved = true; moved && pass < passes; pass++) {
    moved = false;
    for (const k of order) {
      const floor = Math.floor(demands[k].replicas / zones);
      for (let from = 0; from < zones; from++) {
        if (next[from][k] === floor) continue;
        const left = pricing.moved(priced[from].zone, k, next[from][k], -1);
        const leftHourly = pricing.hourly(left);
        for (let to = 0; to < zones; to++) {
          if (next[to][k] !== floor) continue;
          const taken = pricing.moved(priced[to].zone, k, floor, 1);
          const takenHourly = pricing.hourly(taken);
          if (leftHourly + takenHourly >= priced[from].hourly + priced[to].hourly - 1e-9) continue;
          next[from][k]--;
          next[to][k]++;
          priced[from] = { zone: left, hourly: leftHourly };
          priced[to] = { zone: taken, hourly: takenHourly };
          moved = true;
          break;
        }
      }
    }
  }
  return next;
}

/**
 * The spreads to price exactly, the cost-aware ones first, each improved by `improveSpread`:
 * `cheapestFillSpread` in `spreadOrder` (largest pods first), the same with the models of the most
 * remainder replicas first (they need the most distinct zones: placed first they pair with others'
 * remainders, which the largest-first fill may already have paired among themselves), the rotation
 * (`roundRobinSpread`); then the rotation itself. Each once: the caller keeps the cheapest, the first
 * on a tie, so the spread is never dearer than the rotation, and with one zone or no remainder there
 * is one.
 */
export function candidateSpreads<S>(
  demands: readonly SpreadDemand[],
  zones: number,
  pricing: ZonePricing<S>,
): number[][][] {
  const z = Math.max(1, zones);
  const order = spreadOrder(demands);
  // A stable sort: within a remainder count, still `spreadOrder`.
  const mostRemainders = [...order].sort((a, b) => (demands[b].replicas % z) - (demands[a].replicas % z));
  const robin = roundRobinSpread(demands, z);
  const spreads = [
    improveSpread(demands, cheapestFillSpread(demands, z, pricing, order), pricing),
    improveSpread(demands, cheapestFillSpread(demands, z, pricing, mostRemainders), pricing),
    improveSpread(demands, robin, pricing),
    robin,
  ];
  const same = (a: number[][], b: number[][]) => a.every((c, i) => c.every((n, k) => n === b[i][k]));
  return spreads.filter((s, i) => spreads.findIndex((t) => same(s, t)) === i);
}

/** The estimate of a spread: its zones' prices summed. */
export function spreadHourly<S>(counts: readonly (readonly number[])[], pricing: ZonePricing<S>): number {
  return counts.reduce((a, c) => a + pricing.hourly(pricing.summarize(c)), 0);
}

/**
 * Pods in a zone up to which `packedZonePricing` prices the zone by packing it: where a few pods
 * decide the nodes (whole-GPU replicas of two or three GPUs on four-GPU nodes) the slot count misses
 * the slots first fit cannot fill; at more, packing each zone again for each model with a remainder
 * would cost more than the packing itself, and the slot count is within a node of it.
 */
export const PACKED_PRICING_PODS = 256;

/**
 * `ZonePricing` of the plan's packing, a zone summed up as its pods by size (slots -> replicas).
 * A zone of at most `PACKED_PRICING_PODS` pods is priced by `packed` (packing.ts: the nodes
 * `zoneNodes` finds for them); a larger one by its slots counted GPU by GPU (`slotsForPods`): the
 * cheapest nodes of the types that hold its largest pod or, where some pod needs a bigger type than
 * the smallest, the split mix if cheaper. Both are where the packing of the zone ends or starts, never
 * above it, so a spread priced here is a lower bound of its packing: the packing skips packing a
 * spread whose bound is already above the best.
 */
export function packedZonePricing(
  options: readonly InstanceOption[],
  grain: number,
  demands: readonly SpreadDemand[],
  packed: (pods: readonly number[]) => number,
): ZonePricing<ReadonlyMap<number, number>> {
  const smallest = smallestSlots(options);
  const add = (pods: Map<number, number>, devices: number, n: number) =>
    pods.set(devices, (pods.get(devices) ?? 0) + n);
  // Zones of one packing ask for the same pods or slot counts again and again (three zones of like
  // load, one replica more or less): each is priced once.
  const priced = new Map<string, number>();
  const bySlots = (pods: ReadonlyMap<number, number>): number => {
    const sizes = [...pods.keys()];
    const largest = Math.max(...sizes);
    const big = sizes.filter((d) => d > smallest);
    const bigSlots = big.reduce((a, d) => a + d * pods.get(d)!, 0);
    const need = slotsForPods(pods, grain);
    const small = new Map([...pods].filter(([d]) => d <= smallest));
    const smallNeed = bigSlots > 0 ? slotsForPods(small, grain) : 0;
    const key = ["slots", need, largest, bigSlots, Math.max(0, ...big), smallNeed].join(" ");
    let hourly = priced.get(key);
    if (hourly === undefined) {
      const split =
        bigSlots > 0 ? cheapestSplitMix(options, bigSlots, Math.max(...big), smallNeed) : undefined;
      const splitHourly = split ? split.reduce((a, o) => a + o.hourly, 0) : Infinity;
      hourly = Math.min(cheapestMixHourly(options, need, largest), splitHourly);
      priced.set(key, hourly);
    }
    return hourly;
  };
  const byPacking = (pods: ReadonlyMap<number, number>): number => {
    const key = ["pods", ...[...pods].sort((a, b) => a[0] - b[0]).flat()].join(" ");
    let hourly = priced.get(key);
    if (hourly === undefined) {
      hourly = packed([...pods].flatMap(([d, n]) => Array<number>(n).fill(d)));
      priced.set(key, hourly);
    }
    return hourly;
  };
  return {
    summarize: (counts) => {
      const pods = new Map<number, number>();
      counts.forEach((n, k) => n > 0 && add(pods, demands[k].devices, n));
      return pods;
    },
    moved: (pods, k, _held, by) => {
      const next = add(new Map(pods), demands[k].devices, by);
      if (next.get(demands[k].devices) === 0) next.delete(demands[k].devices);
      return next;
    },
    hourly: (pods) => {
      let total = 0;
      for (const n of pods.values()) total += n;
      if (total === 0) return 0;
      return total <= PACKED_PRICING_PODS ? byPacking(pods) : bySlots(pods);
    },
  };
}
