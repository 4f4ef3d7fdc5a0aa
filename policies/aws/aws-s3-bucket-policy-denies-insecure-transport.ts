/** A TLS-only bucket policy: AWS's documented control is a Deny on `aws:SecureTransport` = false. */
import { ALWAYS_MANDATORY, PlatformPolicy, forTypes } from "../lib/platform-policy";
import { Obj, isObj, obj, str } from "../lib/values";

/** Parses a policy document that Pulumi passes as a JSON string or an object; `undefined` if unreadable. */
export function policyDocument(value: unknown): Obj | undefined {
  if (isObj(value)) return value;
  const text = str(value);
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isObj(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The statements of a policy document (a single statement object counts as one). */
export function statements(doc: Obj): Obj[] {
  const s = doc.Statement;
  return (Array.isArray(s) ? s : [s]).filter(isObj);
}

/** A condition value that is `false` (boolean or string), possibly inside a list. */
function isFalse(value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.some((v) => v === false || v === "false");
}

/** True when the document denies every action over non-TLS connections. */
export function deniesInsecureTransport(doc: Obj): boolean {
  return statements(doc).some((st) => {
    if (st.Effect !== "Deny") return false;
    const actions = Array.isArray(st.Action) ? st.Action : [st.Action];
    if (!actions.some((a) => a === "s3:*" || a === "*")) return false;
    const bool = obj(obj(st.Condition).Bool);
    return isFalse(bool["aws:SecureTransport"]);
  });
}

/** Every bucket policy denies requests that do not use TLS. */
export const awsS3BucketPolicyDeniesInsecureTransport: PlatformPolicy = {
  checks: "S3 bucket policies deny s3:* when aws:SecureTransport is false (TLS only)",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "aws-s3-bucket-policy-denies-insecure-transport",
    description: "S3 bucket policies must deny requests that are not sent over TLS.",
    enforcementLevel: "mandatory",
    validateResource: forTypes(["aws:s3/bucketPolicy:BucketPolicy"], (props, _a, report) => {
      const doc = policyDocument(props.policy);
      if (!doc || !deniesInsecureTransport(doc)) {
        report(
          'Bucket policy does not enforce TLS; add a statement {Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucket ARN, bucket ARN + "/*"], Condition: {Bool: {"aws:SecureTransport": "false"}}}.',
        );
      }
    }),
  },
};
