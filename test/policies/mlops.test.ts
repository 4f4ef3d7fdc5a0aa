import { kubernetesGpuPoolRunsOnlyGpuWorkloads } from "../../policies/mlops/kubernetes-gpu-pool-runs-only-gpu-workloads";
import { kubernetesGpuWorkloadToleratesGpuTaint } from "../../policies/mlops/kubernetes-gpu-workload-tolerates-gpu-taint";
import { kubernetesHelmReleasePinsChartVersion } from "../../policies/mlops/kubernetes-helm-release-pins-chart-version";
import { mlopsCanaryTrafficCapped } from "../../policies/mlops/mlops-canary-traffic-capped";
import { mlopsGpuCostFitsBudget, expectedMonthlyCost } from "../../policies/mlops/mlops-gpu-cost-fits-budget";
import { mlopsModelGpuDemandFitsPool } from "../../policies/mlops/mlops-model-gpu-demand-fits-pool";
import { mlopsModelHasAlertsMonitorAndOwner } from "../../policies/mlops/mlops-model-has-alerts-monitor-and-owner";
import { mlopsTrainingRunsPreemptible } from "../../policies/mlops/mlops-training-runs-preemptible";
import { gpusPerDevice } from "../../policies/lib/capacity";
import * as f from "./fixtures";
import { messages, set } from "./fixtures";

describe("kubernetes-gpu-workload-tolerates-gpu-taint", () => {
  const p = kubernetesGpuWorkloadToleratesGpuTaint;
  it("passes on GPU workloads with the toleration and CPU workloads without", async () => {
    expect(await messages(p, [f.inferenceService(), f.trainingJob(), f.deployment()])).toEqual([]);
  });
  it("fails when a GPU predictor lacks the toleration", async () => {
    expect(await messages(p, [set(f.inferenceService(), "spec.predictor.tolerations", [])])).toEqual([
      'InferenceService predictor requests a GPU but does not tolerate the GPU taint nvidia.com/gpu=true:NoSchedule; add tolerations: [{key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule"}] at spec.predictor.',
    ]);
  });
  it("fails when the toleration has another value, and counts MIG requests as GPUs", async () => {
    const r = set(f.trainingJob(), "spec.template.spec.tolerations[0].value", "false");
    set(r, "spec.template.spec.containers[0].resources.limits", {
      cpu: "8",
      memory: "64Gi",
      "nvidia.com/mig-3g.40gb": "1",
    });
    set(r, "spec.template.spec.containers[0].resources.requests", { cpu: "8", memory: "64Gi" });
    expect(await messages(p, [r])).toEqual([
      expect.stringContaining("Job pod requests a GPU but does not tolerate"),
    ]);
  });
  it("accepts an Exists toleration on the key", async () => {
    const r = set(f.inferenceService(), "spec.predictor.tolerations", [
      { key: "nvidia.com/gpu", operator: "Exists" },
    ]);
    expect(await messages(p, [r])).toEqual([]);
  });
});

describe("kubernetes-gpu-pool-runs-only-gpu-workloads", () => {
  const p = kubernetesGpuPoolRunsOnlyGpuWorkloads;
  const msg = (kind: string) =>
    `${kind} pod selects GPU pool inference (mlops.io/gpu-pool) but requests no GPU; request nvidia.com/gpu (or a nvidia.com/mig-* device) in resources.limits, or drop the GPU pool selector so it runs on system nodes.`;
  it("passes on GPU workloads and CPU workloads off the pools", async () => {
    expect(await messages(p, [f.inferenceService(), f.trainingJob(), f.deployment()])).toEqual([]);
  });
  it("fails on a CPU Deployment with a GPU-pool nodeSelector", async () => {
    const r = set(f.deployment(), "spec.template.spec.nodeSelector", { "mlops.io/gpu-pool": "inference" });
    expect(await messages(p, [r])).toEqual([msg("Deployment")]);
  });
  it("fails on a CPU Deployment with required node affinity on the pool label", async () => {
    const r = set(f.deployment(), "spec.template.spec.affinity", {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: "mlops.io/gpu-pool", operator: "In", values: ["inference"] }] },
          ],
        },
      },
    });
    expect(await messages(p, [r])).toEqual([msg("Deployment")]);
  });
  it("exempts DaemonSets and the gpu-operator namespace", async () => {
    const r = set(f.deployment(), "spec.template.spec.nodeSelector", { "mlops.io/gpu-pool": "inference" });
    expect(await messages(p, [set(structuredClone(r), "kind", "DaemonSet")])).toEqual([]);
    expect(await messages(p, [set(r, "metadata.namespace", "gpu-operator")])).toEqual([]);
  });
});

