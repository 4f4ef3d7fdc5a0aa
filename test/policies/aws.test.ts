import { awsEcrRepositoryImmutableAndScanned } from "../../policies/aws/aws-ecr-repository-immutable-and-scanned";
import { awsEksControlPlaneLogging } from "../../policies/aws/aws-eks-control-plane-logging";
import { awsEksEndpointNotOpenToWorld } from "../../policies/aws/aws-eks-endpoint-not-open-to-world";
import { awsEksSecretsEncrypted } from "../../policies/aws/aws-eks-secrets-encrypted";
import { awsIamNoWildcardAdmin } from "../../policies/aws/aws-iam-no-wildcard-admin";
import { awsKmsKeyRotationEnabled } from "../../policies/aws/aws-kms-key-rotation-enabled";
import { awsRdsInstanceBackupRetention } from "../../policies/aws/aws-rds-instance-backup-retention";
import { awsRdsInstanceDeletionProtection } from "../../policies/aws/aws-rds-instance-deletion-protection";
import { awsRdsInstanceMultiAz } from "../../policies/aws/aws-rds-instance-multi-az";
import { awsRdsInstanceNotPubliclyAccessible } from "../../policies/aws/aws-rds-instance-not-publicly-accessible";
import { awsRdsInstanceStorageEncrypted } from "../../policies/aws/aws-rds-instance-storage-encrypted";
import { awsS3BucketEncryptionUsesKms } from "../../policies/aws/aws-s3-bucket-encryption-uses-kms";
import { awsS3BucketHasSecurityCompanions } from "../../policies/aws/aws-s3-bucket-has-security-companions";
import { awsS3BucketPolicyDeniesInsecureTransport } from "../../policies/aws/aws-s3-bucket-policy-denies-insecure-transport";
import { awsS3BucketVersioningEnabled } from "../../policies/aws/aws-s3-bucket-versioning-enabled";
import { awsS3PublicAccessBlockBlocksAll } from "../../policies/aws/aws-s3-public-access-block-blocks-all";
import { awsSecurityGroupNoWorldIngress } from "../../policies/aws/aws-security-group-no-world-ingress";
import * as f from "./fixtures";
import { messages, set } from "./fixtures";

describe("aws-s3-public-access-block-blocks-all", () => {
  const p = awsS3PublicAccessBlockBlocksAll;
  it("passes with all four flags", async () => {
    expect(await messages(p, [f.publicAccessBlock()])).toEqual([]);
  });
  it.each(["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"])(
    "fails with %s off",
    async (flag) => {
      expect(await messages(p, [set(f.publicAccessBlock(), flag, false)])).toEqual([
        `Public-access block leaves ${flag} off; set all four of blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets to true.`,
      ]);
    },
  );
});

describe("aws-s3-bucket-encryption-uses-kms", () => {
  const p = awsS3BucketEncryptionUsesKms;
  it("passes with aws:kms", async () => {
    expect(await messages(p, [f.bucketEncryption()])).toEqual([]);
  });
  it("fails with SSE-S3 (AES256)", async () => {
    const r = set(f.bucketEncryption(), "rules[0].applyServerSideEncryptionByDefault.sseAlgorithm", "AES256");
    expect(await messages(p, [r])).toEqual([
      'Bucket encryption uses AES256; set sseAlgorithm to "aws:kms" with the platform\'s KMS key (kmsMasterKeyId).',
    ]);
  });
  it("fails without rules", async () => {
    expect(await messages(p, [set(f.bucketEncryption(), "rules", [])])).toEqual([
      'Encryption configuration has no rules; add a rule with applyServerSideEncryptionByDefault.sseAlgorithm = "aws:kms" and a kmsMasterKeyId.',
    ]);
  });
});

describe("aws-s3-bucket-versioning-enabled", () => {
  const p = awsS3BucketVersioningEnabled;
  it("passes when Enabled", async () => {
    expect(await messages(p, [f.bucketVersioning()])).toEqual([]);
  });
  it("fails when Suspended", async () => {
    expect(
      await messages(p, [set(f.bucketVersioning(), "versioningConfiguration.status", "Suspended")]),
    ).toEqual(['Bucket versioning status is "Suspended"; set versioningConfiguration.status to "Enabled".']);
  });
});

