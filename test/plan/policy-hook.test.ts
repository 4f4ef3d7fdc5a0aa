import * as fs from "fs";
import * as path from "path";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { validateStackConfig } from "../../components/config/validate-stack-config";
import { loadEvaluator, policyResources, runPolicies } from "../../tools/plan/policy-hook";
import { tempDirs } from "../helpers/temp-dir";

const config = validateStackConfig(
  {
    environment: "prod",
    region: "ap-southeast-1",
    gpuPools: [
      {
        name: "inference",
        purpose: "serving",
        instanceTypes: ["g6.xlarge"],
        capacityType: "on-demand",
        sharing: { mode: "none" },
        minGpus: 0,
        maxGpus: 4,
        provisioningSeconds: 150,
      },
    ],
    pricing: { currency: "CNY", instances: { "g6.xlarge": { onDemand: 7 } } },
    budget: { monthlyGpuCost: 1000 },
    alerting: { receivers: { "ml-platform": { kind: "webhook", urlSecret: "alertWebhookPlatform" } } },
  },
  "Pulumi.test.yaml",
);

const tempRoot = tempDirs("plan-policy-");

/** A throw-away repository root with a policies/evaluate.js of the given source. */
function repoWithEvaluator(source: string): string {
  const root = tempRoot();
  fs.mkdirSync(path.join(root, "policies"));
  fs.writeFileSync(path.join(root, "policies", "evaluate.js"), source);
  return root;
}

describe("policy hook", () => {
  it("skips and says why when policies/evaluate.ts does not exist", async () => {
    const root = tempRoot();
    const result = await runPolicies(root, { project: "p", stack: "s" }, [], config, []);
    expect(result).toEqual({
      evaluated: false,
      skipped: "policies/evaluate.ts not found: policy pack not evaluated",
      violations: [],
      mandatory: 0,
    });
  });

  it("skips when the module does not export evaluatePolicies", () => {
    expect(loadEvaluator(repoWithEvaluator("exports.other = 1;")).skipped).toMatch(
      /does not export evaluatePolicies/,
    );
  });

  it("passes environment, stack and capacity facts and counts mandatory violations", async () => {
    const root = repoWithEvaluator(`
      exports.evaluatePolicies = async (resources, opts) => [
        { policy: "env-" + opts.environment, resource: resources[0].name, message: "m", enforcement: "mandatory" },
        { policy: "budget-" + opts.capacity.budget.monthlyGpuCost, resource: "(stack)", message: "m", enforcementLevel: "advisory" },
      ];`);
    const resources = [{ type: "t", name: "r", urn: "u", props: {}, opts: { protect: false } }];
    const result = await runPolicies(root, { project: "p", stack: "s" }, resources, config, []);
    expect(result.violations).toEqual([
      { policy: "env-prod", resource: "r", message: "m", enforcement: "mandatory" },
      { policy: "budget-1000", resource: "(stack)", message: "m", enforcement: "advisory" },
    ]);
    expect(result.mandatory).toBe(1);
  });
});

describe("policyResources", () => {
  it("builds flat URNs, unwraps secrets for the checks and points children at their parent", () => {
    const out = policyResources(
      "mlops-platform",
      "prod",
      [
        { type: "pulumi:pulumi:Stack", name: "mlops-platform-prod", inputs: {} },
        {
          type: "kubernetes:core/v1:Secret",
          name: "s",
          inputs: { stringData: { [specialSigKey]: specialSecretSig, value: { a: "b" } } },
        },
      ],
      () => ({ protect: true, parentType: "mlops:model:ModelStack", parentName: "feed" }),
    );
    expect(out).toEqual([
      {
        type: "kubernetes:core/v1:Secret",
        name: "s",
        urn: "urn:pulumi:prod::mlops-platform::kubernetes:core/v1:Secret::s",
        props: { stringData: { a: "b" } },
        opts: { protect: true },
        parent: "urn:pulumi:prod::mlops-platform::mlops:model:ModelStack::feed",
      },
    ]);
  });
});
