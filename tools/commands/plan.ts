/**
 * The body of `npm run plan` (tools/plan.ts), loaded once its arguments are read: runs the plan
 * pipeline (tools/plan/run-plan.ts) and turns bad input into its message and exit code 1.
 */
import * as path from "path";
import { ConfigValidationError } from "../../components/config/errors";
import { knownStacks } from "../../components/config/load";
import { checkModelSpecs } from "../../components/config/model-sources";
import { StackFileError } from "../offline/stack-file";
import { ProgramLoadError } from "../offline/run-program";
import type { PlanArgs } from "../plan/args";
import { PlanError, planFolders, runPlan } from "../plan/run-plan";

/** Whether `file` names a module `require` finds (with or without its .ts extension). */
function programResolves(file: string): boolean {
  try {
    require.resolve(path.resolve(file));
    return true;
  } catch {
    return false;
  }
}

/**
 * The model specs' own problems, for a stack file rejected before its keys are read (unknown stack,
 * a YAML error, a key Pulumi.yaml requires left unset): there is no stack config to check them
 * against, but their own checks still run, as in the offline tools, so the stack file's problem does
 * not hide theirs until the next run.
 */
function specProblemsWithoutStack(args: PlanArgs): string {
  const { projectRoot, modelsDir } = planFolders(args);
  const { problems } = checkModelSpecs(
    modelsDir,
    args.stack as string,
    {},
    knownStacks(projectRoot, modelsDir),
  );
  return problems.length > 0 ? `\n${new ConfigValidationError(problems).message}` : "";
}

/** Runs `plan` for its parsed `args` (a stack given, no --help); returns the exit code. */
export async function planCommand(args: PlanArgs): Promise<number> {
  // A mistyped --program would otherwise surface as an internal error with require's stack trace.
  if (args.programPath !== undefined && !programResolves(args.programPath)) {
    process.stderr.write(
      `plan: --program ${args.programPath}: no such module (path relative to ${process.cwd()})\n`,
    );
    return 1;
  }
  try {
    const outcome = await runPlan({
      stack: args.stack as string,
      modelsDir: args.modelsDir,
      outDir: args.outDir,
      programPath: args.programPath,
      projectRoot: args.projectRoot === undefined ? undefined : path.resolve(args.projectRoot),
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`${outcome.summary}\n`);
    if (outcome.exitCode === 2)
      process.stderr.write("plan: mandatory policy violations (see policy-report.md)\n");
    return outcome.exitCode;
  } catch (err) {
    // Bad input is reported as its message only: the stack trace would point at this tool, not the input.
    if (
      err instanceof ConfigValidationError ||
      err instanceof StackFileError ||
      err instanceof PlanError ||
      err instanceof ProgramLoadError
    ) {
      const specs = err instanceof StackFileError ? specProblemsWithoutStack(args) : "";
      process.stderr.write(
        `plan: ${err.message}${specs}\nplan: nothing written; the previous output folder is unchanged\n`,
      );
      return 1;
    }
    throw err;
  }
}
