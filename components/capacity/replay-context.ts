/**
 * What every strategy of the replay (simulate.ts) reads of a model: its spec and traffic series with
 * the sizes and targets derived from its pool (`ModelCtx`), grouped by pool (`poolContexts`). Pure: no
 * Pulumi imports.
 */
import type { ModelSpec } from "../config/model-schema";
import type { GpuPool, StackConfig } from "../config/stack-schema";
import { cronStartMs, eventBaselinesFromHistory } from "./event-prescale";
import { forecastTargetPerReplica, kedaTargetPerReplica } from "./hpa-behavior";
import { leadMinutes } from "./forecast";
import { replicaDevices, replicaGpus } from "./gpu-slots";
import type { Traffic } from "./traffic";

/** One model of the replay: its spec and traffic with what every strategy derives from its pool. */
export interface ModelCtx {
  readonly spec: ModelSpec;
  readonly series: Float64Array;
  readonly devices: number;
  /**
   * The part of a GPU one replica holds: its devices at the pool's granularity, not the spec's
   * `share`, which may be up to 5% off a MIG slice (0.1495 for a 1/7 slice counted 104.7% busy).
   */
  readonly gpus: number;
  readonly lead: number;
  readonly target: number;
  readonly forecastTarget: number;
  /** The model's usual rate in each event's hours, from the replayed days before its pre-scale. */
  readonly eventBaselines: Readonly<Record<string, number>>;
}

/** The models of `traffic` grouped by the pool they serve from, with what every strategy needs. */
export function poolContexts(
  config: StackConfig,
  specs: readonly ModelSpec[],
  traffic: Traffic,
): Map<string, { pool: GpuPool; models: ModelCtx[] }> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const pools = new Map<string, { pool: GpuPool; models: ModelCtx[] }>();
  // By name, not by the CSV's order: pods are placed model by model, and the same traffic must give
  // the same result however its rows are sorted.
  const order = traffic.models.map((name, m) => ({ name, m })).sort((a, b) => (a.name < b.name ? -1 : 1));
  order.forEach(({ name, m }) => {
    const spec = byName.get(name);
    if (!spec) throw new Error(`traffic has model ${name} but no model spec defines it`);
    const pool = config.gpuPools.find((p) => p.name === spec.serving.gpu.pool);
    if (!pool) throw new Error(`model ${name}: unknown pool ${spec.serving.gpu.pool}`);
    const entry = pools.get(pool.name) ?? { pool, models: [] };
    entry.models.push({
      spec,
      series: traffic.rps[m],
      devices: replicaDevices(spec.serving.gpu.share, pool),
      gpus: replicaGpus(spec.serving.gpu.share, pool),
      lead: leadMinutes(spec, pool),
      target: kedaTargetPerReplica(spec),
      forecastTarget: forecastTargetPerReplica(spec),
      eventBaselines: eventBaselinesFromHistory(traffic, name, config, (e) =>
        cronStartMs(e, leadMinutes(spec, pool)),
      ),
    });
    pools.set(pool.name, entry);
  });
  return pools;
}
