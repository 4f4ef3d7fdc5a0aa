import * as pulumi from "@pulumi/pulumi";
import { podIdentityTrustPolicy } from "../../components/cluster/iam-policies";
import { Built, buildCluster, named, policy, stackConfig } from "./harness";

describe("podIdentityTrustPolicy", () => {
  const doc = podIdentityTrustPolicy({
    clusterName: "mlops-prod",
    namespace: "models",
    serviceAccount: "homepage-feed",
  });
  const statement = doc.Statement[0] as any;

  test("only EKS Pod Identity may assume the role, with session tags", () => {
    expect(statement.Principal).toEqual({ Service: "pods.eks.amazonaws.com" });
    expect(statement.Action).toEqual(["sts:AssumeRole", "sts:TagSession"]);
  });

  test("the trust is scoped to one cluster, namespace and service account", () => {
    expect(statement.Condition).toEqual({
      StringEquals: {
        "aws:RequestTag/eks-cluster-name": "mlops-prod",
        "aws:RequestTag/kubernetes-namespace": "models",
        "aws:RequestTag/kubernetes-service-account": "homepage-feed",
      },
    });
  });
});

describe("ClusterContext.podRole under the mock runtime", () => {
  let b: Built;
  const document = JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::artifacts/homepage-feed/*" },
    ],
  });
  beforeAll(async () => {
    b = await buildCluster("staging", stackConfig("staging"));
    const owner = new pulumi.ComponentResource("test:index:Owner", "owner");
    const role = b.cluster.context.podRole(
      "homepage-feed",
      { namespace: "models-homepage", serviceAccount: "homepage-feed", policy: document },
      owner,
    );
    await new Promise<void>((resolve) => role.arn.apply(() => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  test("the role trusts only the given service account", () => {
    const trust = policy(named(b, "aws:iam/role:Role", "homepage-feed-role").inputs.assumeRolePolicy);
    expect(trust.Statement).toHaveLength(1);
    expect(trust.Statement[0].Condition.StringEquals).toEqual({
      "aws:RequestTag/eks-cluster-name": "mlops-staging",
      "aws:RequestTag/kubernetes-namespace": "models-homepage",
      "aws:RequestTag/kubernetes-service-account": "homepage-feed",
    });
  });

  test("the inline policy is the given document", () => {
    expect(named(b, "aws:iam/rolePolicy:RolePolicy", "homepage-feed-policy").inputs.policy).toBe(document);
  });

  test("the association binds exactly that namespace and service account to the role", () => {
    const role = named(b, "aws:iam/role:Role", "homepage-feed-role");
    expect(
      named(b, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "homepage-feed-pod-identity").inputs,
    ).toEqual(
      expect.objectContaining({
        clusterName: "mlops-staging",
        namespace: "models-homepage",
        serviceAccount: "homepage-feed",
        roleArn: role.state.arn,
      }),
    );
  });
});
