/**
 * `policies/write-config.ts` as the README runs it: a command line without a stack, or with a flag,
 * is refused with its usage instead of doing nothing.
 */
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..");

function writeConfig(args: string[]) {
  const r = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "policies/write-config.ts", ...args],
    { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("policies/write-config.ts", () => {
  it("exits 1 with its usage when no stack is named", () => {
    const r = writeConfig([]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("name at least one stack");
    expect(r.stderr).toContain("Usage: npx ts-node --transpile-only policies/write-config.ts <stack>");
  }, 120_000);

  it("prints its usage on --help instead of reading a stack named --help", () => {
    const r = writeConfig(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage:");
    expect(r.stderr).toBe("");
  }, 120_000);

  it("names an unknown flag without a stack trace", () => {
    const r = writeConfig(["--stack", "prod"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unknown argument --stack");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
