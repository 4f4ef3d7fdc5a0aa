/**
 * promtool for the rule tests: `promtool check rules` and `promtool test rules` on files written to
 * a temporary folder, and request counters sampled for its input series.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";

/** Where the Debian package installs promtool (scripts/install-prom-tools.sh). */
export const PROMTOOL = "/usr/bin/promtool";

/** promtool must exist under CI; locally a missing promtool skips the promtool tests. */
export function havePromtool(): boolean {
  if (fs.existsSync(PROMTOOL)) return true;
  if (process.env.CI === "true") throw new Error(`${PROMTOOL} is missing (apt-get install prometheus)`);
  return false;
}

/** `content` written to a file `name` in a fresh temporary folder; returns the file's path. */
export function tmpFile(name: string, content: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "capacity-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

/** Runs `promtool test rules` on a unit-test file and expects every case to pass. */
export function expectPromtoolTestPasses(test: unknown): void {
  const file = tmpFile("test.yaml", YAML.stringify(test));
  const run = spawnSync(PROMTOOL, ["test", "rules", file], { encoding: "utf8" });
  expect(run.stdout + run.stderr).toContain("SUCCESS");
  expect(run.status).toBe(0);
}

/** Samples of a request counter, one per minute from 0, that grows by each minute's rate x 60. */
export function requestCounter(perMinute: ArrayLike<number>): number[] {
  const counter = [0];
  for (let i = 0; i < perMinute.length; i++) counter.push(counter[counter.length - 1] + perMinute[i] * 60);
  return counter;
}

/**
 * Runs `promtool test rules` on `rules` with the unit `tests` (promtool's test-file format) at
 * `evaluationInterval`; every test must pass.
 */
export function expectRuleTestsPass(rules: unknown, evaluationInterval: string, tests: unknown[]): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-rule-tests-"));
  try {
    fs.writeFileSync(path.join(dir, "rules.yaml"), YAML.stringify(rules));
    fs.writeFileSync(
      path.join(dir, "test.yaml"),
      YAML.stringify({ rule_files: ["rules.yaml"], evaluation_interval: evaluationInterval, tests }),
    );
    const run = spawnSync("promtool", ["test", "rules", "test.yaml"], { cwd: dir, encoding: "utf8" });
    expect(run.stdout + run.stderr).toContain("SUCCESS");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