describe("kubernetes-helm-release-pins-chart-version", () => {
  const p = kubernetesHelmReleasePinsChartVersion;
  it("passes with an exact version", async () => {
    expect(await messages(p, [f.helmRelease()])).toEqual([]);
  });
  it("fails without a version", async () => {
    expect(await messages(p, [set(f.helmRelease(), "version", undefined)])).toEqual([
      "Helm chart keda has no version; set version to an exact chart version such as 1.2.3.",
    ]);
  });
  it.each(["^2.20.0", "~2.20", ">=2.0.0", "2.x", "2.20"])("fails on the range %s", async (v) => {
    expect(await messages(p, [set(f.helmRelease(), "version", v)])).toEqual([
      `Helm chart keda version "${v}" is a range or not a version; pin an exact version such as 1.2.3.`,
    ]);
  });
});

describe("mlops-training-runs-preemptible", () => {
  const p = mlopsTrainingRunsPreemptible;
  const unpinned = () => set(f.trainingJob(), "spec.template.spec.priorityClassName", undefined);
  it("passes at the training priority", async () => {
    expect(await messages(p, [f.trainingJob()])).toEqual([]);
  });
  it("passes on spot without the priority", async () => {
    const r = set(unpinned(), "spec.template.spec.nodeSelector", { "karpenter.sh/capacity-type": "spot" });
    expect(await messages(p, [r])).toEqual([]);
  });
  it("fails at default priority on any capacity", async () => {
    expect(await messages(p, [unpinned()])).toEqual([
      "Job pod trains at the default priority on any capacity; set priorityClassName: mlops-training at spec.template.spec or pin it to spot with nodeSelector karpenter.sh/capacity-type: spot.",
    ]);
  });
  it("fails at the serving priority", async () => {
    const r = set(f.trainingJob(), "spec.template.spec.priorityClassName", "mlops-serving");
    expect(await messages(p, [r])).toEqual([
      expect.stringContaining("Job pod trains at mlops-serving on any capacity"),
    ]);
  });
  it("ignores CPU batch Jobs that are not training", async () => {
    const r = f.deployment();
    set(r, "kind", "Job");
    expect(await messages(p, [{ ...r, type: "kubernetes:batch/v1:Job" }])).toEqual([]);
  });
});