describe("aws-s3-bucket-policy-denies-insecure-transport", () => {
  const p = awsS3BucketPolicyDeniesInsecureTransport;
  const fix =
    'Bucket policy does not enforce TLS; add a statement {Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket ARN, bucket ARN + "/*"], Condition: {Bool: {"aws:SecureTransport": "false"}}}.';
  it("passes with the TLS deny statement (string or object document)", async () => {
    expect(await messages(p, [f.bucketPolicy()])).toEqual([]);
    expect(await messages(p, [set(f.bucketPolicy(), "policy", { Statement: f.tlsStatement() })])).toEqual([]);
  });
  it("fails when the statement allows instead of denies", async () => {
    const r = set(
      f.bucketPolicy(),
      "policy",
      JSON.stringify({ Statement: [{ ...f.tlsStatement(), Effect: "Allow" }] }),
    );
    expect(await messages(p, [r])).toEqual([fix]);
  });
  it("fails when the condition is missing", async () => {
    const noCondition: Record<string, unknown> = f.tlsStatement();
    delete noCondition.Condition;
    expect(
      await messages(p, [set(f.bucketPolicy(), "policy", JSON.stringify({ Statement: [noCondition] }))]),
    ).toEqual([fix]);
  });
});

describe("aws-s3-bucket-has-security-companions", () => {
  const p = awsS3BucketHasSecurityCompanions;
  const companions = () => [
    f.publicAccessBlock(),
    f.bucketEncryption(),
    f.bucketVersioning(),
    f.bucketPolicy(),
  ];
  it("passes when all four companions target the bucket", async () => {
    expect(await messages(p, [f.bucket(), ...companions()])).toEqual([]);
  });
  it.each([
    ["BucketPublicAccessBlock", 0],
    ["BucketServerSideEncryptionConfiguration", 1],
    ["BucketVersioning", 2],
    ["BucketPolicy", 3],
  ])("fails without a %s", async (kind, i) => {
    const rest = companions().filter((_, j) => j !== i);
    expect(await messages(p, [f.bucket(), ...rest])).toEqual([
      `Bucket artifacts has no ${kind}; create each with bucket: <this bucket>.id (all four public-access flags, SSE-KMS, versioning Enabled, TLS-only policy).`,
    ]);
  });
  it("does not count companions of another bucket", async () => {
    const other = companions().map((c) => set(c, "bucket", "other-bucket"));
    expect(await messages(p, [f.bucket(), ...other])).toHaveLength(1);
  });
});

describe("aws RDS policies", () => {
  it("pass on the valid instance", async () => {
    for (const p of [
      awsRdsInstanceStorageEncrypted,
      awsRdsInstanceNotPubliclyAccessible,
      awsRdsInstanceBackupRetention,
      awsRdsInstanceDeletionProtection,
      awsRdsInstanceMultiAz,
    ]) {
      expect(await messages(p, [f.rds()])).toEqual([]);
    }
  });
  it("storage-encrypted fails when unencrypted", async () => {
    expect(await messages(awsRdsInstanceStorageEncrypted, [set(f.rds(), "storageEncrypted", false)])).toEqual(
      [
        "RDS instance storage is not encrypted; set storageEncrypted: true (and kmsKeyId to the platform key). This forces a replacement on existing instances.",
      ],
    );
  });
  it("not-publicly-accessible fails when public", async () => {
    expect(
      await messages(awsRdsInstanceNotPubliclyAccessible, [set(f.rds(), "publiclyAccessible", true)]),
    ).toEqual([
      "RDS instance is publicly accessible; set publiclyAccessible: false and reach it from the cluster's private subnets.",
    ]);
  });
  it("backup-retention fails below 7 days and when unset", async () => {
    expect(await messages(awsRdsInstanceBackupRetention, [set(f.rds(), "backupRetentionPeriod", 3)])).toEqual(
      ["RDS backup retention is 3 day(s); set backupRetentionPeriod to at least 7."],
    );
    expect(
      await messages(awsRdsInstanceBackupRetention, [set(f.rds(), "backupRetentionPeriod", undefined)]),
    ).toEqual(["RDS backup retention is 0 day(s); set backupRetentionPeriod to at least 7."]);
  });
  it("backup-retention threshold is configurable", async () => {
    expect(await messages(awsRdsInstanceBackupRetention, [f.rds()], { minDays: 30 })).toEqual([
      "RDS backup retention is 14 day(s); set backupRetentionPeriod to at least 30.",
    ]);
  });
  it("deletion-protection fails when off", async () => {
    expect(
      await messages(awsRdsInstanceDeletionProtection, [set(f.rds(), "deletionProtection", false)]),
    ).toEqual([
      "RDS instance has no deletion protection; set deletionProtection: true (and the resource option protect: true).",
    ]);
  });
  it("multi-az fails when single-AZ", async () => {
    expect(await messages(awsRdsInstanceMultiAz, [set(f.rds(), "multiAz", false)])).toEqual([
      "RDS instance is single-AZ; set multiAz: true (addons.<db>.database.multiAz in the stack config).",
    ]);
  });
});

