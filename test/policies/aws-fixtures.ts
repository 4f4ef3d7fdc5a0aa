/** Valid AWS fixtures for the policy tests: the artifact bucket and its settings, RDS, EKS, KMS, IAM, security groups, ECR. */
import type { Fixture } from "./fixtures";

const BUCKET = "mlops-artifacts";

export const bucket = (): Fixture => ({
  type: "aws:s3/bucket:Bucket",
  name: "artifacts",
  props: { bucket: BUCKET },
});
export const publicAccessBlock = (): Fixture => ({
  type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  name: "artifacts-pab",
  props: {
    bucket: BUCKET,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  },
});
export const bucketEncryption = (): Fixture => ({
  type: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  name: "artifacts-sse",
  props: {
    bucket: BUCKET,
    rules: [
      {
        applyServerSideEncryptionByDefault: {
          sseAlgorithm: "aws:kms",
          kmsMasterKeyId: "arn:aws:kms:ap-southeast-1:123456789012:key/k",
        },
        bucketKeyEnabled: true,
      },
    ],
  },
});
export const bucketVersioning = (): Fixture => ({
  type: "aws:s3/bucketVersioning:BucketVersioning",
  name: "artifacts-versioning",
  props: { bucket: BUCKET, versioningConfiguration: { status: "Enabled" } },
});
export const tlsStatement = () => ({
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: "s3:*",
  Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
  Condition: { Bool: { "aws:SecureTransport": "false" } },
});
export const bucketPolicy = (): Fixture => ({
  type: "aws:s3/bucketPolicy:BucketPolicy",
  name: "artifacts-policy",
  props: { bucket: BUCKET, policy: JSON.stringify({ Version: "2012-10-17", Statement: [tlsStatement()] }) },
});
export const rds = (): Fixture => ({
  type: "aws:rds/instance:Instance",
  name: "mlflow-db",
  props: {
    engine: "postgres",
    instanceClass: "db.r6g.large",
    storageEncrypted: true,
    publiclyAccessible: false,
    backupRetentionPeriod: 14,
    deletionProtection: true,
    multiAz: true,
  },
});
export const eks = (): Fixture => ({
  type: "aws:eks/cluster:Cluster",
  name: "cluster",
  props: {
    vpcConfig: {
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["198.51.100.0/24"],
      subnetIds: ["subnet-1"],
    },
    encryptionConfig: {
      resources: ["secrets"],
      provider: { keyArn: "arn:aws:kms:ap-southeast-1:123456789012:key/k" },
    },
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
  },
});
export const kmsKey = (): Fixture => ({
  type: "aws:kms/key:Key",
  name: "platform-key",
  props: { enableKeyRotation: true },
});
export const leastPrivilege = () =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["s3:GetObject"], Resource: [`arn:aws:s3:::${BUCKET}/*`] }],
  });
export const rolePolicy = (): Fixture => ({
  type: "aws:iam/rolePolicy:RolePolicy",
  name: "homepage-feed-s3",
  props: { role: "homepage-feed", policy: leastPrivilege() },
});
export const securityGroup = (): Fixture => ({
  type: "aws:ec2/securityGroup:SecurityGroup",
  name: "lb-sg",
  props: {
    ingress: [
      { fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] },
      { fromPort: 5432, toPort: 5432, protocol: "tcp", cidrBlocks: ["10.40.0.0/16"] },
    ],
  },
});
export const ingressRule = (): Fixture => ({
  type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  name: "lb-http",
  props: { securityGroupId: "sg-1", cidrIpv4: "0.0.0.0/0", fromPort: 80, toPort: 80, ipProtocol: "tcp" },
});
export const ecr = (): Fixture => ({
  type: "aws:ecr/repository:Repository",
  name: "trainer",
  props: { imageTagMutability: "IMMUTABLE", imageScanningConfiguration: { scanOnPush: true } },
});
