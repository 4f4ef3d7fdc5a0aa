/**
 * The shape every policy module exports: the CrossGuard policy object plus its default enforcement per
 * environment. The pack entry and the in-process evaluator both read this, so the defaults live in one
 * place (the policy's own file) and stacks override them by config.
 */
import type {
  EnforcementLevel,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

/** Environment classes the defaults distinguish; `dev` stacks take the staging defaults. */
export type PolicyEnvironment = "staging" | "prod";

/** Default enforcement of one policy per environment. `disabled` turns a prod-only rule off in staging. */
export interface EnforcementDefaults {
  readonly staging: EnforcementLevel;
  readonly prod: EnforcementLevel;
}

/** A policy of this pack with its per-environment defaults and a one-line summary for the README table. */
export interface PlatformPolicy {
  readonly policy: ResourceValidationPolicy | StackValidationPolicy;
  readonly enforcement: EnforcementDefaults;
  /** What the policy checks, one sentence, for `policyTable()`. */
  readonly checks: string;
}

/** Mandatory everywhere: the usual default for security rules. */
export const ALWAYS_MANDATORY: EnforcementDefaults = { staging: "mandatory", prod: "mandatory" };
/** Advisory while iterating in staging, blocking in prod. */
export const ADVISORY_IN_STAGING: EnforcementDefaults = { staging: "advisory", prod: "mandatory" };
/** Rules that only make sense for production data or traffic (multi-AZ, canary caps). */
export const PROD_ONLY: EnforcementDefaults = { staging: "disabled", prod: "mandatory" };

/** Maps a stack environment (`dev`, `staging`, `prod`) onto the defaults' classes. */
export function environmentClass(environment: string): PolicyEnvironment {
  return environment === "prod" ? "prod" : "staging";
}

/**
 * The policy's config with code defaults applied. The Pulumi CLI fills `configSchema` defaults, but
 * the in-process evaluator and older CLIs may not, so every policy reads its config through this.
 */
export function configWithDefaults<T extends object>(
  args: ResourceValidationArgs | StackValidationArgs,
  defaults: T,
): T {
  const given = args.getConfig<Partial<T>>();
  const merged: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(given)) if (v !== undefined && v !== null) merged[k] = v;
  return merged as T;
}

/**
 * A `validateResource` callback that only runs for the given Pulumi type tokens. Type tokens rather
 * than provider classes, so the policies load without importing the provider SDKs.
 */
export function forTypes(
  types: readonly string[],
  validate: (
    props: Record<string, unknown>,
    args: ResourceValidationArgs,
    report: (message: string) => void,
  ) => void,
): (args: ResourceValidationArgs, report: (message: string) => void) => void {
  return (args, report) => {
    if (!types.includes(args.type)) return;
    validate(args.props ?? {}, args, report);
  };
}

/** Config of a policy that leaves some namespaces' workloads alone. */
export interface ExemptNamespacesConfig {
  readonly exemptNamespaces: string[];
}

/** The `configSchema` of `exemptNamespaces`, defaulting to `defaults`. */
export function exemptNamespacesSchema(defaults: readonly string[]) {
  return {
    properties: {
      exemptNamespaces: {
        type: "array" as const,
        items: { type: "string" as const },
        default: [...defaults],
      },
    },
  };
}
