/**
 * `npm run plan -- --stack <name> [--models <dir>] [--out <dir>]`: evaluates the program offline and
 * writes the rendered plan (DESIGN section 6). Thin: parsing in tools/plan/args.ts, the pipeline in
 * tools/plan/run-plan.ts. Progress goes to stderr, the summary to stdout.
 */
import * as path from "path";
import { ConfigValidationError } from "../components/config/errors";
import { knownStacks } from "../components/config/load";
import { checkModelSpecs } from "../components/config/model-sources";
import { StackFileError } from "./offline/stack-file";
import { ProgramLoadError } from "./offline/run-program";
import { ArgsError, PlanArgs, parsePlanArgs, USAGE } from "./plan/args";
import { PlanError, planFolders, runPlan } from "./plan/run-plan";

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

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parsePlanArgs(argv);
  } catch (err) {
    if (!(err instanceof ArgsError)) throw err;
    process.stderr.write(`plan: ${err.message}\n\n${USAGE}\n`);
    return 1;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
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

// A check that needs a cloud answer (the region's zones) fails inside an Output, where no caller can
// catch it: its message is the problem, and a stack trace would point at the SDK, not the input.
process.on("unhandledRejection", (err: unknown) => {
  const message = (err instanceof Error ? err.message : String(err)).replace(
    /^error serializing property "[^"]*": /,
    "",
  );
  process.stderr.write(`plan: ${message}\nplan: nothing written; the previous output folder is unchanged\n`);
  process.exit(1);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `plan: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
