/**
 * Runs the CrossGuard policies in-process over the recorded resources through the policy pack's
 * evaluator (`policies/evaluate.ts`, `evaluatePolicies(resources, opts)`). While that module does not
 * exist the step is skipped and the plan says so, rather than reporting "no violations".
 */
import * as fs from "fs";
import * as path from "path";
import type { ModelSpec } from "../../components/config/model-schema";
import type { StackConfig } from "../../components/config/stack-schema";
import { toJson } from "./render";

/** One policy finding, as plan.json and the policy report show it. */
export interface PolicyViolation {
  readonly policy: string;
  readonly resource: string;
  readonly message: string;
  readonly enforcement: string;
}

/** Outcome of the policy step. */
export interface PolicyResult {
  readonly evaluated: boolean;
  /** Why the policies did not run, when they did not. */
  readonly skipped?: string;
  readonly violations: PolicyViolation[];
  /** Count of violations whose enforcement is mandatory (these make the plan exit 2). */
  readonly mandatory: number;
}

/** A resource as the evaluator takes it (`policies/evaluate.ts` `EvaluatedResource`). */
export interface PolicyResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly props: Record<string, unknown>;
  readonly opts: { readonly protect: boolean };
  /** URN of the parent resource, when it has one. */
  readonly parent?: string;
}

type Evaluate = (resources: PolicyResource[], opts: Record<string, unknown>) => unknown;
type CapacityConfig = (
  config: StackConfig,
  models: readonly ModelSpec[],
  expectedRps?: Readonly<Record<string, number>>,
) => unknown;

/** Where the evaluator lives, relative to the repository root. */
export const EVALUATOR_MODULE = path.join("policies", "evaluate");

/** Loads `evaluatePolicies` from the repository, or says why it cannot. */
export function loadEvaluator(repoRoot: string): {
  evaluate?: Evaluate;
  capacityConfig?: CapacityConfig;
  skipped?: string;
} {
  const base = path.join(repoRoot, EVALUATOR_MODULE);
  if (![".ts", ".js"].some((ext) => fs.existsSync(base + ext)))
    return { skipped: `${EVALUATOR_MODULE}.ts not found: policy pack not evaluated` };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(base) as { evaluatePolicies?: Evaluate };
  if (typeof mod.evaluatePolicies !== "function")
    return { skipped: `${EVALUATOR_MODULE}.ts does not export evaluatePolicies: policy pack not evaluated` };
  // The capacity policies take the pools, budget and specs in the pack's own shape; use its builder.
  const capacityModule = path.join(repoRoot, "policies", "lib", "capacity");
  const capacityConfig = [".ts", ".js"].some((ext) => fs.existsSync(capacityModule + ext))
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require(capacityModule) as { capacityConfigFromStack?: CapacityConfig }).capacityConfigFromStack
    : undefined;
  return { evaluate: mod.evaluatePolicies, capacityConfig };
}

/**
 * Recorded resources in the evaluator's shape: secret inputs unwrapped (policies check values, never
 * print them). URNs are flat (`<type>::<name>`, the evaluator's default form) so parents resolve.
 */
export function policyResources(
  project: string,
  stack: string,
  resources: readonly {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    state?: Record<string, unknown>;
  }[],
  optionsOf: (type: string, name: string) => { protect: boolean; parentType?: string; parentName?: string },
): PolicyResource[] {
  const urn = (type: string, name: string) => `urn:pulumi:${stack}::${project}::${type}::${name}`;
  return resources
    .filter((r) => r.type !== "pulumi:pulumi:Stack")
    .map((r) => {
      const o = optionsOf(r.type, r.name);
      const hasParent =
        o.parentType !== undefined && o.parentName !== undefined && o.parentType !== "pulumi:pulumi:Stack";
      return {
        type: r.type,
        name: r.name,
        urn: urn(r.type, r.name),
        // The mock's state is the inputs plus what the provider computes (ids, names, ARNs): what a
        // policy sees once the resource exists, so stack policies can match companions by bucket id.
        props: toJson(r.state ?? r.inputs, "plain") as Record<string, unknown>,
        opts: { protect: o.protect },
        ...(hasParent ? { parent: urn(o.parentType as string, o.parentName as string) } : {}),
      };
    });
}

/** Normalises whatever the evaluator returned into violations (tolerating `enforcementLevel`). */
function normalise(raw: unknown): PolicyViolation[] {
  if (!Array.isArray(raw)) throw new Error("policies/evaluate.ts: evaluatePolicies must return an array");
  return raw.map((v: Record<string, unknown>) => ({
    policy: String(v.policy ?? v.policyName ?? "unknown"),
    resource: String(v.resource ?? v.urn ?? "(stack)"),
    message: String(v.message ?? ""),
    enforcement: String(v.enforcement ?? v.enforcementLevel ?? "advisory"),
  }));
}

/** Runs the policies, or reports the step as skipped. */
export async function runPolicies(
  repoRoot: string,
  target: { project: string; stack: string },
  resources: PolicyResource[],
  config: StackConfig,
  models: readonly ModelSpec[],
  /** Mean requests/s per model of the stack's traffic history (the budget's expected load). */
  expectedRps?: Readonly<Record<string, number>>,
): Promise<PolicyResult> {
  const { evaluate, capacityConfig, skipped } = loadEvaluator(repoRoot);
  if (!evaluate) return { evaluated: false, skipped, violations: [], mandatory: 0 };
  const violations = normalise(
    await evaluate(resources, {
      environment: config.environment,
      stack: target.stack,
      project: target.project,
      capacity: capacityConfig
        ? capacityConfig(config, models, expectedRps)
        : { pools: config.gpuPools, budget: config.budget, pricing: config.pricing },
    }),
  );
  return {
    evaluated: true,
    violations,
    mandatory: violations.filter((v) => v.enforcement === "mandatory").length,
  };
}
