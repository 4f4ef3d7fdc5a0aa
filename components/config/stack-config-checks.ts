/**
 * The stack config's checks that span fields, which zod cannot express: pool sizes, known instance
 * types, MIG support, prices, events, the cluster, alerting. Separate from stack-schema.ts: they run
 * after it, and beside its problems (`problemsBeyondSchema`).
 */
import { GPU_INSTANCE_TYPES, gpuInstanceType, supportsMigProfile } from "../capacity/instance-catalog";
import { Check, listedTwice, perElement, runChecks } from "./beyond-schema";
import type { Problem } from "./errors";
import { parseZonedTime } from "./iso-time";
import {
  endpointAccessProblems,
  existingClusterProblems,
  openCidrProblems,
  systemNodeSizeProblems,
  vpcCidrProblems,
} from "./cluster-config-checks";
import { dnsLabel } from "./model-fields";
import { CONFIG_NAMESPACE, GpuPool, SalesEvent, StackConfig } from "./stack-schema";

/** Checks that span fields: pool sizes, known instance types, MIG support, prices, events. */
export function crossFieldProblems(cfg: StackConfig, file: string): Problem[] {
  return runChecks(cfg, crossFieldChecks(file));
}

/**
 * The same checks one by one (and per pool, event or receiver): beside a schema error
 * (`problemsBeyondSchema`) one that needs a rejected field does not silence the others.
 */
export function crossFieldChecks(file: string): Check<StackConfig>[] {
  const at = (path: string) => `${CONFIG_NAMESPACE}:${path}`;
  return [
    (cfg) => duplicateProblems(cfg.gpuPools, file, at("gpuPools"), "pool"),
    (cfg) => perElement(cfg.gpuPools, (pool, i) => poolSizeProblems(pool, file, at(`gpuPools[${i}]`))),
    (cfg) =>
      perElement(cfg.gpuPools, (pool, i) => instanceTypeProblems(cfg, pool, file, at(`gpuPools[${i}]`))),
    (cfg) => perElement(cfg.gpuPools, (pool, i) => migDensityProblems(pool, file, at(`gpuPools[${i}]`))),
    // A type listed twice would declare its NodeOverlay twice: pulumi up refuses the duplicate URN.
    (cfg) =>
      perElement(cfg.gpuPools, (pool, i) =>
        listedTwice(pool.instanceTypes, file, at(`gpuPools[${i}].instanceTypes`)),
      ),
    (cfg) =>
      listedTwice(cfg.cluster.systemNodes.instanceTypes, file, at("cluster.systemNodes.instanceTypes")),
    // Each admin's access entry is named by its principal: one listed twice is a duplicate URN.
    (cfg) => listedTwice(cfg.cluster.adminPrincipalArns, file, at("cluster.adminPrincipalArns")),
    (cfg) => duplicateProblems(cfg.events, file, at("events"), "event"),
    (cfg) => perElement(cfg.events, (e, i) => eventWindowProblems(e, file, at(`events[${i}]`))),
    // One check per subject: a rejected field (availabilityZones: 10, an IPv6 CIDR) gives up only
    // the check that reads it, not the host bits, the node sizes or another CIDR's.
    (cfg) => existingClusterProblems(cfg.cluster, file, at),
    (cfg) => systemNodeSizeProblems(cfg.cluster, file, at),
    (cfg) => vpcCidrProblems(cfg.cluster, file, at),
    (cfg) => endpointAccessProblems(cfg.cluster, file, at),
    (cfg) => perElement(cfg.cluster.endpoint.publicAccessCidrs, (c, i) => openCidrProblems(c, i, file, at)),
    (cfg) => platformTeamProblems(cfg.alerting, file, at),
    (cfg) => prodReceiverProblems(cfg, file, at),
    // Keys only outside the guard: a receiver the schema rejected is read, and given up, in its own.
    (cfg) =>
      perElement(Object.keys(cfg.alerting.receivers), (team) =>
        receiverProblems(
          cfg.alerting,
          team,
          cfg.alerting.receivers[team],
          file,
          at(`alerting.receivers.${team}`),
        ),
      ),
  ];
}

/**
 * Names must be unique: a pool name is a NodePool's, and each event is a KEDA trigger named after
 * it, and trigger names must be unique per ScaledObject.
 */
function duplicateProblems(
  list: readonly { name: string }[],
  file: string,
  path: string,
  what: string,
): Problem[] {
  const seen = new Set<string>();
  return perElement(list, ({ name }, i) => {
    const duplicate = seen.has(name);
    seen.add(name);
    return duplicate
      ? [
          {
            file,
            path: `${path}[${i}].name`,
            value: name,
            reason: `duplicate ${what} name; ${what} names must be unique`,
          },
        ]
      : [];
  });
}

