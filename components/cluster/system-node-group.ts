/**
 * On-demand EKS managed node group for the platform's CPU add-ons (Karpenter, CoreDNS, monitoring,
 * MLflow, Airflow, KServe/KEDA controllers). Karpenter must not run on nodes it manages, so these
 * nodes come from a managed node group, not from a NodePool.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn, serviceTrustPolicy } from "./iam-policies";

/** Label on system nodes; Karpenter and other controllers select it. */
export const SYSTEM_NODE_LABEL = { key: "mlops.io/node-role", value: "system" } as const;

/** Managed policies every EKS worker node role needs (shared with the Karpenter node role). */
export const NODE_MANAGED_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEKS_CNI_Policy",
  "AmazonEC2ContainerRegistryReadOnly",
  // Session Manager instead of SSH: no key pairs, no open port 22.
  "AmazonSSMManagedInstanceCore",
] as const;

/** Arguments of `SystemNodeGroup`. */
export interface SystemNodeGroupArgs {
  readonly clusterName: pulumi.Input<string>;
  /** Private subnets the nodes run in. */
  readonly subnetIds: pulumi.Input<string[]>;
  readonly instanceTypes: readonly string[];
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
  /** Kubernetes minor version; defaults to the cluster's. @default the cluster version */
  readonly kubernetesVersion?: pulumi.Input<string>;
  /** Tags added to every resource. @default {} */
  readonly tags?: Record<string, string>;
  /** Resources the nodes need first (the network add-ons). @default [] */
  readonly dependsOn?: pulumi.Resource[];
}

/** The system node group and its node role. */
export class SystemNodeGroup extends pulumi.ComponentResource {
  readonly nodeGroup: aws.eks.NodeGroup;
  readonly nodeRole: aws.iam.Role;

  constructor(name: string, args: SystemNodeGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cluster:SystemNodeGroup", name, {}, opts);
    const out = createSystemNodeGroup(name, args, this);
    this.nodeGroup = out.nodeGroup;
    this.nodeRole = out.nodeRole;
    this.registerOutputs({ nodeGroupArn: this.nodeGroup.arn });
  }
}

/** Creates an EC2 node role with the standard worker policies under `parent`. */
export function createNodeRole(
  name: string,
  parent: pulumi.Resource,
  tags: Record<string, string> = {},
): { role: aws.iam.Role; attachments: aws.iam.RolePolicyAttachment[] } {
  const partition = aws.getPartitionOutput({}, { parent }).partition;
  const role = new aws.iam.Role(
    `${name}-node-role`,
    { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")), tags },
    { parent },
  );
  const attachments = NODE_MANAGED_POLICIES.map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-${policy}`,
        { role: role.name, policyArn: partition.apply((p) => managedPolicyArn(p, policy)) },
        { parent },
      ),
  );
  return { role, attachments };
}

/** Creates the node role and the managed node group under `parent`. */
export function createSystemNodeGroup(
  name: string,
  args: SystemNodeGroupArgs,
  parent: pulumi.Resource,
): { nodeGroup: aws.eks.NodeGroup; nodeRole: aws.iam.Role } {
  const tags = args.tags ?? {};
  const { role: nodeRole, attachments } = createNodeRole(name, parent, tags);
  // EKS adds the EC2_LINUX access entry for a managed node group's role itself.
  const nodeGroup = new aws.eks.NodeGroup(
    `${name}-nodes`,
    {
      clusterName: args.clusterName,
      nodeRoleArn: nodeRole.arn,
      subnetIds: args.subnetIds,
      version: args.kubernetesVersion,
      capacityType: "ON_DEMAND",
      amiType: "AL2023_x86_64_STANDARD",
      instanceTypes: [...args.instanceTypes],
      diskSize: 50,
      scalingConfig: { minSize: args.minSize, desiredSize: args.desiredSize, maxSize: args.maxSize },
      updateConfig: { maxUnavailable: 1 },
      labels: { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value },
      tags,
    },
    // Nodes that boot before their role has the worker policies fail to join and the group goes DEGRADED.
    { parent, dependsOn: [...attachments, ...(args.dependsOn ?? [])] },
  );
  return { nodeGroup, nodeRole };
}