describe("aws EKS policies", () => {
  it("pass on the valid cluster", async () => {
    for (const p of [awsEksEndpointNotOpenToWorld, awsEksSecretsEncrypted, awsEksControlPlaneLogging]) {
      expect(await messages(p, [f.eks()])).toEqual([]);
    }
  });
  it("endpoint passes when the public endpoint is off, whatever the CIDRs", async () => {
    const r = set(set(f.eks(), "vpcConfig.endpointPublicAccess", false), "vpcConfig.publicAccessCidrs", [
      "0.0.0.0/0",
    ]);
    expect(await messages(awsEksEndpointNotOpenToWorld, [r])).toEqual([]);
  });
  it("endpoint fails when open to 0.0.0.0/0", async () => {
    expect(
      await messages(awsEksEndpointNotOpenToWorld, [
        set(f.eks(), "vpcConfig.publicAccessCidrs", ["10.0.0.0/8", "0.0.0.0/0"]),
      ]),
    ).toEqual([
      "EKS public endpoint is open to 0.0.0.0/0; set vpcConfig.endpointPublicAccess: false or list office/VPN CIDRs in vpcConfig.publicAccessCidrs (cluster.endpoint.publicAccessCidrs in the stack config).",
    ]);
  });
  it("endpoint fails when open to the internet in halves or wide ranges, not on a /8 or narrower", async () => {
    expect(
      await messages(awsEksEndpointNotOpenToWorld, [
        set(f.eks(), "vpcConfig.publicAccessCidrs", [
          "0.0.0.0/1",
          "128.0.0.0/1",
          "10.0.0.0/8",
          "203.0.113.0/24",
        ]),
      ]),
    ).toEqual([expect.stringContaining("EKS public endpoint is open to 0.0.0.0/1, 128.0.0.0/1;")]);
  });
  it("endpoint fails when public with no CIDRs (AWS defaults to the internet)", async () => {
    expect(
      await messages(awsEksEndpointNotOpenToWorld, [set(f.eks(), "vpcConfig.publicAccessCidrs", undefined)]),
    ).toEqual([expect.stringContaining("EKS public endpoint is open to 0.0.0.0/0 (the AWS default)")]);
  });
  it("secrets encryption fails without encryptionConfig", async () => {
    expect(await messages(awsEksSecretsEncrypted, [set(f.eks(), "encryptionConfig", undefined)])).toEqual([
      'EKS secrets are not envelope-encrypted; set encryptionConfig: { resources: ["secrets"], provider: { keyArn: <KMS key ARN> } }.',
    ]);
  });
  it("secrets encryption fails without a key ARN", async () => {
    expect(
      await messages(awsEksSecretsEncrypted, [set(f.eks(), "encryptionConfig.provider", {})]),
    ).toHaveLength(1);
  });
  it("logging fails when a log type is missing", async () => {
    const r = set(f.eks(), "enabledClusterLogTypes", ["api", "audit", "authenticator"]);
    expect(await messages(awsEksControlPlaneLogging, [r])).toEqual([
      "EKS control-plane logs controllerManager, scheduler are off; set enabledClusterLogTypes to [api, audit, authenticator, controllerManager, scheduler].",
    ]);
  });
});

describe("aws-kms-key-rotation-enabled", () => {
  const p = awsKmsKeyRotationEnabled;
  it("passes with rotation", async () => {
    expect(await messages(p, [f.kmsKey()])).toEqual([]);
  });
  it("fails without rotation", async () => {
    expect(await messages(p, [set(f.kmsKey(), "enableKeyRotation", undefined)])).toEqual([
      "KMS key rotation is off; set enableKeyRotation: true.",
    ]);
  });
  it("skips asymmetric keys, which cannot rotate", async () => {
    const r = set(set(f.kmsKey(), "enableKeyRotation", false), "customerMasterKeySpec", "RSA_2048");
    expect(await messages(p, [r])).toEqual([]);
  });
});

