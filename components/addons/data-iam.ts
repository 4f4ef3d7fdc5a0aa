/**
 * Pure builders of the IAM and bucket policy documents of the data add-ons. Plain functions over
 * resolved ARNs, so tests parse their output directly and the components apply them inside
 * `pulumi.all(...).apply(...)`.
 */

/** An IAM policy document, as AWS expects it. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** One statement of a policy document. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: string | Record<string, string | string[]>;
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/**
 * Bucket policy that refuses every request not made over TLS, from any principal (AWS's documented
 * pattern: deny `s3:*` when `aws:SecureTransport` is `false`, on the bucket and its objects).
 */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/** What a pod role may do in the artifact bucket. */
export interface PrefixAccess {
  readonly bucketArn: string;
  /** The bucket's KMS key: objects are SSE-KMS, so reading needs Decrypt and writing GenerateDataKey. */
  readonly kmsKeyArn: string;
  /** Key prefixes the role may touch, each ending in `/` (e.g. `mlflow/`). */
  readonly prefixes: readonly string[];
  /** `read` lists and gets; `read-write` also puts and deletes. */
  readonly access: "read" | "read-write";
}

/**
 * Least-privilege policy for one workload: list only under its prefixes, object actions only on its
 * prefixes, and the KMS actions SSE-KMS needs on the bucket's key only. Throws on a prefix without a
 * trailing `/` (`mlflow` would also grant `mlflow-other/`).
 */
export function prefixAccessPolicy(args: PrefixAccess): PolicyDocument {
  const bad = args.prefixes.filter((p) => p === "" || !p.endsWith("/") || p.startsWith("/"));
  if (args.prefixes.length === 0 || bad.length > 0) {
    throw new Error(
      `prefixes must be non-empty key prefixes ending in "/" and not starting with "/"; got ${JSON.stringify(args.prefixes)}`,
    );
  }
  const objectActions =
    args.access === "read"
      ? ["s3:GetObject", "s3:GetObjectVersion"]
      : [
          "s3:GetObject",
          "s3:GetObjectVersion",
          "s3:PutObject",
          "s3:DeleteObject",
          "s3:AbortMultipartUpload",
          "s3:ListMultipartUploadParts",
        ];
  const kmsActions = args.access === "read" ? ["kms:Decrypt"] : ["kms:Decrypt", "kms:GenerateDataKey"];
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ListOwnPrefixes",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: args.bucketArn,
        Condition: { StringLike: { "s3:prefix": args.prefixes.flatMap((p) => [p, `${p}*`]) } },
      },
      {
        Sid: "ObjectsUnderOwnPrefixes",
        Effect: "Allow",
        Action: objectActions,
        Resource: args.prefixes.map((p) => `${args.bucketArn}/${p}*`),
      },
      { Sid: "BucketKey", Effect: "Allow", Action: kmsActions, Resource: args.kmsKeyArn },
    ],
  };
}
