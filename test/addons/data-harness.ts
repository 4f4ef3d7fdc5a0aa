/**
 * Harness of the data add-on tests (bucket, databases, MLflow, Airflow, KFP): a fake ClusterContext
 * built from real providers under the mock runtime, and a recorder that also captures each resource's
 * options (protect) through a stack transformation, as tools/offline/run-program.ts does.
 */
import * as crypto from "crypto";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext, PodRoleArgs } from "../../components/cluster/cluster-context";
import { RecordedResource, recordingMocks } from "../../tools/offline/mock-cloud";
import { quiesce } from "../helpers/stack";

/** A `podRole` call the fake cluster saw. */
export interface PodRoleCall {
  readonly name: string;
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly policy: any;
}

/** What one recorded run produced. */
export interface DataRun<T> {
  readonly resources: RecordedResource[];
  /** `protect` per `${type}::${name}`. */
  readonly protect: Map<string, boolean>;
  readonly podRoles: PodRoleCall[];
  readonly built: T;
}

/** A ClusterContext with real (mocked) providers; `podRole` creates an `aws.iam.Role` and records the call. */
export function fakeCluster(podRoles: PodRoleCall[], withVpc = true): ClusterContext {
  const awsProvider = new aws.Provider("aws", { region: "ap-southeast-1" });
  const kubeProvider = new k8s.Provider("k8s", { kubeconfig: "{}" });
  return {
    mode: withVpc ? "eks" : "existing",
    clusterName: pulumi.output("mlops-test"),
    awsProvider,
    kubeProvider,
    vpcId: withVpc ? pulumi.output("vpc-0123456789abcdef0") : undefined,
    privateSubnetIds: withVpc ? pulumi.output(["subnet-a", "subnet-b"]) : undefined,
    nodeSecurityGroupId: withVpc ? pulumi.output("sg-nodes") : undefined,
    podRole: (name: string, args: PodRoleArgs, parent: pulumi.Resource) => {
      pulumi
        .all([args.namespace, args.serviceAccount, args.policy])
        .apply(([namespace, serviceAccount, policy]) =>
          podRoles.push({ name, namespace, serviceAccount, policy: JSON.parse(policy) }),
        );
      return new aws.iam.Role(
        name,
        {
          assumeRolePolicy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Principal: { Service: "pods.eks.amazonaws.com" },
                Action: ["sts:AssumeRole", "sts:TagSession"],
              },
            ],
          }),
          inlinePolicies: [{ name: "access", policy: args.policy }],
        },
        { parent, provider: awsProvider },
      );
    },
  };
}

/** Runs `build` in a mocked stack, recording resources, their `protect` option and pod-role calls. */
export async function recordData<T>(
  stack: string,
  build: (cluster: ClusterContext) => T,
  opts: { withVpc?: boolean } = {},
): Promise<DataRun<T>> {
  const resources: RecordedResource[] = [];
  const protect = new Map<string, boolean>();
  const podRoles: PodRoleCall[] = [];
  await pulumi.runtime.setMocks(recordingMocks(resources, "ap-southeast-1"), "mlops-platform", stack, false);
  let built: T | undefined;
  let error: unknown;
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      protect.set(`${args.type}::${args.name}`, args.opts.protect === true);
      return undefined;
    });
    try {
      built = build(fakeCluster(podRoles, opts.withVpc ?? true));
    } catch (err) {
      error = err;
    }
    return {};
  });
  if (error) throw error;
  await quiesce(resources);
  return { resources, protect, podRoles, built: built as T };
}

/** The password the mock runtime returns for a `random.RandomPassword` named `name` (mock-cloud.ts). */
export function mockPassword(name: string): string {
  return `mock-${crypto.createHash("sha256").update(name).digest("hex").slice(0, 24)}`;
}

/** The plain value of a recorded input, unwrapping Pulumi's secret wire encoding if present. */
export function plain(value: any): any {
  if (value && typeof value === "object" && "4dabf18193072939515e22adb298388d" in value) return value.value;
  return value;
}
