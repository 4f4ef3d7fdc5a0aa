import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import {
  CLUSTER_SCOPE_DIR,
  findSecretLeaks,
  parseKubernetesType,
  REDACTED_MARK,
  renderResources,
  ResourceLike,
  SECRET_MARK,
} from "../../tools/plan/render";
import { OFFLINE_SECRET } from "../../tools/offline/stack-file";

/** How the mock runtime hands over an input the program marked secret. */
const secret = (value: unknown) => ({ [specialSigKey]: specialSecretSig, value });

const deployment: ResourceLike = {
  type: "kubernetes:apps/v1:Deployment",
  name: "feed-predictor",
  inputs: {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "feed", namespace: "model-feed" },
    spec: { replicas: 2 },
  },
};

describe("parseKubernetesType", () => {
  it("maps core/v1 to apiVersion v1", () => {
    expect(parseKubernetesType("kubernetes:core/v1:ConfigMap")).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
    });
  });

  it("keeps custom resource groups as the apiVersion", () => {
    expect(parseKubernetesType("kubernetes:monitoring.coreos.com/v1:PrometheusRule")).toEqual({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PrometheusRule",
    });
  });

  it("rejects components, Helm wrappers, providers and AWS types", () => {
    for (const t of [
      "kubernetes:yaml/v2:ConfigGroup",
      "kubernetes:helm.sh/v3:Chart",
      "kubernetes:helm.sh/v3:Release",
      "pulumi:providers:kubernetes",
      "aws:s3/bucket:Bucket",
    ])
      expect(parseKubernetesType(t)).toBeUndefined();
  });
});

describe("renderResources", () => {
  it("renders one manifest per Kubernetes object and nothing for other resources", () => {
    const { manifests } = renderResources([
      deployment,
      { type: "aws:s3/bucket:Bucket", name: "artifacts", inputs: {} },
      { type: "pulumi:providers:kubernetes", name: "k8s", inputs: {} },
      { type: "mlops:model:ModelStack", name: "feed", inputs: {} },
    ]);
    expect(manifests.map((m) => m.file)).toEqual(["manifests/model-feed/Deployment/feed.yaml"]);
    expect(manifests[0].object).toMatchObject({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "feed" },
    });
  });

  it("puts cluster-scoped kinds under _cluster and namespaced ones without namespace under default", () => {
    const { manifests } = renderResources([
      {
        type: "kubernetes:karpenter.sh/v1:NodePool",
        name: "gpu",
        inputs: { metadata: { name: "inference" } },
      },
      { type: "kubernetes:core/v1:ConfigMap", name: "cm", inputs: { metadata: { name: "settings" } } },
    ]);
    expect(manifests.map((m) => m.file)).toEqual([
      `manifests/${CLUSTER_SCOPE_DIR}/NodePool/inference.yaml`,
      "manifests/default/ConfigMap/settings.yaml",
    ]);
  });

  it("derives apiVersion and kind from the type token when inputs lack them", () => {
    const { manifests } = renderResources([
      {
        type: "kubernetes:keda.sh/v1alpha1:ScaledObject",
        name: "s",
        inputs: { metadata: { name: "feed", namespace: "m" } },
      },
    ]);
    expect(manifests[0].object).toMatchObject({ apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject" });
  });

  it("uses the Pulumi name for auto-named objects and warns that a suffix will be added", () => {
    const { manifests, warnings } = renderResources([
      {
        type: "kubernetes:core/v1:ConfigMap",
        name: "feed-settings",
        inputs: { metadata: { namespace: "m" } },
      },
    ]);
    expect(manifests[0]).toMatchObject({ name: "feed-settings", autoNamed: true });
    expect(warnings[0].message).toMatch(/random suffix/);
  });

  it("redacts every Secret data value but keeps the keys, also when the SDK wrapped the map as secret", () => {
    const { manifests } = renderResources([
      {
        type: "kubernetes:core/v1:Secret",
        name: "db",
        inputs: {
          metadata: { name: "db", namespace: "mlflow" },
          stringData: secret({ password: "hunter2" }),
          data: { token: "c2VjcmV0" },
        },
      },
    ]);
    expect(manifests[0].object.stringData).toEqual({ password: REDACTED_MARK });
    expect(manifests[0].object.data).toEqual({ token: REDACTED_MARK });
    expect(JSON.stringify(manifests[0].object)).not.toMatch(/hunter2|c2VjcmV0/);
    expect(manifests[0].plain.stringData).toEqual({ password: "hunter2" });
  });

  it("replaces secret values outside Secrets and warns about them", () => {
    const { manifests, warnings } = renderResources([
      {
        type: "kubernetes:apps/v1:Deployment",
        name: "d",
        inputs: { metadata: { name: "d", namespace: "n" }, spec: { token: secret("abc") } },
      },
    ]);
    expect(manifests[0].object.spec).toEqual({ token: SECRET_MARK });
    expect(warnings.map((w) => w.message)).toEqual([
      "input spec.token holds a secret outside a Secret object; reference a Secret instead",
    ]);
  });

  it("renders a Helm release as chart, repo, version and values", () => {
    const { manifests } = renderResources([
      {
        type: "kubernetes:helm.sh/v3:Release",
        name: "keda",
        inputs: {
          name: "keda",
          namespace: "keda",
          chart: "keda",
          version: "2.20.2",
          repositoryOpts: { repo: "https://kedacore.github.io/charts" },
          values: { resources: { operator: { limits: { cpu: 1 } } } },
          compat: "true",
          atomic: true,
        },
      },
    ]);
    expect(manifests[0].file).toBe("manifests/keda/HelmRelease/keda.yaml");
    expect(manifests[0].object).toEqual({
      apiVersion: "helm.sh/v3",
      kind: "HelmRelease",
      metadata: { name: "keda", namespace: "keda" },
      chart: "keda",
      repo: "https://kedacore.github.io/charts",
      version: "2.20.2",
      values: { resources: { operator: { limits: { cpu: 1 } } } },
      options: { atomic: true },
    });
  });

  it("flags a secret in Helm values, which Helm would store in the release", () => {
    const { manifests, warnings } = renderResources([
      {
        type: "kubernetes:helm.sh/v3:Release",
        name: "grafana",
        inputs: { chart: "grafana", values: { adminPassword: secret("pw") } },
      },
    ]);
    expect(manifests[0].object.values).toEqual({ adminPassword: SECRET_MARK });
    expect(warnings[0].message).toMatch(/Helm input values.adminPassword holds a secret.*existingSecret/);
  });

  it("gives two resources declaring the same object distinct files and a warning", () => {
    const { manifests, warnings } = renderResources([deployment, { ...deployment, name: "copy" }]);
    expect(manifests.map((m) => m.file)).toEqual([
      "manifests/model-feed/Deployment/feed.yaml",
      "manifests/model-feed/Deployment/feed~2.yaml",
    ]);
    expect(warnings[0]).toEqual({
      resource: "kubernetes:apps/v1:Deployment::copy",
      message:
        "declares the same object as kubernetes:apps/v1:Deployment::feed-predictor (manifests/model-feed/Deployment/feed.yaml)",
    });
  });

  it("renders patches under <Kind>Patch with the object's kind", () => {
    const { manifests } = renderResources([
      {
        type: "kubernetes:core/v1:ConfigMapPatch",
        name: "aws-auth",
        inputs: {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "aws-auth", namespace: "kube-system" },
        },
      },
    ]);
    expect(manifests[0]).toMatchObject({
      file: "manifests/kube-system/ConfigMapPatch/aws-auth.yaml",
      kind: "ConfigMap",
      manifestKind: "patch",
    });
  });
});

