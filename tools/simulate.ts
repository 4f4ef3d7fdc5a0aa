/**
 * `npm run simulate -- --stack <name> --traffic <csv> [--models <dir>] [--project-root <dir>] [--json <file>]`
 *
 * Replays per-minute traffic through the static, reactive, platform and oracle strategies and prints
 * utilization, GPU-hours, cost and SLO misses (DESIGN section 6). Bad input exits 1 with the
 * problems, no stack trace. Thin: the flags here, the command in tools/commands/simulate.ts, the work
 * in components/capacity/simulate.ts.
 */
import { InputError, runCommand } from "./capacity/command";
import { cliFlags } from "./capacity/cli-flags";

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
  // Loaded once the flags are read: ts-node takes some 2 s to compile the replay, the config schemas
  // and the Pulumi SDK, which --help and a mistyped flag do not need.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { simulateCommand } = require("./commands/simulate") as typeof import("./commands/simulate");
  simulateCommand(flags, stack, trafficFile);
}

runCommand(() => main(process.argv.slice(2)));
