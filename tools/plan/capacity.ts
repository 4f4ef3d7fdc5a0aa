/**
 * The simple GPU capacity and cost estimate: plan.json's figures for training pools, and the
 * fallback beside the capacity planner (`tools/plan/capacity-planner.ts`, which replaces the serving
 * pools' figures with `planCapacity`'s packing). Pure.
 *
 * Serving pools: GPUs = replicas × share summed over the pool's models plus the pool's warm capacity
 * (`minGpus` of pause pods, headroom on top), rounded up to whole GPUs per pool, at most `maxGpus`;
 * "expected" is the midpoint between minimum and maximum replicas (no traffic forecast here). At
 * minimum and maximum the replicas are counted GPU by GPU (`binnedGpus`): a time-sliced replica's
 * slices sit on one GPU, so ten replicas of 5/8 GPU need 10 GPUs, not 6.25.
 * Training pools: the pool minimum, the largest set of runs that may overlap (every model's GPUs),
 * and a time average of scheduled runs lasting `timeoutHours`, each on whole instances. Cost = the
 * cheapest whole instances holding those GPUs (spot price for spot pools) × 730 hours a month.
 */
import { CronExpressionParser } from "cron-parser";
import { countBySize } from "../../components/capacity/gpu-fit";
import { binnedGpus, replicaDevices } from "../../components/capacity/gpu-slots";
import { gpuInstanceType } from "../../components/capacity/instance-catalog";
import type { ModelSpec } from "../../components/config/model-schema";
import type { GpuPool, StackConfig } from "../../components/config/stack-schema";
import { sliceSplitWarnings } from "./slice-split";
import type { ZoneSpreadCost } from "./zone-spread-note";

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
  /** Instance type the maximum-scale cost is priced on (`a+b` for a mix). */
  readonly instanceType: string;
  /** Hourly price of one GPU of `instanceType` (of a mix: its hourly cost per GPU), to 4 decimals. */
  readonly pricePerGpuHour: number;
  /**
   * GPUs the models ask for (fractional for shared serving GPUs), before rounding and clamping; a
   * training pool's expected is the time average of GPUs its runs keep busy.
   */
  readonly demand: Range;
  /**
   * GPUs provisioned, the figures the cost is for: whole GPUs, except a training pool's expected, the
   * time average of the GPUs of the whole instances its runs hold (a run of 4 GPUs on a p4d holds 8).
   */
  readonly gpus: Range;
  readonly monthlyCost: Range;
  readonly models: string[];
  readonly warnings: string[];
  /**
   * What the plan notes beside the figures that is not a problem to fix before deploying: a serving
   * pool whose minimum or expected nodes the zone spread sets (zone-spread-note.ts). Absent when
   * there is none.
   */
  readonly notes?: string[];
  /** A serving pool's zone spread cost at minimum load, when it has one (`notes` says it). */
  readonly zoneSpreadAtMinimum?: ZoneSpreadCost;
  /** The same at expected load. */
  readonly zoneSpreadAtExpected?: ZoneSpreadCost;
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
/** Prices per GPU-hour keep 4 decimals: 0.8048 USD is not 0.8, nor 113 / 8 = 14.125 CNY 14.13. */
export const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
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
): { instanceType: string; hourly: number; wholeGpus: number } {
  let best = { instanceType: pool.instanceTypes[0], hourly: Number.POSITIVE_INFINITY, wholeGpus: 0 };
  if (gpus <= 0) return { ...best, hourly: 0 };
  for (const type of pool.instanceTypes) {
    const price = config.pricing.instances[type];
    if (!price) continue;
    const perInstance = pool.capacityType === "spot" ? (price.spot ?? price.onDemand) : price.onDemand;
    const perType = gpuInstanceType(type)?.gpus ?? 1;
    const count = Math.ceil(gpus / perType);
    if (count * perInstance < best.hourly)
      best = { instanceType: type, hourly: count * perInstance, wholeGpus: count * perType };
  }
  return Number.isFinite(best.hourly) ? best : { ...best, hourly: 0, wholeGpus: 0 };
}

const PRESET_RUNS_PER_MONTH: Record<string, number> = {
  "@hourly": HOURS_PER_MONTH,
  "@daily": 365 / 12,
  "@weekly": 365 / 12 / 7,
  "@monthly": 1,
  "@quarterly": 1 / 3,
  "@yearly": 1 / 12,
};

/** Models usually share a handful of schedules; time-zone-aware cron iteration is the costly part. */
const runsCache = new Map<string, number>();

