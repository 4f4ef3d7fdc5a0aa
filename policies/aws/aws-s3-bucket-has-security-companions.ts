/**
 * Stack check: with @pulumi/aws v7 a bucket's public-access block, encryption, versioning and policy
 * are separate resources, so a bucket without them is silently open/unencrypted. Companions are matched
 * by their `bucket` input against the bucket's name (`bucket` input/output) or `id`.
 */
import type { PolicyResource } from "@pulumi/policy";
import { ALWAYS_MANDATORY, PlatformPolicy } from "../lib/platform-policy";
import { str } from "../lib/values";

const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

/** Companion resource kinds each bucket needs, by the short name used in messages. */
export const BUCKET_COMPANIONS: Readonly<Record<string, readonly string[]>> = {
  BucketPublicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  BucketServerSideEncryptionConfiguration: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  BucketVersioning: [
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketVersioningV2:BucketVersioningV2",
  ],
  BucketPolicy: ["aws:s3/bucketPolicy:BucketPolicy"],
};

/** Identifiers a companion's `bucket` input may hold for this bucket. */
function bucketKeys(r: PolicyResource): string[] {
  return [str(r.props.bucket), str(r.props.id), r.name].filter((k): k is string => k !== undefined);
}

/** Every S3 bucket has a public-access block, SSE config, versioning and a bucket policy. */
export const awsS3BucketHasSecurityCompanions: PlatformPolicy = {
  checks: "every S3 bucket has its public-access block, SSE-KMS config, versioning and TLS-only policy",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "aws-s3-bucket-has-security-companions",
    description:
      "Every S3 bucket must have a BucketPublicAccessBlock, encryption configuration, BucketVersioning and BucketPolicy.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
      const targets = new Map<string, Set<string>>();
      for (const r of args.resources) {
        for (const [kind, types] of Object.entries(BUCKET_COMPANIONS)) {
          if (!types.includes(r.type)) continue;
          const target = str(r.props.bucket);
          if (target === undefined) continue;
          const set = targets.get(kind) ?? new Set<string>();
          set.add(target);
          targets.set(kind, set);
        }
      }
      for (const bucket of args.resources.filter((r) => BUCKET_TYPES.includes(r.type))) {
        const keys = bucketKeys(bucket);
        const missing = Object.keys(BUCKET_COMPANIONS).filter(
          (kind) => !keys.some((k) => targets.get(kind)?.has(k)),
        );
        if (missing.length > 0) {
          report(
            `Bucket ${bucket.name} has no ${missing.join(", ")}; create each with bucket: <this bucket>.id (all four public-access flags, SSE-KMS, versioning Enabled, TLS-only policy).`,
            bucket.urn,
          );
        }
      }
    },
  },
};
