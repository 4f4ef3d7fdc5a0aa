/**
 * The command-line tools some tests run (promtool, python3): a test that needs a missing one is
 * skipped on a developer's machine and fails in CI (`CI=true`), where `.ci/run` installs them.
 */
import { execFileSync } from "child_process";

const INSTALL: Record<string, string> = {
  promtool: "run scripts/install-prom-tools.sh (Debian package prometheus)",
  python3: "apt-get install python3",
};

/** Whether `tool` runs here; in CI a missing tool is an error, not a skip. */
export function hasTool(tool: string): boolean {
  try {
    execFileSync(tool, ["--version"], { stdio: "pipe" });
    return true;
  } catch {
    if (process.env.CI === "true")
      throw new Error(`${tool} is required in CI: ${INSTALL[tool] ?? "install it"}`);
    return false;
  }
}

/** `test` where `tool` runs, `test.skip` where it does not (outside CI). */
export function testWith(tool: string): jest.It {
  return hasTool(tool) ? test : test.skip;
}
