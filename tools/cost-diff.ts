/**
 * `npm run cost-diff -- --head <dir> [--base <dir>] [--stacks staging,prod] [--commit <sha>]`
 *
 * Prints the pull-request comment (markdown) comparing `<dir>/<stack>/plan.json` of the base branch
 * and of the pull request. A missing base plan is shown as a zero baseline; a missing head plan as a
 * failed plan. Used by .github/workflows/pull-request.yml. The flags are read here, the rest in
 * tools/commands/cost-diff.ts.
 */
import { runCommand } from "./capacity/command";
import { cliFlags } from "./capacity/cli-flags";

const USAGE = `Usage: npm run cost-diff -- --head <dir> [--base <dir>] [--stacks staging,prod] [--commit <sha>]

Prints the pull-request comment (markdown) comparing <dir>/<stack>/plan.json of the base branch and
of the pull request: GPU cost per pool and in total against the budget, resource count, model
changes and policy violations.

Options:
  --head <dir>       plan output folder of the pull request                 required
  --base <dir>       plan output folder of the base branch (missing: no baseline)
  --stacks <list>    comma-separated stacks                                 default: staging,prod
  --commit <sha>     commit named in the comment
  -h, --help         show this help`;

function main(argv: string[]): number {
  const flags = cliFlags(argv, USAGE, ["base", "head", "stacks", "commit"]);
  const head = flags.get("head");
  if (!head) {
    console.error(`--head is required\n\n${USAGE}`);
    return 1;
  }
  // Loaded once the flags are read: ts-node takes some 2 s to compile the plan.json schema, the
  // config loader and the Pulumi SDK, which --help and a mistyped flag do not need.
  const { costDiffCommand } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("./commands/cost-diff") as typeof import("./commands/cost-diff");
  return costDiffCommand(flags, head);
}

runCommand(() => main(process.argv.slice(2)));
