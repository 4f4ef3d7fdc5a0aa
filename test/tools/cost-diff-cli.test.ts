/** cost-diff run as a child process: its usage, and the plan folders it accepts or refuses. */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../helpers/program";
import { tempDirs } from "../helpers/temp-dir";
import { runTool as run } from "../helpers/tool-cli";

const tempDir = tempDirs("yaml-");

describe("cost-diff", () => {
  const plan = path.join(ROOT, "test", "fixtures", "plans", "head-prod.json");
  /** A plan output folder with the prod fixture plan under `stackDir`/. */
  function headFolder(stackDir: string): string {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, stackDir));
    fs.copyFileSync(plan, path.join(dir, stackDir, "plan.json"));
    return dir;
  }
  const costDiff = (...args: string[]) => run("tools/cost-diff.ts", args);

  test("its usage line shows --base, which may be left out, as optional", () => {
    const usage = costDiff("--help").out.split("\n")[0];
    expect(usage).toContain("--head <dir> [--base <dir>]");
    expect(costDiff("--head", headFolder("prod"), "--stacks", "prod")).toMatchObject({ status: 0 });
  });

  test("renders the fixture plan, and refuses it under another stack's folder", () => {
    expect(costDiff("--head", headFolder("prod"), "--stacks", "prod")).toMatchObject({ status: 0 });
    const r = costDiff("--head", headFolder("staging"), "--stacks", "staging");
    expect(r.status).toBe(1);
    expect(r.out).toContain('stack: is "prod", but the file is under staging/');
  });

  test("a file for --head, a stack given twice or an empty one are errors, not an empty comment", () => {
    const file = costDiff("--head", plan);
    expect(file.status).toBe(1);
    expect(file.out).toContain(`--head ${plan}: is a file; give the plan output folder`);
    const twice = costDiff("--head", headFolder("prod"), "--stacks", "prod,prod");
    expect(twice).toMatchObject({ status: 1 });
    expect(twice.out).toContain("--stacks: prod given twice");
    const empty = costDiff("--head", headFolder("prod"), "--stacks", ",");
    expect(empty).toMatchObject({ status: 1 });
    expect(empty.out).toContain('--stacks: unknown stack "", ""; stacks: prod, staging');
  });

  test("one stack's folder for --head or --base names the folder above it", () => {
    const out = headFolder("prod");
    const stackFolder = path.join(out, "prod");
    const head = costDiff("--head", stackFolder, "--stacks", "prod");
    expect(head.status).toBe(1);
    expect(head.out).toContain(
      `--head ${stackFolder}: holds plan.json itself, so it is one stack's folder; give the folder above it (${out})`,
    );
    const base = costDiff("--head", out, "--base", stackFolder, "--stacks", "prod");
    expect(base.status).toBe(1);
    expect(base.out).toContain(`--base ${stackFolder}: holds plan.json itself`);
  });
});
