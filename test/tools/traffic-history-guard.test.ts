/**
 * `generate-traffic --out` onto a stack's `trafficHistory`: a generated week (or day) written over
 * it would silently become that stack's cost basis, so it is refused unless `--replace-history`
 * says so (found by a review: `--out models/traffic/sample-week.csv --days 1` exited 0).
 */
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../helpers/program";
import { tempDirs } from "../helpers/temp-dir";
import { runTool } from "../helpers/tool-cli";

const tempDir = tempDirs("history-");

/** generate-traffic in a process of its own; stdout and stderr together. */
const generate = (args: string[]) => runTool("tools/generate-traffic.ts", args);

test("a stack's traffic history is replaced only with --replace-history; a new one is written", () => {
  const project = tempDir();
  for (const f of ["Pulumi.yaml", "Pulumi.prod.yaml"])
    fs.copyFileSync(path.join(ROOT, f), path.join(project, f));
  // Pulumi.prod.yaml declares models/traffic/sample-week.csv; through a link it is the same file.
  const history = path.join(project, "models", "traffic", "sample-week.csv");
  const link = path.join(project, "week-link.csv");
  const common = ["--project-root", project, "--models", path.join(ROOT, "models"), "--days", "1"];
  expect(generate([...common, "--out", history]).status).toBe(0);
  fs.symlinkSync(history, link);
  const first = fs.readFileSync(history, "utf8");
  for (const out of [history, link]) {
    const r = generate([...common, "--out", out, "--seed", "8"]);
    expect(r.status).toBe(1);
    expect(r.out).toContain(
      `--out ${out}: is the traffic history of stack prod (mlops-platform:trafficHistory in `,
    );
    expect(r.out).toContain(
      `Pulumi.prod.yaml), the basis of its plan's costs and sales pre-scale; write the output elsewhere, or pass --replace-history to regenerate it`,
    );
    expect(r.out).not.toContain("    at ");
  }
  expect(fs.readFileSync(history, "utf8")).toBe(first);
  expect(generate([...common, "--out", history, "--seed", "8", "--replace-history"]).status).toBe(0);
  expect(fs.readFileSync(history, "utf8")).not.toBe(first);
  // Another CSV, an earlier output, is still replaced without the flag.
  const other = path.join(project, "other.csv");
  expect(generate([...common, "--out", other]).status).toBe(0);
  expect(generate([...common, "--out", other, "--seed", "9"]).status).toBe(0);
});
