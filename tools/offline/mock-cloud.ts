/**
 * Realistic mock outputs for the Pulumi SDK's mock runtime: what AWS and Kubernetes would return
 * (ids, ARNs, endpoints, a kubeconfig-ready certificate), so the program's computed values look like
 * the real ones in the rendered plan. Unmocked invokes throw, so a new data-source call cannot
 * silently return nothing (STYLE rule 8).
 */
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { regionZoneNames, zoneIdPrefix } from "./region-zones";

/** A resource the program declared, as the mock runtime saw it. */
export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  /** Outputs the mock returned (inputs plus computed values). */
  readonly state: Record<string, unknown>;
  readonly id: string;
}

export const MOCK_ACCOUNT_ID = "123456789012";

/** Stand-in random bytes derived from a resource's name (at most 32: one SHA-256). */
function mockBytes(name: string, count: number): Buffer {
  return crypto.createHash("sha256").update(name).digest().subarray(0, count);
}

function shortHash(text: string, length = 8): string {
  return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** Computed outputs per resource type; inputs are echoed back on top of these. */
function computedState(
  type: string,
  name: string,
  inputs: Record<string, any>,
  region: string,
): Record<string, unknown> {
  const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
  const arn = (resource: string) => `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${resource}`;
  switch (type) {
    case "aws:eks/cluster:Cluster": {
      const clusterName = inputs.name ?? `${name}-${shortHash(name, 7)}`;
      const hex = shortHash(clusterName, 32).toUpperCase();
      return {
        name: clusterName,
        arn: arn(`cluster/${clusterName}`),
        endpoint: `https://${hex}.gr7.${region}.eks.amazonaws.com`,
        certificateAuthority: {
          data: Buffer.from(`-----BEGIN CERTIFICATE-----\nMOCK${hex}\n-----END CERTIFICATE-----\n`).toString(
            "base64",
          ),
        },
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${hex}` }] }],
        vpcConfig: {
          ...(inputs.vpcConfig ?? {}),
          clusterSecurityGroupId: `sg-${shortHash(name + "csg", 17)}`,
        },
        version: inputs.version,
        status: "ACTIVE",
      };
    }
    case "aws:iam/role:Role": {
      const roleName = inputs.name ?? `${name}-${shortHash(name, 7)}`;
      return {
        name: roleName,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${roleName}`,
        uniqueId: `AROA${shortHash(name, 16).toUpperCase()}`,
      };
    }
    case "aws:iam/policy:Policy": {
      const policyName = inputs.name ?? `${name}-${shortHash(name, 7)}`;
      return { name: policyName, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:policy/${policyName}` };
    }
    case "aws:iam/instanceProfile:InstanceProfile": {
      const profile = inputs.name ?? `${name}-${shortHash(name, 7)}`;
      return { name: profile, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:instance-profile/${profile}` };
    }
    case "aws:kms/key:Key": {
      const keyId = `${shortHash(name, 8)}-${shortHash(name + "1", 4)}-${shortHash(name + "2", 4)}-${shortHash(name + "3", 4)}-${shortHash(name + "4", 12)}`;
      return { keyId, arn: arn(`key/${keyId}`) };
    }
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = inputs.bucket ?? `${name}-${shortHash(name, 7)}`;
      return {
        bucket,
        arn: `arn:aws:s3:::${bucket}`,
        bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
      };
    }
    case "aws:rds/instance:Instance": {
      const id = inputs.identifier ?? `${name}-${shortHash(name, 7)}`;
      const address = `${id}.c${shortHash(name, 10)}.${region}.rds.amazonaws.com`;
      return { identifier: id, address, endpoint: `${address}:5432`, port: 5432, arn: arn(`db:${id}`) };
    }
    case "aws:sqs/queue:Queue": {
      const q = inputs.name ?? `${name}-${shortHash(name, 7)}`;
      return {
        name: q,
        arn: `arn:aws:sqs:${region}:${MOCK_ACCOUNT_ID}:${q}`,
        url: `https://sqs.${region}.amazonaws.com/${MOCK_ACCOUNT_ID}/${q}`,
      };
    }
    case "aws:ec2/vpc:Vpc":
      return {
        arn: arn(`vpc/vpc-${shortHash(name, 17)}`),
        defaultSecurityGroupId: `sg-${shortHash(name + "d", 17)}`,
      };
    case "aws:ec2/securityGroup:SecurityGroup":
      return { arn: arn(`security-group/sg-${shortHash(name, 17)}`) };
    case "random:index/randomPassword:RandomPassword":
      // Never a real secret: the mock marks it secret like the provider does.
      return { result: pulumi.secret(`mock-${shortHash(name, 24)}`) as unknown as string };
    case "random:index/randomId:RandomId": {
      // Deterministic stand-in: the same name draws the same id, as a stored state would.
      const bytes = mockBytes(name, inputs.byteLength ?? 8);
      return {
        hex: bytes.toString("hex"),
        dec: BigInt(`0x${bytes.toString("hex")}`).toString(),
        b64Std: bytes.toString("base64"),
        b64Url: bytes.toString("base64url"),
      };
    }
    case "random:index/randomBytes:RandomBytes": {
      // Deterministic stand-in bytes, marked secret like the provider does.
      const bytes = mockBytes(name, inputs.length ?? 32);
      return {
        base64: pulumi.secret(bytes.toString("base64")) as unknown as string,
        hex: pulumi.secret(bytes.toString("hex")) as unknown as string,
      };
    }
    default:
      return type.startsWith("aws:") ? { arn: arn(`${type.split(":")[2]?.toLowerCase()}/${name}`) } : {};
  }
}

