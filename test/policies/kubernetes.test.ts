import { kubernetesContainerResourcesSet } from "../../policies/kubernetes/kubernetes-container-resources-set";
import { kubernetesContainerSecurityContext } from "../../policies/kubernetes/kubernetes-container-security-context";
import { imagePinProblem, kubernetesImagePinned } from "../../policies/kubernetes/kubernetes-image-pinned";
import { kubernetesModelNamespaceDefaultDeny } from "../../policies/kubernetes/kubernetes-model-namespace-default-deny";
import { kubernetesNoLiteralSecretEnv } from "../../policies/kubernetes/kubernetes-no-literal-secret-env";
import { kubernetesServiceAccountTokenNotAutomounted } from "../../policies/kubernetes/kubernetes-service-account-token-not-automounted";
import { kubernetesServingContainerProbes } from "../../policies/kubernetes/kubernetes-serving-container-probes";
import { kubernetesServingWorkloadHasPdb } from "../../policies/kubernetes/kubernetes-serving-workload-has-pdb";
import * as f from "./fixtures";
import { messages, set } from "./fixtures";

const workloads = () => [f.inferenceService(), f.deployment(), f.trainingJob()];

describe("kubernetes-container-resources-set", () => {
  const p = kubernetesContainerResourcesSet;
  it("passes on workloads with requests and limits", async () => {
    expect(await messages(p, workloads())).toEqual([]);
  });
  it("fails when a Deployment container has no memory limit", async () => {
    const r = set(f.deployment(), "spec.template.spec.containers[0].resources.limits.memory", undefined);
    expect(await messages(p, [r])).toEqual([
      "Deployment pod container cache has no resources.limits.memory; set CPU and memory requests and limits (spec.template.spec.containers[0].resources).",
    ]);
  });
  it("fails when an InferenceService model has no CPU request", async () => {
    const r = set(f.inferenceService(), "spec.predictor.model.resources.requests.cpu", undefined);
    expect(await messages(p, [r])).toEqual([
      "InferenceService predictor container spec.predictor.model has no resources.requests.cpu; set CPU and memory requests and limits (spec.predictor.model.resources).",
    ]);
  });
  it("checks init containers and CronJobs too", async () => {
    const cron = {
      type: "kubernetes:batch/v1:CronJob",
      name: "export",
      props: {
        kind: "CronJob",
        spec: {
          jobTemplate: {
            spec: { template: { spec: { initContainers: [{ name: "wait", image: "busybox:1.36" }] } } },
          },
        },
      },
    };
    expect(await messages(p, [cron])).toEqual([
      "CronJob pod container wait has no resources.requests.cpu, resources.requests.memory, resources.limits.cpu, resources.limits.memory; set CPU and memory requests and limits (spec.jobTemplate.spec.template.spec.initContainers[0].resources).",
    ]);
  });
});

describe("kubernetes-container-security-context", () => {
  const p = kubernetesContainerSecurityContext;
  const msg = (fix: string) =>
    `Deployment pod container cache security context is not restricted; set ${fix} in spec.template.spec.containers[0].securityContext.`;
  it("passes on restricted workloads (pod-level runAsNonRoot counts)", async () => {
    expect(await messages(p, workloads())).toEqual([]);
  });
  it("fails when running as root", async () => {
    const r = set(f.deployment(), "spec.template.spec.securityContext.runAsNonRoot", false);
    expect(await messages(p, [r])).toEqual([msg("runAsNonRoot: true (and a non-zero runAsUser)")]);
  });
  it("fails when privilege escalation is allowed", async () => {
    const r = set(
      f.deployment(),
      "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
      true,
    );
    expect(await messages(p, [r])).toEqual([msg("allowPrivilegeEscalation: false")]);
  });
  it("fails when capabilities are not dropped", async () => {
    const r = set(f.deployment(), "spec.template.spec.containers[0].securityContext.capabilities", {
      drop: ["NET_RAW"],
    });
    expect(await messages(p, [r])).toEqual([msg('capabilities.drop: ["ALL"]')]);
  });
  it("fails with a writable root filesystem", async () => {
    const r = set(
      f.deployment(),
      "spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem",
      false,
    );
    expect(await messages(p, [r])).toEqual([msg("readOnlyRootFilesystem: true")]);
  });
  it("exempts the gpu-operator namespace by default, and by config any other", async () => {
    const r = set(f.deployment(), "spec.template.spec.containers[0].securityContext", { privileged: true });
    expect(await messages(p, [set(f.deployment(), "metadata.namespace", "gpu-operator")])).toEqual([]);
    set(r, "metadata.namespace", "gpu-operator");
    expect(await messages(p, [r])).toEqual([]);
    set(r, "metadata.namespace", "tools");
    expect(await messages(p, [r], { exemptNamespaces: ["tools"] })).toEqual([]);
    expect(await messages(p, [r])).toHaveLength(1);
  });
});

