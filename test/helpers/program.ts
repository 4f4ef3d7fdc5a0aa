/**
 * Test helpers over the offline runner: run a stack once, then look resources up by type and name.
 * Every resource the program declares is recorded; unmocked invokes throw (tools/offline/mock-cloud.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { RecordedResource } from "../../tools/offline/mock-cloud";
import { ProgramRun, RunOptions, runProgram } from "../../tools/offline/run-program";

/** Repository root. */
export const ROOT = path.resolve(__dirname, "..", "..");

/** Runs the program for a stack (see `runProgram`). */
export function runStack(stack: string, opts: Omit<RunOptions, "stack"> = {}): Promise<ProgramRun> {
  return runProgram({ stack, ...opts });
}

/** All resources of a type token, e.g. `kubernetes:karpenter.sh/v1:NodePool`. */
export function ofType(run: ProgramRun, type: string): RecordedResource[] {
  return run.resources.filter((r) => r.type === type);
}

/** The single resource with this type and Pulumi name; throws with the names present when absent. */
export function one(run: ProgramRun, type: string, name: string): RecordedResource {
  const found = run.resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) {
    const names = ofType(run, type).map((r) => r.name);
    throw new Error(
      `expected one ${type} named ${name}, found ${found.length}; names of that type: ${names.join(", ")}`,
    );
  }
  return found[0];
}

/**
 * Makes a throw-away project root holding a copy of Pulumi.yaml and one stack file whose
 * `mlops-platform:` values are changed by `edit`, for bad-config tests.
 */
export function tempStack(
  stack: string,
  edit: (config: Record<string, unknown>) => void,
  base = "staging",
): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require("yaml") as typeof import("yaml");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-stack-"));
  fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  const doc = YAML.parse(fs.readFileSync(path.join(ROOT, `Pulumi.${base}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  edit(doc.config);
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), YAML.stringify(doc));
  return dir;
}
