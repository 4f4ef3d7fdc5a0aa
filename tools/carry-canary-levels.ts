/**
 * `pulumi stack output canaryTraffic --json --stack <s> | npm run --silent carry-canary-levels -- --stack <name> [--models <dir>]`
 *
 * Prints the `mlops-platform:canaryTraffic` value that keeps the canary levels the deployed stack
 * holds (`components/delivery/carry-levels.ts`), for the deploy job to `pulumi config set` before
 * `pulumi up`; prints nothing when there is none (a first deployment has no output). Exit 1 when
 * the input is not the stack output.
 */
import * as fs from "fs";
import * as path from "path";
import { levelsToCarry } from "../components/delivery/carry-levels";
import { InputError, loadStackAndSpecs, PROJECT_ROOT, runCommand } from "./capacity/inputs";
import { cliFlags } from "./capacity/cli-flags";

const USAGE = `Usage: pulumi stack output canaryTraffic --json --stack <s> | npm run --silent carry-canary-levels -- --stack <name> [--models <dir>]

Prints the mlops-platform:canaryTraffic value that keeps the canary levels the deployed stack holds
(a rolled-back canary at 0% until its pull request merges), for the canaries the stack's specs still
deploy; nothing when there is none to hold.

Options:
  --stack <name>   stack (Pulumi.<name>.yaml)  required
  --models <dir>   folder of model specs       default: models/
  -h, --help       show this help`;

function main(argv: string[]): void {
  const flags = cliFlags(argv, USAGE, ["stack", "models"]);
  const stack = flags.get("stack");
  if (!stack) throw new InputError(`--stack is required\n\n${USAGE}`);
  const dir = path.resolve(flags.get("models") ?? path.join(PROJECT_ROOT, "models"));
  const text = fs.readFileSync(0, "utf8").trim();
  // The specs are checked even without output: a deploy of broken specs stops here, named.
  const { specs } = loadStackAndSpecs(stack, dir);
  if (text === "") return;
  let output: unknown;
  try {
    output = JSON.parse(text);
  } catch {
    throw new InputError(
      `standard input is not JSON (pulumi stack output canaryTraffic --json): ${text.slice(0, 80)}`,
    );
  }
  const canaries = new Map(specs.flatMap((s) => (s.canary ? [[s.name, s.canary.modelUri] as const] : [])));
  let levels;
  try {
    levels = levelsToCarry(output, canaries);
  } catch (err) {
    throw new InputError((err as Error).message);
  }
  if (levels) process.stdout.write(`${JSON.stringify(levels)}\n`);
}

runCommand(() => main(process.argv.slice(2)));