describe("kubernetes-image-pinned", () => {
  const p = kubernetesImagePinned;
  it("passes on tagged images", async () => {
    expect(await messages(p, workloads())).toEqual([]);
  });
  it("fails on latest", async () => {
    const r = set(
      f.deployment(),
      "spec.template.spec.containers[0].image",
      "registry.example.com/recs/feature-cache:latest",
    );
    expect(await messages(p, [r])).toEqual([
      "Deployment pod container cache image registry.example.com/recs/feature-cache:latest uses the mutable tag latest; pin a version tag (repo/image:1.2.3) or a digest (@sha256:...).",
    ]);
  });
  it("fails on an untagged image in an InferenceService canary", async () => {
    const r = f.inferenceService();
    r.props.spec.canary = [
      { trafficPercent: 10, predictor: { name: "v43", model: { image: "registry:5000/recs/triton" } } },
    ];
    expect(await messages(p, [r])).toEqual([
      "InferenceService canary/v43 container spec.canary[0].predictor.model image registry:5000/recs/triton has no tag (defaults to latest); pin a version tag (repo/image:1.2.3) or a digest (@sha256:...).",
    ]);
  });
  it("accepts digests and registry ports", () => {
    expect(imagePinProblem(`repo/img@sha256:${"a".repeat(64)}`)).toBeUndefined();
    expect(imagePinProblem("registry:5000/img:1.0")).toBeUndefined();
    expect(imagePinProblem("registry:5000/img")).toBe("has no tag (defaults to latest)");
  });
});

describe("kubernetes-model-namespace-default-deny", () => {
  const p = kubernetesModelNamespaceDefaultDeny;
  const msg =
    "Model namespace homepage-feed has no default-deny NetworkPolicy; add one in namespace homepage-feed with podSelector: {}, policyTypes: [Ingress] and no ingress rules, then allow the gateway and Prometheus explicitly.";
  it("passes with a default-deny policy in the namespace", async () => {
    expect(await messages(p, [f.modelNamespace(), f.defaultDeny()])).toEqual([]);
  });
  it("fails without a NetworkPolicy", async () => {
    expect(await messages(p, [f.modelNamespace()])).toEqual([msg]);
  });
  it("fails when the policy selects only some pods", async () => {
    expect(
      await messages(p, [
        f.modelNamespace(),
        set(f.defaultDeny(), "spec.podSelector", { matchLabels: { app: "x" } }),
      ]),
    ).toEqual([msg]);
  });
  it("fails when the policy allows ingress", async () => {
    expect(await messages(p, [f.modelNamespace(), set(f.defaultDeny(), "spec.ingress", [{}])])).toEqual([
      msg,
    ]);
  });
  it("fails when the policy is in another namespace", async () => {
    expect(
      await messages(p, [f.modelNamespace(), set(f.defaultDeny(), "metadata.namespace", "other")]),
    ).toEqual([msg]);
  });
  it("ignores namespaces without the model label", async () => {
    expect(await messages(p, [set(f.modelNamespace(), "metadata.labels", {})])).toEqual([]);
  });
});

describe("kubernetes-serving-workload-has-pdb", () => {
  const p = kubernetesServingWorkloadHasPdb;
  it("passes with a maxUnavailable: 1 PDB selecting the InferenceService pods", async () => {
    expect(await messages(p, [f.inferenceService(), f.pdb()])).toEqual([]);
  });
  it("fails without a PDB", async () => {
    expect(await messages(p, [f.inferenceService()])).toEqual([
      "InferenceService homepage-feed has no PodDisruptionBudget; add one in its namespace selecting serving.kserve.io/inferenceservice: homepage-feed with maxUnavailable: 1.",
    ]);
  });
  it("fails when the PDB selects other pods", async () => {
    const r = set(f.pdb(), "spec.selector.matchLabels", { "serving.kserve.io/inferenceservice": "other" });
    expect(await messages(p, [f.inferenceService(), r])).toHaveLength(1);
  });
  it("fails when maxUnavailable is 0", async () => {
    expect(await messages(p, [f.inferenceService(), set(f.pdb(), "spec.maxUnavailable", 0)])).toEqual([
      "PodDisruptionBudget homepage-feed for InferenceService homepage-feed allows no disruption (maxUnavailable is 0); use maxUnavailable: 1 so node drains can proceed.",
    ]);
  });
  it("fails when minAvailable equals the minimum replicas", async () => {
    const r = set(set(f.pdb(), "spec.maxUnavailable", undefined), "spec.minAvailable", 2);
    expect(await messages(p, [f.inferenceService(), r])).toEqual([
      "PodDisruptionBudget homepage-feed for InferenceService homepage-feed allows no disruption (minAvailable 2 >= the 2 minimum replica(s)); use maxUnavailable: 1 so node drains can proceed.",
    ]);
  });
  it("treats model-labelled Deployments as serving workloads", async () => {
    const d = set(f.deployment(), "metadata.labels", { "mlops.io/model": "homepage-feed" });
    expect(await messages(p, [d])).toHaveLength(1);
    const pdb = set(f.pdb(), "spec.selector.matchLabels", { app: "feature-cache" });
    expect(await messages(p, [d, pdb])).toEqual([]);
  });
});