describe("mlops-canary-traffic-capped", () => {
  const p = mlopsCanaryTrafficCapped;
  const withCanaries = (...percents: number[]) => {
    const r = f.inferenceService();
    r.props.spec.canary = percents.map((t, i) => ({ trafficPercent: t, predictor: { name: `c${i}` } }));
    return r;
  };
  /** The route of `model` splitting between its stable predictor and `other`'s. */
  const routeOf = (model: string, other: string, stable: number, weight: number) => ({
    type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    name: `${model}-route`,
    props: {
      kind: "HTTPRoute",
      metadata: { name: model, labels: { "mlops.io/model": model } },
      spec: {
        rules: [
          {
            backendRefs: [
              { name: `${model}-predictor`, port: 80, weight: stable },
              { name: `${other}-predictor`, port: 80, weight },
            ],
          },
        ],
      },
    },
  });
  const route = (stable: number, canary: number) =>
    routeOf("homepage-feed", "homepage-feed-canary", stable, canary);
  it("passes at or below 50%", async () => {
    expect(await messages(p, [withCanaries(25, 25), route(50, 50), f.inferenceService()])).toEqual([]);
  });
  it("fails when spec.canary shares sum above the cap", async () => {
    expect(await messages(p, [withCanaries(40, 20)])).toEqual([
      "Canary gets 60% of traffic (spec.canary[].trafficPercent), above the 50% cap; lower canary.trafficPercent in the spec (or the level promote holds in the stack config, mlops-platform:canaryTraffic) and let the promote tool take it to 100% after analysis.",
    ]);
  });
  it("fails on the legacy canaryTrafficPercent", async () => {
    expect(await messages(p, [set(f.inferenceService(), "spec.predictor.canaryTrafficPercent", 75)])).toEqual(
      [expect.stringContaining("Canary gets 75% of traffic (spec.predictor.canaryTrafficPercent)")],
    );
  });
  it("counts only the model's canary: not a model or an experiment with canary in its name", async () => {
    expect(await messages(p, [routeOf("canary-scorer", "canary-scorer-exp", 10, 90)])).toEqual([]);
    expect(await messages(p, [routeOf("evt-canary", "evt-canary-canary", 90, 10)])).toEqual([]);
    expect(await messages(p, [routeOf("feed", "feed-canary-test", 20, 80)])).toEqual([]);
    expect(await messages(p, [routeOf("evt-canary", "evt-canary-canary", 10, 90)])).toEqual([
      expect.stringContaining("Canary gets 90% of traffic"),
    ]);
  });
  it("fails on analysis steps above the cap, which promote would reach with the canary live", async () => {
    const planned = (steps: string) => {
      const r = route(90, 10);
      (r.props.metadata as Record<string, unknown>).annotations = { "mlops.io/canary-steps": steps };
      return r;
    };
    expect(await messages(p, [planned("10,25,50,100")])).toEqual([]);
    expect(await messages(p, [planned("10,75,90,100")])).toEqual([
      "Canary analysis steps 75%, 90% (metadata.annotations.mlops.io/canary-steps) are above the 50% cap: promote would stop there with the canary live; keep canary.analysis.steps below 100 at or under 50.",
    ]);
  });
  it("fails on HTTPRoute weights", async () => {
    expect(await messages(p, [route(1, 3)])).toEqual([
      expect.stringContaining("Canary gets 75% of traffic (spec.rules[0].backendRefs)"),
    ]);
  });
  it("takes the cap from config", async () => {
    expect(await messages(p, [withCanaries(25)], { maxPercent: 20 })).toEqual([
      expect.stringContaining("above the 20% cap"),
    ]);
  });
});

describe("mlops-model-has-alerts-monitor-and-owner", () => {
  const p = mlopsModelHasAlertsMonitorAndOwner;
  const all = () => [f.modelNamespace(), f.inferenceService(), f.prometheusRule(), f.podMonitor()];
  const msg = (missing: string) =>
    `Model homepage-feed is missing ${missing}; the model stack must create them labelled mlops.io/model: homepage-feed (set team in models/homepage-feed.yaml).`;
  it("passes with rules, a monitor and a team", async () => {
    expect(await messages(p, all())).toEqual([]);
  });
  it("fails without a PrometheusRule", async () => {
    expect(
      await messages(
        p,
        all().filter((r) => !r.type.endsWith("PrometheusRule")),
      ),
    ).toEqual([msg("a PrometheusRule with alert rules")]);
  });
  it("fails when the PrometheusRule has only recording rules", async () => {
    const rules = set(f.prometheusRule(), "spec.groups[0].rules", [{ record: "x", expr: "vector(1)" }]);
    expect(await messages(p, [f.modelNamespace(), f.inferenceService(), rules, f.podMonitor()])).toEqual([
      msg("a PrometheusRule with alert rules"),
    ]);
  });
  it("fails without a PodMonitor or ServiceMonitor", async () => {
    expect(
      await messages(
        p,
        all().filter((r) => !r.type.endsWith("PodMonitor")),
      ),
    ).toEqual([msg("a PodMonitor or ServiceMonitor")]);
  });
  it("fails without a team label", async () => {
    const objs = [
      set(f.modelNamespace(), "metadata.labels", { "mlops.io/model": "homepage-feed" }),
      set(f.inferenceService(), "metadata.labels", { "mlops.io/model": "homepage-feed" }),
      f.prometheusRule(),
      f.podMonitor(),
    ];
    expect(await messages(p, objs)).toEqual([msg("a mlops.io/team label on its InferenceService/Namespace")]);
  });
  it("counts unlabelled rules and monitors in the model's namespace", async () => {
    const objs = [
      f.modelNamespace(),
      f.inferenceService(),
      set(f.prometheusRule(), "metadata.labels", {}),
      set(f.podMonitor(), "metadata.labels", {}),
    ];
    expect(await messages(p, objs)).toEqual([]);
  });
});

