/**
 * A model spec against the stack's GPU pools: the pool exists and is for serving or training, the
 * share fits the pool's sharing, a pod fits one node, a replica's CPU and memory fit its share.
 * Separate from model-spec-checks.ts: it is the GPU arithmetic. The devices a share asks for are
 * `replicaDevices` (components/capacity/gpu-slots.ts), as packing and the rendered requests count them.
 */
import { distance } from "fastest-levenshtein";
import { gpuInstanceType, hostPerGpu, migSliceFraction } from "../capacity/instance-catalog";
import { replicaDevices, slotsPerGpu } from "../capacity/gpu-slots";
import type { Problem } from "./errors";
import { parseQuantity } from "./model-fields";
import type { ModelSpec } from "./model-schema";
import type { GpuPool } from "./stack-schema";

/**
 * The pool `name` at `path` of a spec, when it exists and is for `purpose`; otherwise a problem says
 * why (none while the pool itself has problems, `waiting`: the stack file's are listed).
 */
function poolNamed(
  name: string,
  purpose: GpuPool["purpose"],
  path: string,
  file: string,
  gpuPools: readonly GpuPool[],
  waiting: readonly string[],
): { pool?: GpuPool; problems: Problem[] } {
  if (waiting.includes(name)) return { problems: [] };
  const found = gpuPools.find((p) => p.name === name);
  // A pool the stack file gets wrong may be the one the spec means under a name it no longer has
  // (the training pool renamed to a duplicate "inference", or to `Training`): "unknown pool" for
  // every spec on it would bury the one real problem, so that check waits - but only for a name
  // that could be that pool's, so a spec's own typo (`inferance`) is not hidden by an unrelated one.
  if (!found && mayBeMeantBy(name, gpuPools, waiting)) return { problems: [] };
  if (found?.purpose === purpose) return { pool: found, problems: [] };
  const reason = found
    ? `pool ${name} is for ${found.purpose}; ${purpose} needs a pool with purpose ${purpose}`
    : // Once each: a pool named twice is the stack file's own problem, reported there.
      `unknown GPU pool; this stack has: ${[...new Set([...gpuPools.map((p) => p.name), ...waiting])].join(", ")}`;
  return { problems: [{ file, path, value: name, reason }] };
}

/**
 * Whether `name`, which no valid pool has, may be a pool the stack file gets wrong: one of those
 * has an unreadable or duplicate name, or a name `name` is a slip of (case, two edits), and `name`
 * is not itself a slip of a valid pool's (then the spec's own typo is the problem).
 */
function mayBeMeantBy(name: string, gpuPools: readonly GpuPool[], waiting: readonly string[]): boolean {
  const near = (a: string, b: string) => distance(a.toLowerCase(), b.toLowerCase()) <= 2;
  if (gpuPools.some((p) => near(name, p.name))) return false;
  const valid = new Set(gpuPools.map((p) => p.name));
  return waiting.some((w) => w === "" || valid.has(w) || near(name, w));
}

/** Serving's pool, and its share and resources on that pool. */
export function servingPoolProblems(
  spec: ModelSpec,
  file: string,
  gpuPools: readonly GpuPool[],
  waiting: readonly string[],
): Problem[] {
  const { pool, problems } = poolNamed(
    spec.serving.gpu.pool,
    "serving",
    "serving.gpu.pool",
    file,
    gpuPools,
    waiting,
  );
  if (!pool) return problems;
  const share = spec.serving.gpu.share;
  const reason = shareProblem(share, pool) ?? nodeFitProblem(share, pool);
  return reason
    ? [{ file, path: "serving.gpu.share", value: share, reason }]
    : resourceProblems(spec, pool, file);
}

/** Training's pool and GPU count: a check of its own, so a problem of one side hides none of the other's. */
export function trainingPoolProblems(
  spec: ModelSpec,
  file: string,
  gpuPools: readonly GpuPool[],
  waiting: readonly string[],
): Problem[] {
  if (!spec.training) return [];
  const { pool, problems } = poolNamed(
    spec.training.gpu.pool,
    "training",
    "training.gpu.pool",
    file,
    gpuPools,
    waiting,
  );
  if (!pool) return problems;
  const count = spec.training.gpu.count;
  const reason =
    count > pool.maxGpus ? `pool ${pool.name} has at most ${pool.maxGpus} GPUs` : nodeFitProblem(count, pool);
  return reason ? [{ file, path: "training.gpu.count", value: count, reason }] : [];
}

/**
 * Why `share` does not fit the pool's GPU sharing, or `undefined` when it does.
 * - none: whole GPUs only (1, 2, ...);
 * - time-slicing with r replicas: a multiple of 1/r up to one GPU (more slices do not add compute);
 * - MIG: exactly the profile's slice fraction, one device.
 */
