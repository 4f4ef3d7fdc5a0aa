/**
 * `npm run promote -- --stack <name> --model <name> [--dry-run] [--prometheus <url>] [--models <dir>]`
 *
 * Metric-gated progressive canary (components/delivery/promote.ts) through the Pulumi Automation API:
 * each step of `canary.analysis.steps` sets the canary's traffic and runs `pulumi up`, waits
 * `intervalMinutes`, asks Prometheus with the `ModelCanaryDegraded` expressions, then advances or rolls
 * back (exit 3). At 100 the canary becomes stable and `models/<model>.yaml` is rewritten. Resumes from
 * the step deployed in the stack. `--dry-run` prints the plan and the queries and changes nothing.
 *
 * Needs the Pulumi CLI, the stack's credentials and a reachable Prometheus (e.g. `kubectl -n monitoring
 * port-forward svc/kube-prometheus-stack-prometheus 9090`); the default URL is $PROMETHEUS_URL or
 * http://localhost:9090. The flags are read here, the rest in tools/commands/promote.ts.
 */
import { InputError } from "./capacity/command";
import { cliFlags } from "./capacity/cli-flags";

const USAGE = `Usage: npm run promote -- --stack <name> (--model <name> | --all) [--dry-run] [--prometheus <url>] [--models <dir>]

Metric-gated progressive canary: for each step of canary.analysis.steps sets the canary's traffic and
runs pulumi up, waits intervalMinutes, checks the ModelCanaryDegraded expressions in Prometheus, then
advances or rolls back. At 100 the canary becomes stable and models/<model>.yaml is rewritten.
Exit 0: promoted (or nothing to do); 3: rolled back; 1: bad input or failure.

Options:
  --stack <name>       stack to promote in                                  required
  --model <name>       model whose canary to promote                        (or --all)
  --all                every model with a canary in this stack, one after the other
  --dry-run            print the steps and the queries, change nothing
  --prometheus <url>   Prometheus of the stack        default: $PROMETHEUS_URL or http://localhost:9090
  --models <dir>       folder of model specs                                default: models/
  -h, --help           show this help`;

async function main(argv: string[]): Promise<number> {
  const flags = cliFlags(argv, USAGE, ["stack", "model", "prometheus", "models"], ["all", "dry-run"]);
  const stack = flags.get("stack");
  const model = flags.get("model");
  const all = flags.has("all");
  if (!stack || (!model && !all)) {
    console.error(`${stack ? "--model or --all" : "--stack"} is required\n\n${USAGE}`);
    return 1;
  }
  // Both would be read as --all, promoting every canary where one was meant.
  if (model && all) throw new InputError(`--model ${model} and --all: give one of them; nothing was changed`);
  // Loaded once the flags are read: ts-node takes some 2 s to compile the Automation API, the config
  // schemas and the Pulumi SDK, which --help and a mistyped flag do not need.
  const { promoteCommand } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("./commands/promote") as typeof import("./commands/promote");
  return promoteCommand(flags, stack, model, all);
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: Error) => {
    console.error(err instanceof InputError ? err.message : `promote failed: ${err.message}`);
    process.exitCode = 1;
  },
);
