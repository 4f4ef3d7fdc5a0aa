/** `npm run plan` of a fixture program declaring platform objects: the manifests, rule files and dashboards it writes. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { filesUnder, FIXTURE_MODELS, FIXTURE_PROGRAM, plan, Result, TMP } from "../helpers/plan-cli";

const hasTool = (tool: string) => spawnSync("which", [tool]).status === 0;

describe("plan of a program declaring platform objects", () => {
  const out = path.join(TMP, "fixture-prod");
  let result: Result;
  let doc: Record<string, any>;
  beforeAll(() => {
    result = plan([
      "--stack",
      "prod",
      "--models",
      FIXTURE_MODELS,
      "--program",
      FIXTURE_PROGRAM,
      "--out",
      out,
    ]);
    doc = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
  }, 120_000);

  it("exits 2 on the fixture's mandatory policy violations (no PDBs, NetworkPolicies, ...) and still writes the report", () => {
    expect(result.stderr).not.toMatch(/internal error/);
    if (!doc.policy.evaluated) {
      // Before policies/evaluate.ts exists the step is skipped and says so.
      expect(result.stdout).toContain("Policies: SKIPPED");
      expect(result.status).toBe(0);
      return;
    }
    expect(doc.policy.mandatory).toBeGreaterThan(0);
    expect(doc.policy.violations[0]).toEqual({
      policy: expect.any(String),
      resource: expect.any(String),
      message: expect.any(String),
      enforcement: expect.stringMatching(/^(mandatory|advisory)$/),
    });
    expect(result.status).toBe(2);
    expect(fs.readFileSync(path.join(out, "policy-report.md"), "utf8")).toContain(
      `${doc.policy.mandatory} mandatory`,
    );
  });

  it("writes one manifest per declared Kubernetes object and Helm release", () => {
    const declared = Object.entries(doc.resources.byType as Record<string, number>)
      .filter(([type]) => type.startsWith("kubernetes:"))
      .reduce((sum, [, n]) => sum + n, 0);
    expect(declared).toBe(26);
    expect(filesUnder(path.join(out, "manifests"))).toHaveLength(declared);
  });

  it("gives every rendered object apiVersion, kind and metadata.name", () => {
    for (const file of filesUnder(path.join(out, "manifests"))) {
      const obj = YAML.parse(fs.readFileSync(path.join(out, "manifests", file), "utf8"));
      expect({
        file,
        apiVersion: typeof obj.apiVersion,
        kind: typeof obj.kind,
        name: typeof obj.metadata?.name,
      }).toEqual({
        file,
        apiVersion: "string",
        kind: "string",
        name: "string",
      });
    }
  });

  it("places objects by namespace, kind and name", () => {
    const files = filesUnder(path.join(out, "manifests"));
    expect(files).toContain("_cluster/NodePool/inference.yaml");
    expect(files).toContain("model-homepage-feed/ScaledObject/homepage-feed.yaml");
    expect(files).toContain("monitoring/HelmRelease/kube-prometheus-stack.yaml");
  });

  it("validates objects against maintained schemas and lists the kinds without one", () => {
    expect(doc.schemaValidation.validated).toBe(22);
    expect(doc.schemaValidation.byKind).toMatchObject({
      "apps/v1/Deployment": 3,
      "keda.sh/v1alpha1/ScaledObject": 3,
      "karpenter.sh/v1/NodePool": 1,
      "monitoring.coreos.com/v1/PrometheusRule": 3,
    });
    expect(doc.schemaValidation.notCovered).toEqual([
      { apiVersion: "helm.sh/v3", kind: "HelmRelease", count: 1 },
      { apiVersion: "serving.kserve.io/v1beta1", kind: "InferenceService", count: 3 },
    ]);
  });

  it("never writes a secret value", () => {
    for (const file of filesUnder(out))
      expect(fs.readFileSync(path.join(out, file), "utf8")).not.toContain("fixture-password-do-not-print");
    expect(result.stdout + result.stderr).not.toContain("fixture-password-do-not-print");
  });

  it("lists each model with its pool, share, replicas, canary, schedule and rendered alerts", () => {
    expect(doc.models.find((m: { name: string }) => m.name === "homepage-feed")).toMatchObject({
      team: "homepage",
      pool: "inference",
      share: 0.25,
      replicas: { min: 2, max: 12 },
      canaryPercent: 10,
      schedule: "0 3 * * *",
      alerts: ["ModelErrorBudgetBurn", "ModelLatencyHigh"],
    });
  });

  it("writes rule files promtool accepts", () => {
    if (!hasTool("promtool") && process.env.CI !== "true") return;
    const rules = filesUnder(path.join(out, "prometheus", "rules")).map((f) =>
      path.join(out, "prometheus", "rules", f),
    );
    expect(rules).toHaveLength(3);
    const r = spawnSync("promtool", ["check", "rules", ...rules], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toContain("SUCCESS");
    expect(r.status).toBe(0);
  });

  it("extracts the Alertmanager config amtool accepts", () => {
    if (!hasTool("amtool") && process.env.CI !== "true") return;
    const r = spawnSync("amtool", ["check-config", path.join(out, "alertmanager.yaml")], {
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
  });

  it("writes each dashboard as JSON", () => {
    expect(filesUnder(path.join(out, "dashboards"))).toEqual([
      "homepage-feed.json",
      "search-ranking.json",
      "similar-items.json",
    ]);
  });
});
