/**
 * IAM policy of a model's pod role: read only that model's artifacts. Pure.
 *
 * For each `s3://bucket/prefix` URI (stable, canary, experiments): `s3:GetObject` on
 * `bucket/prefix/*` and `s3:ListBucket` on the bucket with an `s3:prefix` condition, because
 * ListBucket is a bucket-level action and only the condition scopes it (AWS S3 docs, "Condition keys
 * for Amazon S3": s3:prefix). The prefix is the URI's folder: `s3://b/m/v42` grants `m/v42/*`, so a
 * model cannot read another version's or another model's files.
 *
 * `models:/<name>/<version>` references resolve through MLflow to files under the registry's
 * artifact root; for those the caller passes that root (`registryArtifactRoot`) and the grant is
 * scoped to `<root>/<name>/`.
 *
 * The platform's artifact bucket encrypts every object with its own KMS key (SSE-KMS, default
 * encryption in artifact-bucket.ts), and S3 decrypts an SSE-KMS object for GetObject only when the
 * caller may `kms:Decrypt` with that key ("To download an object encrypted with an AWS KMS key, the
 * requester must have kms:Decrypt permission", S3 User Guide, "Using server-side encryption with AWS
 * KMS keys"); so the caller passes the key (`bucketKeyArn`) and the role may decrypt with it alone.
 */

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly Record<string, unknown>[];
}

/** Bucket and key prefix (no leading or trailing slash) of an `s3://` URI. */
export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new Error(`not an s3:// URI: ${uri}`);
  return { bucket: m[1], prefix: m[2].replace(/\/+$/, "") };
}

/** Options of `artifactReadPolicy`. */
export interface ArtifactReadOptions {
  /** `s3://` root that `models:/` references resolve under; required when a URI is one. @default none */
  readonly registryArtifactRoot?: string;
  /** KMS key of the platform's SSE-KMS artifact bucket: granted `kms:Decrypt`. @default none */
  readonly bucketKeyArn?: string;
  /**
   * AWS partition of the bucket ARNs: `aws`, `aws-cn` (Beijing, Ningxia), `aws-us-gov`. An ARN of
   * another partition matches nothing there, so a China-region stack would read no artifact.
   * @default "aws"
   */
  readonly partition?: string;
}

/**
 * The read-only policy for `uris`. Throws for a `models:/` URI when no registry root is given,
 * rather than granting the whole artifact store.
 */
export function artifactReadPolicy(
  uris: readonly string[],
  options: ArtifactReadOptions = {},
): PolicyDocument {
  const { registryArtifactRoot, bucketKeyArn } = options;
  const s3Arn = `arn:${options.partition ?? "aws"}:s3:::`;
  const locations = new Map<string, { bucket: string; prefix: string }>();
  for (const uri of uris) {
    let loc: { bucket: string; prefix: string };
    if (uri.startsWith("models:/")) {
      if (!registryArtifactRoot) throw new Error(`${uri}: an MLflow registry artifact root is required`);
      const name = uri.slice("models:/".length).split("/")[0];
      const root = parseS3Uri(registryArtifactRoot);
      loc = { bucket: root.bucket, prefix: [root.prefix, name].filter((p) => p !== "").join("/") };
    } else {
      loc = parseS3Uri(uri);
    }
    locations.set(`${loc.bucket}/${loc.prefix}`, loc);
  }
  const sorted = [...locations.values()].sort((a, b) =>
    `${a.bucket}/${a.prefix}`.localeCompare(`${b.bucket}/${b.prefix}`),
  );
  const objectArn = (l: { bucket: string; prefix: string }) =>
    l.prefix === "" ? `${s3Arn}${l.bucket}/*` : `${s3Arn}${l.bucket}/${l.prefix}/*`;
  const statements: Record<string, unknown>[] = [
    {
      Sid: "ReadModelArtifacts",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: sorted.map(objectArn),
    },
  ];
  const byBucket = new Map<string, string[]>();
  for (const l of sorted) byBucket.set(l.bucket, [...(byBucket.get(l.bucket) ?? []), l.prefix]);
  for (const [bucket, prefixes] of byBucket) {
    statements.push({
      Sid: `ListModelArtifacts${statements.length}`,
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: `${s3Arn}${bucket}`,
      Condition: {
        StringLike: { "s3:prefix": prefixes.flatMap((p) => (p === "" ? ["*"] : [p, `${p}/*`])) },
      },
    });
  }
  if (bucketKeyArn !== undefined) {
    statements.push({
      Sid: "DecryptModelArtifacts",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: bucketKeyArn,
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}
