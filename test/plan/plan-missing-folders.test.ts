/**
 * A project folder missing both its `Pulumi.yaml` and the `--models` folder gets both named in one run
 * (a review: the missing models folder stopped `plan` first, and the project file's problem came only
 * on the next run).
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../helpers/program";
import { tempDirs } from "../helpers/temp-dir";
import { spawnTool } from "../helpers/tool-cli";

const tempDir = tempDirs("plan-missing-");

test("a missing --models folder and a missing Pulumi.yaml come in one message, nothing written", () => {
  const project = tempDir();
  fs.copyFileSync(path.join(ROOT, "Pulumi.staging.yaml"), path.join(project, "Pulumi.staging.yaml"));
  const out = path.join(project, "out");
  const r = spawnTool("tools/plan.ts", [
    "--stack",
    "staging",
    "--project-root",
    project,
    "--models",
    path.join(project, "missing"),
    "--out",
    out,
  ]);
  expect(r.status).toBe(1);
  expect(r.stderr).toContain("Pulumi.yaml not found");
  expect(r.stderr).toContain(`${path.join(project, "missing")}: models folder not found`);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(fs.existsSync(out)).toBe(false);
}, 120_000);