/** Physical id per resource type (AWS style where it matters). */
function mockId(type: string, name: string, inputs: Record<string, any>): string {
  const prefix: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/internetGateway:InternetGateway": "igw-",
    "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/eip:Eip": "eipalloc-",
  };
  if (prefix[type]) return `${prefix[type]}${shortHash(name, 17)}`;
  // An S3 bucket's id is its name (companions such as BucketPolicy take `bucket: bucket.id`); keep the
  // same value computedState reports as `bucket` so policies can match companions to buckets.
  if (type === "aws:s3/bucket:Bucket" || type === "aws:s3/bucketV2:BucketV2") {
    return inputs.bucket ?? `${name}-${shortHash(name, 7)}`;
  }
  if (type.startsWith("kubernetes:")) {
    const meta = inputs.metadata ?? {};
    return meta.namespace ? `${meta.namespace}/${meta.name ?? name}` : String(meta.name ?? name);
  }
  return `${name}-${shortHash(type + name, 8)}`;
}

/** Answers for the data-source invokes the program uses. */
function callResult(token: string, inputs: Record<string, any>, region: string): Record<string, unknown> {
  switch (token) {
    case "aws:index/getAvailabilityZones:getAvailabilityZones":
      return {
        names: regionZoneNames(region),
        zoneIds: regionZoneNames(region).map((_, i) => `${zoneIdPrefix(region)}-az${i + 1}`),
        id: region,
      };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/mock`,
        userId: "AIDAMOCK",
        id: MOCK_ACCOUNT_ID,
      };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    case "aws:index/getRegion:getRegion":
      return { name: region, region, id: region };
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return { json: JSON.stringify(policyDocument(inputs)) };
    default:
      throw new Error(`unmocked invoke ${token}: add it to tools/offline/mock-cloud.ts`);
  }
}

/** Renders aws.iam.getPolicyDocument's input the way the provider does (enough for review and policies). */
function policyDocument(inputs: Record<string, any>): Record<string, unknown> {
  const statements = (inputs.statements ?? []).map((s: Record<string, any>) => {
    const out: Record<string, unknown> = { Effect: s.effect ?? "Allow" };
    if (s.sid) out.Sid = s.sid;
    if (s.actions) out.Action = s.actions.length === 1 ? s.actions[0] : s.actions;
    if (s.resources) out.Resource = s.resources.length === 1 ? s.resources[0] : s.resources;
    if (s.principals) {
      out.Principal = Object.fromEntries(
        s.principals.map((p: any) => [p.type, p.identifiers.length === 1 ? p.identifiers[0] : p.identifiers]),
      );
    }
    if (s.conditions) {
      const cond: Record<string, Record<string, unknown>> = {};
      for (const c of s.conditions)
        cond[c.test] = {
          ...(cond[c.test] ?? {}),
          [c.variable]: c.values.length === 1 ? c.values[0] : c.values,
        };
      out.Condition = cond;
    }
    return out;
  });
  return { Version: "2012-10-17", Statement: statements };
}

/** Mocks that record every resource into `sink`. */
export function recordingMocks(sink: RecordedResource[], region: string): pulumi.runtime.Mocks {
  return {
    newResource(args) {
      const inputs = (args.inputs ?? {}) as Record<string, any>;
      // The SDK passes the import id, "" for a new resource; `??` would keep that empty id and every
      // `resource.id` would resolve to undefined in dependants (e.g. vpcSecurityGroupIds: [undefined]).
      const id = args.id || mockId(args.type, args.name, inputs);
      const state = { ...inputs, ...computedState(args.type, args.name, inputs, region) };
      sink.push({ type: args.type, name: args.name, inputs, state, id });
      return { id, state };
    },
    call(args) {
      return callResult(args.token, (args.inputs ?? {}) as Record<string, any>, region);
    },
  };
}