describe("aws-iam-no-wildcard-admin", () => {
  const p = awsIamNoWildcardAdmin;
  const admin = JSON.stringify({
    Statement: [
      { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
      { Effect: "Allow", Action: "*", Resource: "*" },
    ],
  });
  const fix = "grant the specific actions on the specific ARNs the workload needs";
  it("passes with least privilege", async () => {
    expect(await messages(p, [f.rolePolicy()])).toEqual([]);
  });
  it("fails on an inline role policy allowing * on *", async () => {
    expect(await messages(p, [set(f.rolePolicy(), "policy", admin)])).toEqual([
      `policy statement(s) 1 allow Action "*" on Resource "*"; ${fix}.`,
    ]);
  });
  it("fails on a managed policy allowing * on *", async () => {
    const r = { type: "aws:iam/policy:Policy", name: "workload", props: { policy: admin } };
    expect(await messages(p, [r])).toHaveLength(1);
  });
  it("fails when a role attaches AdministratorAccess", async () => {
    const r = {
      type: "aws:iam/role:Role",
      name: "workload",
      props: { managedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] },
    };
    expect(await messages(p, [r])).toEqual([`AdministratorAccess is attached; ${fix}.`]);
  });
  it("allows names listed in allowedNames", async () => {
    expect(
      await messages(p, [set(f.rolePolicy(), "policy", admin)], { allowedNames: ["homepage-feed-s3"] }),
    ).toEqual([]);
  });
});

describe("aws-security-group-no-world-ingress", () => {
  const p = awsSecurityGroupNoWorldIngress;
  it("passes with 443 open and the database port VPC-only", async () => {
    expect(await messages(p, [f.securityGroup(), f.ingressRule()])).toEqual([]);
  });
  it("fails on an inline ingress opening 22 to the world", async () => {
    const r = set(f.securityGroup(), "ingress[1].cidrBlocks", ["0.0.0.0/0"]);
    set(r, "ingress[1].fromPort", 22);
    set(r, "ingress[1].toPort", 22);
    expect(await messages(p, [r])).toEqual([
      "ingress[1] opens ports 22-22 to 0.0.0.0/0; only ports 80, 443 may face the internet. Restrict the CIDR to the VPC or a load balancer's security group.",
    ]);
  });
  it("fails on an inline ingress opening 22 to a /4, which is no office range", async () => {
    const r = set(f.securityGroup(), "ingress[1].cidrBlocks", ["64.0.0.0/4"]);
    set(r, "ingress[1].fromPort", 22);
    set(r, "ingress[1].toPort", 22);
    expect(await messages(p, [r])).toEqual([
      expect.stringContaining("ingress[1] opens ports 22-22 to 64.0.0.0/4;"),
    ]);
  });
  it("fails on a vpc ingress rule with all protocols from ::/0", async () => {
    const r = set(set(f.ingressRule(), "cidrIpv4", undefined), "cidrIpv6", "::/0");
    set(r, "ipProtocol", "-1");
    expect(await messages(p, [r])).toEqual([
      "rule opens all ports to ::/0; only ports 80, 443 may face the internet. Restrict the CIDR to the VPC or a load balancer's security group.",
    ]);
  });
  it("fails on an ec2 SecurityGroupRule port range containing 443", async () => {
    const r = {
      type: "aws:ec2/securityGroupRule:SecurityGroupRule",
      name: "wide",
      props: {
        type: "ingress",
        cidrBlocks: ["0.0.0.0/0"],
        fromPort: 0,
        toPort: 65535,
        protocol: "tcp",
        securityGroupId: "sg-1",
      },
    };
    expect(await messages(p, [r])).toHaveLength(1);
  });
  it("ignores egress SecurityGroupRules", async () => {
    const r = {
      type: "aws:ec2/securityGroupRule:SecurityGroupRule",
      name: "egress",
      props: {
        type: "egress",
        cidrBlocks: ["0.0.0.0/0"],
        fromPort: 0,
        toPort: 0,
        protocol: "-1",
        securityGroupId: "sg-1",
      },
    };
    expect(await messages(p, [r])).toEqual([]);
  });
  it("takes the allowed ports from config", async () => {
    expect(await messages(p, [f.securityGroup()], { allowedPorts: [80] })).toHaveLength(1);
  });
});

describe("aws-ecr-repository-immutable-and-scanned", () => {
  const p = awsEcrRepositoryImmutableAndScanned;
  it("passes when immutable and scanned", async () => {
    expect(await messages(p, [f.ecr()])).toEqual([]);
  });
  it("fails with mutable tags", async () => {
    expect(await messages(p, [set(f.ecr(), "imageTagMutability", "MUTABLE")])).toEqual([
      'ECR image tags are MUTABLE; set imageTagMutability: "IMMUTABLE".',
    ]);
  });
  it("fails without scan on push", async () => {
    expect(await messages(p, [set(f.ecr(), "imageScanningConfiguration.scanOnPush", false)])).toEqual([
      "ECR scan on push is off; set imageScanningConfiguration: { scanOnPush: true }.",
    ]);
  });
});
