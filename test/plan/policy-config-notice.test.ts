/**
 * `plan` says when the stack's committed policy pack config (`policies/config/<stack>.json`, which
 * `pulumi preview` and `pulumi up` read) is missing or no longer the one its stack file gives: a new
 * stack's first preview would fail on the missing file, and a stale one has the real previews'
 * budget and pool-fit policies judge the old pools and budget.
 */
import * as fs from "fs";
import * as path from "path";
import { policyConfigNotices } from "../../tools/plan/policy-config-notice";
import { packConfigPath, stackPackConfig } from "../../policies/write-config";
import { plan, stackRoot, TMP } from "../helpers/plan-cli";
import { ROOT } from "../helpers/program";

/** A project folder with staging's stack file (edited), the repository's specs and a policies/config folder. */
function projectWithPolicies(name: string, edit: (yaml: string) => string = (y) => y): string {
  const root = stackRoot(name, edit);
  fs.mkdirSync(path.join(root, "models"));
  for (const f of fs.readdirSync(path.join(ROOT, "models")).filter((f) => f.endsWith(".yaml")))
    fs.copyFileSync(path.join(ROOT, "models", f), path.join(root, "models", f));
  fs.mkdirSync(path.join(root, "policies", "config"), { recursive: true });
  return root;
}

const WRITE = "npx ts-node --transpile-only policies/write-config.ts staging";

describe("policy pack config notice", () => {
  test("a stack without its policies/config/<stack>.json is told to write it", () => {
    const root = projectWithPolicies("missing");
    const [notice, ...rest] = policyConfigNotices(root, "staging");
    expect(rest).toEqual([]);
    expect(notice).toContain("policies/config/staging.json does not exist");
    expect(notice).toContain("--policy-pack-config");
    expect(notice).toContain(WRITE);
  });

  test("a config written from the stack file as it is says nothing", () => {
    const root = projectWithPolicies("current");
    const file = packConfigPath(root, "staging");
    fs.writeFileSync(file, JSON.stringify(stackPackConfig(root, "staging"), null, 2) + "\n");
    expect(policyConfigNotices(root, "staging")).toEqual([]);
  });

  test("a config written before the budget changed is named stale", () => {
    const root = projectWithPolicies("stale");
    const file = packConfigPath(root, "staging");
    fs.writeFileSync(file, JSON.stringify(stackPackConfig(root, "staging"), null, 2) + "\n");
    const yaml = path.join(root, "Pulumi.staging.yaml");
    fs.writeFileSync(
      yaml,
      fs.readFileSync(yaml, "utf8").replace("monthlyGpuCost: 40000", "monthlyGpuCost: 30000"),
    );
    const [notice] = policyConfigNotices(root, "staging");
    expect(notice).toContain("policies/config/staging.json does not match Pulumi.staging.yaml");
    expect(notice).toContain(WRITE);
  });

  test("a project folder without the policy pack is not told anything", () => {
    const root = stackRoot("no-policies", (y) => y);
    expect(policyConfigNotices(root, "staging")).toEqual([]);
  });

  test("the committed stacks' configs are current", () => {
    expect(policyConfigNotices(ROOT, "staging")).toEqual([]);
    expect(policyConfigNotices(ROOT, "prod")).toEqual([]);
  });

  it("plan prints the notice and puts it in plan.json", () => {
    const root = projectWithPolicies("plan");
    const out = fs.mkdtempSync(path.join(TMP, "policy-config-out-"));
    const r = plan(["--stack", "staging", "--project-root", root, "--out", out]);
    expect(r.stderr).not.toContain("configuration problem");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("policies/config/staging.json does not exist");
    const written = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8")) as { notices: string[] };
    expect(written.notices.some((n) => n.includes("policies/config/staging.json does not exist"))).toBe(true);
  }, 120_000);
});
