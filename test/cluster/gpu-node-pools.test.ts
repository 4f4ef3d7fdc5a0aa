import {
  DEFAULT_GPU_AMI_ALIAS,
  WARM_CAPACITY_PRIORITY_CLASS,
  ec2NodeClassSpec,
  nodeOverlaySpecs,
  nodePoolSpec,
  warmCapacityDeployment,
  warmCapacityPods,
} from "../../components/cluster/gpu-node-pool-specs";
import { devicePluginConfigName } from "../../components/addons/gpu-operator-values";
import { GpuPool } from "../../components/config/stack-schema";
import { eventDisruptionBudgets } from "../../components/capacity/karpenter-disruption";
import { GPU_POOL_LABELS, GPU_TAINT } from "../../components/addons/addons-context";
import { Built, buildCluster, named, ofType, stackConfig } from "./harness";

const prod = stackConfig("prod");
const pool = (name: string): GpuPool => prod.gpuPools.find((p) => p.name === name)!;
const inference = pool("inference");
const training = pool("training");
const migPool: GpuPool = {
  ...training,
  name: "mig",
  purpose: "serving",
  capacityType: "on-demand",
  instanceTypes: ["p4de.24xlarge"],
  sharing: { mode: "mig", profile: "1g.10gb" },
  minGpus: 1,
};

describe("devicePluginConfigName", () => {
  test("no sharing selects the default config", () => {
    expect(devicePluginConfigName({ sharing: { mode: "none" } })).toBe("default");
  });
  test("time-slicing names the replica count", () => {
    expect(devicePluginConfigName({ sharing: { mode: "time-slicing", replicas: 4 } })).toBe("time-slicing-4");
  });
  test("MIG names the profile", () => {
    expect(devicePluginConfigName({ sharing: { mode: "mig", profile: "1g.10gb" } })).toBe("mig-1g.10gb");
  });
});

