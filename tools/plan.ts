/**
 * `npm run plan -- --stack <name> [--models <dir>] [--out <dir>]`: evaluates the program offline and
 * writes the rendered plan (DESIGN section 6). Thin: parsing in tools/plan/args.ts, the rest loaded
 * after it from tools/commands/plan.ts, the pipeline in tools/plan/run-plan.ts. Progress goes to
 * stderr, the summary to stdout.
 */
import { ArgsError, parsePlanArgs, USAGE } from "./plan/args";

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
  // Loaded once the arguments are read: ts-node takes some 2 s to compile the program, the Pulumi
  // SDK and the policies, which --help and a mistyped flag do not need.
  const { planCommand } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("./commands/plan") as typeof import("./commands/plan");
  return planCommand(args);
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
