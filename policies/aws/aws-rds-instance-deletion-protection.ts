/** Prod databases hold the model registry and run history: a stray `pulumi destroy` must not drop them. */
import { PROD_ONLY, PlatformPolicy, forTypes } from "../lib/platform-policy";

/** RDS instances set `deletionProtection: true` (enforced in prod, off in staging by default). */
export const awsRdsInstanceDeletionProtection: PlatformPolicy = {
  checks: "RDS instances have deletion protection (prod)",
  enforcement: PROD_ONLY,
  policy: {
    name: "aws-rds-instance-deletion-protection",
    description: "Production RDS instances must have deletion protection enabled.",
    enforcementLevel: "mandatory",
    validateResource: forTypes(["aws:rds/instance:Instance"], (props, _a, report) => {
      if (props.deletionProtection !== true) {
        report(
          "RDS instance has no deletion protection; set deletionProtection: true (and the resource option protect: true).",
        );
      }
    }),
  },
};
