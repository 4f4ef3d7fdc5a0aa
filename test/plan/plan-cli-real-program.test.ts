/** `npm run plan` of the real program on each stack: its summary and plan.json (through the CLI, as in CI). */
import * as fs from "fs";
import * as path from "path";
import { plan, Result, TMP } from "../helpers/plan-cli";

describe.each(["staging", "prod"])("plan of the real program on %s", (stack) => {
  const out = path.join(TMP, `real-${stack}`);
  let result: Result;
  beforeAll(() => {
    result = plan(["--stack", stack, "--out", out]);
  }, 120_000);

  it("exits 0 and prints the summary", () => {
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Plan for stack ${stack}`);
    expect(result.stderr).toMatch(/\[1\/6\] evaluating program done in \d+\.\d\ds/);
    // The crons' zone beside them: the cron text alone does not say it.
    expect(result.stdout).toContain("training schedule (Asia/Shanghai)");
  });

  it("writes plan.json with the contract's sections", () => {
    const doc = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    expect(doc.stack).toBe(stack);
    expect(Object.keys(doc)).toEqual(
      expect.arrayContaining(["resources", "models", "capacity", "policy", "schemaValidation"]),
    );
    expect(doc.capacity.currency).toBe("CNY");
    expect(Array.isArray(doc.policy.violations)).toBe(true);
    expect(fs.existsSync(path.join(out, "policy-report.md"))).toBe(true);
    // The summary's notices are kept for the pull-request comment, word for word.
    expect(doc.notices.length).toBeGreaterThan(0);
    for (const notice of doc.notices) expect(result.stdout).toContain(notice);
  });
});
