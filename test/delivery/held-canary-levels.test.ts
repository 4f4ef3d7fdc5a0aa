/**
 * The deploy job's step that keeps held canary levels (scripts/held-canary-levels.sh, then
 * tools/carry-canary-levels.ts): an output that is not held levels, or a failing `pulumi stack
 * output`, must stop the deploy, not read as "nothing held" (a black-box review: `"[secret]"`, 42,
 * true and null exited 0 and printed nothing, and the workflow's `2>/dev/null` turned any failure
 * of pulumi into empty input). `pulumi` is a stand-in script on the PATH printing what the real CLI
 * prints (its "current stack does not have output property" error is pulumi/pkg's).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { levelsToCarry } from "../../components/delivery/carry-levels";
import { ROOT } from "../helpers/program";
import { tempDirs } from "../helpers/temp-dir";

const tempDir = tempDirs("held-levels-");
const V43 = "s3://<artifacts>/homepage-feed/v43";

describe("an output that is not a map of held levels is refused, by kind", () => {
  test.each([
    [null, "null"],
    [42, "a number"],
    [true, "a boolean"],
    ["[secret]", "a string"],
    [[1, 2], "a list"],
  ])("%j", (output, kind) => {
    expect(() => levelsToCarry(output, new Map([["homepage-feed", V43]]))).toThrow(
      `the stack's canaryTraffic output is not a map of held levels ({<model>: {percent, modelUri}}): it is ${kind}`,
    );
  });

  test("each bad level is named with its value and what is allowed", () => {
    expect(() => levelsToCarry({ a: "x", "homepage-feed": { percent: 5, extra: 1 } }, new Map())).toThrow(
      'a = "x": must be a whole percentage from 0 to 100, or a map with percent, modelUri (written by npm run promote); homepage-feed.extra: unknown key; allowed keys: percent, modelUri',
    );
  });
});

/** Runs the script with a `pulumi` that prints `stdout`, `stderr` and exits `status`. */
function runScript(pulumi: { stdout?: string; stderr?: string; status: number }) {
  const bin = tempDir();
  fs.writeFileSync(path.join(bin, "out"), pulumi.stdout ?? "");
  fs.writeFileSync(path.join(bin, "err"), pulumi.stderr ?? "");
  fs.writeFileSync(
    path.join(bin, "pulumi"),
    `#!/bin/sh\necho "$@" > "${bin}/args"\ncat "${bin}/out"\ncat "${bin}/err" >&2\nexit ${pulumi.status}\n`,
    { mode: 0o755 },
  );
  const r = spawnSync("bash", ["scripts/held-canary-levels.sh", "acme/mlops-platform/staging", "staging"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  return {
    status: r.status,
    out: r.stdout,
    err: r.stderr,
    args: fs.readFileSync(path.join(bin, "args"), "utf8"),
  };
}

describe("scripts/held-canary-levels.sh (the deploy workflow's step)", () => {
  test("the deployed levels of the stack's canaries, on one line", () => {
    const r = runScript({
      stdout: JSON.stringify({ "homepage-feed": { percent: 0, modelUri: V43 } }),
      status: 0,
    });
    expect(r.args.trim()).toBe("stack output canaryTraffic --json --stack acme/mlops-platform/staging");
    expect([r.status, r.out, r.err]).toEqual([
      0,
      `${JSON.stringify({ "homepage-feed": { percent: 0, modelUri: V43 } })}\n`,
      "",
    ]);
  });

  test.each([
    "error: current stack does not have output property 'canaryTraffic'",
    "error: no stack named 'acme/mlops-platform/staging' found",
  ])("a stack without the output holds nothing: %s", (stderr) => {
    expect(runScript({ stderr, status: 255 })).toMatchObject({ status: 0, out: "" });
  });

  test("any other failure of pulumi stops the deploy, with pulumi's message", () => {
    const r = runScript({
      stderr: "error: [401] Unauthorized: No credentials provided or are invalid.",
      status: 255,
    });
    expect(r.status).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain("pulumi stack output canaryTraffic --stack acme/mlops-platform/staging failed");
    expect(r.err).toContain("[401] Unauthorized");
  });

  test("an output that is a secret's mask stops the deploy without printing a level", () => {
    const r = runScript({ stdout: '"[secret]"', status: 0 });
    expect(r.status).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toContain("it is a string");
  });
});
