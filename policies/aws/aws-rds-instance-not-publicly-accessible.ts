/** The MLflow and Airflow metadata databases are only reached from inside the VPC. */
import { ALWAYS_MANDATORY, PlatformPolicy, forTypes } from "../lib/platform-policy";

/** No RDS instance sets `publiclyAccessible: true`. */
export const awsRdsInstanceNotPubliclyAccessible: PlatformPolicy = {
  checks: "RDS instances are not publicly accessible",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "aws-rds-instance-not-publicly-accessible",
    description: "RDS instances must not be publicly accessible.",
    enforcementLevel: "mandatory",
    validateResource: forTypes(["aws:rds/instance:Instance"], (props, _a, report) => {
      if (props.publiclyAccessible === true) {
        report(
          "RDS instance is publicly accessible; set publiclyAccessible: false and reach it from the cluster's private subnets.",
        );
      }
    }),
  },
};
