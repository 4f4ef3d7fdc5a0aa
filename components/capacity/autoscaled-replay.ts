/**
 * The replay's `reactive` and `platform` strategies (simulate.ts, whose header describes the model
 * and its simplifications): the modelled KEDA/HPA controls minute by minute (`runAutoscaled`) with
 * the node model they run on - Karpenter launches, pod placement, warm capacity and consolidation.
 * Kept in one function: the node model's steps share its per-minute state. Pure: no Pulumi imports.
 */
import { durationSeconds } from "../config/duration";
import type { GpuPool, StackConfig } from "../config/stack-schema";
import { DRAIN_SPARE_REPLICAS } from "./autoscaling";
import { cronFloorAt } from "./event-prescale";
import {
  HPA_DEFAULT_TOLERANCE,
  HpaTolerance,
  hpaTolerance,
  SCALE_DOWN_STABILIZATION_SECONDS,
} from "./hpa-behavior";
import { karpenterDisruption, underutilizedConsolidationAllowed } from "./karpenter-disruption";
import { pinsItsNodes } from "./drain-window";
import { eventWindows } from "./event-windows";
import { countBySize, fitsOnGpus, occupyGpus, releaseGpus, slotsForPods, takeGpus } from "./gpu-fit";
import { gpuGrain, warmSlots } from "./gpu-slots";
import { clampReplicas, platformForecast, propose } from "./hpa-proposal";
import { cheapestSplitMix, instanceOptions, smallestSlots } from "./instance-mix";
import type { ModelCtx } from "./replay-context";
import { addWarm, DrainPlan, emptyNode, idleGpus, planDrain, preemptWarm, SimNode } from "./sim-node";
import { Accumulator } from "./strategy-result";
import type { Traffic } from "./traffic";

/** Karpenter v1 `spec.disruption.consolidationPolicy` values. */
export type ConsolidationPolicy = "WhenEmpty" | "WhenEmptyOrUnderutilized";

/** What `runAutoscaled` may vary beyond the strategy. */
export interface AutoscaledOptions {
  readonly progress?: (f: number) => void;
  /** Consolidation at every hour instead of the deployed budget window. */
  readonly policy?: ConsolidationPolicy;
  /** Whether declared sales freeze consolidation. @default true */
  readonly salesFreeze?: boolean;
  /** HPA tolerance of `reactive`. @default HPA_DEFAULT_TOLERANCE */
  readonly reactiveTolerance?: HpaTolerance;
  /**
   * `platform`'s forecast trigger instead of `forecastWithBand` at `forecastTarget`, and the level
   * the drain-spare trigger reads instead of `forecastAt` (references).
   */
  readonly forecast?: (c: ModelCtx, t: number) => { rps: number; perReplica: number; level: number };
}

/**
 * Consolidation candidates the replay tries in one minute before it waits for the next. Karpenter
 * bounds its search in time (3 minutes for single-node consolidation); the replay bounds it in
 * candidates, so a pool whose candidates all fail GPU by GPU costs at most this many `planDrain`s
 * (first fit over the nodes' GPUs) a minute. Measured on the sample week with the twelve models'
 * shares mixed from 1/8 to 5/8 of an 8-slice GPU: 10 tried 7,465 candidates in the reactive and
 * platform replays (5,416 without a place), no bound 15,413, for 2,065 drains instead of 2,049 and
 * the same utilization to 0.02 points. Prod's one-slice replicas always fit: the first is drained.
 */
export const MAX_DRAIN_CANDIDATES = 10;

