/**
 * The cluster layer: VPC + EKS + system nodes (`mode: eks`) or an existing cluster through its
 * kubeconfig (`mode: existing`), then Karpenter and the GPU NodePools in both modes. Produces the
 * `ClusterContext` the add-ons and model stacks build on.
 *
 * What an existing cluster (`mode: existing`) must already have, because this layer does not create it:
 * - EKS, Kubernetes >= 1.29, authentication mode `API` or `API_AND_CONFIG_MAP` (Karpenter's node role
 *   joins through an EC2_LINUX access entry created here);
 * - the `eks-pod-identity-agent` add-on (every pod-scoped role here uses EKS Pod Identity), plus
 *   vpc-cni, kube-proxy, CoreDNS and the EBS CSI driver (PVCs of monitoring/MLflow/Airflow);
 * - a default StorageClass for the volume claims that name none (Kubeflow Pipelines, Airflow's
 *   triggerer): the platform's own `mlops-gp3` is the default only on a cluster it created;
 * - private subnets and the node security group tagged `karpenter.sh/discovery: <clusterName>` so the
 *   GPU EC2NodeClasses find them, with NAT egress for image pulls;
 * - CPU nodes not managed by Karpenter to run the Karpenter controller and the CPU add-ons;
 * - no other Karpenter installation (the chart installs cluster-scoped CRDs and webhooks);
 * - a kubeconfig in the secret config key `cluster.existing.kubeconfigSecret` whose identity is
 *   cluster-admin, and AWS credentials for the same account and region.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config/stack-schema";
import { ClusterContext } from "./cluster-context";
import { EksCluster, createWorkloadAddons } from "./eks-cluster";
import { GpuNodePools } from "./gpu-node-pools";
import { Karpenter } from "./karpenter";
import { eksKubeconfig } from "./kubeconfig";
import { podRoleFactory } from "./pod-identity";
import { SYSTEM_NODE_LABEL, SystemNodeGroup } from "./system-node-group";
import { Vpc } from "./vpc";

/** Arguments of `Cluster`. */
export interface ClusterArgs {
  /** Validated stack config. */
  readonly config: StackConfig;
  /** Reads a secret stack config key (`PlatformInputs.secret`): the existing cluster's kubeconfig. */
  readonly secret: (key: string) => pulumi.Output<string>;
  /** Name of the EKS cluster to create (mode eks). @default `mlops-<stack>` */
  readonly clusterName?: string;
  /** Tags on every AWS resource (through the provider's default tags). @default {} */
  readonly tags?: Record<string, string>;
}

/** The whole cluster layer. */
export class Cluster extends pulumi.ComponentResource {
  readonly context: ClusterContext;
  readonly karpenter: Karpenter;
  readonly gpuNodePools: GpuNodePools;
  /** Created EKS cluster; undefined for an existing one. */
  readonly eks?: EksCluster;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cluster:Cluster", name, {}, opts);
    const out = createCluster(name, args, this);
    this.context = out.context;
    this.karpenter = out.karpenter;
    this.gpuNodePools = out.gpuNodePools;
    this.eks = out.eks;
    this.registerOutputs({ clusterName: this.context.clusterName });
  }
}

/** Resolves the cluster name for the mode: the created cluster's, or the existing one from config. */
export function clusterNameFor(config: StackConfig, stack: string, override?: string): string {
  if (config.cluster.mode === "existing") {
    const existing = config.cluster.existing;
    if (!existing) throw new Error("cluster.mode is existing but cluster.existing is not set");
    return existing.clusterName;
  }
  return override ?? `mlops-${stack}`;
}