/** The largest total up to `limit` that whole nodes of the given GPU counts make up. */
function largestSum(sizes: readonly number[], limit: number): number {
  // Past the largest size squared every multiple of their gcd is a sum of them (Frobenius).
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = sizes.reduce(gcd);
  if (limit > Math.max(...sizes) ** 2) return Math.floor(limit / g) * g;
  const can = new Uint8Array(limit + 1);
  can[0] = 1;
  for (let n = 1; n <= limit; n++) can[n] = sizes.some((s) => s <= n && can[n - s]) ? 1 : 0;
  let best = limit;
  while (best > 0 && !can[best]) best--;
  return best;
}

function poolSizeProblems(pool: GpuPool, file: string, p: string): Problem[] {
  const problems: Problem[] = [];
  if (pool.maxGpus < pool.minGpus) {
    problems.push({
      file,
      path: `${p}.maxGpus`,
      value: pool.maxGpus,
      reason: `must be >= minGpus (${pool.minGpus})`,
    });
  }
  // Karpenter launches no node that would take the pool past its limit: with eight-GPU nodes only,
  // a maxGpus of 12 stops at 8, while the plan and the budget would count 12.
  const sizes = [...new Set(pool.instanceTypes.map((t) => gpuInstanceType(t)?.gpus ?? 1))];
  const reachable = largestSum(sizes, pool.maxGpus);
  if (reachable < pool.maxGpus) {
    problems.push({
      file,
      path: `${p}.maxGpus`,
      value: pool.maxGpus,
      reason: `cannot be reached with nodes of ${sizes.sort((a, b) => a - b).join(" or ")} GPUs (${pool.instanceTypes.join(", ")}): Karpenter stops at ${reachable}; use a total the nodes make up`,
    });
  }
  // Warm capacity is pause pods that real pods preempt; training pods run at a PriorityClass that
  // never preempts (`preemptionPolicy: Never`, so a job cannot evict serving), so they could not
  // use it: the GPUs would be paid for and every job would still wait for a node of its own.
  if (pool.purpose === "training" && pool.minGpus > 0) {
    problems.push({
      file,
      path: `${p}.minGpus`,
      value: pool.minGpus,
      reason:
        "must be 0 on a training pool: warm capacity is pause pods that serving pods preempt, and training pods never preempt",
    });
  }
  // A training job asks for `training.gpu.count` whole GPUs: slices of one time-shared GPU or MIG
  // devices cannot be combined into them (the device plugin would hand a "2 GPU" job two slices).
  if (pool.purpose === "training" && pool.sharing.mode !== "none") {
    problems.push({
      file,
      path: `${p}.sharing.mode`,
      value: pool.sharing.mode,
      reason: "a training pool gives jobs whole GPUs: use sharing { mode: none }",
    });
  }
  return problems;
}

/**
 * A MIG pool's types must give as many devices of its profile per GPU (1g.10gb: four on an
 * A100-40GB, seven on an A100-80GB): the NodePool limit is `maxGpus` x the fewest per GPU, so nodes
 * of the denser type stop Karpenter at fewer GPUs than `maxGpus`, and packing, the pool-fit policy
 * and the simulator would each count a device as a different part of a GPU.
 */
function migDensityProblems(pool: GpuPool, file: string, p: string): Problem[] {
  if (pool.sharing.mode !== "mig") return [];
  const profile = pool.sharing.profile;
  const perGpu = pool.instanceTypes.flatMap((t) => {
    const n = gpuInstanceType(t)?.gpu.migProfiles[profile];
    return n === undefined ? [] : [`${t} ${n}`];
  });
  const counts = new Set(perGpu.map((e) => e.split(" ")[1]));
  if (counts.size <= 1) return [];
  return [
    {
      file,
      path: `${p}.instanceTypes`,
      value: pool.instanceTypes,
      reason: `its types give different numbers of ${profile} devices per GPU (${perGpu.join(", ")}); a MIG pool's types must give the same, as its NodePool limit, packing and the policies count devices per GPU: split them into two pools`,
    },
  ];
}

