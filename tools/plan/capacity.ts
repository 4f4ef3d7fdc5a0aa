/**
 * A simple GPU capacity and cost estimate for the plan summary, used until the capacity planner
 * (`components/capacity/` packing and cost) lands; the lead swaps `simpleCapacityEstimate` for it in
 * `tools/plan/run-plan.ts`. Pure.
 *
 * Serving pools: GPUs = replicas × share summed over the pool's models plus the pool's warm capacity
 * (`minGpus` of pause pods, headroom on top), rounded up to whole GPUs per pool, at most `maxGpus`; "expected" is the midpoint between minimum and
 * maximum replicas (no traffic forecast here). Training pools: the pool minimum, the largest set of
 * runs that may overlap (every model's GPUs), and a time average of scheduled runs lasting at most
 * `timeoutHours`. Cost = the cheapest whole instances holding those GPUs (spot price for spot pools)
 * × 730 hours a month; a training run pays for whole instances while it runs.
 */
import { CronExpressionParser } from "cron-parser";
import { gpuInstanceType } from "../../components/capacity/instance-catalog";
import type { ModelSpec } from "../../components/config/model-schema";
import type { GpuPool, StackConfig } from "../../components/config/stack-schema";

/** Hours in an average month, the usual cloud billing convention (8760 / 12). */
export const HOURS_PER_MONTH = 730;

/** Minimum, expected and maximum of one figure. */
export interface Range {
  readonly min: number;
  readonly expected: number;
  readonly max: number;
}

/** Capacity of one GPU pool. */
export interface PoolCapacity {
  readonly name: string;
  readonly purpose: GpuPool["purpose"];
  readonly capacityType: GpuPool["capacityType"];
  /** Instance type the maximum-scale cost is priced on. */
  readonly instanceType: string;
  /** Cheapest per-GPU hourly price among the pool's types (for comparison across pools). */
  readonly pricePerGpuHour: number;
  /** GPUs the models ask for (fractional for shared serving GPUs), before rounding and clamping. */
  readonly demand: Range;
  /** Whole GPUs provisioned. */
  readonly gpus: Range;
  readonly monthlyCost: Range;
  readonly models: string[];
  readonly warnings: string[];
}

