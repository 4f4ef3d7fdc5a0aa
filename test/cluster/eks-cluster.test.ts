import { CONTROL_PLANE_LOG_TYPES, endpointAccess } from "../../components/cluster/eks-cluster";
import { Built, buildCluster, named, ofType, policy, stackConfig } from "./harness";

const ADMIN = "arn:aws:iam::123456789012:role/platform-admin";

describe("EksCluster under the mock runtime", () => {
  let prod: Built;
  let staging: Built;
  beforeAll(async () => {
    prod = await buildCluster(
      "prod",
      stackConfig("prod", (raw) => {
        raw.cluster.adminPrincipalArns = [ADMIN];
      }),
    );
    staging = await buildCluster("staging", stackConfig("staging"));
  });

  const eks = (b: Built) => named(b, "aws:eks/cluster:Cluster", "-eks");

  test("secrets are envelope-encrypted with a rotating KMS key", () => {
    const key = named(prod, "aws:kms/key:Key", "secrets-key");
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(eks(prod).inputs.encryptionConfig).toEqual({
      provider: { keyArn: key.state.arn },
      resources: ["secrets"],
    });
  });

  test("all five control-plane log types are enabled", () => {
    expect(eks(prod).inputs.enabledClusterLogTypes).toEqual([...CONTROL_PLANE_LOG_TYPES]);
    expect(CONTROL_PLANE_LOG_TYPES).toHaveLength(5);
  });

  test("control-plane logs go to the EKS log group with retention", () => {
    const group = named(prod, "aws:cloudwatch/logGroup:LogGroup", "control-plane-logs");
    expect(group.inputs.name).toBe("/aws/eks/mlops-prod/cluster");
    expect(group.inputs.retentionInDays).toBe(90);
  });

  test("the endpoint follows config: private on, public only for the listed CIDRs", () => {
    expect(eks(staging).inputs.vpcConfig).toMatchObject({
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["203.0.113.0/24"],
    });
  });

  test("no public CIDRs turns the public endpoint off", () => {
    expect(endpointAccess({ privateAccess: true, publicAccessCidrs: [] })).toEqual({
      endpointPrivateAccess: true,
      endpointPublicAccess: false,
    });
  });

  test("authentication uses access entries only", () => {
    expect(eks(prod).inputs.accessConfig).toMatchObject({ authenticationMode: "API" });
  });

  test("the control plane runs in the private subnets", () => {
    const priv = ofType(prod, "aws:ec2/subnet:Subnet")
      .filter((s) => s.name.includes("-private-"))
      .map((s) => s.id);
    expect((eks(prod).inputs.vpcConfig as any).subnetIds).toEqual(priv);
  });

  test("prod has deletion protection, staging not", () => {
    expect(eks(prod).inputs.deletionProtection).toBe(true);
    expect(eks(staging).inputs.deletionProtection).toBe(false);
  });

  test("prod protects the cluster, its KMS key, its log group and Karpenter's CRDs; staging protects nothing", () => {
    // Every protected resource of the cluster is named: one protected by mistake fails this too.
    expect([...prod.protectedNames].sort()).toEqual([
      "mlops-control-plane-control-plane-logs",
      "mlops-control-plane-eks",
      "mlops-control-plane-secrets-key",
      "mlops-karpenter-crd",
    ]);
    expect(staging.protectedNames.size).toBe(0);
  });

  test("each admin principal gets an access entry with the cluster-admin policy", () => {
    expect(
      named(prod, "aws:eks/accessEntry:AccessEntry", "admin-123456789012/role/platform-admin").inputs
        .principalArn,
    ).toBe(ADMIN);
    expect(
      named(
        prod,
        "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
        "admin-123456789012/role/platform-admin",
      ).inputs,
    ).toMatchObject({
      principalArn: ADMIN,
      policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      accessScope: { type: "cluster" },
    });
    expect(ofType(staging, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")).toHaveLength(0);
  });

  test("the core add-ons are installed", () => {
    expect(
      ofType(prod, "aws:eks/addon:Addon")
        .map((a) => a.inputs.addonName)
        .sort(),
    ).toEqual(["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]);
  });

  test("the EBS CSI driver gets a pod-scoped role for its controller service account", () => {
    const addon = named(prod, "aws:eks/addon:Addon", "aws-ebs-csi-driver");
    const role = named(prod, "aws:iam/role:Role", "ebs-csi-role");
    expect(addon.inputs.podIdentityAssociations).toEqual([
      { roleArn: role.state.arn, serviceAccount: "ebs-csi-controller-sa" },
    ]);
    expect(policy(role.inputs.assumeRolePolicy).Statement[0].Condition.StringEquals).toMatchObject({
      "aws:RequestTag/kubernetes-service-account": "ebs-csi-controller-sa",
    });
  });

  test("the cluster and its node security group carry the discovery tag", () => {
    expect(eks(prod).inputs.tags).toMatchObject({ "karpenter.sh/discovery": "mlops-prod" });
    const tag = named(prod, "aws:ec2/tag:Tag", "node-sg-discovery");
    expect(tag.inputs).toMatchObject({
      resourceId: (eks(prod).state.vpcConfig as any).clusterSecurityGroupId,
      key: "karpenter.sh/discovery",
      value: "mlops-prod",
    });
  });

  test("the system node group is on-demand, in private subnets, sized from config", () => {
    const ng = named(prod, "aws:eks/nodeGroup:NodeGroup", "system-nodes");
    expect(ng.inputs).toMatchObject({
      capacityType: "ON_DEMAND",
      instanceTypes: ["m6i.xlarge", "m6a.xlarge"],
      scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 6 },
      labels: { "mlops.io/node-role": "system" },
    });
    expect((ng.inputs.subnetIds as string[]).every((id) => id.startsWith("subnet-"))).toBe(true);
    expect(ng.inputs.subnetIds).toEqual(
      ofType(prod, "aws:ec2/subnet:Subnet")
        .filter((s) => s.name.includes("-private-"))
        .map((s) => s.id),
    );
  });

  test("the Kubernetes provider authenticates with aws eks get-token and applies server-side", () => {
    const provider = named(prod, "pulumi:providers:kubernetes", "-k8s");
    const kubeconfig = JSON.parse(provider.inputs.kubeconfig as string);
    expect(kubeconfig.users[0].user.exec).toMatchObject({
      command: "aws",
      args: [
        "eks",
        "get-token",
        "--cluster-name",
        "mlops-prod",
        "--region",
        "ap-southeast-1",
        "--output",
        "json",
      ],
    });
    expect(kubeconfig.clusters[0].cluster.server).toBe(eks(prod).state.endpoint);
    expect(String(provider.inputs.enableServerSideApply)).toBe("true");
  });

  test("the AWS provider targets the stack's region", () => {
    expect(named(prod, "pulumi:providers:aws", "-aws").inputs.region).toBe("ap-southeast-1");
  });
});

describe("EKS admin access entries are keyed by principal, not list position", () => {
  const CI = "arn:aws:iam::123456789012:role/ci-deploy";
  const withAdmins = (arns: string[]) =>
    buildCluster(
      "prod",
      stackConfig("prod", (raw) => {
        raw.cluster.adminPrincipalArns = arns;
      }),
    );
  const names = (b: Built, type: string) =>
    Object.fromEntries(ofType(b, type).map((r) => [r.inputs.principalArn as string, r.name]));

  // Removing the first admin used to move the second to admin-0: a replacement whose new entry
  // collides with the one admin-1 still holds for that principal (EKS refuses a second entry), and
  // whose deletion of admin-1 would then remove that principal's access.
  test("removing or reordering admins leaves the others' resource names unchanged", async () => {
    const both = await withAdmins([ADMIN, CI]);
    const second = await withAdmins([CI]);
    const swapped = await withAdmins([CI, ADMIN]);
    for (const type of [
      "aws:eks/accessEntry:AccessEntry",
      "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
    ]) {
      expect(names(second, type)[CI]).toBe(names(both, type)[CI]);
      expect(names(swapped, type)).toEqual(names(both, type));
    }
  });

  test("entries deployed under their list position are adopted through an alias", async () => {
    const both = await withAdmins([ADMIN, CI]);
    const entry = ofType(both, "aws:eks/accessEntry:AccessEntry").find((r) => r.inputs.principalArn === CI)!;
    expect(both.aliases.get(entry.name)).toEqual([{ name: "mlops-control-plane-admin-1" }]);
  });
});
