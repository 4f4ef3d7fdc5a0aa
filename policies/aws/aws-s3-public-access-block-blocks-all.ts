/** S3 public-access blocks must set all four flags: artifact buckets hold models and training data. */
import { ALWAYS_MANDATORY, PlatformPolicy, forTypes } from "../lib/platform-policy";

/** The four BucketPublicAccessBlock inputs (aws.s3.BucketPublicAccessBlockArgs). */
export const PUBLIC_ACCESS_FLAGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
] as const;

/** Every `aws:s3/bucketPublicAccessBlock` sets all four flags to true. */
export const awsS3PublicAccessBlockBlocksAll: PlatformPolicy = {
  checks: "S3 public-access blocks set all four flags (ACLs, policies, ignore ACLs, restrict buckets)",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "aws-s3-public-access-block-blocks-all",
    description: "S3 bucket public-access blocks must enable all four protections.",
    enforcementLevel: "mandatory",
    validateResource: forTypes(
      ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
      (props, _a, report) => {
        const off = PUBLIC_ACCESS_FLAGS.filter((f) => props[f] !== true);
        if (off.length > 0) {
          report(
            `Public-access block leaves ${off.join(", ")} off; set all four of ${PUBLIC_ACCESS_FLAGS.join(", ")} to true.`,
          );
        }
      },
    ),
  },
};
