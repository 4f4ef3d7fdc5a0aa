/**
 * The replay's `static` strategy (simulate.ts): each model on its own whole GPUs for its weekly peak,
 * on the static fleet of static-baseline.ts, always on. Not spread over the zones: the replay spreads
 * no strategy, so its `static` compares like with like with its `platform` (the plan's baseline is
 * spread, as the plan's packing is). Pure: no Pulumi imports.
 */
import type { GpuPool, StackConfig } from "../config/stack-schema";
import { replicaGpus } from "./gpu-slots";
import type { ModelCtx } from "./replay-context";
import { staticFleet, staticGpus, staticReplicas } from "./static-baseline";
import { Accumulator } from "./strategy-result";

/** `static`: the static fleet for each model's peak replicas, the same every minute. */
export function runStatic(
  pool: GpuPool,
  models: ModelCtx[],
  config: StackConfig,
  minutes: number,
  acc: Accumulator,
) {
  const fleet: { gpus: number; replicaGpus: number }[] = [];
  const replicas = models.map((c) => {
    let peak = 0;
    for (const v of c.series) if (v > peak) peak = v;
    fleet.push({
      gpus: staticGpus(c.spec, peak, pool),
      replicaGpus: replicaGpus(c.spec.serving.gpu.share, pool),
    });
    return staticReplicas(c.spec, peak);
  });
  const { gpus, hourly } = staticFleet(pool, config, fleet);
  for (let t = 0; t < minutes; t++) {
    models.forEach((c, i) => acc.serve(c.series[t], replicas[i], c, t));
    acc.provision(pool.name, t, gpus, hourly);
  }
}
