import { Built, buildCluster, named, ofType, stackConfig } from "./harness";

describe("mode existing", () => {
  const config = stackConfig("prod", (raw) => {
    raw.cluster = {
      mode: "existing",
      existing: {
        clusterName: "shared-eks",
        kubeconfigSecret: "sharedKubeconfig",
        vpcId: "vpc-0abc1234",
        privateSubnetIds: ["subnet-0aaa1111", "subnet-0bbb2222"],
        nodeSecurityGroupId: "sg-0abc1234",
      },
    };
  });
  let b: Built;
  beforeAll(async () => {
    b = await buildCluster("prod", config);
  });

  test("creates no EKS cluster, VPC or node group", () => {
    expect(ofType(b, "aws:eks/cluster:Cluster")).toHaveLength(0);
    expect(ofType(b, "aws:ec2/vpc:Vpc")).toHaveLength(0);
    expect(ofType(b, "aws:eks/nodeGroup:NodeGroup")).toHaveLength(0);
  });

  test("prod protects Karpenter's CRD release here too: the CRDs hold the GPU NodePools", () => {
    expect(b.protectedNames).toContain(named(b, "kubernetes:helm.sh/v3:Release", "karpenter-crd").name);
  });

  test("still creates one NodePool and EC2NodeClass per GPU pool", () => {
    expect(ofType(b, "kubernetes:karpenter.sh/v1:NodePool")).toHaveLength(config.gpuPools.length);
    expect(ofType(b, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")).toHaveLength(config.gpuPools.length);
  });

  test("the Kubernetes provider uses the kubeconfig from the configured secret key, kept secret", () => {
    expect(b.secretsRead).toEqual(["sharedKubeconfig"]);
    // The SDK serialises a secret input as { <secret sig>: ..., value }: the kubeconfig never appears in plain state.
    const kubeconfig = named(b, "pulumi:providers:kubernetes", "-k8s").inputs.kubeconfig as Record<
      string,
      unknown
    >;
    expect(kubeconfig["4dabf18193072939515e22adb298388d"]).toBe("1b47061264138c4ac30d75fd1eb44270");
    expect(String(kubeconfig.value)).toContain("mock kubeconfig from sharedKubeconfig");
  });

  test("Karpenter targets the existing cluster by name", () => {
    expect(named(b, "aws:eks/accessEntry:AccessEntry", "karpenter-node-access").inputs.clusterName).toBe(
      "shared-eks",
    );
    expect(
      (named(b, "kubernetes:helm.sh/v3:Release", "karpenter-controller").inputs.values as any).settings
        .clusterName,
    ).toBe("shared-eks");
    const nc = ofType(b, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")[0].inputs.spec as any;
    expect(nc.subnetSelectorTerms).toEqual([{ tags: { "karpenter.sh/discovery": "shared-eks" } }]);
  });

  test("the context reports the existing cluster and the network from config (for the databases)", async () => {
    const ctx = b.cluster.context;
    expect(ctx.mode).toBe("existing");
    await expect(new Promise((resolve) => ctx.vpcId!.apply(resolve))).resolves.toBe("vpc-0abc1234");
    await expect(new Promise((resolve) => ctx.privateSubnetIds!.apply(resolve))).resolves.toEqual([
      "subnet-0aaa1111",
      "subnet-0bbb2222",
    ]);
    await expect(new Promise((resolve) => ctx.clusterName.apply(resolve))).resolves.toBe("shared-eks");
  });
});
