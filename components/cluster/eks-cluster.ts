/**
 * The EKS control plane from `@pulumi/aws` primitives: KMS envelope encryption of Secrets, all
 * control-plane logs into a log group with retention, API-only authentication with access entries,
 * and the EKS-managed core add-ons.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn, podIdentityTrustPolicy, serviceTrustPolicy } from "./iam-policies";

/** Every control-plane log type EKS offers; the policy pack requires all five. */
export const CONTROL_PLANE_LOG_TYPES = [
  "api",
  "audit",
  "authenticator",
  "controllerManager",
  "scheduler",
] as const;

/** Service account the EBS CSI controller runs as (fixed by the EKS add-on). */
export const EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa";

/**
 * EKS add-ons. `network` ones are DaemonSets every node needs to become Ready, so they come before any
 * node; `workload` ones are Deployments that report DEGRADED (and fail `pulumi up`) until nodes exist,
 * so they wait for the system node group. Versions are left to EKS's default for the cluster version
 * (pinned by EKS per Kubernetes minor); pin `addonVersion` here to control upgrades.
 */
export const EKS_ADDONS = {
  network: ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"],
  workload: ["coredns", "aws-ebs-csi-driver"],
} as const;

/** Arguments of `EksCluster`. */
export interface EksClusterArgs {
  /** EKS cluster name (also the discovery tag value). */
  readonly clusterName: string;
  /** Kubernetes minor version, e.g. `1.35`. */
  readonly kubernetesVersion: string;
  /** Subnets for the control plane's ENIs (the private subnets). */
  readonly subnetIds: pulumi.Input<string[]>;
  /** Private endpoint on/off and the CIDRs allowed to the public endpoint (empty = public endpoint off). */
  readonly endpoint: { readonly privateAccess: boolean; readonly publicAccessCidrs: readonly string[] };
  /** IAM principals that get cluster-admin through access entries. @default [] */
  readonly adminPrincipalArns?: readonly string[];
  /** Protect stateful resources (prod): `protect` plus EKS deletion protection. @default false */
  readonly protect?: boolean;
  /** Days CloudWatch keeps control-plane logs. @default 90 */
  readonly logRetentionDays?: number;
  /** Tags added to every resource. @default {} */
  readonly tags?: Record<string, string>;
}

/** An EKS cluster with encryption, logging, access entries and network add-ons. */
export class EksCluster extends pulumi.ComponentResource {
  readonly cluster: aws.eks.Cluster;
  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly certificateAuthority: pulumi.Output<string>;
  /** Security group EKS creates for the control plane and managed nodes (used for all nodes here). */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly networkAddons: aws.eks.Addon[];

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cluster:EksCluster", name, {}, opts);
    const out = createEksCluster(name, args, this);
    this.cluster = out.cluster;
    this.clusterName = out.cluster.name;
    this.endpoint = out.cluster.endpoint;
    this.certificateAuthority = out.cluster.certificateAuthority.data;
    this.clusterSecurityGroupId = out.cluster.vpcConfig.clusterSecurityGroupId;
    this.kmsKeyArn = out.key.arn;
    this.networkAddons = out.networkAddons;
    this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint });
  }
}

/** Public-endpoint settings: on only when CIDRs are listed, and then only for those CIDRs. */
export function endpointAccess(endpoint: EksClusterArgs["endpoint"]): {
  endpointPrivateAccess: boolean;
  endpointPublicAccess: boolean;
  publicAccessCidrs?: string[];
} {
  const open = endpoint.publicAccessCidrs.length > 0;
  return {
    endpointPrivateAccess: endpoint.privateAccess,
    endpointPublicAccess: open,
    ...(open ? { publicAccessCidrs: [...endpoint.publicAccessCidrs] } : {}),
  };
}

/**
 * A principal's part of its access entries' resource names: the ARN after `iam::`, `:` as `/`
 * (`123456789012/role/platform-admin`); distinct ARNs of one partition get distinct keys.
 */
export function adminKey(principalArn: string): string {
  return principalArn.replace(/^arn:[^:]+:iam::/, "").replace(/:/g, "/");
}

