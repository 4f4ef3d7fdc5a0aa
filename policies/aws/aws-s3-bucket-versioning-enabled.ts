/** Versioning keeps overwritten or deleted model artifacts recoverable. */
import { ALWAYS_MANDATORY, PlatformPolicy, forTypes } from "../lib/platform-policy";
import { at } from "../lib/values";

/** Every `aws:s3/bucketVersioning` has status Enabled. */
export const awsS3BucketVersioningEnabled: PlatformPolicy = {
  checks: "S3 bucket versioning status is Enabled",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "aws-s3-bucket-versioning-enabled",
    description: "S3 bucket versioning must be enabled so artifacts can be recovered.",
    enforcementLevel: "mandatory",
    validateResource: forTypes(
      ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
      (props, _a, report) => {
        const status = at(props, "versioningConfiguration.status");
        if (status !== "Enabled") {
          report(
            `Bucket versioning status is ${JSON.stringify(status ?? null)}; set versioningConfiguration.status to "Enabled".`,
          );
        }
      },
    ),
  },
};
