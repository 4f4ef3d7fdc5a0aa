/**
 * IAM policy documents of the cluster layer as pure functions (plain objects), so tests and policies
 * read them without a Pulumi runtime and no wildcard slips in unnoticed.
 */

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly Record<string, unknown>[];
}

/** ARN of an AWS managed policy in a partition. */
export function managedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/** Trust policy letting an AWS service assume the role (EKS control plane, EC2 nodes). */
export function serviceTrustPolicy(
  service: string,
  actions: readonly string[] = ["sts:AssumeRole"],
): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: [...actions] }],
  };
}

/** Identity of the one Kubernetes service account a pod role is for. */
export interface ServiceAccountRef {
  readonly clusterName: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * Trust policy of a pod-scoped role (EKS Pod Identity). The association already binds the role to one
 * service account; the session-tag conditions make the role itself refuse any other cluster,
 * namespace or service account, so a second association elsewhere cannot borrow it.
 * Source: EKS User Guide, "Create IAM role with trust policy required by EKS Pod Identity".
 */
export function podIdentityTrustPolicy(sa: ServiceAccountRef): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowEksAuthToAssumeRoleForPodIdentity",
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:RequestTag/eks-cluster-name": sa.clusterName,
            "aws:RequestTag/kubernetes-namespace": sa.namespace,
            "aws:RequestTag/kubernetes-service-account": sa.serviceAccount,
          },
        },
      },
    ],
  };
}

/** What the Karpenter controller policy is scoped to. */
export interface KarpenterPolicyScope {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly clusterName: string;
  readonly queueArn: string;
  readonly nodeRoleArn: string;
}

/**
 * Karpenter v1 controller policy: EC2 launch/terminate scoped by the `kubernetes.io/cluster/<name>`
 * and `karpenter.sh/nodepool` tags Karpenter puts on what it creates, instance-profile management for
 * EC2NodeClass `role`, the interruption queue, and PassRole for the node role only.
 * Source: karpenter-provider-aws getting-started cloudformation.yaml (v1 series), statement Sids kept.
 */
