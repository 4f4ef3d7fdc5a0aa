/**
 * Each tool answers `--help` and a mistyped flag before it loads the platform: ts-node compiles the
 * Pulumi SDK, the config schemas and the capacity replay in some 2 s, which neither needs. The child
 * records the modules it loaded (a `-r` hook) when it exits.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../helpers/program";
import { tempDirs } from "../helpers/temp-dir";

const tempDir = tempDirs("help-before-loading-");

/** Writes every loaded module's file to stderr after a marker when the process exits. */
const HOOK = `process.on("exit", () => {
  require("fs").writeSync(2, "\\nLOADED " + JSON.stringify(Object.keys(require.cache)) + "\\n");
});
`;

/** What `--help` and a mistyped flag must not load. */
const HEAVY = [
  /node_modules\/@pulumi\//,
  /node_modules\/(@kubernetes-models|kubernetes-models)\//,
  /node_modules\/(zod|yaml)\//,
  /\/components\/(capacity|config|model|delivery\/(?!prometheus-client))/,
];

/** Runs `tools/<tool>.ts` with `args`: exit code, stdout, stderr without the list, the loaded files. */
function run(tool: string, args: string[]) {
  const hook = path.join(tempDir(), "loaded-modules.js");
  fs.writeFileSync(hook, HOOK);
  const r = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "-r", hook, `tools/${tool}.ts`, ...args],
    { cwd: ROOT, encoding: "utf8" },
  );
  const at = r.stderr.lastIndexOf("\nLOADED ");
  const loaded: string[] = JSON.parse(r.stderr.slice(at + "\nLOADED ".length));
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.slice(0, at), loaded };
}

const TOOLS = ["simulate", "plan", "generate-traffic", "promote", "cost-diff"];

describe("tools answer before loading the platform", () => {
  test.each(TOOLS)("%s --help prints its usage having loaded none of it", (tool) => {
    const r = run(tool, ["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: npm run ${tool} -- `));
    expect(r.loaded.filter((f) => HEAVY.some((h) => h.test(f)))).toEqual([]);
  });

  test.each(TOOLS)("%s refuses a mistyped flag having loaded none of it", (tool) => {
    const r = run(tool, ["--dryrun"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unknown argument");
    expect(r.stderr).toContain("--dryrun");
    expect(r.loaded.filter((f) => HEAVY.some((h) => h.test(f)))).toEqual([]);
  });
});
