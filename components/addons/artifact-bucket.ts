/**
 * The S3 bucket shared by MLflow (artifacts under `mlflow/`), the model stacks (serving artifacts under
 * `models/`) and Airflow (task logs under `airflow/logs/`): versioned, SSE-KMS with a rotating customer
 * key, no public access, TLS only, bucket-owner-enforced, old versions expired.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../cluster/cluster-context";
import { StackConfig } from "../config/stack-schema";
import { tlsOnlyBucketPolicy } from "./data-iam";

/** Key prefixes of the artifact bucket; each workload's IAM role is limited to its own. */
export const ARTIFACT_PREFIXES = {
  /** MLflow's proxied artifact store (runs and registered model versions). */
  mlflow: "mlflow/",
  /** Model artifacts the serving stacks load (`s3://<bucket>/models/<model>/<version>`). */
  models: "models/",
  /** Airflow remote task logs. */
  airflowLogs: "airflow/logs/",
} as const;

/** Arguments of `ArtifactBucket`. */
export interface ArtifactBucketArgs {
  readonly config: StackConfig;
  readonly cluster: ClusterContext;
  /** Days a replaced or deleted object version is kept before it expires. @default 90 */
  readonly noncurrentVersionDays?: number;
}

/** What `createArtifactBucket` returns. */
export interface ArtifactBucketResources {
  readonly bucket: aws.s3.Bucket;
  readonly kmsKey: aws.kms.Key;
}

/**
 * Creates the bucket and its settings as children of `parent`. Throws when `noncurrentVersionDays`
 * is not a positive integer.
 */
export function createArtifactBucket(
  name: string,
  args: ArtifactBucketArgs,
  parent: pulumi.Resource,
): ArtifactBucketResources {
  const days = args.noncurrentVersionDays ?? 90;
  if (!Number.isInteger(days) || days < 1) {
    throw new Error(`ArtifactBucket ${name}: noncurrentVersionDays (${days}) must be a positive integer`);
  }
  const prod = args.config.environment === "prod";
  const opts: pulumi.CustomResourceOptions = { parent, provider: args.cluster.awsProvider };
  // Stateful: in prod neither the key nor the bucket may be deleted by a `pulumi up`.
  const stateful: pulumi.CustomResourceOptions = { ...opts, protect: prod };

  const kmsKey = new aws.kms.Key(
    `${name}-kms`,
    {
      description: `SSE-KMS key of the ${name} artifact bucket`,
      enableKeyRotation: true,
      // The longest waiting period: a mistakenly scheduled deletion can be cancelled for 30 days.
      deletionWindowInDays: 30,
    },
    stateful,
  );
  const bucket = new aws.s3.Bucket(
    `${name}-bucket`,
    // forceDestroy would let a delete empty a bucket full of model versions; only non-prod may.
    { forceDestroy: !prod, tags: { "mlops.io/purpose": "artifacts" } },
    stateful,
  );
  const ownership = new aws.s3.BucketOwnershipControls(
    `${name}-ownership`,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    opts,
  );
  const publicAccess = new aws.s3.BucketPublicAccessBlock(
    `${name}-public-access`,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    opts,
  );
  const versioning = new aws.s3.BucketVersioning(
    `${name}-versioning`,
    { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    opts,
  );
  new aws.s3.BucketServerSideEncryptionConfiguration(
    `${name}-sse`,
    {
      bucket: bucket.id,
      rules: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKey.arn },
          // S3 Bucket Keys cut KMS requests (and their cost) by reusing a bucket-level data key.
          bucketKeyEnabled: true,
        },
      ],
    },
    opts,
  );
  new aws.s3.BucketPolicy(
    `${name}-tls-only`,
    { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))) },
    // S3 rejects a bucket policy while the public-access block is being applied; order them.
    { ...opts, dependsOn: [publicAccess, ownership] },
  );
  new aws.s3.BucketLifecycleConfiguration(
    `${name}-lifecycle`,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire-noncurrent-versions",
          status: "Enabled",
          filter: {},
          noncurrentVersionExpiration: { noncurrentDays: days },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
        {
          // Deleting a versioned object leaves a delete marker; once its versions expire it is noise.
          id: "remove-expired-delete-markers",
          status: "Enabled",
          filter: {},
          expiration: { expiredObjectDeleteMarker: true },
        },
      ],
    },
    // Noncurrent-version rules act only once versioning is on.
    { ...opts, dependsOn: [versioning] },
  );
  return { bucket, kmsKey };
}

/** Versioned, encrypted, private S3 bucket for artifacts and logs. */
export class ArtifactBucket extends pulumi.ComponentResource {
  /** Bucket name. */
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  /** ARN of the bucket's KMS key; readers need `kms:Decrypt`, writers `kms:GenerateDataKey`. */
  readonly kmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: ArtifactBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:ArtifactBucket", name, {}, opts);
    const { bucket, kmsKey } = createArtifactBucket(name, args, this);
    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.kmsKeyArn = kmsKey.arn;
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      kmsKeyArn: this.kmsKeyArn,
    });
  }
}
