/**
 * Per-stack policy-pack config: every policy's enforcement for the stack's environment plus the
 * capacity facts the capacity policies need. The same object feeds `pulumi preview --policy-pack
 * policies --policy-pack-config <file>` (written by `policies/write-config.ts`) and the offline plan.
 */
import type { EnforcementLevel, PolicyPackConfig } from "@pulumi/policy";
import { PLATFORM_POLICIES } from "./all";
import { CapacityPolicyConfig } from "./lib/capacity";
import { environmentClass } from "./lib/platform-policy";

/** Policies whose config is the capacity config. */
export const CAPACITY_POLICIES = ["mlops-model-gpu-demand-fits-pool", "mlops-gpu-cost-fits-budget"] as const;

/** Per-stack choices on top of the code defaults. */
export interface PackConfigOptions {
  /** Enforcement per policy name, overriding the environment default. */
  readonly enforcement?: Readonly<Record<string, EnforcementLevel>>;
  /** Config per policy name (thresholds, exemptions). */
  readonly config?: Readonly<Record<string, Record<string, unknown>>>;
  /** Capacity facts for the capacity policies (see `capacityConfigFromStack`). */
  readonly capacity?: CapacityPolicyConfig;
}

/** Effective enforcement of a policy for an environment, after overrides. */
export function enforcementFor(
  policyName: string,
  environment: string,
  overrides: Readonly<Record<string, EnforcementLevel>> = {},
): EnforcementLevel {
  const p = PLATFORM_POLICIES.find((x) => x.policy.name === policyName);
  if (!p)
    throw new Error(
      `unknown policy ${policyName}; known: ${PLATFORM_POLICIES.map((x) => x.policy.name).join(", ")}`,
    );
  return overrides[policyName] ?? p.enforcement[environmentClass(environment)];
}

/** The config of one policy: its thresholds, plus the capacity facts for the capacity policies. */
export function configFor(policyName: string, opts: PackConfigOptions): Record<string, unknown> {
  const capacity = (CAPACITY_POLICIES as readonly string[]).includes(policyName) ? (opts.capacity ?? {}) : {};
  return { ...capacity, ...(opts.config?.[policyName] ?? {}) };
}

/** Throws when overrides or config name a policy the pack does not have (a typo would silently do nothing). */
export function assertKnownPolicies(opts: PackConfigOptions): void {
  const unknown = [...Object.keys(opts.enforcement ?? {}), ...Object.keys(opts.config ?? {})].filter(
    (n) => !PLATFORM_POLICIES.some((p) => p.policy.name === n),
  );
  if (unknown.length > 0) throw new Error(`unknown policy name(s) ${unknown.join(", ")} in the pack config`);
}

/** The whole `PolicyPackConfig` for a stack environment, ready to write as JSON. */
export function packConfig(environment: string, opts: PackConfigOptions = {}): PolicyPackConfig {
  assertKnownPolicies(opts);
  return Object.fromEntries(
    PLATFORM_POLICIES.map((p) => [
      p.policy.name,
      {
        enforcementLevel: enforcementFor(p.policy.name, environment, opts.enforcement),
        ...configFor(p.policy.name, opts),
      },
    ]),
  );
}
