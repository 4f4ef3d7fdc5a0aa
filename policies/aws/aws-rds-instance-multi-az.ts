/** A single-AZ metadata database takes MLflow and Airflow down with its zone. */
import { PROD_ONLY, PlatformPolicy, forTypes } from "../lib/platform-policy";

/** RDS instances set `multiAz: true` (enforced in prod, off in staging by default). */
export const awsRdsInstanceMultiAz: PlatformPolicy = {
  checks: "RDS instances are multi-AZ (prod)",
  enforcement: PROD_ONLY,
  policy: {
    name: "aws-rds-instance-multi-az",
    description: "Production RDS instances must be deployed multi-AZ.",
    enforcementLevel: "mandatory",
    validateResource: forTypes(["aws:rds/instance:Instance"], (props, _a, report) => {
      if (props.multiAz !== true) {
        report(
          "RDS instance is single-AZ; set multiAz: true (addons.<db>.database.multiAz in the stack config).",
        );
      }
    }),
  },
};