describe("renderResources: kustomize Directories", () => {
  // DESIGN section 6: manifests/ holds every Kubernetes object the program declares. A kustomize
  // Directory (Kubeflow Pipelines) expands only at deploy; the plan shows its target instead of nothing.
  it("renders a kustomize Directory as its target, namespaced or cluster-scoped", () => {
    const { manifests, warnings } = renderResources([
      {
        type: "kubernetes:kustomize/v2:Directory",
        name: "kfp-cluster-scoped",
        inputs: {
          directory: "github.com/kubeflow/pipelines/manifests/kustomize/cluster-scoped-resources?ref=2.5.0",
        },
      },
      {
        type: "kubernetes:kustomize/v2:Directory",
        name: "kfp-platform",
        inputs: {
          directory: "github.com/kubeflow/pipelines/manifests/kustomize/env/platform-agnostic?ref=2.5.0",
          namespace: "kubeflow",
        },
      },
    ]);
    expect(warnings).toEqual([]);
    expect(manifests.map((m) => m.file)).toEqual([
      `manifests/${CLUSTER_SCOPE_DIR}/KustomizeDirectory/kfp-cluster-scoped.yaml`,
      "manifests/kubeflow/KustomizeDirectory/kfp-platform.yaml",
    ]);
    expect(manifests[1]).toMatchObject({
      manifestKind: "kustomize-directory",
      object: {
        apiVersion: "kustomize/v2",
        kind: "KustomizeDirectory",
        metadata: { name: "kfp-platform", namespace: "kubeflow" },
        directory: "github.com/kubeflow/pipelines/manifests/kustomize/env/platform-agnostic?ref=2.5.0",
      },
    });
  });
});

describe("findSecretLeaks", () => {
  it("lists files that contain the offline secret placeholder", () => {
    const files = new Map([
      ["alertmanager.yaml", `url: ${OFFLINE_SECRET}`],
      ["plan.json", "{}"],
    ]);
    expect(findSecretLeaks(files)).toEqual(["alertmanager.yaml"]);
  });
});