describe("nodePoolSpec", () => {
  const spec = nodePoolSpec(inference) as any;

  test("nodes carry the GPU taint", () => {
    expect(spec.template.spec.taints).toEqual([{ key: GPU_TAINT.key, value: "true", effect: "NoSchedule" }]);
  });

  test("nodes carry pool, purpose and device-plugin config labels", () => {
    expect(spec.template.metadata.labels).toEqual({
      [GPU_POOL_LABELS.pool]: "inference",
      [GPU_POOL_LABELS.purpose]: "serving",
      "nvidia.com/device-plugin.config": "time-slicing-8",
    });
  });

  test("the pool is limited to maxGpus GPUs, counted in the slices its nodes report", () => {
    // Time-slicing at 8 replicas: each L4 reports nvidia.com/gpu 8, and Karpenter sums node capacity.
    expect(spec.limits).toEqual({ "nvidia.com/gpu": inference.maxGpus * 8 });
    expect((nodePoolSpec(training) as any).limits).toEqual({ "nvidia.com/gpu": training.maxGpus });
    // MIG 1g.10gb: seven instances per A100-80GB.
    expect((nodePoolSpec(migPool) as any).limits).toEqual({ "nvidia.com/gpu": migPool.maxGpus * 7 });
  });

  test("consolidation removes empty and underused nodes after the pool's consolidateAfter", () => {
    expect(spec.disruption).toMatchObject({
      consolidationPolicy: "WhenEmptyOrUnderutilized",
      consolidateAfter: inference.consolidateAfter,
    });
    expect(inference.consolidateAfter).toBe("2m"); // Pulumi.prod.yaml
  });

  test("requirements pin the instance types and on-demand capacity", () => {
    expect(spec.template.spec.requirements).toEqual(
      expect.arrayContaining([
        { key: "node.kubernetes.io/instance-type", operator: "In", values: inference.instanceTypes },
        { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
      ]),
    );
  });

  test("a spot pool requires spot capacity", () => {
    const req = (nodePoolSpec(training) as any).template.spec.requirements;
    expect(req).toContainEqual({ key: "karpenter.sh/capacity-type", operator: "In", values: ["spot"] });
  });

  test("a training pool never consolidates or drift-replaces a busy node, only empty ones", () => {
    const d = (nodePoolSpec(training) as any).disruption;
    expect(d.budgets).toContainEqual({ nodes: "0", reasons: ["Underutilized", "Drifted"] });
    expect(d.consolidateAfter).toBe("2m");
  });

  test("there is no minimum node count, so the pool can scale to zero", () => {
    expect(spec.replicas).toBeUndefined();
    expect(JSON.stringify(spec)).not.toMatch(/"min/i);
  });

  test("MIG pools also ask the MIG manager for the single-profile layout", () => {
    expect((nodePoolSpec(migPool) as any).template.metadata.labels).toMatchObject({
      "nvidia.com/device-plugin.config": "mig-1g.10gb",
      "nvidia.com/mig.config": "all-1g.10gb",
    });
  });

  test("a disruption override from the capacity planner replaces the computed one", () => {
    const custom = { consolidationPolicy: "WhenEmpty", consolidateAfter: "1m" };
    expect((nodePoolSpec(inference, { disruption: custom }) as any).disruption).toBe(custom);
  });
});

describe("ec2NodeClassSpec", () => {
  const spec = ec2NodeClassSpec(inference, {
    clusterName: "mlops-prod",
    nodeRoleName: "gpu-node-role",
  }) as any;

  test("AMIs come from a pinned EKS-optimized AL2023 release alias", () => {
    expect(spec.amiSelectorTerms).toEqual([{ alias: DEFAULT_GPU_AMI_ALIAS }]);
    expect(DEFAULT_GPU_AMI_ALIAS).toMatch(/^al2023@v\d{8}$/);
  });

  test("subnets and security groups are found by the discovery tag", () => {
    const byTag = [{ tags: { "karpenter.sh/discovery": "mlops-prod" } }];
    expect(spec.subnetSelectorTerms).toEqual(byTag);
    expect(spec.securityGroupSelectorTerms).toEqual(byTag);
  });

  test("nodes use the node role and an encrypted root volume", () => {
    expect(spec.role).toBe("gpu-node-role");
    expect(spec.blockDeviceMappings[0].ebs).toMatchObject({ encrypted: true, volumeType: "gp3" });
  });

  test("IMDSv2 is required", () => {
    expect(spec.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
  });
});

describe("nodeOverlaySpecs", () => {
  test("a time-sliced pool tells Karpenter each type's GPUs x replicas, scoped to its NodePool", () => {
    const overlays = nodeOverlaySpecs({ ...inference, instanceTypes: ["g6.xlarge", "g6.12xlarge"] });
    expect(overlays).toEqual([
      {
        name: "gpu-inference-g6-xlarge",
        spec: {
          requirements: [
            { key: "karpenter.sh/nodepool", operator: "In", values: ["gpu-inference"] },
            { key: "node.kubernetes.io/instance-type", operator: "In", values: ["g6.xlarge"] },
          ],
          capacity: { "nvidia.com/gpu": "8" },
        },
      },
      {
        name: "gpu-inference-g6-12xlarge",
        spec: {
          requirements: [
            { key: "karpenter.sh/nodepool", operator: "In", values: ["gpu-inference"] },
            { key: "node.kubernetes.io/instance-type", operator: "In", values: ["g6.12xlarge"] },
          ],
          capacity: { "nvidia.com/gpu": "32" }, // four L4s
        },
      },
    ]);
  });

  test("a MIG pool counts the profile's instances per GPU; a pool of whole GPUs needs none", () => {
    // p4de.24xlarge: eight A100-80GB, seven 1g.10gb instances each.
    expect(nodeOverlaySpecs(migPool).map((o) => o.spec.capacity)).toEqual([{ "nvidia.com/gpu": "56" }]);
    expect(nodeOverlaySpecs(training)).toEqual([]);
  });
});

describe("warm capacity", () => {
  test("a pool with minGpus 0 gets no pause pods", () => {
    expect(warmCapacityPods(training)).toBe(0);
  });

  test("a time-sliced pool holds minGpus GPUs with one pod per slice", () => {
    expect(warmCapacityPods({ ...inference, minGpus: 4 })).toBe(4 * 8);
  });

  test("a MIG pool holds minGpus GPUs with one pod per MIG instance", () => {
    expect(warmCapacityPods(migPool)).toBe(7);
  });

  test("pause pods tolerate the GPU taint, stay on the pool, and request one GPU unit at negative priority", () => {
    const d = warmCapacityDeployment(inference, { namespace: "gpu-warm-capacity" }) as any;
    const pod = d.spec.template.spec;
    expect(pod.tolerations).toEqual([
      { key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" },
    ]);
    expect(pod.nodeSelector).toEqual({ [GPU_POOL_LABELS.pool]: "inference" });
    expect(pod.priorityClassName).toBe(WARM_CAPACITY_PRIORITY_CLASS.name);
    expect(WARM_CAPACITY_PRIORITY_CLASS.value).toBeLessThan(0);
    expect(pod.containers[0].resources.requests["nvidia.com/gpu"]).toBe("1");
    expect(pod.containers[0].resources.limits["nvidia.com/gpu"]).toBe("1");
    expect(pod.containers[0].image).not.toMatch(/:latest$/);
  });
});

describe.each(["staging", "prod"])("GPU node pools of the committed %s config", (stack) => {
  const config = stackConfig(stack);
  let built: Built;
  beforeAll(async () => {
    built = await buildCluster(stack, config);
  });

  test("one NodePool and one EC2NodeClass per pool", () => {
    const names = config.gpuPools.map((p) => `gpu-${p.name}`).sort();
    const metaNames = (type: string) =>
      ofType(built, type)
        .map((r) => (r.inputs.metadata as any).name)
        .sort();
    expect(metaNames("kubernetes:karpenter.sh/v1:NodePool")).toEqual(names);
    expect(metaNames("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")).toEqual(names);
  });

  test("every NodePool has the taint, pool labels, GPU limit and consolidation", () => {
    for (const p of config.gpuPools) {
      const spec = named(built, "kubernetes:karpenter.sh/v1:NodePool", `-${p.name}-nodepool`).inputs
        .spec as any;
      expect(spec.template.spec.taints).toContainEqual({
        key: "nvidia.com/gpu",
        value: "true",
        effect: "NoSchedule",
      });
      expect(spec.template.metadata.labels[GPU_POOL_LABELS.pool]).toBe(p.name);
      const units = p.sharing.mode === "time-slicing" ? p.sharing.replicas : 1;
      expect(spec.limits["nvidia.com/gpu"]).toBe(p.maxGpus * units);
      expect(spec.disruption.consolidationPolicy).toBe("WhenEmptyOrUnderutilized");
      expect(spec.template.spec.requirements).toContainEqual({
        key: "karpenter.sh/capacity-type",
        operator: "In",
        values: [p.capacityType],
      });
    }
  });

  test("each shared pool's instance types get a NodeOverlay; pools of whole GPUs none", () => {
    const overlays = ofType(built, "kubernetes:karpenter.sh/v1alpha1:NodeOverlay").map(
      (r) => (r.inputs.metadata as any).name,
    );
    const expected = config.gpuPools
      .filter((p) => p.sharing.mode !== "none")
      .flatMap((p) => p.instanceTypes.map((t) => `gpu-${p.name}-${t.replace(/\./g, "-")}`));
    expect(expected.length).toBeGreaterThan(0);
    expect(overlays.sort()).toEqual(expected.sort());
  });

  test("every EC2NodeClass uses the Karpenter node role", () => {
    const role = named(built, "aws:iam/role:Role", "karpenter-node-role");
    for (const nc of ofType(built, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"))
      expect((nc.inputs.spec as any).role).toBe(role.state.name);
  });

  test("serving NodePools freeze consolidation and drift for each declared sale; training ones do not", () => {
    const nodePools = ofType(built, "kubernetes:karpenter.sh/v1:NodePool");
    for (const pool of config.gpuPools) {
      const np = nodePools.find((r) => (r.inputs.metadata as any).name === `gpu-${pool.name}`)!;
      const freezes = ((np.inputs.spec as any).disruption.budgets as any[]).filter(
        (b) =>
          // a scheduled budget blocking drift: the sales' freezes (training pools block it at all times)
          b.schedule !== undefined && b.reasons?.includes("Drifted"),
      );
      expect(freezes).toEqual(pool.purpose === "serving" ? eventDisruptionBudgets(config.events) : []);
    }
  });

  test("warm-capacity Deployments exist exactly for pools with minGpus > 0", () => {
    const warm = ofType(built, "kubernetes:apps/v1:Deployment").map((d) => (d.inputs.metadata as any).name);
    expect(warm.sort()).toEqual(
      config.gpuPools.filter((p) => p.minGpus > 0).map((p) => `gpu-warm-${p.name}`),
    );
  });
});

describe("serving pool consolidation", () => {
  test("underused serving nodes are drained only outside the day peak (UTC budget from the platform time zone)", async () => {
    const { karpenterDisruption } = await import("../../components/capacity/karpenter-disruption");
    const { nodePoolSpec } = await import("../../components/cluster/gpu-node-pool-specs");
    const pool = {
      name: "inference",
      purpose: "serving",
      instanceTypes: ["g6.xlarge"],
      capacityType: "on-demand",
      sharing: { mode: "time-slicing", replicas: 8 },
      minGpus: 0,
      maxGpus: 8,
      provisioningSeconds: 150,
      consolidateAfter: "10m",
    } as const;
    const spec = nodePoolSpec(pool as never, {
      disruption: karpenterDisruption(pool as never, "Asia/Shanghai"),
    }) as any;
    expect(spec.disruption.consolidationPolicy).toBe("WhenEmptyOrUnderutilized");
    // 10:00 Asia/Shanghai = 02:00 UTC: underused nodes may not be drained from then for 12 hours.
    expect(spec.disruption.budgets).toContainEqual({
      nodes: "0",
      reasons: ["Underutilized"],
      schedule: "0 2 * * *",
      duration: "12h",
    });
  });
});