/** Each instance type is known, supports the pool's MIG profile, and has the prices the pool needs. */
function instanceTypeProblems(cfg: StackConfig, pool: GpuPool, file: string, p: string): Problem[] {
  const at = (path: string) => `${CONFIG_NAMESPACE}:${path}`;
  return perElement(pool.instanceTypes, (type, j) => {
    const known = gpuInstanceType(type);
    if (!known)
      return [
        {
          file,
          path: `${p}.instanceTypes[${j}]`,
          value: type,
          reason: `unknown GPU instance type; supported: ${Object.keys(GPU_INSTANCE_TYPES).join(", ")} (components/capacity/instance-catalog.ts)`,
        },
      ];
    const problems: Problem[] = [];
    if (pool.sharing.mode === "mig" && !supportsMigProfile(type, pool.sharing.profile)) {
      const allowed = Object.keys(known.gpu.migProfiles);
      problems.push({
        file,
        path: `${p}.sharing.profile`,
        value: pool.sharing.profile,
        reason:
          allowed.length === 0
            ? `instance type ${type} (${known.gpu.name}) has no MIG support; MIG needs A100/H100-class instances (p4d, p4de, p5)`
            : `instance type ${type} (${known.gpu.name}) supports MIG profiles ${allowed.join(", ")}`,
      });
    }
    const price = cfg.pricing.instances[type];
    if (!price) {
      problems.push({
        file,
        path: at(`pricing.instances`),
        value: type,
        reason: `no price for instance type ${type} used by pool ${pool.name}`,
      });
    } else if (pool.capacityType === "spot" && price.spot === undefined) {
      problems.push({
        file,
        path: at(`pricing.instances.${type}.spot`),
        reason: `pool ${pool.name} is spot: a spot price is required`,
      });
    }
    return problems;
  });
}

/** Longest declared event, in days (`events[].end` - `start`). */
export const MAX_EVENT_DAYS = 31;

function eventWindowProblems(e: SalesEvent, file: string, p: string): Problem[] {
  const [start, end] = [parseZonedTime(e.start), parseZonedTime(e.end)];
  // A time that is not one is named at its own field.
  if (typeof start === "string" || typeof end === "string") return [];
  if (end.ms <= start.ms)
    return [{ file, path: `${p}.end`, value: e.end, reason: `must be after start (${e.start})` }];
  // An event's KEDA cron and its consolidation freeze recur every year for its whole length: a
  // year-long one would hold the serving nodes' drains for good. Traffic that stays up for more
  // than a month is a new level, which the forecast's trend follows without a declaration.
  if (end.ms - start.ms > MAX_EVENT_DAYS * 86_400_000)
    return [
      {
        file,
        path: `${p}.end`,
        value: e.end,
        reason:
          `must be at most ${MAX_EVENT_DAYS} days after start (${e.start}): an event pre-scales and freezes ` +
          `the serving nodes' consolidation for its whole length every year; a lasting new level needs no event`,
      },
    ];
  return [];
}

function platformTeamProblems(
  alerting: StackConfig["alerting"],
  file: string,
  at: (path: string) => string,
): Problem[] {
  const teams = Object.keys(alerting.receivers);
  if (teams.length === 0 || teams.includes(alerting.platformTeam)) return [];
  return [
    {
      file,
      path: at("alerting.platformTeam"),
      value: alerting.platformTeam,
      reason: `has no receiver: platform alerts and every team without its own receiver would go nowhere; receivers: ${teams.join(", ")}`,
    },
  ];
}

/**
 * Prod must page someone: without any receiver Alertmanager's only route has nothing to send to, and
 * every alert is dropped. (Elsewhere it is allowed, a stack being tried out; `plan` says so.)
 */
function prodReceiverProblems(
  cfg: Pick<StackConfig, "environment" | "alerting">,
  file: string,
  at: (path: string) => string,
): Problem[] {
  if (cfg.environment !== "prod" || Object.keys(cfg.alerting.receivers).length > 0) return [];
  return [
    {
      file,
      path: at("alerting.receivers"),
      reason: `prod needs at least the platform team's receiver (alerting.receivers.${cfg.alerting.platformTeam}: kind, urlSecret or to): without one every alert is dropped`,
    },
  ];
}

function receiverProblems(
  alerting: StackConfig["alerting"],
  team: string,
  r: StackConfig["alerting"]["receivers"][string],
  file: string,
  p: string,
): Problem[] {
  const problems: Problem[] = [];
  // A team is a label value and a Secret data key (`<team>-url`): a DNS label, like a spec's `team`.
  if (!dnsLabel.safeParse(team).success)
    problems.push({
      file,
      path: p,
      reason:
        "a team name must be a DNS-1035 label: lower-case letters, digits and '-', first a letter, as in the model specs",
    });
  if (r.kind === "email" && !r.to)
    problems.push({ file, path: `${p}.to`, reason: "e-mail receivers need `to`" });
  if (r.kind === "email" && !alerting.email)
    problems.push({
      file,
      path: `${CONFIG_NAMESPACE}:alerting.email`,
      reason: "e-mail receivers need alerting.email {smarthost, from}",
    });
  if (r.kind !== "email" && !r.urlSecret)
    problems.push({
      file,
      path: `${p}.urlSecret`,
      reason: `${r.kind} receivers need urlSecret: the secret config key that holds the URL`,
    });
  return problems;
}
