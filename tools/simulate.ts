/**
 * `npm run simulate -- --stack <name> --traffic <csv> [--models <dir>] [--project-root <dir>] [--json <file>]`
 *
 * Replays per-minute traffic through the static, reactive, platform and oracle strategies and prints
 * utilization, GPU-hours, cost and SLO misses (DESIGN section 6). Bad input exits 1 with the
 * problems, no stack trace. Thin: the work is in components/capacity/simulate.ts.
 */
import * as fs from "fs";
import { formatSimulationTable } from "../components/capacity/report";
import { simulate } from "../components/capacity/simulate";
import {
  InputError,
  runCommand,
  loadStackAndSpecs,
  loadReplayTraffic,
  loadTraffic,
  count,
  ReplayTraffic,
  withoutRowsNotice,
} from "./capacity/inputs";
import { cliFlags, projectFolders, checkFlags, checkTrafficFlag } from "./capacity/cli-flags";
import { checkOutputFile, writeOutputFile } from "./capacity/output-file";
import { replayProgress } from "./capacity/replay-progress";

const USAGE = `Usage: npm run simulate -- --stack <name> --traffic <csv> [--models <dir>] [--project-root <dir>] [--json <file>]

Replays a per-minute traffic CSV (timestamp,model,rps) through the static, reactive, platform and
oracle strategies and prints GPU utilization, GPU-hours, cost and SLO-miss minutes per strategy.

Options:
  --stack <name>     stack whose pools, prices and events to use (Pulumi.<name>.yaml)   required
  --traffic <csv>    traffic to replay, e.g. models/traffic/sample-week.csv              required
  --models <dir>     folder of model specs                                  default: models/
  --json <file>      also write the result as JSON (DESIGN section 6)
  --project-root <dir>  folder holding Pulumi.<stack>.yaml (and models/)   default: the repository
  -h, --help         show this help`;

function main(argv: string[]): void {
  const flags = cliFlags(argv, USAGE, ["stack", "traffic", "models", "json", "project-root"]);
  const stack = flags.get("stack");
  const trafficFile = flags.get("traffic");
  if (!stack || !trafficFile) throw new InputError(`--stack and --traffic are required\n${USAGE}`);
  const { root, modelsDir } = projectFolders(flags);
  // Everything that can be checked before the traffic is read, at once.
  let loaded: ReturnType<typeof loadStackAndSpecs>;
  let specsFailed = false;
  try {
    [, loaded] = checkFlags(
      () => checkTrafficFlag(trafficFile),
      () => {
        try {
          return loadStackAndSpecs(stack, modelsDir, root);
        } catch (err) {
          specsFailed = true;
          throw err;
        }
      },
      () =>
        flags.has("json")
          ? checkOutputFile(flags.get("json") as string, "json", {
              files: [trafficFile],
              modelsDir,
              projectRoot: root,
              kind: "json",
            })
          : undefined,
    );
  } catch (err) {
    // Only a bad --json (or --traffic): nothing more to say about the CSV yet.
    if (!(err instanceof InputError) || !specsFailed || !fs.existsSync(trafficFile)) throw err;
    // The stack or the specs are broken: the CSV's own problems (rows, timestamps, rates) are listed
    // too, so that both are fixed in one round; its model names wait for specs that load.
    process.stderr.write(`checking ${trafficFile} as well ...\n`);
    throw new InputError([err.message, ...trafficProblems(trafficFile)].join("\n"));
  }
  const { config, specs } = loaded;
  const reading = Date.now();
  process.stderr.write(`reading ${trafficFile} ...`);
  let replay: ReplayTraffic;
  try {
    replay = loadReplayTraffic(trafficFile, specs, stack);
  } catch (err) {
    process.stderr.write(" failed\n"); // the problems start on a line of their own
    throw err;
  }
  const { traffic, withoutRows } = replay;
  process.stderr.write(
    ` ${count(traffic.models.length, "model")} x ${count(traffic.minutes, "minute")} in ${((Date.now() - reading) / 1000).toFixed(2)} s\n`,
  );
  const notice = withoutRowsNotice(trafficFile, withoutRows);
  if (notice) process.stderr.write(`${notice}\n`);
  const started = Date.now();
  const progress = replayProgress((t) => process.stderr.write(t), process.stderr.isTTY === true);
  const result = simulate(config, specs, traffic, { onProgress: progress.onProgress });
  progress.done(`replayed in ${((Date.now() - started) / 1000).toFixed(2)} s`);
  console.log(formatSimulationTable(result));
  const json = flags.get("json");
  if (json) {
    writeOutputFile(
      json,
      JSON.stringify({ stack, traffic: trafficFile, modelsWithoutRows: withoutRows, ...result }, null, 2) +
        "\n",
      "json",
    );
    console.log(`wrote ${json}`);
  }
}

/** The traffic file's problems of its own, whatever models it names; none when it parses. */
function trafficProblems(file: string): string[] {
  try {
    loadTraffic(file);
    return [];
  } catch (err) {
    if (err instanceof InputError) return [err.message];
    throw err;
  }
}

runCommand(() => main(process.argv.slice(2)));
