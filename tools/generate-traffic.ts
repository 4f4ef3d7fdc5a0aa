/**
 * `ts-node --transpile-only tools/generate-traffic.ts --stack <name> --out <csv> [--models <dir>]
 *  [--seed <n>] [--days <n>] [--start <ISO time>]`
 *
 * Writes a seeded synthetic traffic CSV (diurnal and weekly shapes, noise, the stack's sales events)
 * for the models of a folder. The committed `models/traffic/sample-week.csv` comes from this tool.
 */
import * as path from "path";
import { generateTraffic } from "../components/capacity/traffic-generator";
import { trafficToCsv } from "../components/capacity/traffic";
import {
  InputError,
  loadModelSpecs,
  loadStackConfig,
  parseFlags,
  positiveIntFlag,
  PROJECT_ROOT,
  checkOutputFile,
  writeOutputFile,
} from "./capacity/inputs";

function main(argv: string[]): void {
  const flags = parseFlags(argv, ["stack", "out", "models", "seed", "days", "start"]);
  const stack = flags.get("stack") ?? "prod";
  const out = flags.get("out");
  if (!out) throw new InputError("--out <csv> is required");
  checkOutputFile(out, "out");
  const config = loadStackConfig(stack);
  const specs = loadModelSpecs(flags.get("models") ?? path.join(PROJECT_ROOT, "models"), stack, config);
  const seed = flags.get("seed") ?? "7";
  if (!/^\d{1,9}$/.test(seed)) throw new InputError(`--seed ${seed}: expected a whole number (0-999999999)`);
  // A year of minutes is 525,600 rows per model: enough for any replay, small enough to write.
  const days = positiveIntFlag(flags.get("days") ?? "7", "days", 366);
  const start = flags.get("start");
  const startMs = start === undefined ? undefined : parseStart(start);
  const traffic = generateTraffic(specs, config, { seed: Number(seed), days, startMs });
  writeOutputFile(out, trafficToCsv(traffic), "out");
  console.log(`wrote ${out}: ${traffic.models.length} models x ${traffic.minutes} minutes`);
}

/**
 * `--start`: an ISO time with its zone (`Z` or `+08:00`; without one it would be read in this
 * machine's zone) on a whole minute, as the CSV's rows must be.
 */
function parseStart(start: string): number {
  const ms = Date.parse(start);
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(start) || Number.isNaN(ms))
    throw new InputError(`--start ${start}: expected an ISO time with a zone, e.g. 2026-12-06T16:00:00Z`);
  if (ms % 60_000 !== 0) throw new InputError(`--start ${start}: must be on a whole minute`);
  return ms;
}

try {
  main(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof InputError)) throw err;
  console.error(err.message);
  process.exit(1);
}
