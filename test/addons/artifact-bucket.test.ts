import { ArtifactBucket } from "../../components/addons/artifact-bucket";
import { find, stackConfig } from "./harness";
import { recordData } from "./data-harness";

const T = {
  bucket: "aws:s3/bucket:Bucket",
  kms: "aws:kms/key:Key",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  block: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
};

function build(stack: string) {
  const config = stackConfig(stack);
  return recordData(stack, (cluster) => new ArtifactBucket("artifacts", { config, cluster }));
}

describe("ArtifactBucket", () => {
  test("versioning is enabled", async () => {
    const run = await build("staging");
    expect(find(run.resources, T.versioning, "artifacts-versioning").inputs.versioningConfiguration).toEqual({
      status: "Enabled",
    });
  });

  test("default encryption is SSE-KMS with the bucket's own rotating key and a bucket key", async () => {
    const run = await build("staging");
    const key = find(run.resources, T.kms, "artifacts-kms");
    expect(key.inputs.enableKeyRotation).toBe(true);
    const [rule] = find(run.resources, T.sse, "artifacts-sse").inputs.rules as any[];
    expect(rule.applyServerSideEncryptionByDefault).toEqual({
      sseAlgorithm: "aws:kms",
      kmsMasterKeyId: key.state.arn,
    });
    expect(rule.bucketKeyEnabled).toBe(true);
  });

  test("all four public-access blocks are on", async () => {
    const run = await build("staging");
    const block = find(run.resources, T.block, "artifacts-public-access").inputs;
    expect([
      block.blockPublicAcls,
      block.blockPublicPolicy,
      block.ignorePublicAcls,
      block.restrictPublicBuckets,
    ]).toEqual([true, true, true, true]);
  });

  test("the bucket policy denies every request without TLS on the bucket and its objects", async () => {
    const run = await build("staging");
    const bucketArn = find(run.resources, T.bucket, "artifacts-bucket").state.arn as string;
    const doc = JSON.parse(find(run.resources, T.policy, "artifacts-tls-only").inputs.policy as string);
    expect(doc.Statement).toHaveLength(1);
    const [s] = doc.Statement;
    expect(s.Effect).toBe("Deny");
    expect(s.Principal).toBe("*");
    expect(s.Action).toBe("s3:*");
    expect(s.Resource).toEqual([bucketArn, `${bucketArn}/*`]);
    expect(s.Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
  });

  test("object ownership is BucketOwnerEnforced (ACLs off)", async () => {
    const run = await build("staging");
    expect(find(run.resources, T.ownership, "artifacts-ownership").inputs.rule).toEqual({
      objectOwnership: "BucketOwnerEnforced",
    });
  });

  test("noncurrent versions expire after 90 days by default", async () => {
    const run = await build("staging");
    const rules = find(run.resources, T.lifecycle, "artifacts-lifecycle").inputs.rules as any[];
    const noncurrent = rules.find((r) => r.noncurrentVersionExpiration);
    expect(noncurrent.status).toBe("Enabled");
    expect(noncurrent.noncurrentVersionExpiration.noncurrentDays).toBe(90);
  });

  test("prod protects the bucket and key and refuses forceDestroy", async () => {
    const run = await build("prod");
    expect(find(run.resources, T.bucket, "artifacts-bucket").inputs.forceDestroy).toBe(false);
    expect(run.protect.get(`${T.bucket}::artifacts-bucket`)).toBe(true);
    expect(run.protect.get(`${T.kms}::artifacts-kms`)).toBe(true);
  });

  test("staging neither protects the bucket nor blocks its deletion", async () => {
    const run = await build("staging");
    expect(find(run.resources, T.bucket, "artifacts-bucket").inputs.forceDestroy).toBe(true);
    expect(run.protect.get(`${T.bucket}::artifacts-bucket`)).toBe(false);
  });

  test("a non-positive retention is rejected with the value in the message", async () => {
    const config = stackConfig("staging");
    await expect(
      recordData(
        "staging",
        (cluster) => new ArtifactBucket("a", { config, cluster, noncurrentVersionDays: 0 }),
      ),
    ).rejects.toThrow("ArtifactBucket a: noncurrentVersionDays (0) must be a positive integer");
  });
});