/**
 * Runs a schedule starts in an average month, in the stack's time zone: the days it runs on (over
 * one week when only the weekday picks them, as the pattern repeats weekly; else over four years, a
 * leap day among them - a run on the 1st, or on the second Sunday, never falls in any one week)
 * times its runs in a day.
 */
export function runsPerMonth(schedule: string, timeZone: string): number {
  if (schedule in PRESET_RUNS_PER_MONTH) return PRESET_RUNS_PER_MONTH[schedule];
  const key = `${timeZone} ${schedule}`;
  const cached = runsCache.get(key);
  if (cached !== undefined) return cached;
  const runs = countRunsPerMonth(schedule, timeZone);
  runsCache.set(key, runs);
  return runs;
}

const DAY_MS = 24 * 3600 * 1000;

/** Times a cron matches from `start` over `days` days (each `next()` costs, so fields are split). */
function countMatches(expr: string, start: Date, days: number, tz: string): number {
  const end = new Date(start.getTime() + days * DAY_MS);
  const it = CronExpressionParser.parse(expr, { currentDate: start, endDate: end, tz });
  let n = 0;
  while (it.hasNext()) {
    it.next();
    n++;
  }
  return n;
}

function countRunsPerMonth(schedule: string, timeZone: string): number {
  const [minute, hour, dayOfMonth, month, weekday] = schedule.trim().split(/\s+/);
  const weekly = [dayOfMonth, month].every((f) => f === "*" || f === "?") && !/[#L]/i.test(weekday);
  // Counted apart, a run every minute on the 1st is 48 days of 1,440 runs, not 69,000 iterations.
  const days = weekly ? 7 : 4 * 365 + 1;
  // From the minute before a local midnight (Monday 5 January 2026), so the span holds whole days
  // of the zone and a day's first minute counts.
  const midnight = CronExpressionParser.parse("0 0 * * *", {
    currentDate: new Date("2026-01-04T12:00:00Z"),
    tz: timeZone,
  })
    .next()
    .getTime();
  const matchingDays = countMatches(
    `0 0 ${dayOfMonth} ${month} ${weekday}`,
    new Date(midnight - 60_000),
    days,
    timeZone,
  );
  // A day's runs, on a day without a clock change.
  const utcMidnight = new Date(Date.UTC(2026, 0, 5) - 60_000);
  const perDay = countMatches(`${minute} ${hour} * * *`, utcMidnight, 1, "UTC");
  return (matchingDays * perDay * 365) / 12 / days;
}

function range(f: (k: keyof Range) => number): Range {
  return { min: f("min"), expected: f("expected"), max: f("max") };
}

/**
 * A serving pool's demand (shares summed) and the GPUs that hold its replicas at their minimum and
 * maximum (`binned`: counted GPU by GPU, what the limit and the cost need), with its warnings.
 */
function servingPool(
  pool: GpuPool,
  models: readonly ModelSpec[],
): { demand: Range; binned: Pick<Range, "min" | "max">; warnings: string[] } {
  let min = 0;
  let max = 0;
  for (const m of models) {
    min += m.serving.replicas.min * m.serving.gpu.share;
    max += m.serving.replicas.max * m.serving.gpu.share;
  }
  const binnedAt = (bound: "min" | "max") => {
    const replicas = models.map(
      (m) => [replicaDevices(m.serving.gpu.share, pool), m.serving.replicas[bound]] as const,
    );
    return ceilGpus(binnedGpus(countBySize(replicas), pool));
  };
  const demand = { min, expected: (min + max) / 2, max };
  const binned = { min: binnedAt("min"), max: binnedAt("max") };
  const warnings: string[] = [];
  if (binned.max > pool.maxGpus)
    warnings.push(
      `needs ${binned.max} GPUs at maximum replicas but maxGpus is ${pool.maxGpus}: models cannot all reach max`,
    );
  if (binned.min > pool.maxGpus)
    warnings.push(`needs ${binned.min} GPUs at minimum replicas, above maxGpus ${pool.maxGpus}`);
  return { demand, binned, warnings };
}

function trainingPool(
  pool: GpuPool,
  models: readonly ModelSpec[],
  config: StackConfig,
): { demand: Range; warnings: string[]; expectedHourly: number; expectedGpus: number } {
  let peak = 0;
  let average = 0;
  // Each run is priced on its own whole instances while it lasts (spot nodes scale to zero between runs).
  const floor = wholeInstancePrice(pool.minGpus, pool, config);
  let expectedHourly = floor.hourly;
  let expectedGpus = floor.wholeGpus;
  for (const m of models) {
    if (!m.training) continue;
    peak += m.training.gpu.count;
    const busy = Math.min(
      1,
      (runsPerMonth(m.training.schedule, config.timeZone) * m.training.timeoutHours) / HOURS_PER_MONTH,
    );
    average += m.training.gpu.count * busy;
    const whole = wholeInstancePrice(m.training.gpu.count, pool, config);
    expectedHourly += busy * whole.hourly;
    expectedGpus += busy * whole.wholeGpus;
  }
  const warnings =
    peak > pool.maxGpus
      ? [`overlapping runs may ask for ${peak} GPUs; maxGpus ${pool.maxGpus} queues the rest`]
      : [];
  // More GPU-hours of runs than the pool has all month: the queue only grows.
  if (average > pool.maxGpus)
    warnings.push(
      `runs lasting their timeoutHours would keep ${round2(average)} GPUs busy on average, above maxGpus ${pool.maxGpus}: at that length they could not all run`,
    );
  return { demand: { min: 0, expected: average, max: peak }, warnings, expectedHourly, expectedGpus };
}

/**
 * A pool no model of the stack uses still declares its NodePool, and a serving pool its warm
 * capacity, which is billed: a pool left behind by a move, or a model pointed at the wrong one.
 */
export function unusedPoolWarnings(pool: GpuPool, users: readonly string[]): string[] {
  if (users.length > 0) return [];
  const warm =
    pool.purpose === "serving" && pool.minGpus > 0
      ? ` and its ${pool.minGpus} warm GPUs (minGpus, billed)`
      : "";
  return [
    `no model of this stack uses it: its NodePool${warm} ${warm ? "are" : "is"} declared anyway; remove the pool or point a model at it`,
  ];
}

/** The stand-in capacity estimate described in the file comment. */
export function simpleCapacityEstimate(config: StackConfig, models: readonly ModelSpec[]): CapacitySummary {
  const pools = config.gpuPools.map((pool): PoolCapacity => {
    const serving = pool.purpose === "serving";
    const users = models.filter((m) => (serving ? m.serving.gpu.pool : m.training?.gpu.pool) === pool.name);
    const training = serving ? undefined : trainingPool(pool, users, config);
    const load = training ?? servingPool(pool, users);
    const { demand, warnings: loadWarnings } = load;
    const warnings = [
      ...unusedPoolWarnings(
        pool,
        users.map((m) => m.name),
      ),
      ...sliceSplitWarnings(pool, users),
      ...loadWarnings,
    ];
    // A serving pool's warm capacity (`minGpus` of pause pods) is headroom on top of its replicas,
    // which hold their GPUs counted GPU by GPU at min and max; the expected midpoint of the shares
    // is kept between the two (10 replicas of 5/8 GPU at min and max hold 10 GPUs, not 6.25).
    const whole = range((k) => {
      if (!("binned" in load)) return clamp(ceilGpus(demand[k]), pool.minGpus, pool.maxGpus);
      const { min, max } = load.binned;
      const held =
        k === "expected" ? Math.min(max, Math.max(min, ceilGpus(demand.expected))) : load.binned[k];
      return clamp(held + pool.minGpus, pool.minGpus, pool.maxGpus);
    });
    const atMax = wholeInstancePrice(whole.max, pool, config);
    // Runs cannot cost more than the pool at its peak the whole month: Karpenter's limit queues the
    // rest. A training pool's GPUs are those of the whole instances its runs hold (a one-GPU run on
    // a p4d is billed for 8), so GPUs x price = cost in every column; "expected" is their time
    // average, so not rounded up.
    const gpus = training
      ? {
          min: wholeInstancePrice(whole.min, pool, config).wholeGpus,
          expected: round2(Math.min(training.expectedGpus, atMax.wholeGpus)),
          max: atMax.wholeGpus,
        }
      : whole;
    const hourly = range((k) =>
      training && k === "expected"
        ? Math.min(training.expectedHourly, atMax.hourly)
        : wholeInstancePrice(gpus[k], pool, config).hourly,
    );
    // The type priced on and its own GPU-hour (the cheapest type per GPU may be another).
    const shown = wholeInstancePrice(Math.max(1, whole.max), pool, config);
    return {
      name: pool.name,
      purpose: pool.purpose,
      capacityType: pool.capacityType,
      instanceType: shown.instanceType,
      pricePerGpuHour: shown.wholeGpus > 0 ? round4(shown.hourly / shown.wholeGpus) : 0,
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
