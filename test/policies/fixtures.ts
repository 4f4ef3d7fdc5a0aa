/**
 * Valid fixtures for the policy tests: every function returns a fresh resource that passes every
 * policy, so a test changes one field and asserts the one violation that causes.
 */
import { EvaluatedResource, evaluatePolicies } from "../../policies/evaluate";
import type { PlatformPolicy } from "../../policies/lib/platform-policy";
import {
  bucket,
  publicAccessBlock,
  bucketEncryption,
  bucketVersioning,
  bucketPolicy,
  rds,
  eks,
  kmsKey,
  rolePolicy,
  securityGroup,
  ingressRule,
  ecr,
} from "./aws-fixtures";
import {
  inferenceService,
  deployment,
  trainingJob,
  modelNamespace,
  defaultDeny,
  pdb,
  prometheusRule,
  podMonitor,
  scaledObject,
  helmRelease,
} from "./kubernetes-fixtures";

/** A resource fixture. */
export type Fixture = { type: string; name: string; props: Record<string, any> };

/** Sets (or, with `undefined`, deletes) a dotted path like `spec.predictor.model.image`; `[i]` indexes arrays. */
export function set(r: Fixture, path: string, value: unknown): Fixture {
  const keys = path.replace(/\[(\d+)\]/g, ".$1").split(".");
  let cur: any = r.props;
  for (const k of keys.slice(0, -1)) {
    if (cur[k] === undefined) cur[k] = {};
    cur = cur[k];
  }
  const last = keys[keys.length - 1];
  if (value === undefined) delete cur[last];
  else cur[last] = value;
  return r;
}

/** Messages one policy reports for the resources, run through the in-process evaluator (forced on). */
export async function messages(
  p: PlatformPolicy,
  resources: readonly EvaluatedResource[],
  config: Record<string, unknown> = {},
): Promise<string[]> {
  const name = p.policy.name;
  const violations = await evaluatePolicies(resources, {
    environment: "prod",
    only: [name],
    enforcement: { [name]: "mandatory" },
    config: { [name]: config },
  });
  return violations.map((v) => v.message);
}

export * from "./aws-fixtures";
export * from "./kubernetes-fixtures";

/** Capacity config shaped like Pulumi.prod.yaml's pools, budget and pricing. */
export const capacity = () => ({
  pools: [
    {
      name: "inference",
      purpose: "serving" as const,
      maxGpus: 48,
      minGpus: 4,
      instanceTypes: ["g6.xlarge", "g6.12xlarge"],
      capacityType: "on-demand" as const,
      sharing: { mode: "time-slicing" as const, replicas: 4 },
    },
    {
      name: "training",
      purpose: "training" as const,
      maxGpus: 8,
      minGpus: 0,
      instanceTypes: ["p4d.24xlarge"],
      capacityType: "spot" as const,
      sharing: { mode: "none" as const },
    },
  ],
  budget: { monthlyGpuCost: 400000 },
  pricing: {
    currency: "CNY",
    instances: {
      "g6.xlarge": { onDemand: 7.0, spot: 2.8 },
      "g6.12xlarge": { onDemand: 40.3, spot: 16.1 },
      "p4d.24xlarge": { onDemand: 283.0, spot: 113.0 },
    },
  },
});

/** Every valid fixture: together they pass the whole pack. */
export const validStack = (): Fixture[] => [
  bucket(),
  publicAccessBlock(),
  bucketEncryption(),
  bucketVersioning(),
  bucketPolicy(),
  rds(),
  eks(),
  kmsKey(),
  rolePolicy(),
  securityGroup(),
  ingressRule(),
  ecr(),
  modelNamespace(),
  defaultDeny(),
  inferenceService(),
  pdb(),
  prometheusRule(),
  podMonitor(),
  scaledObject(),
  deployment(),
  trainingJob(),
  helmRelease(),
];
