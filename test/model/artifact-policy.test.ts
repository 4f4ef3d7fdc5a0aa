/**
 * The model pod role's artifact policy (components/model/artifact-policy.ts): read-only, scoped to
 * the URIs' prefixes, in the bucket's partition, with kms:Decrypt on the bucket's own key.
 */
import { artifactReadPolicy } from "../../components/model/artifact-policy";

describe("artifact read policy", () => {
  test("GetObject on each URI's prefix and ListBucket only under those prefixes", () => {
    const doc = artifactReadPolicy(["s3://b/m/v1", "s3://b/m/v2/", "s3://b/m/v1"]);
    expect(doc.Statement[0]).toEqual({
      Sid: "ReadModelArtifacts",
      Effect: "Allow",
      Action: ["s3:GetObject"],
      Resource: ["arn:aws:s3:::b/m/v1/*", "arn:aws:s3:::b/m/v2/*"],
    });
    expect(doc.Statement[1]).toMatchObject({
      Action: ["s3:ListBucket"],
      Resource: "arn:aws:s3:::b",
      Condition: { StringLike: { "s3:prefix": ["m/v1", "m/v1/*", "m/v2", "m/v2/*"] } },
    });
  });

  test("an MLflow reference is scoped to the model's folder of the registry root", () => {
    const doc = artifactReadPolicy(["models:/m1/3"], { registryArtifactRoot: "s3://b/mlflow" });
    expect(doc.Statement[0].Resource).toEqual(["arn:aws:s3:::b/mlflow/m1/*"]);
  });

  test("the bucket's KMS key is granted kms:Decrypt only, and only when given", () => {
    const key = "arn:aws:kms:ap-southeast-1:123456789012:key/k";
    const doc = artifactReadPolicy(["s3://b/m/v1"], { bucketKeyArn: key });
    expect(doc.Statement.at(-1)).toEqual({
      Sid: "DecryptModelArtifacts",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: key,
    });
    expect(JSON.stringify(artifactReadPolicy(["s3://b/m/v1"]))).not.toContain("kms:");
  });

  test("bucket ARNs are in the given partition (aws-cn in the China regions)", () => {
    const doc = artifactReadPolicy(["s3://b/m/v1"], { partition: "aws-cn" });
    expect(doc.Statement[0].Resource).toEqual(["arn:aws-cn:s3:::b/m/v1/*"]);
    expect(doc.Statement[1].Resource).toBe("arn:aws-cn:s3:::b");
  });

  test("an MLflow reference without a registry root is refused rather than granting the bucket", () => {
    expect(() => artifactReadPolicy(["models:/m1/3"])).toThrow(
      "an MLflow registry artifact root is required",
    );
  });
});