export function shareProblem(share: number, pool: GpuPool): string | undefined {
  const sharing = pool.sharing;
  if (sharing.mode === "none") {
    return Number.isInteger(share)
      ? undefined
      : `pool ${pool.name} has no GPU sharing: use whole GPUs (1, 2, ...)`;
  }
  if (sharing.mode === "time-slicing") {
    // To the 4 decimals the message prints: 0.3333 is a third of a GPU.
    const slices = Math.round(share * sharing.replicas);
    if (share <= 1 && slices >= 1 && Math.abs(share - slices / sharing.replicas) <= 0.5e-4) return undefined;
    const more =
      share > 1
        ? " (more slices of one GPU add no compute: a model needing more than a GPU per replica belongs on a pool with sharing none)"
        : "";
    return `pool ${pool.name} time-slices each GPU ${sharing.replicas} ways: use a multiple of 1/${sharing.replicas} (${(1 / sharing.replicas).toFixed(4)}) up to 1${more}`;
  }
  const fraction = migSliceFraction(sharing.profile) ?? 1;
  // Exactly one device: a CUDA process enumerates a single MIG device (MIG user guide,
  // CUDA_VISIBLE_DEVICES; Triton discussion #6468), so a replica given three would serve on one and
  // hold two idle, billed.
  if (Math.abs(share - fraction) <= 0.5e-4) return undefined;
  return `pool ${pool.name} uses MIG ${sharing.profile}: use ${fraction.toFixed(4)}, one MIG device (a CUDA process uses a single MIG device, so a replica given more would hold idle ones); a model needing more compute per replica belongs on a pool with a larger profile or with sharing none`;
}

/**
 * Why a pod asking for `gpus` whole GPUs fits no instance type of the pool (one pod runs on one
 * node), or `undefined` when one holds it. Types the catalog does not know are the stack's problem.
 */
function nodeFitProblem(gpus: number, pool: GpuPool): string | undefined {
  const known = pool.instanceTypes.map(gpuInstanceType).filter((t) => t !== undefined);
  if (gpus <= 1 || known.length === 0) return undefined;
  const most = Math.max(...known.map((t) => t.gpus));
  if (gpus <= most) return undefined;
  return `no instance type of pool ${pool.name} has ${gpus} GPUs (one pod runs on one node; the largest, ${known.find((t) => t.gpus === most)!.name}, has ${most}): use at most ${most} or add a larger type to the pool`;
}

/** Share of a node's CPU and memory left for its daemons (kubelet reserve, CNI, GPU operator, exporters). */
export const NODE_RESERVE = 0.1;

/**
 * A replica holding `share` of a GPU must also fit its CPU and memory in the part of one GPU's host
 * it holds on every instance type of the pool that holds its GPU devices (less `NODE_RESERVE`), so
 * the type with the least sets the limit: packing, the plan's cost, the budget policy and the
 * simulator count GPU slots only and place a replica on any type of its pool with room for its
 * devices. A replica that fits only the roomier types would be costed on nodes that cannot run it (a
 * review's 8-vCPU replica on g6.xlarge + g6.12xlarge: 5,110 CNY/month planned, 29,419 at least
 * needed); a two-GPU replica is never placed on a one-GPU type, so that type sets it no limit. The
 * part held is its devices over the type's devices per GPU: the share itself, except for MIG,
 * where a device fills more of a GPU than its compute (a 1g.10gb device is a seventh of an A100's
 * compute but a quarter of an A100-40GB: four fit one).
 */
export function resourceProblems(spec: ModelSpec, pool: GpuPool, file: string): Problem[] {
  const devices = replicaDevices(spec.serving.gpu.share, pool);
  const known = pool.instanceTypes.filter((t) => {
    const type = gpuInstanceType(t);
    return type !== undefined && type.gpus * slotsPerGpu(pool, t) >= devices;
  });
  if (known.length === 0) return [];
  const hosts = hostPerGpu(known);
  const share = spec.serving.gpu.share;
  const mig = pool.sharing.mode === "mig";
  const held = known.map((t) => (mig ? devices / slotsPerGpu(pool, t) : share));
  const problems: Problem[] = [];
  for (const kind of ["cpu", "memory"] as const) {
    const limits = hosts.map(
      (h, i) => held[i] * (kind === "cpu" ? h.vcpus : h.memoryGiB) * (1 - NODE_RESERVE),
    );
    const limit = Math.min(...limits);
    const at = limits.indexOf(limit);
    const value = spec.serving.resources[kind];
    const amount = parseQuantity(value, kind);
    if (amount > limit + 1e-9) {
      const unit = kind === "cpu" ? "vCPU" : "GiB";
      const others =
        known.length > 1
          ? `, the type of pool ${pool.name} with the least per GPU of those that hold the replica`
          : ` (pool ${pool.name})`;
      const holding = mig
        ? `its ${devices} ${pool.sharing.mode === "mig" ? pool.sharing.profile : ""} device${devices > 1 ? "s" : ""} (${Number(held[at].toFixed(4))} of a GPU on ${known[at]})`
        : `share ${share}`;
      const remedy = mig
        ? "lower it, or ask the platform team for a pool of a larger MIG profile or roomier types"
        : "lower it, use a larger share, or ask the platform team for a pool of roomier types";
      problems.push({
        file,
        path: `serving.resources.${kind}`,
        value,
        reason: `with ${holding} a replica may request at most ${limit.toFixed(2)} ${unit}: its part of one GPU's ${unit} on ${known[at]}${others}, less ${NODE_RESERVE * 100}% for node daemons, since a replica may be placed on any type of its pool with room for its GPUs; ${remedy}`,
      });
    }
  }
  return problems;
}
