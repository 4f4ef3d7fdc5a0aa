import * as fs from "fs";
import * as path from "path";
import { PLATFORM_POLICIES } from "../../policies/all";
import * as pulumi from "@pulumi/pulumi";
import {
  UNRESOLVED,
  evaluatePolicies,
  hasMandatoryViolation,
  plainCopy,
  policyExitCode,
} from "../../policies/evaluate";
import { enforcementFor, packConfig } from "../../policies/pack-config";
import { policyTable } from "../../policies/table";
import { packConfigPath, stackPackConfig } from "../../policies/write-config";
import * as f from "./fixtures";
import { set } from "./fixtures";

const ROOT = path.resolve(__dirname, "..", "..");

/** A deliberately bad stack: one fault per resource. */
const badStack = () => [
  set(f.rds(), "multiAz", false),
  set(f.kmsKey(), "enableKeyRotation", false),
  set(f.helmRelease(), "version", "^2.20.0"),
  f.modelNamespace(),
  set(f.inferenceService(), "spec.predictor.canaryTrafficPercent", 80),
  f.pdb(),
  f.prometheusRule(),
  f.podMonitor(),
];

describe("evaluatePolicies", () => {
  it("reports nothing on the valid fixtures in prod with the capacity config", async () => {
    expect(await evaluatePolicies(f.validStack(), { environment: "prod", capacity: f.capacity() })).toEqual(
      [],
    );
  });

  it("returns the exact violations of a bad prod stack, in pack order", async () => {
    expect(await evaluatePolicies(badStack(), { environment: "prod" })).toEqual([
      {
        policy: "aws-rds-instance-multi-az",
        resource: "mlflow-db",
        type: "aws:rds/instance:Instance",
        message:
          "RDS instance is single-AZ; set multiAz: true (addons.<db>.database.multiAz in the stack config).",
        enforcement: "mandatory",
      },
      {
        policy: "aws-kms-key-rotation-enabled",
        resource: "platform-key",
        type: "aws:kms/key:Key",
        message: "KMS key rotation is off; set enableKeyRotation: true.",
        enforcement: "mandatory",
      },
      {
        policy: "kubernetes-model-namespace-default-deny",
        resource: "homepage-feed-ns",
        type: "kubernetes:core/v1:Namespace",
        message:
          "Model namespace homepage-feed has no default-deny NetworkPolicy; add one in namespace homepage-feed with podSelector: {}, policyTypes: [Ingress] and no ingress rules, then allow the gateway and Prometheus explicitly.",
        enforcement: "mandatory",
      },
      {
        policy: "kubernetes-helm-release-pins-chart-version",
        resource: "keda",
        type: "kubernetes:helm.sh/v3:Release",
        message:
          'Helm chart keda version "^2.20.0" is a range or not a version; pin an exact version such as 1.2.3.',
        enforcement: "mandatory",
      },
      {
        policy: "mlops-canary-traffic-capped",
        resource: "homepage-feed-isvc",
        type: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
        message:
          "Canary gets 80% of traffic (spec.predictor.canaryTrafficPercent), above the 50% cap; lower canary.trafficPercent in the spec (or the level promote holds in the stack config, mlops-platform:canaryTraffic) and let the promote tool take it to 100% after analysis.",
        enforcement: "mandatory",
      },
    ]);
  });

  it("uses the staging defaults: prod-only rules off", async () => {
    const violations = await evaluatePolicies(badStack(), { environment: "staging" });
    expect(violations.map((v) => v.policy)).toEqual([
      "aws-kms-key-rotation-enabled",
      "kubernetes-model-namespace-default-deny",
      "kubernetes-helm-release-pins-chart-version",
    ]);
  });

  it("treats dev stacks like staging", async () => {
    expect(await evaluatePolicies(badStack(), { environment: "dev" })).toEqual(
      await evaluatePolicies(badStack(), { environment: "staging" }),
    );
  });

  it("applies per-stack enforcement overrides (advisory, disabled, turning a prod-only rule on)", async () => {
    const violations = await evaluatePolicies(badStack(), {
      environment: "staging",
      enforcement: {
        "aws-kms-key-rotation-enabled": "advisory",
        "kubernetes-helm-release-pins-chart-version": "disabled",
        "aws-rds-instance-multi-az": "mandatory",
      },
    });
    expect(violations.map((v) => [v.policy, v.enforcement])).toEqual([
      ["aws-rds-instance-multi-az", "mandatory"],
      ["aws-kms-key-rotation-enabled", "advisory"],
      ["kubernetes-model-namespace-default-deny", "mandatory"],
    ]);
  });

  it("reports the budget as advisory in staging and mandatory in prod", async () => {
    const capacity = { ...f.capacity(), budget: { monthlyGpuCost: 1000 } };
    const only = ["mlops-gpu-cost-fits-budget"];
    const staging = await evaluatePolicies([f.inferenceService()], {
      environment: "staging",
      capacity,
      only,
    });
    const prod = await evaluatePolicies([f.inferenceService()], { environment: "prod", capacity, only });
    expect(staging.map((v) => [v.resource, v.enforcement])).toEqual([["(stack)", "advisory"]]);
    expect(prod.map((v) => v.enforcement)).toEqual(["mandatory"]);
    expect(policyExitCode(staging)).toBe(0);
    expect(policyExitCode(prod)).toBe(2);
  });

  it("passes per-policy config through getConfig", async () => {
    const violations = await evaluatePolicies([f.rds()], {
      environment: "prod",
      only: ["aws-rds-instance-backup-retention"],
      config: { "aws-rds-instance-backup-retention": { minDays: 21 } },
    });
    expect(violations.map((v) => v.message)).toEqual([
      "RDS backup retention is 14 day(s); set backupRetentionPeriod to at least 21.",
    ]);
  });

  it("does not let a policy mutate the caller's resources", async () => {
    const resources = f.validStack();
    const before = JSON.stringify(resources);
    await evaluatePolicies(resources, { environment: "prod", capacity: f.capacity() });
    expect(JSON.stringify(resources)).toBe(before);
  });

  it("rejects unknown policy names in overrides", async () => {
    await expect(
      evaluatePolicies([], { environment: "prod", enforcement: { "no-such-policy": "advisory" } }),
    ).rejects.toThrow("unknown policy name(s) no-such-policy in the pack config");
  });
});

