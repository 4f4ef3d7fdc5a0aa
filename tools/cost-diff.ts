/**
 * `npm run cost-diff -- --base <dir> --head <dir> [--stacks staging,prod] [--commit <sha>]`
 *
 * Prints the pull-request comment (markdown) comparing `<dir>/<stack>/plan.json` of the base branch
 * and of the pull request. A missing base plan is shown as a zero baseline; a missing head plan as a
 * failed plan. Used by .github/workflows/pull-request.yml.
 */
import * as fs from "fs";
import * as path from "path";
import { PlanJson, renderPrComment, StackPlans } from "../components/delivery/cost-diff";
import { InputError, parseFlags } from "./capacity/inputs";

function readPlan(dir: string | undefined, stack: string): PlanJson | undefined {
  if (!dir) return undefined;
  const file = path.join(dir, stack, "plan.json");
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, "utf8")) as PlanJson;
}

function main(argv: string[]): number {
  const flags = parseFlags(argv, ["base", "head", "stacks", "commit"]);
  const head = flags.get("head");
  if (!head) {
    console.error(
      "usage: npm run cost-diff -- --base <dir> --head <dir> [--stacks staging,prod] [--commit <sha>]",
    );
    return 1;
  }
  const base = flags.get("base");
  const stacks = (flags.get("stacks") ?? "staging,prod").split(",").filter(Boolean);
  const plans: StackPlans[] = stacks.map((stack) => ({
    stack,
    base: readPlan(base, stack),
    head: readPlan(head, stack),
  }));
  process.stdout.write(renderPrComment(plans, flags.get("commit")) + "\n");
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof InputError)) throw err;
  console.error(err.message);
  process.exitCode = 1;
}