describe("mlops-model-gpu-demand-fits-pool", () => {
  const p = mlopsModelGpuDemandFitsPool;
  it("passes: 40 replicas x 0.25 GPU (1 of 4 time-slices) = 10 <= 48", async () => {
    expect(await messages(p, [f.inferenceService(), f.scaledObject(40)], f.capacity())).toEqual([]);
  });
  it("fails when the ScaledObject's maxReplicaCount exceeds the pool", async () => {
    expect(await messages(p, [f.inferenceService(), f.scaledObject(200)], f.capacity())).toEqual([
      "GPU pool inference needs 50 GPUs at full scale-out (homepage-feed 200x0.25) but maxGpus is 48; raise the pool's maxGpus or lower serving.replicas.max / serving.gpu.share.",
    ]);
  });
  it("prints a MIG share rounded and asks a MIG pool for fewer replicas only (its share is the profile's)", async () => {
    // Found by a black-box review: "ads-ctr 200x0.14285714285714285 ... or lower serving.gpu.share".
    const mig = {
      name: "mig",
      purpose: "serving" as const,
      maxGpus: 8,
      minGpus: 0,
      instanceTypes: ["p4de.24xlarge"],
      capacityType: "on-demand" as const,
      sharing: { mode: "mig" as const, profile: "1g.10gb" },
    };
    const models = [{ name: "ads-ctr", pool: "mig", share: 1 / 7, maxReplicas: 200 }];
    expect(await messages(p, [], { ...f.capacity(), pools: [mig], models })).toEqual([
      "GPU pool mig needs 28.57 GPUs at full scale-out (ads-ctr 200x0.1429) but maxGpus is 8; raise the pool's maxGpus or lower serving.replicas.max.",
    ]);
  });
  it("sums several models from explicit config demands", async () => {
    const models = [
      { name: "a", pool: "inference", share: 0.5, maxReplicas: 60 },
      { name: "b", pool: "inference", share: 0.25, maxReplicas: 80 },
    ];
    expect(await messages(p, [], { ...f.capacity(), models })).toEqual([
      "GPU pool inference needs 50 GPUs at full scale-out (a 60x0.5, b 80x0.25) but maxGpus is 48; raise the pool's maxGpus or lower serving.replicas.max / serving.gpu.share.",
    ]);
  });
  it("a canary or experiment splits its model's traffic: one replica over stable's max, not its own max", async () => {
    // 160 x 0.25 = 40 GPUs of 48: a canary of max 80 beside it would be 60 counted at its max.
    const models = [
      { name: "m", model: "m", stable: true, pool: "inference", share: 0.25, maxReplicas: 160 },
      { name: "m-canary", model: "m", stable: false, pool: "inference", share: 0.25, maxReplicas: 80 },
      { name: "m-exp", model: "m", stable: false, pool: "inference", share: 0.25, maxReplicas: 17 },
    ];
    expect(await messages(p, [], { ...f.capacity(), models })).toEqual([]);
    // A header-pinned experiment's cohort is still in stable's forecast: counted at its max.
    const pinned = [models[0], { ...models[2], pinned: true, maxReplicas: 40 }];
    expect(await messages(p, [], { ...f.capacity(), models: pinned })).toEqual([
      expect.stringContaining("needs 50 GPUs at full scale-out (m 160x0.25, m-exp 40x0.25)"),
    ]);
    // Without its stable variant a variant is all there is of its model: counted at its max.
    const alone = [{ ...models[1] }, { name: "other", pool: "inference", share: 0.5, maxReplicas: 60 }];
    expect(await messages(p, [], { ...f.capacity(), models: alone })).toEqual([
      "GPU pool inference needs 50 GPUs at full scale-out (other 60x0.5, m-canary 80x0.25) but maxGpus is 48; raise the pool's maxGpus or lower serving.replicas.max / serving.gpu.share.",
    ]);
    // And a budget without history prices the same peak: 40.5 GPUs, packed onto 41 whole ones, and
    // the pool's warm capacity on top (minGpus 4 = 16 slots: 2 left free, 14 on four more g6.xlarge).
    const { byPool } = expectedMonthlyCost(f.capacity(), models);
    expect(byPool[0]).toMatchObject({ pool: "inference", gpus: 45 });
  });
  describe("on a pool time-sliced 8 ways: a replica's slices sit on one GPU", () => {
    const eighths = () => {
      const cfg = f.capacity();
      const [inference, training] = cfg.pools;
      return {
        ...cfg,
        pools: [
          { ...inference, maxGpus: 8, sharing: { mode: "time-slicing" as const, replicas: 8 } },
          training,
        ],
      };
    };
    it("fails: ten replicas of 5/8 GPU need 10 GPUs (no two fit one), not the 6.25 their shares add up to", async () => {
      const models = [{ name: "m", pool: "inference", share: 0.625, maxReplicas: 10 }];
      expect(await messages(p, [], { ...eighths(), models })).toEqual([
        "GPU pool inference needs 10 GPUs at full scale-out (m 10x0.625; a replica's time-slices sit on one GPU, so shares of 6.25 GPUs fill 10) but maxGpus is 8; raise the pool's maxGpus or lower serving.replicas.max / serving.gpu.share.",
      ]);
    });
    it("fails the same on the InferenceService's 5 slices and its ScaledObject's max of 10", async () => {
      const isvc = set(f.inferenceService(), "spec.predictor.model.resources", {
        requests: { cpu: "2", memory: "8Gi", "nvidia.com/gpu": "5" },
        limits: { cpu: "2", memory: "8Gi", "nvidia.com/gpu": "5" },
      });
      expect(await messages(p, [isvc, f.scaledObject(10)], eighths())).toEqual([
        expect.stringContaining(
          "GPU pool inference needs 10 GPUs at full scale-out (homepage-feed 10x0.625;",
        ),
      ]);
    });
    it("passes where slices fit together on a GPU: eight of 5/8 beside eight of 3/8 fill 8 GPUs", async () => {
      // Each GPU holds a 5-slice and a 3-slice replica; counted model by model they would be 8 + 3.
      const models = [
        { name: "a", pool: "inference", share: 0.625, maxReplicas: 8 },
        { name: "b", pool: "inference", share: 0.375, maxReplicas: 8 },
      ];
      expect(await messages(p, [], { ...eighths(), models })).toEqual([]);
    });
  });
  it("a hand-written time-sliced pool without its slice count or types counts a device a GPU", async () => {
    // Found by a review: binned by the fewest slots per GPU of no types (Infinity), the 10 GPUs
    // read as 0 and never failed; a slice count of 0 made the binning throw.
    const models = [{ name: "m", pool: "p", share: 1, maxReplicas: 10 }];
    for (const sharing of [{ mode: "time-slicing" }, { mode: "time-slicing", replicas: 0 }])
      expect(await messages(p, [], { pools: [{ name: "p", maxGpus: 4, sharing }], models })).toEqual([
        "GPU pool p needs 10 GPUs at full scale-out (m 10x1) but maxGpus is 4; raise the pool's maxGpus or lower serving.replicas.max / serving.gpu.share.",
      ]);
  });
  it("fails on a model using an unknown pool", async () => {
    const models = [{ name: "a", pool: "gpu-xl", share: 1, maxReplicas: 1 }];
    expect(await messages(p, [], { ...f.capacity(), models })).toEqual([
      "Model a uses GPU pool gpu-xl, which this stack does not define; use one of inference, training.",
    ]);
  });
  it("is not applicable without the capacity config", async () => {
    expect(await messages(p, [f.inferenceService(), f.scaledObject(1000)])).toEqual([]);
  });
  it("counts a MIG device as the GPU it holds: one 4g.40gb per A100, not 4/7 of one", () => {
    const pool = {
      name: "mig",
      maxGpus: 8,
      instanceTypes: ["p4de.24xlarge"],
      sharing: { mode: "mig" as const, profile: "4g.40gb" },
    };
    expect(gpusPerDevice(pool, "nvidia.com/mig-4g.40gb")).toBe(1);
    expect(
      gpusPerDevice({ ...pool, sharing: { mode: "mig", profile: "3g.40gb" } }, "nvidia.com/mig-3g.40gb"),
    ).toBe(0.5);
    expect(
      gpusPerDevice({ ...pool, sharing: { mode: "mig", profile: "1g.10gb" } }, "nvidia.com/mig-1g.10gb"),
    ).toBe(1 / 7);
    // Without a known instance type, the profile's compute fraction is all there is.
    expect(gpusPerDevice({ ...pool, instanceTypes: [] }, "nvidia.com/mig-4g.40gb")).toBeCloseTo(4 / 7, 9);
  });
  it("counts nvidia.com/gpu on a MIG pool (the single strategy's name) by the pool's profile", () => {
    const pool = {
      name: "mig",
      maxGpus: 8,
      instanceTypes: ["p4de.24xlarge"],
      sharing: { mode: "mig" as const, profile: "1g.10gb" },
    };
    expect(gpusPerDevice(pool, "nvidia.com/gpu")).toBe(1 / 7);
    expect(gpusPerDevice({ ...pool, sharing: { mode: "none" } }, "nvidia.com/gpu")).toBe(1);
  });
});