/** Creates the control plane's resources under `parent`. */
export function createEksCluster(
  name: string,
  args: EksClusterArgs,
  parent: pulumi.Resource,
): { cluster: aws.eks.Cluster; key: aws.kms.Key; networkAddons: aws.eks.Addon[] } {
  const tags = args.tags ?? {};
  const protect = args.protect ?? false;
  const partition = aws.getPartitionOutput({}, { parent }).partition;
  const discovery = { "karpenter.sh/discovery": args.clusterName };

  const key = new aws.kms.Key(
    `${name}-secrets-key`,
    {
      description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${args.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags,
    },
    { parent, protect },
  );
  new aws.kms.Alias(
    `${name}-secrets-key`,
    { name: `alias/eks/${args.clusterName}`, targetKeyId: key.keyId },
    { parent },
  );

  const role = new aws.iam.Role(
    `${name}-cluster-role`,
    {
      assumeRolePolicy: JSON.stringify(
        serviceTrustPolicy("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]),
      ),
      tags,
    },
    { parent },
  );
  new aws.iam.RolePolicyAttachment(
    `${name}-cluster-policy`,
    {
      role: role.name,
      policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonEKSClusterPolicy`,
    },
    { parent },
  );
  // The control plane calls KMS with its own role for envelope encryption; AmazonEKSClusterPolicy has no KMS rights.
  new aws.iam.RolePolicy(
    `${name}-cluster-kms`,
    {
      role: role.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
            Resource: key.arn,
          },
        ],
      }),
    },
    { parent },
  );

  // EKS writes to this exact name; creating it first gives it our retention instead of "never expire".
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-control-plane-logs`,
    {
      name: `/aws/eks/${args.clusterName}/cluster`,
      retentionInDays: args.logRetentionDays ?? 90,
      tags,
    },
    { parent, protect },
  );

  const cluster = new aws.eks.Cluster(
    `${name}-eks`,
    {
      name: args.clusterName,
      version: args.kubernetesVersion,
      roleArn: role.arn,
      vpcConfig: { subnetIds: args.subnetIds, ...endpointAccess(args.endpoint) },
      accessConfig: {
        authenticationMode: "API",
        // The identity running `pulumi up` must reach the API to create the Kubernetes objects.
        bootstrapClusterCreatorAdminPermissions: true,
      },
      encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      // Extended support costs 6x the standard hourly fee; upgrade instead of drifting into it.
      upgradePolicy: { supportType: "STANDARD" },
      deletionProtection: protect,
      tags: { ...tags, ...discovery },
    },
    { parent, protect, dependsOn: [logGroup] },
  );

  (args.adminPrincipalArns ?? []).forEach((principalArn, i) => {
    // Named by principal, not list position: removing or reordering an admin must not move another
    // admin's entry to a new principal (a replacement EKS refuses while the old entry holds that
    // principal, and whose old entry's deletion would remove its access). The alias adopts entries
    // deployed under their position (`admin-<i>`); deploy that change with the list unchanged.
    const resourceName = `${name}-admin-${adminKey(principalArn)}`;
    const aliases = [{ name: `${name}-admin-${i}` }];
    const entry = new aws.eks.AccessEntry(
      resourceName,
      { clusterName: cluster.name, principalArn, type: "STANDARD", tags },
      { parent, aliases },
    );
    new aws.eks.AccessPolicyAssociation(
      resourceName,
      {
        clusterName: cluster.name,
        principalArn,
        policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
        accessScope: { type: "cluster" },
      },
      { parent, dependsOn: [entry], aliases },
    );
  });

  const networkAddons = EKS_ADDONS.network.map(
    (addonName) =>
      new aws.eks.Addon(
        `${name}-${addonName}`,
        {
          clusterName: cluster.name,
          addonName,
          // EKS pre-installs vpc-cni/kube-proxy as self-managed; adopting them needs OVERWRITE.
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "OVERWRITE",
          tags,
        },
        { parent },
      ),
  );
  return { cluster, key, networkAddons };
}

/**
 * Creates the `workload` add-ons (CoreDNS, EBS CSI driver with its pod-scoped role) once nodes exist.
 * Called by `Cluster` after the system node group, parented to the `EksCluster`.
 */
export function createWorkloadAddons(
  name: string,
  eks: EksCluster,
  dependsOn: pulumi.Resource[],
  tags: Record<string, string> = {},
): aws.eks.Addon[] {
  const parent = eks;
  const partition = aws.getPartitionOutput({}, { parent }).partition;
  const ebsRole = new aws.iam.Role(
    `${name}-ebs-csi-role`,
    {
      assumeRolePolicy: eks.clusterName.apply((clusterName) =>
        JSON.stringify(
          podIdentityTrustPolicy({
            clusterName,
            namespace: "kube-system",
            serviceAccount: EBS_CSI_SERVICE_ACCOUNT,
          }),
        ),
      ),
      tags,
    },
    { parent },
  );
  new aws.iam.RolePolicyAttachment(
    `${name}-ebs-csi-policy`,
    {
      role: ebsRole.name,
      policyArn: partition.apply((p) => managedPolicyArn(p, "service-role/AmazonEBSCSIDriverPolicy")),
    },
    { parent },
  );
  return EKS_ADDONS.workload.map(
    (addonName) =>
      new aws.eks.Addon(
        `${name}-${addonName}`,
        {
          clusterName: eks.clusterName,
          addonName,
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "OVERWRITE",
          ...(addonName === "aws-ebs-csi-driver"
            ? { podIdentityAssociations: [{ roleArn: ebsRole.arn, serviceAccount: EBS_CSI_SERVICE_ACCOUNT }] }
            : {}),
          tags,
        },
        { parent, dependsOn },
      ),
  );
}
