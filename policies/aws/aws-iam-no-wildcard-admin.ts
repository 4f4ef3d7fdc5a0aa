/**
 * Workload roles get least privilege: no statement allowing `*` actions on `*` resources, in inline
 * role policies, managed policies, a role's `inlinePolicies`, or the AdministratorAccess policy.
 */
import { ALWAYS_MANDATORY, PlatformPolicy, configWithDefaults, forTypes } from "../lib/platform-policy";
import { arr, obj, str } from "../lib/values";
import { policyDocument, statements } from "./aws-s3-bucket-policy-denies-insecure-transport";

/** Tunables. */
export interface IamWildcardConfig {
  /** Pulumi names of roles/policies allowed to be administrators (break-glass). @default [] */
  readonly allowedNames: string[];
}

const DEFAULTS: IamWildcardConfig = { allowedNames: [] };
const ADMIN_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

/** Indexes (0-based) of statements that allow every action on every resource. */
export function wildcardStatements(policy: unknown): number[] {
  const doc = policyDocument(policy);
  if (!doc) return [];
  return statements(doc).flatMap((st, i) =>
    st.Effect === "Allow" && list(st.Action).includes("*") && list(st.Resource).includes("*") ? [i] : [],
  );
}

/** No workload IAM policy allows Action `*` on Resource `*`. */
export const awsIamNoWildcardAdmin: PlatformPolicy = {
  checks: 'IAM role/managed policies never allow Action "*" on Resource "*" (nor attach AdministratorAccess)',
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "aws-iam-no-wildcard-admin",
    description: 'IAM policies for workload roles must not allow Action "*" on Resource "*".',
    enforcementLevel: "mandatory",
    configSchema: {
      properties: { allowedNames: { type: "array", items: { type: "string" }, default: [] } },
    },
    validateResource: forTypes(
      [
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/policy:Policy",
        "aws:iam/role:Role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      ],
      (props, args, report) => {
        const { allowedNames } = configWithDefaults(args, DEFAULTS);
        if (allowedNames.includes(args.name)) return;
        const fix = "grant the specific actions on the specific ARNs the workload needs";
        const docs: [string, unknown][] =
          args.type === "aws:iam/role:Role"
            ? arr(props.inlinePolicies).map((p, i) => [`inlinePolicies[${i}]`, obj(p).policy])
            : [["policy", props.policy]];
        for (const [where, doc] of docs) {
          const bad = wildcardStatements(doc);
          if (bad.length > 0) {
            report(`${where} statement(s) ${bad.join(", ")} allow Action "*" on Resource "*"; ${fix}.`);
          }
        }
        const arns = [...arr(props.managedPolicyArns), props.policyArn].map(str);
        if (arns.some((a) => a !== undefined && ADMIN_ARN.test(a))) {
          report(`AdministratorAccess is attached; ${fix}.`);
        }
      },
    ),
  },
};