export function karpenterControllerPolicy(s: KarpenterPolicyScope): PolicyDocument {
  const ec2 = (resource: string) => `arn:${s.partition}:ec2:${s.region}:*:${resource}`;
  const profiles = `arn:${s.partition}:iam::${s.accountId}:instance-profile/*`;
  const clusterTag = `kubernetes.io/cluster/${s.clusterName}`;
  const owned = (kind: "Request" | "Resource") => ({ [`aws:${kind}Tag/${clusterTag}`]: "owned" });
  const taggedResources = [
    "fleet/*",
    "instance/*",
    "volume/*",
    "network-interface/*",
    "launch-template/*",
    "spot-instances-request/*",
  ].map(ec2);
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowScopedEC2InstanceAccessActions",
        Effect: "Allow",
        Resource: [
          `arn:${s.partition}:ec2:${s.region}::image/*`,
          `arn:${s.partition}:ec2:${s.region}::snapshot/*`,
          ec2("security-group/*"),
          ec2("subnet/*"),
          ec2("capacity-reservation/*"),
          ec2("placement-group/*"),
        ],
        Action: ["ec2:RunInstances", "ec2:CreateFleet"],
      },
      {
        Sid: "AllowScopedEC2LaunchTemplateAccessActions",
        Effect: "Allow",
        Resource: ec2("launch-template/*"),
        Action: ["ec2:RunInstances", "ec2:CreateFleet"],
        Condition: {
          StringEquals: owned("Resource"),
          StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        },
      },
      {
        Sid: "AllowScopedEC2InstanceActionsWithTags",
        Effect: "Allow",
        Resource: [...taggedResources, ec2("capacity-reservation/*")],
        Action: ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
        Condition: {
          StringEquals: { ...owned("Request"), "aws:RequestTag/eks:eks-cluster-name": s.clusterName },
          StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
        },
      },
      {
        Sid: "AllowScopedResourceCreationTagging",
        Effect: "Allow",
        Resource: taggedResources,
        Action: "ec2:CreateTags",
        Condition: {
          StringEquals: {
            ...owned("Request"),
            "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
            "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
          },
          StringLike: { "aws:RequestTag/karpenter.sh/nodepool": "*" },
        },
      },
      {
        Sid: "AllowScopedResourceTagging",
        Effect: "Allow",
        Resource: ec2("instance/*"),
        Action: "ec2:CreateTags",
        Condition: {
          StringEquals: owned("Resource"),
          StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
          StringEqualsIfExists: { "aws:RequestTag/eks:eks-cluster-name": s.clusterName },
          "ForAllValues:StringEquals": {
            "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"],
          },
        },
      },
      {
        Sid: "AllowScopedDeletion",
        Effect: "Allow",
        Resource: [ec2("instance/*"), ec2("launch-template/*")],
        Action: ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
        Condition: {
          StringEquals: owned("Resource"),
          StringLike: { "aws:ResourceTag/karpenter.sh/nodepool": "*" },
        },
      },
      {
        Sid: "AllowRegionalReadActions",
        Effect: "Allow",
        Resource: "*",
        Action: [
          "ec2:DescribeCapacityReservations",
          "ec2:DescribeAvailabilityZones",
          "ec2:DescribeImages",
          "ec2:DescribeInstances",
          "ec2:DescribeInstanceTypeOfferings",
          "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplates",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeSpotPriceHistory",
          "ec2:DescribeSubnets",
          "ec2:DescribePlacementGroups",
          "ec2:DescribeInstanceStatus",
        ],
        Condition: { StringEquals: { "aws:RequestedRegion": s.region } },
      },
      {
        Sid: "AllowSSMReadActions",
        Effect: "Allow",
        Resource: `arn:${s.partition}:ssm:${s.region}::parameter/aws/service/*`,
        Action: "ssm:GetParameter",
      },
      { Sid: "AllowPricingReadActions", Effect: "Allow", Resource: "*", Action: "pricing:GetProducts" },
      {
        Sid: "AllowInterruptionQueueActions",
        Effect: "Allow",
        Resource: s.queueArn,
        Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
      },
      {
        Sid: "AllowPassingInstanceRole",
        Effect: "Allow",
        Resource: s.nodeRoleArn,
        Action: "iam:PassRole",
        Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
      },
      {
        Sid: "AllowScopedInstanceProfileCreationActions",
        Effect: "Allow",
        Resource: profiles,
        Action: "iam:CreateInstanceProfile",
        Condition: {
          StringEquals: {
            ...owned("Request"),
            "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
            "aws:RequestTag/topology.kubernetes.io/region": s.region,
          },
          StringLike: { "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*" },
        },
      },
      {
        Sid: "AllowScopedInstanceProfileTagActions",
        Effect: "Allow",
        Resource: profiles,
        Action: "iam:TagInstanceProfile",
        Condition: {
          StringEquals: {
            ...owned("Resource"),
            "aws:ResourceTag/topology.kubernetes.io/region": s.region,
            ...owned("Request"),
            "aws:RequestTag/eks:eks-cluster-name": s.clusterName,
            "aws:RequestTag/topology.kubernetes.io/region": s.region,
          },
          StringLike: {
            "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*",
            "aws:RequestTag/karpenter.k8s.aws/ec2nodeclass": "*",
          },
        },
      },
      {
        Sid: "AllowScopedInstanceProfileActions",
        Effect: "Allow",
        Resource: profiles,
        Action: [
          "iam:AddRoleToInstanceProfile",
          "iam:RemoveRoleFromInstanceProfile",
          "iam:DeleteInstanceProfile",
        ],
        Condition: {
          StringEquals: { ...owned("Resource"), "aws:ResourceTag/topology.kubernetes.io/region": s.region },
          StringLike: { "aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass": "*" },
        },
      },
      {
        Sid: "AllowInstanceProfileReadActions",
        Effect: "Allow",
        Resource: profiles,
        Action: "iam:GetInstanceProfile",
      },
      // IAM's List APIs support no resource scoping; Karpenter's instance-profile GC lists them.
      {
        Sid: "AllowUnscopedInstanceProfileListAction",
        Effect: "Allow",
        Resource: "*",
        Action: "iam:ListInstanceProfiles",
      },
      {
        Sid: "AllowAPIServerEndpointDiscovery",
        Effect: "Allow",
        Resource: `arn:${s.partition}:eks:${s.region}:${s.accountId}:cluster/${s.clusterName}`,
        Action: "eks:DescribeCluster",
      },
    ],
  };
}

/**
 * Queue policy of the interruption queue: EventBridge (and SQS itself) may send, nothing may talk to
 * it without TLS. Source: karpenter cloudformation.yaml `KarpenterInterruptionQueuePolicy`.
 */
export function interruptionQueuePolicy(queueArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EC2InterruptionPolicy",
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
        Action: "sqs:SendMessage",
        Resource: queueArn,
      },
      {
        Sid: "DenyHTTP",
        Effect: "Deny",
        Principal: "*",
        Action: "sqs:*",
        Resource: queueArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}
