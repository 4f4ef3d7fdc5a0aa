/**
 * The replay's result accounting: what one strategy measured (`StrategyResult`) and the `Accumulator`
 * its replay feeds model-minute by model-minute (simulate.ts). Pure: no Pulumi imports.
 */
import type { ModelCtx } from "./replay-context";

/** Outcome of one strategy over the replay. */
export interface StrategyResult {
  /** GPU-busy seconds / provisioned GPU seconds, 0-1. */
  readonly gpuUtilization: number;
  readonly gpuHours: number;
  readonly cost: number;
  /** Percent of model-minutes whose demand exceeded ready capacity. */
  readonly sloViolationPct: number;
  /**
   * Ready replicas' GPU share-seconds / provisioned GPU seconds, 0-1: how much of what is paid for
   * holds a replica that can serve (the rest: pods starting, nodes provisioning or draining, free
   * slices). `gpuUtilization` / `readyFraction` is how busy the ready replicas are.
   */
  readonly readyFraction: number;
  readonly sloMissMinutes: number;
  /** Most GPUs provisioned at once. */
  readonly peakGpus: number;
  /** Most GPUs provisioned at once in each pool, by pool name (to check against its `maxGpus`). */
  readonly peakGpusByPool: Readonly<Record<string, number>>;
}

/** Sums what one strategy serves and provisions, minute by minute, into its `StrategyResult`. */
export class Accumulator {
  busyGpuSec = 0;
  readyGpuSec = 0;
  gpuSec = 0;
  cost = 0;
  misses = 0;
  peakGpus = 0;
  private readonly modelMisses = new Map<string, number>();
  /** Gpus provisioned per minute index, summed over pools (for the peak). */
  private readonly perMinute = new Map<number, number>();
  private readonly poolPeaks = new Map<string, number>();

  constructor(private readonly trace?: (model: string, t: number, demand: number, ready: number) => void) {}

  serve(demand: number, ready: number, model: Pick<ModelCtx, "spec" | "gpus">, t: number): void {
    const { spec, gpus } = model;
    this.trace?.(spec.name, t, demand, ready);
    const capacity = ready * spec.serving.rpsPerReplica;
    if (demand > capacity + 1e-9) {
      this.misses++;
      this.modelMisses.set(spec.name, (this.modelMisses.get(spec.name) ?? 0) + 1);
    }
    this.readyGpuSec += ready * gpus * 60;
    this.busyGpuSec += (Math.min(demand, capacity) / spec.serving.rpsPerReplica) * gpus * 60;
  }

  /** SLO-miss minutes of one model so far. */
  missesOf(model: string): number {
    return this.modelMisses.get(model) ?? 0;
  }

  provision(pool: string, t: number, gpus: number, hourly: number): void {
    if (gpus > (this.poolPeaks.get(pool) ?? 0)) this.poolPeaks.set(pool, gpus);
    this.gpuSec += gpus * 60;
    this.cost += hourly / 60;
    const total = (this.perMinute.get(t) ?? 0) + gpus;
    this.perMinute.set(t, total);
    if (total > this.peakGpus) this.peakGpus = total;
  }

  result(modelMinutes: number): StrategyResult {
    return {
      gpuUtilization: this.gpuSec > 0 ? this.busyGpuSec / this.gpuSec : 0,
      readyFraction: this.gpuSec > 0 ? this.readyGpuSec / this.gpuSec : 0,
      gpuHours: this.gpuSec / 3600,
      // To the cent: a sum of per-minute prices carries float dust (65493.049999999355) into --json.
      cost: Math.round(this.cost * 100) / 100,
      sloViolationPct: modelMinutes > 0 ? (100 * this.misses) / modelMinutes : 0,
      sloMissMinutes: this.misses,
      peakGpus: this.peakGpus,
      peakGpusByPool: Object.fromEntries(this.poolPeaks),
    };
  }
}