describe("plainCopy", () => {
  it("hides Outputs (e.g. secrets in recorded mock state) instead of failing or leaking them", () => {
    const state = { name: "db", password: pulumi.secret("hunter2"), tags: [pulumi.output("x"), "y"] };
    expect(plainCopy(state)).toEqual({ name: "db", password: UNRESOLVED, tags: [UNRESOLVED, "y"] });
  });
});

describe("hasMandatoryViolation", () => {
  it("is false for advisory-only results", () => {
    expect(
      hasMandatoryViolation([{ policy: "p", resource: "r", message: "m", enforcement: "advisory" }]),
    ).toBe(false);
  });
});

describe("the policy registry", () => {
  it("has at least 25 policies with unique names", () => {
    const names = PLATFORM_POLICIES.map((p) => p.policy.name);
    expect(names.length).toBeGreaterThanOrEqual(25);
    expect(new Set(names).size).toBe(names.length);
  });
  it("keeps one policy per file, named after the policy", () => {
    const dir = path.join(ROOT, "policies");
    const files = ["aws", "kubernetes", "mlops"].flatMap((d) =>
      fs.readdirSync(path.join(dir, d)).map((f) => f.replace(/\.ts$/, "")),
    );
    expect(files.sort()).toEqual(PLATFORM_POLICIES.map((p) => p.policy.name).sort());
  });
  it("sets each policy's own enforcementLevel to its prod default (what the CLI uses without config)", () => {
    for (const p of PLATFORM_POLICIES)
      expect([p.policy.name, p.policy.enforcementLevel]).toEqual([p.policy.name, p.enforcement.prod]);
  });
  it("never declares enforcementLevel inside a configSchema (the analyzer refuses to start)", () => {
    for (const p of PLATFORM_POLICIES)
      expect(p.policy.configSchema?.properties?.enforcementLevel).toBeUndefined();
  });
});

describe("pack config", () => {
  it("resolves enforcement per environment", () => {
    expect(enforcementFor("aws-rds-instance-multi-az", "staging")).toBe("disabled");
    expect(enforcementFor("aws-rds-instance-multi-az", "prod")).toBe("mandatory");
    expect(enforcementFor("mlops-gpu-cost-fits-budget", "staging")).toBe("advisory");
  });
  it("puts the capacity config only on the capacity policies", () => {
    const cfg = packConfig("prod", { capacity: f.capacity() }) as Record<string, Record<string, unknown>>;
    expect(cfg["mlops-gpu-cost-fits-budget"].budget).toEqual({ monthlyGpuCost: 400000 });
    expect(cfg["mlops-model-gpu-demand-fits-pool"].pools).toHaveLength(2);
    expect(cfg["aws-kms-key-rotation-enabled"]).toEqual({ enforcementLevel: "mandatory" });
  });
  it.each(["staging", "prod"])(
    "committed policies/config/%s.json matches the stack file (run policies/write-config.ts)",
    (stack) => {
      const committed = JSON.parse(fs.readFileSync(packConfigPath(ROOT, stack), "utf8"));
      expect(committed).toEqual(stackPackConfig(ROOT, stack));
    },
  );
});

describe("policyTable", () => {
  const table = policyTable();
  it("has a header and one row per policy", () => {
    const lines = table.split("\n");
    expect(lines[0]).toBe("| policy | checks | scope | staging | prod |");
    expect(lines).toHaveLength(PLATFORM_POLICIES.length + 2);
  });
  it("shows the per-environment defaults", () => {
    expect(table).toContain(
      "| `aws-rds-instance-multi-az` | RDS instances are multi-AZ (prod) | resource | disabled | mandatory |",
    );
    expect(table).toContain("| `mlops-gpu-cost-fits-budget` |");
    expect(table).toMatch(/\| `mlops-gpu-cost-fits-budget` \|[^\n]*\| stack \| advisory \| mandatory \|/);
  });
});
