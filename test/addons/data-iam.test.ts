import { prefixAccessPolicy, tlsOnlyBucketPolicy } from "../../components/addons/data-iam";

const base = { bucketArn: "arn:aws:s3:::b", kmsKeyArn: "arn:aws:kms:r:1:key/k", prefixes: ["mlflow/"] };

describe("data IAM policies", () => {
  test("read access grants no write or delete action", () => {
    const actions = prefixAccessPolicy({ ...base, access: "read" }).Statement.flatMap((s) =>
      [s.Action].flat(),
    );
    expect(actions.filter((a) => /Put|Delete|GenerateDataKey|Abort/.test(a))).toEqual([]);
  });

  test("read-write access can write objects and encrypt with the bucket key only", () => {
    const doc = prefixAccessPolicy({ ...base, access: "read-write" });
    const objects = doc.Statement.find((s) => s.Sid === "ObjectsUnderOwnPrefixes")!;
    expect(objects.Action).toContain("s3:PutObject");
    expect(objects.Resource).toEqual(["arn:aws:s3:::b/mlflow/*"]);
    expect(doc.Statement.find((s) => s.Sid === "BucketKey")!.Resource).toBe(base.kmsKeyArn);
  });

  test("no statement uses a wildcard resource or action", () => {
    const doc = prefixAccessPolicy({ ...base, access: "read-write" });
    for (const s of doc.Statement) {
      expect([s.Resource].flat()).not.toContain("*");
      expect([s.Action].flat().some((a) => a.endsWith(":*"))).toBe(false);
    }
  });

  test("a prefix without a trailing slash is rejected (it would also match mlflow-other/)", () => {
    expect(() => prefixAccessPolicy({ ...base, prefixes: ["mlflow"], access: "read" })).toThrow(
      'prefixes must be non-empty key prefixes ending in "/" and not starting with "/"; got ["mlflow"]',
    );
  });

  test("the TLS-only policy is a single deny on insecure transport", () => {
    expect(tlsOnlyBucketPolicy("arn:aws:s3:::b").Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });
});
