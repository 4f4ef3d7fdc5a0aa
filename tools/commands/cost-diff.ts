/**
 * The body of `npm run cost-diff` (tools/cost-diff.ts), loaded once its flags are read: reads each
 * stack's base and head plan.json and prints the pull-request comment.
 */
import * as fs from "fs";
import * as path from "path";
import { PlanJson, planJsonProblems, renderPrComment, StackPlans } from "../../components/delivery/cost-diff";
import { projectStacks } from "../../components/config/load";
import { InputError, PROJECT_ROOT } from "../capacity/command";

/**
 * `<dir>/<stack>/plan.json`, or `undefined` if the plan was not written (the plan failed, or the
 * stack is new on this side). A file that is not a plan is an error on the pull request's side; on
 * the base side it is reported and shown as no baseline, so a base from before a format change
 * still gives a comment.
 */
function readPlan(dir: string | undefined, stack: string, side: "base" | "head"): PlanJson | undefined {
  if (!dir) return undefined;
  const file = path.join(dir, stack, "plan.json");
  if (!fs.existsSync(file)) return undefined;
  let problems: string[];
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, "utf8"));
    problems = planJsonProblems(value);
    // A plan copied under the wrong stack's folder would be compared with the other stack's.
    const planned = (value as { stack?: unknown }).stack;
    if (problems.length === 0 && planned !== stack)
      problems.push(`stack: is ${JSON.stringify(planned)}, but the file is under ${stack}/`);
  } catch (err) {
    problems = [`not JSON: ${(err as Error).message}`];
  }
  if (problems.length === 0) return value as PlanJson;
  const listing = problems.map((p) => `  - ${p}`).join("\n");
  if (side === "head") throw new InputError(`${file} is not a plan.json of this version:\n${listing}`);
  process.stderr.write(
    `cost-diff: base ${file} is not a plan.json of this version, shown as no baseline:\n${listing}\n`,
  );
  return undefined;
}

/** The folder above `dir`, written as `dir` is: absolute, or relative to the working folder. */
function parentFolder(dir: string): string {
  const parent = path.dirname(path.resolve(dir));
  return path.isAbsolute(dir) ? parent : path.relative(process.cwd(), parent) || ".";
}

/** Runs `cost-diff` for its parsed `flags`, of which `--head` is given; returns the exit code. */
export function costDiffCommand(flags: ReadonlyMap<string, string>, head: string): number {
  const base = flags.get("base");
  // A missing plan reads as "plan failed" (head) or "no baseline" (base). A missing folder is that
  // too when every plan of a side failed (CI still posts the comment), so it is only reported; a
  // stack that is not the project's is an error, as it could only be a typo.
  const sides: [string, string | undefined, string][] = [
    ["head", head, "a failed plan"],
    ["base", base, "without a baseline"],
  ];
  for (const [flag, dir, shown] of sides)
    if (dir !== undefined && fs.existsSync(dir) && !fs.statSync(dir).isDirectory())
      throw new InputError(
        `--${flag} ${dir}: is a file; give the plan output folder (holding <stack>/plan.json)`,
      );
    else if (dir !== undefined && fs.existsSync(path.join(dir, "plan.json")))
      // One stack's folder (out/staging) given for the output folder (out): every stack would read
      // as a failed plan or no baseline.
      throw new InputError(
        `--${flag} ${dir}: holds plan.json itself, so it is one stack's folder; give the folder above it (${parentFolder(dir)}), which holds <stack>/plan.json`,
      );
    else if (dir !== undefined && !fs.existsSync(dir))
      process.stderr.write(
        `cost-diff: --${flag} ${dir}: folder not found; every stack is shown as ${shown}\n`,
      );
  const known = projectStacks(PROJECT_ROOT);
  const stacks = (flags.get("stacks") ?? "staging,prod").split(",").map((s) => s.trim());
  const unknown = stacks.filter((s) => !known.includes(s));
  const twice = stacks.filter((s, i) => known.includes(s) && stacks.indexOf(s) !== i);
  if (unknown.length > 0 || twice.length > 0)
    throw new InputError(
      [
        ...(unknown.length > 0
          ? [
              `--stacks: unknown stack ${unknown.map((s) => JSON.stringify(s)).join(", ")}; stacks: ${known.join(", ")}`,
            ]
          : []),
        ...(twice.length > 0 ? [`--stacks: ${[...new Set(twice)].join(", ")} given twice`] : []),
      ].join("\n"),
    );
  // Every stack's head plan is read before one that is broken stops the run: all problems at once.
  const errors: string[] = [];
  const plans: StackPlans[] = stacks.map((stack) => {
    let headPlan: PlanJson | undefined;
    try {
      headPlan = readPlan(head, stack, "head");
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors.push(err.message);
    }
    return { stack, base: readPlan(base, stack, "base"), head: headPlan };
  });
  if (errors.length > 0) throw new InputError(errors.join("\n"));
  process.stdout.write(renderPrComment(plans, flags.get("commit")) + "\n");
  return 0;
}
