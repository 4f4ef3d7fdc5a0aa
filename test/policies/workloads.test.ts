import { podTemplates, requestsGpu, targetGpuPool } from "../../policies/lib/workloads";
import * as f from "./fixtures";

describe("podTemplates", () => {
  it("reads an InferenceService's predictor, transformer and named canaries", () => {
    const r = f.inferenceService();
    r.props.spec.transformer = { containers: [{ name: "features", image: "r/features:1.0" }] };
    r.props.spec.canary = [
      { trafficPercent: 10, predictor: { name: "v43", model: { storageUri: "s3://b/v43" } } },
    ];
    const templates = podTemplates(r.type, r.props);
    expect(templates.map((t) => [t.component, t.path, t.containers.map((c) => c.path)])).toEqual([
      ["predictor", "spec.predictor", ["spec.predictor.model"]],
      ["transformer", "spec.transformer", ["spec.transformer.containers[0]"]],
      ["canary/v43", "spec.canary[0].predictor", ["spec.canary[0].predictor.model"]],
    ]);
    expect(templates.every((t) => t.serving && t.namespace === "homepage-feed")).toBe(true);
  });
  it("reads legacy framework keys such as sklearn", () => {
    const props = { kind: "InferenceService", spec: { predictor: { sklearn: { storageUri: "s3://b/m" } } } };
    expect(
      podTemplates("kubernetes:serving.kserve.io/v1beta1:InferenceService", props)[0].containers[0].path,
    ).toBe("spec.predictor.sklearn");
  });
  it("reads Jobs, CronJobs, Pods and Kubeflow replica specs as batch or not", () => {
    expect(podTemplates(f.trainingJob().type, f.trainingJob().props).map((t) => [t.path, t.batch])).toEqual([
      ["spec.template.spec", true],
    ]);
    const pytorch = {
      kind: "PyTorchJob",
      spec: { pytorchReplicaSpecs: { Master: { template: { spec: { containers: [{ name: "m" }] } } } } },
    };
    expect(
      podTemplates("kubernetes:kubeflow.org/v1:PyTorchJob", pytorch).map((t) => [
        t.component,
        t.path,
        t.batch,
      ]),
    ).toEqual([["Master", "spec.pytorchReplicaSpecs.Master.template.spec", true]]);
    expect(podTemplates("kubernetes:core/v1:Pod", { kind: "Pod", spec: { containers: [{}] } })[0].path).toBe(
      "spec",
    );
  });
  it("returns nothing for non-workloads and Helm releases", () => {
    expect(podTemplates(f.pdb().type, f.pdb().props)).toEqual([]);
    expect(podTemplates(f.helmRelease().type, f.helmRelease().props)).toEqual([]);
    expect(podTemplates(f.rds().type, f.rds().props)).toEqual([]);
  });
  it("tolerates missing fields", () => {
    expect(podTemplates("kubernetes:apps/v1:Deployment", {})[0].containers).toEqual([]);
  });
});

describe("GPU helpers", () => {
  it("detect GPU requests and the target pool", () => {
    const [t] = podTemplates(f.inferenceService().type, f.inferenceService().props);
    expect(requestsGpu(t)).toBe(true);
    expect(targetGpuPool(t)).toBe("inference");
    const [d] = podTemplates(f.deployment().type, f.deployment().props);
    expect(requestsGpu(d)).toBe(false);
    expect(targetGpuPool(d)).toBeUndefined();
  });
});
