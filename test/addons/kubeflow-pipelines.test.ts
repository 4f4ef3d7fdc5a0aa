import { KFP_VERSION } from "../../components/addons/data-versions";
import { kfpManifestUrl, KubeflowPipelines } from "../../components/addons/kubeflow-pipelines";
import { stackConfig } from "./harness";
import { recordData } from "./data-harness";

const DIRECTORY = "kubernetes:kustomize/v2:Directory";

function build(enabled: boolean) {
  const config = stackConfig("staging", (raw) => {
    raw.addons.kubeflowPipelines.enabled = enabled;
  });
  return recordData("staging", (cluster) => new KubeflowPipelines("kfp", { config, cluster }));
}

describe("KubeflowPipelines", () => {
  // Under the mock runtime a kustomize.v2.Directory is one opaque resource: its inputs are all we see.
  test("applies the cluster-scoped resources and the platform-agnostic env at the pinned tag", async () => {
    const run = await build(true);
    const dirs = run.resources.filter((r) => r.type === DIRECTORY);
    expect(Object.fromEntries(dirs.map((d) => [d.name, d.inputs.directory]))).toEqual({
      "kfp-cluster-scoped": `github.com/kubeflow/pipelines/manifests/kustomize/cluster-scoped-resources?ref=${KFP_VERSION}`,
      "kfp-platform": `github.com/kubeflow/pipelines/manifests/kustomize/env/platform-agnostic?ref=${KFP_VERSION}`,
    });
    expect(dirs.find((d) => d.name === "kfp-platform")!.inputs.namespace).toBe("kubeflow");
  });

  test("the namespaced manifests are registered after the cluster-scoped ones (CRDs first)", async () => {
    const run = await build(true);
    const order = run.resources.filter((r) => r.type === DIRECTORY).map((r) => r.name);
    expect(order).toEqual(["kfp-cluster-scoped", "kfp-platform"]);
  });

  test("nothing is installed when disabled in the stack config", async () => {
    const run = await build(false);
    expect(run.resources.filter((r) => r.type === DIRECTORY)).toEqual([]);
    expect(run.built.apiUrl).toBeUndefined();
  });

  test("a version that is not a release tag is rejected", () => {
    expect(() => kfpManifestUrl("env/platform-agnostic", "master")).toThrow(
      'Kubeflow Pipelines version "master" must be a release tag such as 2.17.2',
    );
  });
});
