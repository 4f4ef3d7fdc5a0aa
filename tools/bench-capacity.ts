/**
 * `ts-node --transpile-only tools/bench-capacity.ts [--stack prod] [--traffic <csv>] [--models <dir>] [--project-root <dir>]`
 *
 * Replays the committed sample week (default `models/traffic/sample-week.csv`, prod stack, `models/`)
 * and prints the strategy table and the capacity targets of issue 7 with their measured values:
 * platform utilization >= 82%, SLO-miss <= 0.1% and <= 1/5 of reactive, within 8 points of oracle,
 * cost <= half of static, replay < 5 s. A benchmark, not a test: it always exits 0 on valid input.
 */
import * as path from "path";
import { formatSimulationTable } from "../components/capacity/report";
import { levelForesightBound } from "../components/capacity/level-foresight";
import { simulate } from "../components/capacity/simulate";
import { hpaTolerance } from "../components/capacity/hpa-behavior";
import type { Traffic } from "../components/capacity/traffic";
import type { ModelSpec } from "../components/config/model-schema";
import type { StackConfig } from "../components/config/stack-schema";
import {
  runCommand,
  loadStackAndSpecs,
  loadReplayTraffic,
  PROJECT_ROOT,
  count,
  withoutRowsNotice,
} from "./capacity/inputs";
import { checkFlags, checkTrafficFlag, cliFlags, projectFolders } from "./capacity/cli-flags";

const USAGE = `Usage: npm run bench:capacity -- [--stack prod] [--traffic <csv>] [--models <dir>] [--project-root <dir>]

Replays a traffic week through the four strategies and prints the strategy table, the capacity
targets with their measured values (utilization, SLO misses, distance to oracle, cost, replay time)
and the level-foresight references. A benchmark: it exits 0 on valid input whatever it measures.

Options:
  --stack <name>     stack                                                  default: prod
  --traffic <csv>    traffic to replay                 default: models/traffic/sample-week.csv
  --models <dir>     folder of model specs                                  default: models/
  --project-root <dir>  folder holding Pulumi.<stack>.yaml (and models/)   default: the repository
  -h, --help         show this help`;

function main(argv: string[]): void {
  const flags = cliFlags(argv, USAGE, ["stack", "traffic", "models", "project-root"]);
  const stack = flags.get("stack") ?? "prod";
  const { root, modelsDir } = projectFolders(flags);
  const trafficFile = flags.get("traffic") ?? path.join(PROJECT_ROOT, "models", "traffic", "sample-week.csv");
  // A bad stack, a bad models folder and a missing traffic file come in one message.
  const [{ config, specs }] = checkFlags(
    () => loadStackAndSpecs(stack, modelsDir, root),
    () => checkTrafficFlag(trafficFile),
  );
  const shown = path.relative(process.cwd(), trafficFile);
  const { traffic, withoutRows } = progress(`reading ${shown}`, () =>
    loadReplayTraffic(trafficFile, specs, stack),
  );
  const notice = withoutRowsNotice(shown, withoutRows);
  if (notice) process.stderr.write(`${notice}\n`);
  const started = process.hrtime.bigint();
  const result = progress("replaying the four strategies", () => simulate(config, specs, traffic));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // The what-ifs and references below, computed before anything is printed so the progress lines
  // on stderr do not break up the report on stdout.
  const whatIfs = progress("replaying the what-ifs and the foresight references", () =>
    referenceLines(config, specs, traffic, result.strategies.oracle.gpuUtilization),
  );
  const { platform, reactive, oracle, static: before } = result.strategies;
  console.log(
    `${shown} on stack ${stack}, ${count(traffic.models.length, "model")}` +
      `${withoutRows.length > 0 ? ` (${withoutRows.length} without rows left out: ${withoutRows.join(", ")})` : ""}\n`,
  );
  console.log(formatSimulationTable(result));
  const rows: [string, string, boolean][] = [
    ["platform GPU utilization >= 82%", pct(platform.gpuUtilization), platform.gpuUtilization >= 0.82],
    [
      "platform SLO-miss <= 0.1% of model-minutes",
      `${platform.sloViolationPct.toFixed(3)}%`,
      platform.sloViolationPct <= 0.1,
    ],
    [
      "platform SLO-miss <= 1/5 of reactive",
      `${platform.sloMissMinutes} vs ${reactive.sloMissMinutes} minutes`,
      platform.sloMissMinutes * 5 <= reactive.sloMissMinutes,
    ],
    [
      "utilization within 8 points of oracle",
      `${((oracle.gpuUtilization - platform.gpuUtilization) * 100).toFixed(1)} points`,
      oracle.gpuUtilization - platform.gpuUtilization <= 0.08,
    ],
    [
      "cost <= half of static",
      `${((platform.cost / before.cost) * 100).toFixed(1)}% of static`,
      platform.cost * 2 <= before.cost,
    ],
    ["replay < 5 s", `${seconds.toFixed(2)} s`, seconds < 5],
  ];
  console.log(`\n${whatIfs.join("\n")}`);
  console.log("\ntarget                                       measured                  met");
  for (const [name, value, ok] of rows)
    console.log(`${name.padEnd(44)} ${value.padEnd(25)} ${ok ? "yes" : "NO"}`);
}