describe("mlops-gpu-cost-fits-budget", () => {
  const p = mlopsGpuCostFitsBudget;
  it("without traffic history prices each pool at max: 10 + 4 warm inference GPUs on-demand + 8 training GPUs spot", () => {
    const { total, byPool } = expectedMonthlyCost(f.capacity(), [
      { name: "a", pool: "inference", share: 0.25, maxReplicas: 40 },
    ]);
    expect(byPool).toEqual([
      // 40 x 0.25 fills 10 GPUs; the warm capacity (minGpus 4) is headroom on top.
      { pool: "inference", gpus: 14, cost: 14 * 7.0 * 730, withoutHistory: ["a"] },
      { pool: "training", gpus: 8, cost: 8 * (113 / 8) * 730, withoutHistory: [] },
    ]);
    expect(total).toBeCloseTo(71540 + 82490);
  });
  it("a serving pool no model uses costs its warm minGpus, not maxGpus; training still counts at max", async () => {
    const { byPool } = expectedMonthlyCost(f.capacity(), []);
    expect(byPool).toEqual([
      { pool: "inference", gpus: 4, cost: 4 * 7.0 * 730, withoutHistory: [] },
      { pool: "training", gpus: 8, cost: 8 * (113 / 8) * 730, withoutHistory: [] },
    ]);
    // So a pool added before any model moves onto it does not fail the budget.
    const cfg = { ...f.capacity(), budget: { monthlyGpuCost: 4 * 7.0 * 730 + 82490 } };
    expect(await messages(p, [], cfg)).toEqual([]);
  });
  it("with history: the stable variant at the mean rate, other variants at min, a new model at max", () => {
    const demand = { pool: "inference", share: 0.25, minReplicas: 2, targetRpsPerReplica: 90 };
    const { byPool } = expectedMonthlyCost({ ...f.capacity(), expectedRps: { feed: 1000 } }, [
      { ...demand, name: "feed", model: "feed", stable: true, maxReplicas: 400 }, // ceil(1000/90) = 12
      { ...demand, name: "feed-canary", model: "feed", stable: false, maxReplicas: 200 }, // min 2
      { ...demand, name: "fresh", model: "fresh", stable: true, maxReplicas: 20 }, // no history: 20
    ]);
    // (12 + 2 + 20) x 0.25 = 8.5 -> 9 GPUs, 2 slots free; the 16 warm slots take them and 4 GPUs more.
    expect(byPool[0]).toEqual({
      pool: "inference",
      gpus: 13,
      cost: 13 * 7.0 * 730,
      withoutHistory: ["fresh"],
    });
  });
  it("a MIG replica of one 1g.20gb device is packed as one device, not its share over the compute fraction", () => {
    // Found by a review: the share counted here is the GPU a device fills (1/4 of an A100-80GB for
    // 1g.20gb), and reading it back with the spec's compute fraction (1/7) made one device two.
    const mig = {
      name: "mig",
      purpose: "serving" as const,
      maxGpus: 64,
      minGpus: 0,
      instanceTypes: ["p4de.24xlarge"],
      capacityType: "on-demand" as const,
      sharing: { mode: "mig" as const, profile: "1g.20gb" },
    };
    const cfg = {
      ...f.capacity(),
      availabilityZones: 1,
      pools: [mig],
      pricing: { currency: "CNY", instances: { "p4de.24xlarge": { onDemand: 320 } } },
    };
    const share = gpusPerDevice(mig, "nvidia.com/gpu");
    expect(share).toBe(1 / 4);
    // 32 one-device replicas fill the 8 GPUs x 4 devices of one p4de.24xlarge.
    const { byPool } = expectedMonthlyCost(cfg, [{ name: "a", pool: "mig", share, maxReplicas: 32 }]);
    expect(byPool).toEqual([{ pool: "mig", gpus: 8, cost: 320 * 730, withoutHistory: ["a"] }]);
  });
  it("packs each zone's replicas onto whole nodes, as the plan's packing does", () => {
    const cfg = f.capacity();
    const pools = [{ ...cfg.pools[0], minGpus: 0 }, cfg.pools[1]];
    const demand = [{ name: "a", pool: "inference", share: 0.25, maxReplicas: 3 }];
    // three quarter-GPU replicas: one per zone, so three one-GPU nodes where one zone would need one
    expect(expectedMonthlyCost({ ...cfg, pools, availabilityZones: 3 }, demand).byPool[0].gpus).toBe(3);
    expect(expectedMonthlyCost({ ...cfg, pools }, demand).byPool[0].gpus).toBe(1);
  });
  it("bills a pool at most at maxGpus: Karpenter launches no more", () => {
    const { byPool } = expectedMonthlyCost(f.capacity(), [
      { name: "a", pool: "inference", share: 0.25, maxReplicas: 400 }, // 100 GPUs wanted
    ]);
    expect(byPool[0]).toEqual({ pool: "inference", gpus: 48, cost: 48 * 7.0 * 730, withoutHistory: ["a"] });
  });
  it("reads model, variant, bounds and target per replica from the deployed ScaledObject", async () => {
    const so = f.scaledObject(4000);
    const labelled = {
      ...so,
      props: {
        ...so.props,
        metadata: {
          ...(so.props.metadata as object),
          labels: { "mlops.io/model": "homepage-feed", "mlops.io/variant": "stable" },
        },
        spec: {
          ...(so.props.spec as object),
          triggers: [{ type: "prometheus", name: "request-rate", metadata: { threshold: "95" } }],
        },
      },
    };
    const budget = { monthlyGpuCost: 250000 };
    // At max the pool's 48 GPUs (+ training) cost 327,770 a month; at a mean of 9,500 rps the
    // stable variant runs ceil(9500 / 95) = 100 quarter-GPU replicas: 25 GPUs, 210,240 in all.
    expect(await messages(p, [f.inferenceService(), so], { ...f.capacity(), budget })).toHaveLength(1);
    expect(
      await messages(p, [f.inferenceService(), labelled], {
        ...f.capacity(),
        budget,
        expectedRps: { "homepage-feed": 9500 },
        trafficHistory: "models/traffic/week.csv",
      }),
    ).toEqual([]);
  });
  it("passes within the budget", async () => {
    expect(await messages(p, [f.inferenceService(), f.scaledObject(40)], f.capacity())).toEqual([]);
  });
  it("fails above the budget, saying what the estimate rests on", async () => {
    const cfg = { ...f.capacity(), budget: { monthlyGpuCost: 100000 } };
    expect(await messages(p, [f.inferenceService(), f.scaledObject(40)], cfg)).toEqual([
      "Expected GPU cost is 154030 CNY/month (inference 14 GPUs 71540, training 8 GPUs 82490; no traffic history: every model at replicas.max), above the budget of 100000 CNY; lower model replicas or share, pool maxGpus for pools without known demand, use cheaper instance types or spot, or raise budget.monthlyGpuCost.",
    ]);
  });
  it("reports pools without any price", async () => {
    const cfg = f.capacity();
    delete (cfg.pricing.instances as Record<string, unknown>)["p4d.24xlarge"];
    expect(await messages(p, [], cfg)).toEqual([
      "GPU pool(s) training have no price for any instance type; add them to pricing.instances so the budget can be checked.",
    ]);
  });
});
