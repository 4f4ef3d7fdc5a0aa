/** Bucket default encryption must be SSE-KMS so key use is audited and revocable (SSE-S3 is neither). */
import { ALWAYS_MANDATORY, PlatformPolicy, forTypes } from "../lib/platform-policy";
import { arr, at, str } from "../lib/values";

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

/** Every bucket encryption configuration uses SSE-KMS (`aws:kms` or `aws:kms:dsse`). */
export const awsS3BucketEncryptionUsesKms: PlatformPolicy = {
  checks: "S3 default encryption is SSE-KMS (aws:kms or aws:kms:dsse)",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "aws-s3-bucket-encryption-uses-kms",
    description: "S3 bucket default encryption must use a KMS key (SSE-KMS).",
    enforcementLevel: "mandatory",
    validateResource: forTypes(
      [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
      ],
      (props, _a, report) => {
        const algorithms = arr(props.rules).map((r) =>
          str(at(r, "applyServerSideEncryptionByDefault.sseAlgorithm")),
        );
        if (algorithms.length === 0) {
          report(
            'Encryption configuration has no rules; add a rule with applyServerSideEncryptionByDefault.sseAlgorithm = "aws:kms" and a kmsMasterKeyId.',
          );
          return;
        }
        const bad = algorithms.filter((a) => !KMS_ALGORITHMS.includes(a ?? ""));
        if (bad.length > 0) {
          report(
            `Bucket encryption uses ${bad.map((a) => a ?? "no algorithm").join(", ")}; set sseAlgorithm to "aws:kms" with the platform's KMS key (kmsMasterKeyId).`,
          );
        }
      },
    ),
  },
};
