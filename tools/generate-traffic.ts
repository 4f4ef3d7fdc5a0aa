/**
 * `ts-node --transpile-only tools/generate-traffic.ts --stack <name> --out <csv> [--models <dir>] [--project-root <dir>]
 *  [--seed <n>] [--days <n>] [--start <ISO time>] [--noise <fraction>] [--peak-to-trough <min>-<max>]
 *  [--flash-sale <ISO start>/<minutes>/<multiplier>[/<ramp minutes>],...] [--replace-history]`
 *
 * Writes a seeded synthetic traffic CSV (diurnal and weekly shapes, noise, the stack's sales events,
 * undeclared flash sales) for the models of a folder. The committed `models/traffic/sample-week.csv` comes from this tool.
 * The flags are read here, the rest in tools/commands/generate-traffic.ts.
 */
import { InputError, runCommand } from "./capacity/command";
import { cliFlags } from "./capacity/cli-flags";

const USAGE = `Usage: npm run generate-traffic -- --out <csv> [--stack prod] [--models <dir>] [--project-root <dir>] [--seed 7] [--days 7] [--start <time>] [--noise 0.03]
       [--peak-to-trough <min>-<max>] [--flash-sale <start>/<minutes>/<multiplier>[/<ramp>],...] [--replace-history]

Writes a seeded synthetic traffic CSV for the models of a folder: diurnal and weekly shapes, noise,
the stack's sales events and undeclared flash sales. models/traffic/sample-week.csv is its output with the defaults.

Options:
  --out <csv>        file to write (missing folders are created)            required
  --stack <name>     stack whose events and time zone to use                default: prod
  --models <dir>     folder of model specs                                  default: models/
  --seed <n>         random seed, 0-999999999                               default: 7
  --days <n>         days of minutes to write, 1-366                        default: 7
  --start <time>     first minute, ISO-8601 with zone     default: 2026-12-06T16:00:00Z
                     (Monday 2026-12-07 00:00 in Shanghai, the sample week's start)
  --noise <x>        per-minute noise, standard deviation as a fraction, 0-0.2   default: 0.03
  --peak-to-trough <min>-<max>  each model's diurnal ratio, its busiest clock hour's mean over
                     its quietest's on every day (noise aside), drawn from the range with the seed;
                     1-100, or one ratio (8)      default: the generator's own, 3.3-7.5x on the sample week
  --flash-sale <start>/<minutes>/<multiplier>[/<ramp minutes>]
                     an UNDECLARED sale (not in the stack's events: no pre-scale, and the base
                     traffic is not sized for it): every model's traffic times the multiplier (1-50)
                     for the minutes (the ramp included), from the start (ISO-8601 with zone, whole
                     minute). Without a ramp it steps up at the start, as declared events are
                     generated; with one it rises linearly to the multiplier over the ramp's
                     minutes. It always steps back at the end; overlapping sales and events take
                     the largest multiplier. Several: separate with commas
                     (e.g. 2026-12-09T12:00Z/120/8,2026-12-10T03:30Z/60/3/20)   default: none
  --project-root <dir>  folder holding Pulumi.<stack>.yaml (and models/)   default: the repository
  --replace-history  allow --out to replace a stack's trafficHistory (the basis of its plan's
                     costs): regenerating the committed sample week
  -h, --help         show this help`;

function main(argv: string[]): void {
  const flags = cliFlags(
    argv,
    USAGE,
    [
      "stack",
      "out",
      "models",
      "seed",
      "days",
      "start",
      "noise",
      "peak-to-trough",
      "flash-sale",
      "project-root",
    ],
    ["replace-history"],
  );
  const out = flags.get("out");
  if (!out) throw new InputError("--out <csv> is required");
  // Loaded once the flags are read: ts-node takes some 2 s to compile the generator, the config
  // schemas and the Pulumi SDK, which --help and a mistyped flag do not need.
  const { generateTrafficCommand } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("./commands/generate-traffic") as typeof import("./commands/generate-traffic");
  generateTrafficCommand(flags, out);
}

runCommand(() => main(process.argv.slice(2)));
