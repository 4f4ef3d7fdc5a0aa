/** Yearly automatic rotation of customer-managed keys (CIS AWS 3.8). */
import { ALWAYS_MANDATORY, PlatformPolicy, forTypes } from "../lib/platform-policy";

/** Symmetric KMS keys enable automatic rotation; asymmetric/HMAC keys cannot rotate and are skipped. */
export const awsKmsKeyRotationEnabled: PlatformPolicy = {
  checks: "symmetric KMS keys enable automatic rotation",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "aws-kms-key-rotation-enabled",
    description: "Symmetric KMS keys must have automatic key rotation enabled.",
    enforcementLevel: "mandatory",
    validateResource: forTypes(["aws:kms/key:Key"], (props, _a, report) => {
      const spec = props.customerMasterKeySpec ?? props.keySpec ?? "SYMMETRIC_DEFAULT";
      if (spec !== "SYMMETRIC_DEFAULT") return;
      if (props.enableKeyRotation !== true) {
        report("KMS key rotation is off; set enableKeyRotation: true.");
      }
    }),
  },
};
