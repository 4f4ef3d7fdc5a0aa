/**
 * The policies against resources declared through the real provider SDKs under the mock runtime:
 * proves the type tokens and input shapes the policies read are the ones Pulumi records.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { evaluatePolicies } from "../../policies/evaluate";
import { RecordedResource, recordingMocks } from "../../tools/offline/mock-cloud";
import * as f from "./fixtures";

const sink: RecordedResource[] = [];

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

beforeAll(async () => {
  pulumi.runtime.setMocks(recordingMocks(sink, "ap-southeast-1"), "mlops-platform", "prod", false);
  const bucket = new aws.s3.Bucket("artifacts", {});
  new aws.s3.BucketPublicAccessBlock("artifacts-pab", {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new aws.s3.BucketVersioning("artifacts-versioning", {
    bucket: bucket.id,
    versioningConfiguration: { status: "Enabled" },
  });
  new aws.s3.BucketServerSideEncryptionConfiguration("artifacts-sse", {
    bucket: bucket.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
  });
  new aws.rds.Instance("mlflow-db", {
    instanceClass: "db.t4g.medium",
    engine: "postgres",
    storageEncrypted: true,
    backupRetentionPeriod: 7,
    deletionProtection: true,
    multiAz: true,
  });
  const isvc = f.inferenceService().props;
  new k8s.apiextensions.CustomResource("homepage-feed-isvc", {
    apiVersion: isvc.apiVersion,
    kind: isvc.kind,
    metadata: isvc.metadata,
    spec: { ...isvc.spec, predictor: { ...isvc.spec.predictor, tolerations: [] } },
  });
  await settle();
});

it("finds the SSE-S3 bucket, the missing bucket policy and the untolerated GPU predictor", async () => {
  const resources = sink.map((r) => ({ type: r.type, name: r.name, props: r.state }));
  const violations = await evaluatePolicies(resources, {
    environment: "prod",
    only: [
      "aws-s3-bucket-encryption-uses-kms",
      "aws-s3-bucket-has-security-companions",
      "aws-rds-instance-storage-encrypted",
      "kubernetes-gpu-workload-tolerates-gpu-taint",
    ],
  });
  expect(violations.map((v) => [v.policy, v.resource])).toEqual([
    ["aws-s3-bucket-encryption-uses-kms", "artifacts-sse"],
    ["aws-s3-bucket-has-security-companions", "artifacts"],
    ["kubernetes-gpu-workload-tolerates-gpu-taint", "homepage-feed-isvc"],
  ]);
  expect(violations[1].message).toMatch(/^Bucket artifacts has no BucketPolicy;/);
});
