/** Policies on where workloads run: GPU taints and pools, pinned Helm charts, preemptible training. */
import { kubernetesGpuPoolRunsOnlyGpuWorkloads } from "../../policies/mlops/kubernetes-gpu-pool-runs-only-gpu-workloads";
import { kubernetesGpuWorkloadToleratesGpuTaint } from "../../policies/mlops/kubernetes-gpu-workload-tolerates-gpu-taint";
import { kubernetesHelmReleasePinsChartVersion } from "../../policies/mlops/kubernetes-helm-release-pins-chart-version";
import { mlopsTrainingRunsPreemptible } from "../../policies/mlops/mlops-training-runs-preemptible";
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