/** `reactive` (forecast off) or `platform` (forecast + event cron triggers) on Karpenter nodes. */
export function runAutoscaled(
  platform: boolean,
  pool: GpuPool,
  models: ModelCtx[],
  config: StackConfig,
  traffic: Traffic,
  acc: Accumulator,
  {
    progress,
    policy,
    salesFreeze = true,
    reactiveTolerance = HPA_DEFAULT_TOLERANCE,
    forecast: forecastOf,
  }: AutoscaledOptions,
): void {
  const options = instanceOptions(pool, config);
  const provSec = pool.provisioningSeconds;
  const disruption = karpenterDisruption(pool, config.timeZone, salesFreeze ? config.events : []);
  const consolidateMin = Math.ceil(durationSeconds(String(disruption.consolidateAfter)) / 60);
  const drainsAllowedBy = (budgets: Record<string, unknown>) => (nowMs: number) =>
    policy === undefined
      ? underutilizedConsolidationAllowed(budgets, nowMs)
      : policy === "WhenEmptyOrUnderutilized";
  const underutilizedAt = drainsAllowedBy(disruption);
  // The drain-spare trigger's window: the daily budget alone, as its recorded series knows nothing
  // of the sales' freezes (no drains then, so the spare only costs during a freeze's night hours).
  const spareAt = drainsAllowedBy(karpenterDisruption(pool, config.timeZone));
  const window = Math.max(1, Math.round(SCALE_DOWN_STABILIZATION_SECONDS / 60));
  const events = eventWindows(config.events);
  const nodes: SimNode[] = [];
  const grain = gpuGrain(pool);
  const podNode: number[][] = models.map(() => []);
  /** Per pod, the GPU of each piece of it on its node (`takeGpus`). */
  const podGpus: number[][][] = models.map(() => []);
  const podReady: number[][] = models.map(() => []);
  // Per pod, the second a drain evicts it (-Infinity: never): from then until its replacement is
  // ready (`podReady`) the model is one replica short.
  const podEvicted: number[][] = models.map(() => []);
  const tolerance = platform ? hpaTolerance(config.cluster.kubernetesVersion) : reactiveTolerance;
  // Models whose pods carry Karpenter's do-not-disrupt (a fixed replica count): their nodes are
  // never drained. On the InferenceService, so `reactive` and `platform` alike.
  const pinned = models.map((c) => pinsItsNodes(pool, c.spec.serving.replicas));
  const recs = models.map(() => new Int32Array(window));

  const smallest = smallestSlots(options);
  /**
   * Nodes for pods of the given sizes (slots), and `extraSlots` one-slot pause pods more (the warm
   * floor); the pods any type holds counted in the GPUs their slices fill (`slotsForPods`).
   */
  const launch = (pods: readonly number[], t: number, readySec: number, extraSlots = 0) => {
    const big = pods.filter((d) => d > smallest);
    const bigSlots = big.reduce((a, d) => a + d, 0);
    const smallPods: (readonly [number, number])[] = pods.filter((d) => d <= smallest).map((d) => [d, 1]);
    if (extraSlots > 0) smallPods.push([1, extraSlots]);
    const small = slotsForPods(countBySize(smallPods), grain);
    for (const option of cheapestSplitMix(options, bigSlots, Math.max(0, ...big), small) ?? [])
      nodes.push(emptyNode(option, readySec, t));
  };
  const warmTotal = warmSlots(pool);
  /** Pause pods preempted by replicas and not yet placed again. */
  let warmPending = 0;
  /** Places the pending pause pods in free slots, launching nodes for those that find none. */
  const placeWarm = (t: number) => {
    const into = () => {
      for (const n of nodes) {
        if (warmPending === 0) return;
        if (n.drainedAtSec === undefined) warmPending -= addWarm(n, warmPending);
      }
    };
    into();
    if (warmPending > 0) {
      launch(Array<number>(warmPending).fill(1), t, t * 60 + provSec);
      into();
    }
  };
  const gpus = () => nodes.reduce((a, n) => a + n.option.gpus, 0);
  const place = (m: number, t: number): boolean => {
    const d = models[m].devices;
    let i = nodes.findIndex(
      (n) => n.drainedAtSec === undefined && fitsOnGpus(n.free, n.option.slots - n.used, d, grain),
    );
    let onGpus: number[] | undefined;
    // No free slot on a ready node: the scheduler preempts pause pods on one at once, before any
    // node Karpenter is still starting (on the first ready node where that makes room).
    if (warmTotal > 0 && (i < 0 || nodes[i].readySec > t * 60)) {
      for (let j = 0; j < nodes.length && !onGpus; j++) {
        if (nodes[j].drainedAtSec !== undefined || nodes[j].readySec > t * 60) continue;
        const room = preemptWarm(nodes[j], d, grain);
        if (!room) continue;
        onGpus = room.gpus;
        warmPending += room.evicted;
        i = j;
      }
    }
    if (i < 0) return false;
    const n = nodes[i];
    if (onGpus) occupyGpus(n.free, onGpus, d, grain);
    else onGpus = takeGpus(n.free, d, grain);
    n.used += d;
    podNode[m].push(i);
    podGpus[m].push(onGpus);
    podReady[m].push(Math.max(t * 60, nodes[i].readySec) + models[m].spec.serving.coldStartSeconds);
    podEvicted[m].push(-Infinity);
    return true;
  };

  /**
   * `WhenEmptyOrUnderutilized`: a ready node whose pods have fit on the other ready nodes' free
   * devices for `consolidateAfter` is drained, one node per minute (Karpenter disrupts one candidate
   * at a time). Its pods are evicted and start again elsewhere: each is unready for its cold start,
   * the cost of consolidating serving pods. A node holding a pod of a model with a pod not ready
   * (starting, or being replaced after an eviction) is no candidate: that model's
   * PodDisruptionBudget (`maxUnavailable: 1`) allows no eviction then, and Karpenter does not
   * disrupt a node whose pods cannot be evicted. Candidates are counted in slots; whether a
   * candidate's pods have a place is then decided GPU by GPU (`planDrain`), and one that has none is
   * passed over for the next, least used first, as Karpenter's single-node consolidation tries its
   * candidates in turn until one works (up to `MAX_DRAIN_CANDIDATES` a minute).
   */
  const consolidateOne = (t: number) => {
    const usable = (n: SimNode) => n.readySec <= t * 60 && n.drainedAtSec === undefined;
    let free = 0;
    for (const n of nodes) if (usable(n)) free += n.option.slots - n.used;
    const blocked = new Set<number>();
    podReady.forEach((ready, m) => {
      if (pinned[m] || ready.some((r) => r > t * 60)) for (const i of podNode[m]) blocked.add(i);
    });
    const candidates: number[] = [];
    nodes.forEach((n, i) => {
      const fits = n.used > 0 && usable(n) && free - (n.option.slots - n.used) >= n.used;
      if (!fits) {
        n.movableSince = Infinity;
        return;
      }
      n.movableSince = Math.min(n.movableSince, t);
      if (!blocked.has(i) && t - n.movableSince >= consolidateMin) candidates.push(i);
    });
    if (candidates.length === 0) return;
    // Least used first, the older node of two alike.
    candidates.sort((a, b) => nodes[a].used - nodes[b].used || a - b);
    const tried = candidates.slice(0, MAX_DRAIN_CANDIDATES);
    /** Each tried candidate's pods (model, index), in model order (planDrain places them largest first). */
    const podsOn = new Map(tried.map((i) => [i, [] as { m: number; p: number }[]]));
    podNode.forEach((list, m) => list.forEach((i, p) => podsOn.get(i)?.push({ m, p })));
    for (const pick of tried) {
      const pods = podsOn.get(pick)!;
      const plan = planDrain(
        nodes,
        pick,
        pods.map(({ m }) => models[m].devices),
        usable,
        grain,
      );
      if (!plan) continue;
      drain(t, pick, pods, plan);
      return;
    }
  };
  /** Drains node `pick` as `plan` says: its pods and pause pods go to their places at minute `t`. */
  const drain = (t: number, pick: number, pods: readonly { m: number; p: number }[], plan: DrainPlan) => {
    const from = nodes[pick];
    for (const { to, gpu } of plan.warm) {
      nodes[to].used += 1;
      nodes[to].warm += 1;
      nodes[to].warmOn[gpu] += 1;
      from.used -= 1;
      from.warm -= 1;
    }
    let lastLeaves = t * 60;
    const evicted = models.map(() => 0); // per model: the PDB lets one pod go per cold start
    pods.forEach(({ m, p }, k) => {
      const { to, gpus } = plan.pods[k];
      const c = models[m];
      nodes[to].used += c.devices;
      from.used -= c.devices;
      podNode[m][p] = to;
      podGpus[m][p] = gpus;
      // The replacement starts when the old pod is evicted, k cold starts from now; until then
      // the old pod serves if it was ready (a pod still starting just starts over).
      const evictedAt = t * 60 + evicted[m]++ * c.spec.serving.coldStartSeconds;
      if (podReady[m][p] <= t * 60) podEvicted[m][p] = evictedAt;
      podReady[m][p] = evictedAt + c.spec.serving.coldStartSeconds;
      lastLeaves = Math.max(lastLeaves, evictedAt);
    });
    // The nodes that took pods hold them on their GPUs; the drained node holds nothing.
    for (const [x, f] of plan.free) nodes[x].free = f;
    from.free = idleGpus(from.option);
    from.warmOn.fill(0);
    from.movableSince = Infinity;
    from.drainedAtSec = lastLeaves;
  };

  // Warm start: the replicas minute 0 needs, on ready nodes, all ready; under `platform` at least
  // what a sale's cron trigger already holds then (it fired one lead time before the sale, before
  // the replay began: a replay starting minutes before a declared sale would otherwise count the
  // misses of a pre-scale the deployment had made).
  const initial = models.map((c) =>
    clampReplicas(
      c.spec,
      Math.max(
        Math.ceil(c.series[0] / c.target - 1e-9),
        platform ? cronFloorAt(c.spec, events, c.lead, traffic.startMs, c.eventBaselines) : 0,
      ),
    ),
  );
  const initPods = initial.flatMap((r, m) => Array<number>(r).fill(models[m].devices));
  launch(initPods, 0, -Infinity, warmTotal);
  // Pods go onto the nodes launched for them largest first, as `launch` packed them and as Karpenter
  // orders a batch of pending pods (largest requests first, its scheduling queue's
  // byCPUAndMemoryDescending). In model order two 3-slice pods could fill the first of two 8-slice
  // GPUs to 6, leaving one 5-slice pod of two without a GPU: a node the packing did not need.
  // The sort is stable, so pods of one size keep model order.
  const bigFirst = (ms: readonly number[]) => [...ms].sort((x, y) => models[y].devices - models[x].devices);
  for (const m of bigFirst(models.map((_c, m) => m))) for (let r = 0; r < initial[m]; r++) place(m, 0);
  warmPending = warmTotal;
  placeWarm(0);
  models.forEach((_c, m) => {
    podReady[m].fill(-Infinity);
    recs[m].fill(initial[m]);
  });

  for (let t = 0; t < traffic.minutes; t++) {
    const nowMs = traffic.startMs + t * 60_000;
    const spare = platform && spareAt(nowMs);
    const pending: number[] = [];
    models.forEach((c, m) => {
      const current = podNode[m].length;
      const observed = t > 0 ? c.series[t - 1] : c.series[0];
      let rec = propose(observed, c.target, current, tolerance);
      if (platform) {
        const forecast = forecastOf?.(c, t) ?? platformForecast(c, t, nowMs, events);
        rec = Math.max(rec, propose(forecast.rps, forecast.perReplica, current, tolerance));
        rec = Math.max(rec, cronFloorAt(c.spec, events, c.lead, nowMs, c.eventBaselines));
        const drainLevel = Math.max(forecast.level, observed);
        if (spare && drainLevel > 0) {
          const rps = c.spec.serving.rpsPerReplica;
          rec = Math.max(rec, propose(drainLevel + rps * DRAIN_SPARE_REPLICAS, rps, current, tolerance));
        }
      }
      rec = clampReplicas(c.spec, rec);
      recs[m][t % window] = rec;
      let next = rec;
      if (rec < current) {
        let stab = 0;
        for (const r of recs[m]) stab = Math.max(stab, r);
        next = Math.min(current, stab);
      }
      for (let r = current; r < next; r++) if (!place(m, t)) pending.push(m);
      for (let r = current; r > next; r--) {
        const n = nodes[podNode[m].pop()!];
        n.used -= c.devices;
        releaseGpus(n.free, podGpus[m].pop()!, c.devices, grain);
        podReady[m].pop();
        podEvicted[m].pop();
      }
    });
    if (pending.length > 0) {
      launch(
        pending.map((m) => models[m].devices),
        t,
        t * 60 + provSec,
      );
      for (const m of bigFirst(pending)) place(m, t);
    }
    if (warmPending > 0) placeWarm(t);
    // Empty nodes go first, as Karpenter's disruption loop tries emptiness before consolidating
    // nodes with pods: a node emptied by a scale-down is deleted, not refilled by draining a full
    // one onto it (which would restart every pod of the full node for no saving).
    // Consolidation: remove nodes empty for consolidateAfter, newest first (a node holding pause
    // pods is not empty).
    let total = gpus();
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i];
      if (n.drainedAtSec !== undefined) {
        // Karpenter deletes a drained node once its last pod is evicted.
        if (n.drainedAtSec > t * 60) continue;
        n.emptySince = t - consolidateMin;
      }
      if (n.used > 0) {
        n.emptySince = t + 1;
        continue;
      }
      if (t - n.emptySince >= consolidateMin) {
        total -= n.option.gpus;
        nodes.splice(i, 1);
        for (const list of podNode) for (let p = 0; p < list.length; p++) if (list[p] > i) list[p]--;
      }
    }
    if (underutilizedAt(nowMs)) consolidateOne(t);
    models.forEach((c, m) => {
      let ready = 0;
      const now = t * 60;
      podReady[m].forEach((r, p) => {
        if (r <= now || podEvicted[m][p] > now) ready++;
      });
      acc.serve(c.series[t], ready, c, t);
    });
    acc.provision(
      pool.name,
      t,
      total,
      nodes.reduce((a, n) => a + n.option.hourly, 0),
    );
    if (t % 1440 === 1439) progress?.((t + 1) / traffic.minutes);
  }
}