/** The capacity section of plan.json. */
export interface CapacitySummary {
  /** Which estimator produced the numbers. */
  readonly estimator: string;
  readonly pools: PoolCapacity[];
  readonly monthlyCost: Range;
  readonly currency: string;
  readonly budget: number;
  /**
   * The monthly cost the budget is checked at, by the rule of the `mlops-gpu-cost-fits-budget`
   * policy: serving pools at their expected cost, training pools at `maxGpus` all month (the policy
   * cannot see training schedules).
   */
  readonly budgetCheck: number;
  /** `budgetCheck` within `budget.monthlyGpuCost`: the budget policy's verdict. */
  readonly withinBudget: boolean;
  /** Serving pools' cost before the platform, from the capacity planner (absent with the simple estimate). */
  readonly staticBaseline?: {
    readonly gpus: number;
    readonly monthlyCost: number;
    readonly description: string;
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
/** Rounds up, ignoring float noise such as 0.25 × 12 = 3.0000000000000004. */
const ceilGpus = (x: number) => Math.ceil(x - 1e-9);
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** Cheapest per-GPU hourly price among the pool's instance types. */
export function cheapestGpuPrice(
  pool: GpuPool,
  config: StackConfig,
): { instanceType: string; price: number } {
  let best = { instanceType: pool.instanceTypes[0], price: Number.POSITIVE_INFINITY };
  for (const type of pool.instanceTypes) {
    const price = config.pricing.instances[type];
    const gpus = gpuInstanceType(type)?.gpus ?? 1;
    if (!price) continue;
    const hourly = pool.capacityType === "spot" ? (price.spot ?? price.onDemand) : price.onDemand;
    if (hourly / gpus < best.price) best = { instanceType: type, price: hourly / gpus };
  }
  return Number.isFinite(best.price) ? best : { instanceType: best.instanceType, price: 0 };
}

/**
 * Cheapest hourly price of `gpus` GPUs in whole instances of one of the pool's types: a run needing
 * one GPU on a p4d pool pays for the 8-GPU instance, not an eighth of it.
 */
export function wholeInstancePrice(
  gpus: number,
  pool: GpuPool,
  config: StackConfig,
): { instanceType: string; hourly: number } {
  let best = { instanceType: pool.instanceTypes[0], hourly: Number.POSITIVE_INFINITY };
  if (gpus <= 0) return { instanceType: best.instanceType, hourly: 0 };
  for (const type of pool.instanceTypes) {
    const price = config.pricing.instances[type];
    if (!price) continue;
    const perInstance = pool.capacityType === "spot" ? (price.spot ?? price.onDemand) : price.onDemand;
    const hourly = Math.ceil(gpus / (gpuInstanceType(type)?.gpus ?? 1)) * perInstance;
    if (hourly < best.hourly) best = { instanceType: type, hourly };
  }
  return Number.isFinite(best.hourly) ? best : { instanceType: best.instanceType, hourly: 0 };
}

const PRESET_RUNS_PER_MONTH: Record<string, number> = {
  "@hourly": HOURS_PER_MONTH,
  "@daily": 365 / 12,
  "@weekly": 365 / 12 / 7,
  "@monthly": 1,
  "@yearly": 1 / 12,
};

/** Models usually share a handful of schedules; time-zone-aware cron iteration is the costly part. */
const runsCache = new Map<string, number>();

/** Runs a schedule starts in an average month, counted over one week in the stack's time zone. */
export function runsPerMonth(schedule: string, timeZone: string): number {
  if (schedule in PRESET_RUNS_PER_MONTH) return PRESET_RUNS_PER_MONTH[schedule];
  const key = `${timeZone} ${schedule}`;
  const cached = runsCache.get(key);
  if (cached !== undefined) return cached;
  const runs = countRunsPerMonth(schedule, timeZone);
  runsCache.set(key, runs);
  return runs;
}

function countRunsPerMonth(schedule: string, timeZone: string): number {
  const start = new Date("2026-01-05T00:00:00Z");
  const end = new Date(start.getTime() + 7 * 24 * 3600 * 1000);
  const it = CronExpressionParser.parse(schedule, { currentDate: start, endDate: end, tz: timeZone });
  // A per-minute schedule starts 10,080 runs a week; past this cap runs overlap their timeout anyway.
  const cap = 2000;
  let runs = 0;
  while (runs < cap && it.hasNext()) {
    it.next();
    runs++;
  }
  return (runs * 365) / 12 / 7;
}

function range(f: (k: keyof Range) => number): Range {
  return { min: f("min"), expected: f("expected"), max: f("max") };
}

function servingPool(pool: GpuPool, models: readonly ModelSpec[]): { demand: Range; warnings: string[] } {
  let min = 0;
  let max = 0;
  for (const m of models) {
    min += m.serving.replicas.min * m.serving.gpu.share;
    max += m.serving.replicas.max * m.serving.gpu.share;
  }
  const demand = { min, expected: (min + max) / 2, max };
  const warnings: string[] = [];
  if (ceilGpus(max) > pool.maxGpus)
    warnings.push(
      `needs ${ceilGpus(max)} GPUs at maximum replicas but maxGpus is ${pool.maxGpus}: models cannot all reach max`,
    );
  if (ceilGpus(min) > pool.maxGpus)
    warnings.push(`needs ${ceilGpus(min)} GPUs at minimum replicas, above maxGpus ${pool.maxGpus}`);
  return { demand, warnings };
}

function trainingPool(
  pool: GpuPool,
  models: readonly ModelSpec[],
  config: StackConfig,
): { demand: Range; warnings: string[]; expectedHourly: number } {
  let peak = 0;
  let average = 0;
  // Each run is priced on its own whole instances while it lasts (spot nodes scale to zero between runs).
  let expectedHourly = wholeInstancePrice(pool.minGpus, pool, config).hourly;
  for (const m of models) {
    if (!m.training) continue;
    peak += m.training.gpu.count;
    const busy = Math.min(
      1,
      (runsPerMonth(m.training.schedule, config.timeZone) * m.training.timeoutHours) / HOURS_PER_MONTH,
    );
    average += m.training.gpu.count * busy;
    expectedHourly += busy * wholeInstancePrice(m.training.gpu.count, pool, config).hourly;
  }
  const warnings =
    peak > pool.maxGpus
      ? [`overlapping runs may ask for ${peak} GPUs; maxGpus ${pool.maxGpus} queues the rest`]
      : [];
  return { demand: { min: 0, expected: average, max: peak }, warnings, expectedHourly };
}

/** The stand-in capacity estimate described in the file comment. */
export function simpleCapacityEstimate(config: StackConfig, models: readonly ModelSpec[]): CapacitySummary {
  const pools = config.gpuPools.map((pool): PoolCapacity => {
    const serving = pool.purpose === "serving";
    const users = models.filter((m) => (serving ? m.serving.gpu.pool : m.training?.gpu.pool) === pool.name);
    const training = serving ? undefined : trainingPool(pool, users, config);
    const { demand, warnings } = training ?? servingPool(pool, users);
    const { price } = cheapestGpuPrice(pool, config);
    // Training "expected" is a time average of whole GPUs busy, so it is not rounded up. A serving
    // pool's warm capacity (`minGpus` of pause pods) is headroom on top of its replicas.
    const gpus = range((k) =>
      serving
        ? clamp(ceilGpus(demand[k] + pool.minGpus), pool.minGpus, pool.maxGpus)
        : k !== "expected"
          ? clamp(ceilGpus(demand[k]), pool.minGpus, pool.maxGpus)
          : round2(clamp(demand.expected, pool.minGpus, pool.maxGpus)),
    );
    const maxHourly = wholeInstancePrice(gpus.max, pool, config).hourly;
    // Runs cannot cost more than the pool at maxGpus the whole month: Karpenter's limit queues the rest.
    const hourly = range((k) =>
      training && k === "expected"
        ? Math.min(training.expectedHourly, maxHourly)
        : wholeInstancePrice(gpus[k], pool, config).hourly,
    );
    return {
      name: pool.name,
      purpose: pool.purpose,
      capacityType: pool.capacityType,
      instanceType: wholeInstancePrice(Math.max(1, gpus.max), pool, config).instanceType,
      pricePerGpuHour: round2(price),
      demand: range((k) => round2(demand[k])),
      gpus,
      monthlyCost: range((k) => round2(hourly[k] * HOURS_PER_MONTH)),
      models: users.map((m) => m.name),
      warnings,
    };
  });
  const monthlyCost = range((k) => round2(pools.reduce((sum, p) => sum + p.monthlyCost[k], 0)));
  const budgetCheck = budgetCheckCost(pools, config);
  return {
    estimator: "simple estimate (tools/plan/capacity.ts): replicas × share per pool, no packing or forecast",
    pools,
    monthlyCost,
    currency: config.pricing.currency,
    budget: config.budget.monthlyGpuCost,
    budgetCheck,
    withinBudget: budgetCheck <= config.budget.monthlyGpuCost,
  };
}

/**
 * The budget policy's figure (see `budgetCheck`): serving pools at their expected cost, every other
 * pool at `maxGpus` all month at its cheapest GPU-hour.
 */
export function budgetCheckCost(pools: readonly PoolCapacity[], config: StackConfig): number {
  return round2(
    pools.reduce((sum, p) => {
      const pool = config.gpuPools.find((g) => g.name === p.name);
      if (p.purpose === "serving" || !pool) return sum + p.monthlyCost.expected;
      return sum + pool.maxGpus * cheapestGpuPrice(pool, config).price * HOURS_PER_MONTH;
    }, 0),
  );
}
