/** RDS storage encryption can only be chosen at creation, so it is enforced before the first deploy. */
import { ALWAYS_MANDATORY, PlatformPolicy, forTypes } from "../lib/platform-policy";

/** Every RDS instance sets `storageEncrypted: true`. */
export const awsRdsInstanceStorageEncrypted: PlatformPolicy = {
  checks: "RDS instances encrypt storage",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "aws-rds-instance-storage-encrypted",
    description: "RDS instances must encrypt their storage.",
    enforcementLevel: "mandatory",
    validateResource: forTypes(["aws:rds/instance:Instance"], (props, _a, report) => {
      if (props.storageEncrypted !== true) {
        report(
          "RDS instance storage is not encrypted; set storageEncrypted: true (and kmsKeyId to the platform key). This forces a replacement on existing instances.",
        );
      }
    }),
  },
};
