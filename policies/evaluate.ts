/**
 * Runs the pack's policies in-process, without the Pulumi CLI or the gRPC server `new PolicyPack`
 * starts: each policy's `validateResource` / `validateStack` is called directly with args built the
 * way @pulumi/policy 1.21's analyzer builds them (server.js `makeAnalyzeRpcFun` /
 * `makeAnalyzeStackRpcFun`), and violations are collected. The offline `plan` tool calls this.
 */
import type {
  EnforcementLevel,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { PLATFORM_POLICIES } from "./all";
import { PackConfigOptions, assertKnownPolicies, configFor, enforcementFor } from "./pack-config";
import type { PlatformPolicy } from "./lib/platform-policy";

/**
 * A resource as the plan recorded it: Pulumi type token, Pulumi name and props. Pass the mock's
 * `state` (inputs plus computed outputs such as a bucket's name): CrossGuard hands resource policies
 * the inputs and stack policies the outputs, and `state` is a superset of both.
 */
export interface EvaluatedResource {
  readonly type: string;
  readonly name: string;
  /** Defaults to `urn:pulumi:<stack>::<project>::<type>::<name>`. */
  readonly urn?: string;
  readonly props: Record<string, unknown>;
  /** Resource options, e.g. `{ protect: true }`. */
  readonly opts?: Partial<PolicyResourceOptions>;
  /** URN of the parent resource. */
  readonly parent?: string;
}

/** One reported violation. */
export interface Violation {
  readonly policy: string;
  /** Pulumi name of the resource, or `(stack)` for a stack-wide violation. */
  readonly resource: string;
  /** Type token of the resource (absent for stack-wide violations). */
  readonly type?: string;
  readonly message: string;
  readonly enforcement: "mandatory" | "advisory";
}

/** How to evaluate: the stack's environment, per-stack overrides and policy config. */
export interface EvaluateOptions extends PackConfigOptions {
  /** `dev`, `staging` or `prod`: selects the default enforcement. */
  readonly environment: string;
  /** Stack and project names for the URNs. @default "offline", "mlops-platform" */
  readonly stack?: string;
  readonly project?: string;
  /** Evaluate only these policies (by name). @default all */
  readonly only?: readonly string[];
}

class NotApplicable extends Error {}

const STACK = "(stack)";

function options(
  o: Partial<PolicyResourceOptions> | undefined,
  parent: string | undefined,
): PolicyResourceOptions {
  return {
    protect: o?.protect ?? false,
    ignoreChanges: o?.ignoreChanges ?? [],
    deleteBeforeReplace: o?.deleteBeforeReplace,
    aliases: o?.aliases ?? [],
    customTimeouts: o?.customTimeouts ?? { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: o?.additionalSecretOutputs ?? [],
    ...(parent !== undefined ? { parent } : {}),
  };
}

/** Mirrors @pulumi/policy's `isTypeOf`: the class's `__pulumiType`, else its `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  const cls = resourceClass as { __pulumiType?: string; isInstance?: (o: unknown) => boolean };
  if (typeof cls.__pulumiType === "string") return cls.__pulumiType === type;
  return typeof cls.isInstance === "function" && cls.isInstance({ __pulumiType: type }) === true;
}

/** The policy config as the CLI hands it over: schema defaults filled, `enforcementLevel` removed. */
function configGetter(p: PlatformPolicy, opts: EvaluateOptions): <T extends object>() => T {
  const defaults = Object.fromEntries(
    Object.entries(p.policy.configSchema?.properties ?? {}).flatMap(([k, s]) =>
      s.default !== undefined ? [[k, s.default]] : [],
    ),
  );
  const config = { ...defaults, ...configFor(p.policy.name, opts) };
  return <T extends object>() => plainCopy(config) as T;
}

/** Stands in for values the evaluator cannot see: unresolved Outputs (and secrets in them), promises, class instances. */
export const UNRESOLVED = "[unresolved]";

/**
 * A JSON-like deep copy, so policies never mutate the caller's objects. Recorded mock state may hold
 * `pulumi.Output`s (secrets the mock marks secret) which cannot be cloned or read synchronously; they
 * become `UNRESOLVED` (never their plaintext), as the analyzer shows unknowns during a preview.
 */
export function plainCopy(value: unknown): unknown {
  if (value === null || typeof value !== "object") return typeof value === "function" ? UNRESOLVED : value;
  if (Array.isArray(value)) return value.map(plainCopy);
  // A plain object's prototype is some realm's Object.prototype (whose own prototype is null): jest's
  // vm context and Node's structuredClone produce objects from different realms.
  const proto = Object.getPrototypeOf(value);
  if (proto !== null && Object.getPrototypeOf(proto) !== null) return UNRESOLVED;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainCopy(v)]));
}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