describe("kubernetes-serving-container-probes", () => {
  const p = kubernetesServingContainerProbes;
  it("passes when the serving container has both probes", async () => {
    expect(await messages(p, workloads())).toEqual([]);
  });
  it("fails without a readiness probe", async () => {
    expect(
      await messages(p, [set(f.inferenceService(), "spec.predictor.model.readinessProbe", undefined)]),
    ).toEqual([
      "InferenceService predictor container spec.predictor.model has no readinessProbe; probe the server's ready/live endpoints (e.g. Triton /v2/health/ready and /v2/health/live) and add a startupProbe covering the model load time.",
    ]);
  });
  it("fails without a liveness probe", async () => {
    expect(
      await messages(p, [set(f.inferenceService(), "spec.predictor.model.livenessProbe", undefined)]),
    ).toEqual([expect.stringContaining("has no livenessProbe;")]);
  });
  it("does not require probes on Jobs", async () => {
    expect(await messages(p, [f.trainingJob()])).toEqual([]);
  });
});

describe("kubernetes-no-literal-secret-env", () => {
  const p = kubernetesNoLiteralSecretEnv;
  it("passes with valueFrom and with non-secret literals", async () => {
    expect(await messages(p, workloads())).toEqual([]);
  });
  it.each(["DB_PASSWORD", "HF_TOKEN", "AWS_SECRET_ACCESS_KEY", "api_key"])(
    "fails on a literal %s",
    async (name) => {
      const r = set(f.deployment(), "spec.template.spec.containers[0].env", [{ name, value: "hunter2" }]);
      expect(await messages(p, [r])).toEqual([
        `Deployment pod container cache sets env ${name} as a literal value; store it in a Kubernetes Secret and use valueFrom.secretKeyRef.`,
      ]);
    },
  );
});

describe("kubernetes-service-account-token-not-automounted", () => {
  const p = kubernetesServiceAccountTokenNotAutomounted;
  it("passes when every pod opts out", async () => {
    expect(await messages(p, workloads())).toEqual([]);
  });
  it("fails when the token is mounted (field unset)", async () => {
    const r = set(f.inferenceService(), "spec.predictor.automountServiceAccountToken", undefined);
    expect(await messages(p, [r])).toEqual([
      'InferenceService predictor mounts a service-account token; set automountServiceAccountToken: false at spec.predictor, or annotate the object mlops.io/needs-kube-api: "true" if it calls the Kubernetes API.',
    ]);
  });
  it("allows annotated workloads and add-on namespaces", async () => {
    const r = set(f.deployment(), "spec.template.spec.automountServiceAccountToken", true);
    expect(
      await messages(p, [
        set(structuredClone(r), "metadata.annotations", { "mlops.io/needs-kube-api": "true" }),
      ]),
    ).toEqual([]);
    expect(await messages(p, [set(r, "metadata.namespace", "keda")])).toEqual([]);
  });
});

describe("Kubeflow Pipelines' upstream manifests (namespace kubeflow)", () => {
  // The upstream mysql Deployment as KFP's platform-agnostic kustomize target writes it: no limits,
  // no restricted security context, MYSQL_ALLOW_EMPTY_PASSWORD as a literal. A real preview sees it
  // (the kustomize Directory's children), the offline plan does not.
  const mysql = (namespace: string) => ({
    type: "kubernetes:apps/v1:Deployment",
    name: `${namespace}/mysql`,
    props: {
      kind: "Deployment",
      metadata: { name: "mysql", namespace },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "mysql",
                image: "gcr.io/ml-pipeline/mysql:8.0.26",
                env: [{ name: "MYSQL_ALLOW_EMPTY_PASSWORD", value: "true" }],
                resources: { requests: { cpu: "100m", memory: "800Mi" } },
              },
            ],
          },
        },
      },
    },
  });

  it("pass the pod-hardening policies, which the platform's own workloads must meet", async () => {
    for (const p of [
      kubernetesContainerResourcesSet,
      kubernetesContainerSecurityContext,
      kubernetesNoLiteralSecretEnv,
    ]) {
      expect(await messages(p, [mysql("kubeflow")])).toEqual([]);
      // The same Deployment anywhere else is refused.
      expect(await messages(p, [mysql("mlflow")])).not.toEqual([]);
    }
  });

  it("still have their images checked: a platform-wide rule upstream meets", async () => {
    const latest = set(mysql("kubeflow"), "spec.template.spec.containers[0].image", "mysql:latest");
    expect(await messages(kubernetesImagePinned, [latest])).toHaveLength(1);
  });
});
