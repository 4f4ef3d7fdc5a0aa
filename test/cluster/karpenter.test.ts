import { KARPENTER_CHART } from "../../components/cluster/karpenter-values";
import { Built, buildCluster, named, ofType, policy, stackConfig } from "./harness";

const RELEASE = "kubernetes:helm.sh/v3:Release";

describe("Karpenter under the mock runtime", () => {
  let b: Built;
  beforeAll(async () => {
    b = await buildCluster("prod", stackConfig("prod"));
  });
  const controller = () => named(b, "kubernetes:helm.sh/v3:Release", "karpenter-controller");

  test("the chart comes from the public ECR OCI registry at a pinned version", () => {
    expect(controller().inputs).toMatchObject({
      chart: "oci://public.ecr.aws/karpenter/karpenter",
      version: "1.14.1",
      namespace: "kube-system",
    });
    expect(KARPENTER_CHART.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test("the CRD chart is installed at the same version and the controller skips its own CRDs", () => {
    expect(named(b, "kubernetes:helm.sh/v3:Release", "karpenter-crd").inputs).toMatchObject({
      chart: "oci://public.ecr.aws/karpenter/karpenter-crd",
      version: "1.14.1",
    });
    expect(controller().inputs.skipCrds).toBe(true);
  });

  test("values name the cluster and the interruption queue and pin the controller to system nodes", () => {
    const queue = named(b, "aws:sqs/queue:Queue", "karpenter-interruption");
    expect(controller().inputs.values).toMatchObject({
      // The gate the GPU pools' NodeOverlays need (slices per node in Karpenter's simulation).
      settings: {
        clusterName: "mlops-prod",
        interruptionQueue: queue.state.name,
        featureGates: { nodeOverlay: true },
      },
      serviceAccount: { name: "karpenter" },
      nodeSelector: { "mlops.io/node-role": "system" },
      controller: { resources: { requests: { cpu: "1", memory: "1Gi" } } },
    });
  });

  test("the interruption queue is encrypted and fed by four EventBridge rules", () => {
    const queue = named(b, "aws:sqs/queue:Queue", "karpenter-interruption");
    expect(queue.inputs.sqsManagedSseEnabled).toBe(true);
    const patterns = ofType(b, "aws:cloudwatch/eventRule:EventRule").map(
      (r) => JSON.parse(r.inputs.eventPattern as string)["detail-type"][0],
    );
    expect(patterns.sort()).toEqual([
      "AWS Health Event",
      "EC2 Instance Rebalance Recommendation",
      "EC2 Instance State-change Notification",
      "EC2 Spot Instance Interruption Warning",
    ]);
    for (const t of ofType(b, "aws:cloudwatch/eventTarget:EventTarget"))
      expect(t.inputs.arn).toBe(queue.state.arn);
  });

  test("the queue policy lets EventBridge send and denies non-TLS access", () => {
    const doc = policy(named(b, "aws:sqs/queuePolicy:QueuePolicy", "karpenter-interruption").inputs.policy);
    expect(doc.Statement[0]).toMatchObject({
      Action: "sqs:SendMessage",
      Principal: { Service: expect.arrayContaining(["events.amazonaws.com"]) },
    });
    expect(doc.Statement[1]).toMatchObject({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  test("the node role joins the cluster through an EC2_LINUX access entry", () => {
    const role = named(b, "aws:iam/role:Role", "karpenter-node-role");
    expect(named(b, "aws:eks/accessEntry:AccessEntry", "karpenter-node-access").inputs).toMatchObject({
      type: "EC2_LINUX",
      principalArn: role.state.arn,
      clusterName: "mlops-prod",
    });
  });

  test("the controller may pass only the node role and may read only its own queue", () => {
    const doc = policy(
      named(b, "aws:iam/rolePolicy:RolePolicy", "karpenter-controller-policy").inputs.policy,
    );
    const bySid = (sid: string) => doc.Statement.find((s: any) => s.Sid === sid);
    expect(bySid("AllowPassingInstanceRole").Resource).toBe(
      named(b, "aws:iam/role:Role", "karpenter-node-role").state.arn,
    );
    expect(bySid("AllowInterruptionQueueActions").Resource).toBe(
      named(b, "aws:sqs/queue:Queue", "karpenter-interruption").state.arn,
    );
    for (const s of doc.Statement) expect([s.Action].flat()).not.toContain("*");
  });

  test("the controller's pod identity is bound to kube-system/karpenter", () => {
    expect(
      named(b, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "karpenter-controller-pod-identity")
        .inputs,
    ).toMatchObject({
      clusterName: "mlops-prod",
      namespace: "kube-system",
      serviceAccount: "karpenter",
    });
  });

  test("prod protects the CRD release: deleting it would delete every NodePool and GPU node", async () => {
    const crd = named(b, RELEASE, "karpenter-crd").name;
    expect(b.protectedNames).toContain(crd);
    expect(b.protectedNames).not.toContain(controller().name);
    const staging = await buildCluster("staging", stackConfig("staging"));
    expect(staging.protectedNames).not.toContain(named(staging, RELEASE, "karpenter-crd").name);
  });
});