function effective(level: EnforcementLevel): "mandatory" | "advisory" | undefined {
  if (level === "disabled") return undefined;
  // The analyzer runs `remediate` policies as mandatory validations when there is nothing to remediate.
  return level === "advisory" ? "advisory" : "mandatory";
}

/**
 * Evaluates every policy (or `opts.only`) against the resources and returns the violations in pack
 * order, resource order within a policy. A policy that throws is reported as an error naming it.
 */
export async function evaluatePolicies(
  resources: readonly EvaluatedResource[],
  opts: EvaluateOptions,
): Promise<Violation[]> {
  assertKnownPolicies(opts);
  const stack = opts.stack ?? "offline";
  const project = opts.project ?? "mlops-platform";
  const urnOf = (r: EvaluatedResource) => r.urn ?? `urn:pulumi:${stack}::${project}::${r.type}::${r.name}`;
  const stackTags: ReadonlyMap<string, string> = new Map();
  const violations: Violation[] = [];

  const policyResources: PolicyResource[] = resources.map((r) => {
    const props = plainCopy(r.props ?? {}) as Record<string, unknown>;
    return {
      type: r.type,
      props,
      urn: urnOf(r),
      name: r.name,
      opts: options(r.opts, r.parent),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => isTypeOf(r.type, cls),
      asType: ((cls: unknown) => (isTypeOf(r.type, cls) ? props : undefined)) as PolicyResource["asType"],
    };
  });
  const byUrn = new Map(policyResources.map((r) => [r.urn, r]));
  resources.forEach((r, i) => {
    if (r.parent !== undefined) policyResources[i].parent = byUrn.get(r.parent);
  });

  for (const p of PLATFORM_POLICIES) {
    if (opts.only && !opts.only.includes(p.policy.name)) continue;
    const level = effective(enforcementFor(p.policy.name, opts.environment, opts.enforcement));
    if (level === undefined) continue;
    const getConfig = configGetter(p, opts);
    const fail = (where: string, err: unknown): never => {
      throw new Error(
        `policy ${p.policy.name} failed on ${where}: ${err instanceof Error ? err.message : String(err)}`,
      );
    };

    if ("validateStack" in p.policy) {
      const policy = p.policy as StackValidationPolicy;
      const args: StackValidationArgs = { resources: policyResources, stackTags, getConfig, notApplicable };
      const report = (message: string, urn?: string) => {
        const r = urn !== undefined ? byUrn.get(urn) : undefined;
        violations.push({
          policy: policy.name,
          resource: r?.name ?? STACK,
          ...(r ? { type: r.type } : {}),
          message,
          enforcement: level,
        });
      };
      try {
        await Promise.resolve(policy.validateStack(args, report));
      } catch (err) {
        if (!(err instanceof NotApplicable)) fail("the stack", err);
      }
      continue;
    }

    const policy = p.policy as ResourceValidationPolicy;
    const validations = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
    for (const r of policyResources) {
      // Each policy gets its own copy, made when it first reads props: most policies look at the
      // type and return, and copying every resource for each of them was most of this loop's time.
      let props: Record<string, unknown> | undefined;
      const args: ResourceValidationArgs = {
        type: r.type,
        get props() {
          return (props ??= plainCopy(r.props) as Record<string, unknown>);
        },
        urn: r.urn,
        name: r.name,
        opts: r.opts,
        stackTags,
        isType: r.isType,
        asType: ((cls: unknown) =>
          isTypeOf(r.type, cls) ? args.props : undefined) as ResourceValidationArgs["asType"],
        getConfig,
        notApplicable,
      };
      // As in the analyzer, a resource policy's `urn` argument is ignored: the resource is the subject.
      const report = (message: string) =>
        violations.push({ policy: policy.name, resource: r.name, type: r.type, message, enforcement: level });
      for (const validate of validations) {
        try {
          await Promise.resolve(validate(args, report));
        } catch (err) {
          if (!(err instanceof NotApplicable)) fail(`${r.type} ${r.name}`, err);
        }
      }
    }
  }
  return violations;
}

/** True when any violation blocks the deployment; `plan` exits 2 then. */
export function hasMandatoryViolation(violations: readonly Violation[]): boolean {
  return violations.some((v) => v.enforcement === "mandatory");
}

/** The exit code `plan` uses for the policy result: 2 on a mandatory violation, else 0. */
export function policyExitCode(violations: readonly Violation[]): 0 | 2 {
  return hasMandatoryViolation(violations) ? 2 : 0;
}
