/**
 * What every tool's entry needs before its arguments are read: the input-problem error, the runner
 * that turns it into a one-message refusal, and the repository root. Imports nothing of the
 * platform, so that a tool's `--help` and a mistyped flag answer before ts-node compiles the Pulumi
 * SDK, the config schemas and the capacity replay (some 2 s), which the tools load after parsing.
 */
import * as path from "path";

/** A user-facing input problem (bad stack, spec or CSV); the CLI prints `message` and exits 1. */
export class InputError extends Error {}

/**
 * Runs a command's synchronous `main`: its returned exit code, if any, becomes the process's; an
 * `InputError` is the command's one-message refusal (stderr, exit code 1, no stack trace); anything
 * else is a bug and keeps its stack trace.
 */
export function runCommand(main: () => number | void): void {
  try {
    const code = main();
    if (typeof code === "number") process.exitCode = code;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    console.error(err.message);
    process.exitCode = 1;
  }
}

/** Repository root (two levels above this file). */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