/**
 * The what-ifs and references printed under the table: other Karpenter consolidation policies, the
 * oracle with the specs' headroom, reactive with the platform's HPA tolerance, and how close a
 * controller that foresaw each model's level could come to oracle (`oracleUtilization`).
 */
function referenceLines(
  config: StackConfig,
  specs: readonly ModelSpec[],
  traffic: Traffic,
  oracleUtilization: number,
): string[] {
  const lines: string[] = [];
  // What-ifs of the Karpenter consolidation of the serving pool (the deployed one drains underused
  // nodes only in the 22:00-10:00 window of `karpenterDisruption`).
  for (const policy of ["WhenEmpty", "WhenEmptyOrUnderutilized"] as const) {
    const alt = simulate(config, specs, traffic, { consolidationPolicy: policy }).strategies;
    lines.push(
      `with Karpenter ${policy} at all hours instead: ` +
        `platform ${pct(alt.platform.gpuUtilization)} utilization, ${alt.platform.sloViolationPct.toFixed(3)}% SLO-miss; ` +
        `reactive ${pct(alt.reactive.gpuUtilization)}, ${alt.reactive.sloViolationPct.toFixed(3)}%`,
    );
  }
  // What the sales' consolidation freeze costs or saves here (it matters most for few replicas).
  const unfrozen = simulate(config, specs, traffic, { salesFreeze: false }).strategies.platform;
  lines.push(
    `without the sales' consolidation freeze: platform ${pct(unfrozen.gpuUtilization)} utilization, ` +
      `${unfrozen.sloViolationPct.toFixed(3)}% SLO-miss (${unfrozen.sloMissMinutes} minutes)`,
  );
  // How much of the gap to oracle is the headroom the specs ask for (targetUtilization).
  const atTarget = simulate(config, specs, traffic, { oracleAtTarget: true }).strategies.oracle;
  lines.push(
    `oracle keeping the specs' targetUtilization headroom: ${pct(atTarget.gpuUtilization)} utilization`,
  );
  // What the forecast and event triggers add on their own: reactive with the platform's HPA tolerance.
  const tuned = simulate(config, specs, traffic, {
    reactiveTolerance: hpaTolerance(config.cluster.kubernetesVersion),
  }).strategies.reactive;
  lines.push(
    `reactive with the platform's HPA tolerance: ${pct(tuned.gpuUtilization)} utilization, ` +
      `${tuned.sloViolationPct.toFixed(3)}% SLO-miss (${tuned.sloMissMinutes} minutes)`,
  );
  // How close any forecast-driven controller could come to oracle on this traffic: one that knows
  // each model's level ahead (not the minute's noise), with no cold start, provisioning or
  // fragmentation, sized for the same SLO-miss target.
  const bound = levelForesightBound(config, specs, traffic);
  lines.push(
    `foreseeing each model's 15-minute level but not its per-minute noise, starting instantly and ` +
      `repacking every minute, at <= 0.1% SLO-miss (${bound.z.toFixed(2)} sigma of margin): ` +
      `${pct(bound.gpuUtilization)} utilization, ` +
      `${((oracleUtilization - bound.gpuUtilization) * 100).toFixed(1)} points from oracle`,
  );
  // The same foresight through the deployed controls: what they cost a controller that knew the
  // level, so what remains of the platform's gap is its forecast.
  const controlled = levelForesightBound(config, specs, traffic, { throughControls: true });
  lines.push(
    `the same foresight through the deployed controls (current-rate trigger, drain spare, HPA window, cold ` +
      `starts, node provisioning, Karpenter), at <= 0.1% SLO-miss (${controlled.z.toFixed(2)} sigma): ` +
      `${pct(controlled.gpuUtilization)} utilization, ` +
      `${((oracleUtilization - controlled.gpuUtilization) * 100).toFixed(1)} points from oracle`,
  );
  return lines;
}

/** Runs `work` between a "label ..." and its time on stderr (the report itself goes to stdout). */
function progress<T>(label: string, work: () => T): T {
  process.stderr.write(`${label} ...`);
  const started = Date.now();
  try {
    const value = work();
    process.stderr.write(` done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return value;
  } catch (err) {
    process.stderr.write(" failed\n"); // the problems start on a line of their own
    throw err;
  }
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

runCommand(() => main(process.argv.slice(2)));
