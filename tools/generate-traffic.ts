/**
 * `ts-node --transpile-only tools/generate-traffic.ts --stack <name> --out <csv> [--models <dir>] [--project-root <dir>]
 *  [--seed <n>] [--days <n>] [--start <ISO time>] [--noise <fraction>] [--replace-history]`
 *
 * Writes a seeded synthetic traffic CSV (diurnal and weekly shapes, noise, the stack's sales events)
 * for the models of a folder. The committed `models/traffic/sample-week.csv` comes from this tool.
 */
import {
  DEFAULT_NOISE,
  DEFAULT_TRAFFIC_START_MS,
  generateTraffic,
} from "../components/capacity/traffic-generator";
import { formatMiB, MAX_TRAFFIC_FILE_BYTES } from "../components/capacity/traffic";
import { minTrafficCsvBytes, trafficCsvBytes, trafficToCsv } from "../components/capacity/traffic-csv-writer";
import { parseZonedTime } from "../components/config/iso-time";
import { InputError, runCommand, loadStackAndSpecs, count, stackTrafficHistories } from "./capacity/inputs";
import { cliFlags, positiveIntFlag, projectFolders, checkFlags } from "./capacity/cli-flags";
import { checkOutputFile, writeOutputFile } from "./capacity/output-file";

const USAGE = `Usage: npm run generate-traffic -- --out <csv> [--stack prod] [--models <dir>] [--project-root <dir>] [--seed 7] [--days 7] [--start <time>] [--noise 0.03] [--replace-history]

Writes a seeded synthetic traffic CSV for the models of a folder: diurnal and weekly shapes, noise
and the stack's sales events. models/traffic/sample-week.csv is its output with the defaults.

Options:
  --out <csv>        file to write (missing folders are created)            required
  --stack <name>     stack whose events and time zone to use                default: prod
  --models <dir>     folder of model specs                                  default: models/
  --seed <n>         random seed, 0-999999999                               default: 7
  --days <n>         days of minutes to write, 1-366                        default: 7
  --start <time>     first minute, ISO-8601 with zone     default: 2026-12-06T16:00:00Z
                     (Monday 2026-12-07 00:00 in Shanghai, the sample week's start)
  --noise <x>        per-minute noise, standard deviation as a fraction, 0-0.2   default: 0.03
  --project-root <dir>  folder holding Pulumi.<stack>.yaml (and models/)   default: the repository
  --replace-history  allow --out to replace a stack's trafficHistory (the basis of its plan's
                     costs): regenerating the committed sample week
  -h, --help         show this help`;

function main(argv: string[]): void {
  const flags = cliFlags(
    argv,
    USAGE,
    ["stack", "out", "models", "seed", "days", "start", "noise", "project-root"],
    ["replace-history"],
  );
  const stack = flags.get("stack") ?? "prod";
  const out = flags.get("out");
  if (!out) throw new InputError("--out <csv> is required");
  const start = flags.get("start");
  const { root, modelsDir } = projectFolders(flags);
  const [, seed, days, startMs, noise, loaded] = checkFlags(
    () =>
      checkOutputFile(out, "out", {
        modelsDir,
        projectRoot: root,
        kind: "traffic-csv",
        guarded: flags.has("replace-history") ? [] : stackTrafficHistories(root),
        unless: "pass --replace-history to regenerate it",
      }),
    () => {
      const v = flags.get("seed") ?? "7";
      if (!/^\d{1,9}$/.test(v)) throw new InputError(`--seed ${v}: expected a whole number (0-999999999)`);
      return Number(v);
    },
    // A year of minutes is 525,600 rows per model: enough for any replay, small enough to write.
    () => positiveIntFlag(flags.get("days") ?? "7", "days", 366),
    () => (start === undefined ? undefined : parseStart(start)),
    () => parseNoise(flags.get("noise") ?? String(DEFAULT_NOISE)),
    () => loadStackAndSpecs(stack, modelsDir, root),
  );
  // Rows must stay four-digit years, as traffic files are read.
  const lastMinute = (startMs ?? DEFAULT_TRAFFIC_START_MS) + (days * 1440 - 1) * 60_000;
  if (!(new Date(lastMinute).getUTCFullYear() <= 9999))
    throw new InputError(`--start ${start ?? ""} with --days ${days} runs past the year 9999; start earlier`);
  const { config, specs } = loaded;
  // simulate and plan read at most MAX_TRAFFIC_FILE_BYTES: a larger file would be of no use (and its
  // text beyond what V8 can build). Refused at once when even the shortest rows (rate "0.000") would
  // not fit, otherwise after generating, on the exact size.
  const rows = specs.length * days * 1440;
  const tooLarge = (size: string) =>
    new InputError(
      `--days ${days} for ${specs.length} models is ${rows.toLocaleString("en-US")} rows (${size}), more than the ${formatMiB(MAX_TRAFFIC_FILE_BYTES)} a traffic file may have; ask for fewer --days or pass --models with fewer models; ${out} was not written`,
    );
  const shortest = minTrafficCsvBytes(
    specs.map((s) => s.name),
    startMs ?? DEFAULT_TRAFFIC_START_MS,
    days * 1440,
  );
  if (shortest > MAX_TRAFFIC_FILE_BYTES) throw tooLarge(`at least ${formatMiB(shortest)}`);
  const traffic = generateTraffic(specs, config, { seed, days, startMs, noise });
  const bytes = trafficCsvBytes(traffic);
  if (bytes > MAX_TRAFFIC_FILE_BYTES) throw tooLarge(formatMiB(bytes));
  writeOutputFile(out, trafficToCsv(traffic), "out");
  console.log(`wrote ${out}: ${count(traffic.models.length, "model")} x ${count(traffic.minutes, "minute")}`);
}

/**
 * `--start`: an ISO time with its zone (`Z` or `+08:00`; without one it would be read in this
 * machine's zone) on a whole minute, as the CSV's rows must be.
 */
function parseStart(start: string): number {
  const t = parseZonedTime(start);
  if (typeof t === "string") throw new InputError(`--start ${start}: ${t}`);
  if (new Date(t.ms).getUTCFullYear() < 2000)
    throw new InputError(`--start ${start}: must be in the year 2000 or later`);
  if (t.subMinute) throw new InputError(`--start ${start}: must be on a whole minute`);
  return t.ms;
}

/** `--noise`: the standard deviation of the multiplicative per-minute noise, 0-0.2 (0.2 is 20%). */
function parseNoise(v: string): number {
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x) || x < 0 || x > 0.2)
    throw new InputError(`--noise ${v}: expected a fraction from 0 to 0.2 (0.03 is 3% per minute)`);
  return x;
}

runCommand(() => main(process.argv.slice(2)));
