/**
 * The body of `npm run simulate` (tools/simulate.ts), loaded once its flags are read: checks the
 * stack, the specs and the output file, reads the traffic, replays it and prints the table (and the
 * JSON). The work is in components/capacity/simulate.ts.
 */
import * as fs from "fs";
import { formatSimulationTable } from "../../components/capacity/report";
import { simulate } from "../../components/capacity/simulate";
import {
  InputError,
  loadStackAndSpecs,
  loadReplayTraffic,
  loadTraffic,
  count,
  ReplayTraffic,
  withoutRowsNotice,
} from "../capacity/inputs";
import { projectFolders, checkFlags, checkTrafficFlag } from "../capacity/cli-flags";
import { checkOutputFile, writeOutputFile } from "../capacity/output-file";
import { replayProgress } from "../capacity/replay-progress";

/** Runs `simulate` for its parsed `flags`, of which `--stack` and `--traffic` are given. */
export function simulateCommand(
  flags: ReadonlyMap<string, string>,
  stack: string,
  trafficFile: string,
): void {
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
