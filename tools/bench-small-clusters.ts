/**
 * `ts-node --transpile-only tools/bench-small-clusters.ts [--cases 40] [--stack prod] [--models <dir>] [--project-root <dir>]`
 *
 * Replays seeded random small clusters - one to three of the folder's models with other replica
 * bounds, cold starts, targets and per-minute noise, a generated week each with the stack's sales -
 * and prints the platform's SLO misses with and without the sales' consolidation freeze
 * (`eventDisruptionBudgets`), beside reactive's. A model with a few replicas that loses one to a
 * node drain is short for a cold start, which the sample week's large models hide. A benchmark,
 * not a test: it exits 0 on valid input whatever it measures.
 */
import { simulate } from "../components/capacity/simulate";
import { generateTraffic, mulberry32 } from "../components/capacity/traffic-generator";
import type { ModelSpec } from "../components/config/model-schema";
import { InputError, runCommand, loadStackAndSpecs } from "./capacity/inputs";
import { checkFlags, cliFlags, positiveIntFlag, projectFolders } from "./capacity/cli-flags";

const USAGE = `Usage: npm run bench:small-clusters -- [--cases 40] [--stack prod] [--models <dir>] [--project-root <dir>]

Replays seeded random clusters of one to three models (other replica bounds, cold starts, targets
and noise; a generated week with the stack's sales each) and prints the platform's SLO-miss minutes
with and without the sales' consolidation freeze, beside reactive's.

Options:
  --cases <n>        clusters to replay, 1-500                               default: 40
  --stack <name>     stack                                                  default: prod
  --models <dir>     folder of model specs to draw from                     default: models/
  --project-root <dir>  folder holding Pulumi.<stack>.yaml (and models/)   default: the repository
  -h, --help         show this help`;

/** One random small cluster: its specs and the generator's seed and noise. */
interface Case {
  readonly specs: ModelSpec[];
  readonly seed: number;
  readonly noise: number;
}

/** Case `k`, the same for a given folder of specs on every run. */
function smallCluster(k: number, pool: readonly ModelSpec[]): Case {
  const rand = mulberry32(1000 + k);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const shuffled = [...pool].map((s) => ({ s, r: rand() })).sort((a, b) => a.r - b.r);
  const count = 1 + Math.floor(rand() * Math.min(3, pool.length));
  const specs = shuffled.slice(0, count).map(({ s }) => {
    const min = 1 + Math.floor(rand() * 3);
    return {
      ...s,
      serving: {
        ...s.serving,
        replicas: { min, max: min + 1 + Math.floor(rand() * 6) },
        coldStartSeconds: pick([15, 30, 60, 90, 120]),
        targetUtilization: pick([0.6, 0.7, 0.8, 0.9, 0.95]),
      },
    };
  });
  return { specs, seed: Math.floor(rand() * 1_000_000), noise: pick([0.01, 0.03, 0.05, 0.08]) };
}

function main(argv: string[]): void {
  const flags = cliFlags(argv, USAGE, ["cases", "stack", "models", "project-root"]);
  const stack = flags.get("stack") ?? "prod";
  const { root, modelsDir } = projectFolders(flags);
  const [cases, { config, specs }] = checkFlags(
    () => positiveIntFlag(flags.get("cases") ?? "40", "cases", 500),
    () => loadStackAndSpecs(stack, modelsDir, root),
  );
  if (specs.length === 0) throw new InputError(`${modelsDir}: no model specs to draw from`);
  const totals = { frozen: 0, unfrozen: 0, reactive: 0, modelMinutes: 0 };
  console.log("case  models  noise  platform  without freeze  reactive  (SLO-miss minutes)");
  for (let k = 0; k < cases; k++) {
    const c = smallCluster(k, specs);
    const traffic = generateTraffic(c.specs, config, { seed: c.seed, noise: c.noise });
    const frozen = simulate(config, c.specs, traffic).strategies;
    const unfrozen = simulate(config, c.specs, traffic, { salesFreeze: false }).strategies.platform;
    totals.frozen += frozen.platform.sloMissMinutes;
    totals.unfrozen += unfrozen.sloMissMinutes;
    totals.reactive += frozen.reactive.sloMissMinutes;
    totals.modelMinutes += c.specs.length * traffic.minutes;
    console.log(
      `${String(k).padStart(4)}  ${String(c.specs.length).padStart(6)}  ${c.noise.toFixed(2)}  ` +
        `${String(frozen.platform.sloMissMinutes).padStart(8)}  ${String(unfrozen.sloMissMinutes).padStart(14)}  ` +
        `${String(frozen.reactive.sloMissMinutes).padStart(8)}  ` +
        c.specs.map((s) => `${s.name} ${s.serving.replicas.min}-${s.serving.replicas.max}`).join(", "),
    );
    process.stderr.write(`\r${k + 1}/${cases} clusters replayed`);
  }
  process.stderr.write("\n");
  const pct = (m: number) => `${((100 * m) / totals.modelMinutes).toFixed(3)}%`;
  console.log(
    `\ntotal over ${cases} clusters (${totals.modelMinutes} model-minutes): platform ${totals.frozen} ` +
      `(${pct(totals.frozen)}), without the sales' freeze ${totals.unfrozen} (${pct(totals.unfrozen)}), ` +
      `reactive ${totals.reactive} (${pct(totals.reactive)})`,
  );
}

runCommand(() => main(process.argv.slice(2)));