/** Creates the cluster layer under `parent`. */
export function createCluster(
  name: string,
  args: ClusterArgs,
  parent: pulumi.Resource,
): { context: ClusterContext; karpenter: Karpenter; gpuNodePools: GpuNodePools; eks?: EksCluster } {
  const { config } = args;
  const clusterName = clusterNameFor(config, pulumi.getStack(), args.clusterName);
  const tags = args.tags ?? {};
  const awsProvider = new aws.Provider(
    `${name}-aws`,
    {
      region: config.region as aws.Region,
      defaultTags: {
        tags: { "mlops.io/platform": "mlops-platform", "mlops.io/environment": config.environment, ...tags },
      },
    },
    { parent },
  );
  const awsOpts = { parent, providers: [awsProvider] };
  const podRole = podRoleFactory(clusterName, awsProvider);

  let kubeconfig: pulumi.Output<string>;
  let eks: EksCluster | undefined;
  let network: Pick<ClusterContext, "vpcId" | "privateSubnetIds" | "nodeSecurityGroupId"> = {};
  const k8sDeps: pulumi.Resource[] = [];

  if (config.cluster.mode === "eks") {
    const c = config.cluster;
    const protect = config.environment === "prod";
    const vpc = new Vpc(
      `${name}-network`,
      {
        cidr: c.vpcCidr,
        availabilityZones: c.availabilityZones,
        clusterName,
        natGatewayPerZone: protect,
      },
      awsOpts,
    );
    eks = new EksCluster(
      `${name}-control-plane`,
      {
        clusterName,
        kubernetesVersion: c.kubernetesVersion,
        subnetIds: vpc.privateSubnetIds,
        endpoint: c.endpoint,
        adminPrincipalArns: c.adminPrincipalArns,
        protect,
      },
      awsOpts,
    );
    const system = new SystemNodeGroup(
      `${name}-system`,
      {
        clusterName: eks.clusterName,
        subnetIds: vpc.privateSubnetIds,
        instanceTypes: c.systemNodes.instanceTypes,
        minSize: c.systemNodes.minSize,
        desiredSize: c.systemNodes.desiredSize,
        maxSize: c.systemNodes.maxSize,
        dependsOn: eks.networkAddons,
      },
      awsOpts,
    );
    const workloadAddons = createWorkloadAddons(`${name}-control-plane`, eks, [system]);
    // Karpenter's EC2NodeClass finds the node security group by this tag; EKS creates the group untagged.
    new aws.ec2.Tag(
      `${name}-node-sg-discovery`,
      { resourceId: eks.clusterSecurityGroupId, key: "karpenter.sh/discovery", value: clusterName },
      { parent, provider: awsProvider },
    );
    const region = config.region;
    kubeconfig = pulumi
      .all([eks.clusterName, eks.endpoint, eks.certificateAuthority])
      .apply(([n, endpoint, ca]) =>
        JSON.stringify(eksKubeconfig({ clusterName: n, endpoint, certificateAuthorityData: ca, region })),
      );
    network = {
      vpcId: vpc.vpcId,
      privateSubnetIds: vpc.privateSubnetIds,
      nodeSecurityGroupId: eks.clusterSecurityGroupId,
    };
    k8sDeps.push(system, ...eks.networkAddons, ...workloadAddons);
  } else {
    const existing = config.cluster.existing;
    if (!existing) throw new Error("cluster.mode is existing but cluster.existing is not set");
    kubeconfig = args.secret(existing.kubeconfigSecret);
    network = {
      vpcId: pulumi.output(existing.vpcId),
      privateSubnetIds: pulumi.output(existing.privateSubnetIds),
      nodeSecurityGroupId: pulumi.output(existing.nodeSecurityGroupId),
    };
  }

  const kubeProvider = new k8s.Provider(
    `${name}-k8s`,
    { kubeconfig, enableServerSideApply: true },
    { parent, dependsOn: eks ? [eks] : [] },
  );
  const karpenter = new Karpenter(
    `${name}-karpenter`,
    {
      clusterName,
      region: config.region,
      podRole,
      // An existing cluster's CPU nodes carry their own labels; the chart's default affinity still
      // keeps the controller off Karpenter-managed nodes.
      systemNodeSelector: eks ? { [SYSTEM_NODE_LABEL.key]: SYSTEM_NODE_LABEL.value } : {},
      dependsOn: k8sDeps,
      // In both modes: the CRDs hold the GPU NodePools wherever the cluster came from.
      protect: config.environment === "prod",
    },
    { parent, providers: [awsProvider, kubeProvider] },
  );
  const gpuNodePools = new GpuNodePools(
    `${name}-gpu`,
    {
      pools: config.gpuPools,
      clusterName,
      timeZone: config.timeZone,
      events: config.events,
      nodeRoleName: karpenter.nodeRole.name,
      dependsOn: [karpenter.crdRelease, karpenter.release],
    },
    { parent, providers: [kubeProvider] },
  );

  const context: ClusterContext = {
    mode: config.cluster.mode,
    clusterName: eks ? eks.clusterName : pulumi.output(clusterName),
    kubeProvider,
    awsProvider,
    ...network,
    dependsOn: [...k8sDeps, karpenter, gpuNodePools],
    podRole,
  };
  return { context, karpenter, gpuNodePools, eks };
}
