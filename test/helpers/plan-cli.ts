/**
 * Runs `tools/plan.ts` as a child process, as `npm run plan` does: the schema validation loads
 * ESM-only packages, which jest's CommonJS mode cannot import, so it is tested through the CLI.
 */
import * as fs from "fs";
import * as path from "path";
import { tempDirs, withProjectFile } from "./temp-dir";
import { spawnTool } from "./tool-cli";

/** The plan tests' fixture model specs. */
export const FIXTURE_MODELS = path.join(__dirname, "..", "plan", "fixtures", "models");
/** A fixture program declaring platform objects. */
export const FIXTURE_PROGRAM = path.join(__dirname, "..", "plan", "fixtures", "program.ts");
/** A folder for the test file's plans, removed after its tests. */
export const TMP = tempDirs("plan-cli-")();

/** A plan's exit code and output. */
export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs plan with `args`, the test's environment with `env` and without the models/project overrides. */
export function plan(args: string[], env: Record<string, string> = {}): Result {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.MLOPS_MODELS_DIR;
  delete childEnv.MLOPS_PROJECT_ROOT;
  const r = spawnTool("tools/plan.ts", args, { env: childEnv, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The files under `dir`, relative to it, sorted. */
export function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** The plan.json of an earlier plan: a plan's head (stack, resources), marked to be recognised. */
export const PREVIOUS_PLAN = '{"stack":"staging","resources":{"count":0,"byType":{}},"previous":true}';

/** An output folder from an earlier plan, to prove failed plans leave it alone. */
export function previousOutput(name: string): string {
  const dir = path.join(TMP, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "plan.json"), PREVIOUS_PLAN);
  return dir;
}

/** A project root under TMP holding the project file and one stack file: staging's, its text edited. */
export function stackRoot(name: string, edit: (yaml: string) => string): string {
  const root = withProjectFile(fs.mkdtempSync(path.join(TMP, `${name}-`)));
  const staging = fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.staging.yaml"), "utf8");
  fs.writeFileSync(path.join(root, "Pulumi.staging.yaml"), edit(staging));
  return root;
}
