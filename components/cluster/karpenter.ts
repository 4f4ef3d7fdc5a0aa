/**
 * Karpenter: the controller's pod-scoped role, the node role and its access entry, the SQS
 * interruption queue fed by EventBridge, and the chart (CRDs and controller as separate releases, so
 * CRDs upgrade with the version: Helm never upgrades a chart's crds/ folder).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NAMESPACES } from "../addons/addons-context";
import { PodRoleArgs } from "./cluster-context";
import { interruptionQueuePolicy, karpenterControllerPolicy } from "./iam-policies";
import { KARPENTER_CHART, KARPENTER_SERVICE_ACCOUNT, karpenterValues } from "./karpenter-values";
import { PodIdentityScope } from "./pod-identity";
import { createNodeRole } from "./system-node-group";

/**
 * EventBridge rules Karpenter handles: spot interruption warnings, rebalance recommendations,
 * instance state changes and AWS Health scheduled changes. Source: karpenter cloudformation.yaml.
 */
export const INTERRUPTION_EVENTS = {
  "spot-interruption": { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
  rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
  "instance-state-change": { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
  "scheduled-change": { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
} as const;

/** Arguments of `Karpenter`. The Kubernetes provider comes through `opts.providers`. */
export interface KarpenterArgs {
  readonly clusterName: string;
  readonly region: string;
  /** Creates the controller's pod-scoped role (`ClusterContext.podRole`). */
  readonly podRole: (name: string, args: PodRoleArgs, parent: pulumi.Resource) => aws.iam.Role;
  /** Labels of the system nodes the controller runs on. */
  readonly systemNodeSelector: Record<string, string>;
  /** Chart version. @default KARPENTER_CHART.version */
  readonly chartVersion?: string;
  /** Namespace of the controller. @default NAMESPACES.karpenter */
  readonly namespace?: string;
  /** Tags added to every AWS resource. @default {} */
  readonly tags?: Record<string, string>;
  /** What the releases wait for (system nodes, CoreDNS, Pod Identity agent). @default [] */
  readonly dependsOn?: pulumi.Resource[];
  /**
   * Protect the CRD release (prod): deleting it deletes the NodePool and NodeClaim CRDs, with them
   * every NodePool and NodeClaim, and Karpenter then terminates every GPU node. @default false
   */
  readonly protect?: boolean;
}

/** Karpenter and its AWS plumbing. */
export class Karpenter extends pulumi.ComponentResource {
  readonly nodeRole: aws.iam.Role;
  readonly queue: aws.sqs.Queue;
  readonly release: k8s.helm.v3.Release;
  readonly crdRelease: k8s.helm.v3.Release;

  constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cluster:Karpenter", name, {}, opts);
    const out = createKarpenter(name, args, this);
    this.nodeRole = out.nodeRole;
    this.queue = out.queue;
    this.release = out.release;
    this.crdRelease = out.crdRelease;
    this.registerOutputs({ nodeRoleName: this.nodeRole.name, queueName: this.queue.name });
  }
}

/** Creates Karpenter's resources under `parent`. */
export function createKarpenter(
  name: string,
  args: KarpenterArgs,
  parent: pulumi.Resource,
): Pick<Karpenter, "nodeRole" | "queue" | "release" | "crdRelease"> {
  const tags = args.tags ?? {};
  const namespace = args.namespace ?? NAMESPACES.karpenter;
  const version = args.chartVersion ?? KARPENTER_CHART.version;
  const partition = aws.getPartitionOutput({}, { parent }).partition;
  const accountId = aws.getCallerIdentityOutput({}, { parent }).accountId;

  const { role: nodeRole } = createNodeRole(`${name}`, parent, tags);
  // Karpenter's nodes join through this entry; managed node groups get theirs from EKS, these do not.
  new aws.eks.AccessEntry(
    `${name}-node-access`,
    { clusterName: args.clusterName, principalArn: nodeRole.arn, type: "EC2_LINUX", tags },
    { parent },
  );

  const queue = new aws.sqs.Queue(
    `${name}-interruption`,
    {
      // Events are only useful within the 2-minute spot warning; older ones are noise.
      messageRetentionSeconds: 300,
      sqsManagedSseEnabled: true,
      tags,
    },
    { parent },
  );
  new aws.sqs.QueuePolicy(
    `${name}-interruption`,
    { queueUrl: queue.url, policy: queue.arn.apply((arn) => JSON.stringify(interruptionQueuePolicy(arn))) },
    { parent },
  );
  for (const [event, pattern] of Object.entries(INTERRUPTION_EVENTS)) {
    const rule = new aws.cloudwatch.EventRule(
      `${name}-${event}`,
      { description: `Karpenter ${args.clusterName}: ${event}`, eventPattern: JSON.stringify(pattern), tags },
      { parent },
    );
    new aws.cloudwatch.EventTarget(
      `${name}-${event}`,
      { rule: rule.name, arn: queue.arn, targetId: "KarpenterInterruptionQueueTarget" },
      { parent },
    );
  }

  const identity = new PodIdentityScope(`${name}-controller-identity`, { parent });
  args.podRole(
    `${name}-controller`,
    {
      namespace,
      serviceAccount: KARPENTER_SERVICE_ACCOUNT,
      policy: pulumi
        .all([partition, accountId, queue.arn, nodeRole.arn])
        .apply(([p, account, queueArn, nodeRoleArn]) =>
          JSON.stringify(
            karpenterControllerPolicy({
              partition: p,
              region: args.region,
              accountId: account,
              clusterName: args.clusterName,
              queueArn,
              nodeRoleArn,
            }),
          ),
        ),
    },
    identity,
  );

  const crdRelease = new k8s.helm.v3.Release(
    `${name}-crd`,
    { name: "karpenter-crd", chart: KARPENTER_CHART.crdChart, version, namespace },
    // A rename or refactor that drops this release must fail on `protect`, not drain the GPU fleet.
    { parent, dependsOn: args.dependsOn, protect: args.protect ?? false },
  );
  const release = new k8s.helm.v3.Release(
    `${name}-controller`,
    {
      name: "karpenter",
      chart: KARPENTER_CHART.chart,
      version,
      namespace,
      skipCrds: true, // owned by the karpenter-crd release above
      values: queue.name.apply((interruptionQueue) =>
        karpenterValues({
          clusterName: args.clusterName,
          interruptionQueue,
          nodeSelector: args.systemNodeSelector,
        }),
      ),
    },
    { parent, dependsOn: [crdRelease, identity, ...(args.dependsOn ?? [])] },
  );
  return { nodeRole, queue, release, crdRelease };
}
