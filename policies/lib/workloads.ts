/**
 * Pure extraction of pod specs and containers from any workload kind the platform declares: core
 * Pods, apps/v1 controllers, batch Jobs and CronJobs, Kubeflow training jobs, KServe ServingRuntimes
 * and InferenceServices (predictor, transformer, explainer and the v0.20 `spec.canary[]` predictors).
 * Policies check containers through this so a new workload kind is taught here once.
 */
import { GPU_POOL_LABELS, GPU_TAINT, NAMESPACES } from "../../components/addons/addons-context";
import { Obj, arr, at, isObj, labelsOf, obj, str } from "./values";

/** Label that ties platform objects (namespaces, workloads, rules, monitors) to one model. */
export const MODEL_LABEL = "mlops.io/model";
/** Label naming the team that owns a model. */
export const TEAM_LABEL = "mlops.io/team";

/** One container of a workload, with the property path it was read from. */
export interface ContainerRef {
  readonly path: string;
  readonly container: Obj;
  /** Init containers run to completion and are never probed. */
  readonly init: boolean;
}

/** One pod template of a workload (an InferenceService has several: predictor, transformer, canaries). */
export interface PodTemplate {
  /** Kubernetes kind of the owning object. */
  readonly kind: string;
  /** `pod`, `predictor`, `transformer`, `explainer`, `canary/<name>`, `Worker`... */
  readonly component: string;
  /** Property path of the pod spec, e.g. `spec.template.spec` or `spec.predictor`. */
  readonly path: string;
  readonly podSpec: Obj;
  /** Pod labels merged over the owning object's labels. */
  readonly labels: Record<string, string>;
  readonly namespace: string | undefined;
  readonly containers: readonly ContainerRef[];
  /** Online serving (InferenceService components and model-labelled long-running controllers). */
  readonly serving: boolean;
  /** Runs to completion (Jobs, CronJobs, Kubeflow training jobs). */
  readonly batch: boolean;
}

const CONTROLLERS = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
]);
const BATCH = new Set(["Job"]);
const KSERVE_COMPONENTS = ["predictor", "transformer", "explainer"] as const;
/** Pre-`model` KServe predictor framework keys; each holds a container spec (KServe v1beta1 API). */
const KSERVE_FRAMEWORKS = [
  "model",
  "sklearn",
  "xgboost",
  "tensorflow",
  "pytorch",
  "triton",
  "onnx",
  "pmml",
  "lightgbm",
  "paddle",
  "huggingface",
];

/** Kind of a Kubernetes object from its props, falling back to the Pulumi type token's last segment. */
export function kindOf(type: string, props: Obj): string {
  return str(props.kind) ?? type.split(":").pop() ?? type;
}

/** True for Pulumi Kubernetes resource types (`kubernetes:<group>/<version>:<Kind>`), Helm excluded. */
export function isKubernetesObject(type: string): boolean {
  return type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm.sh/");
}

function containersOf(podSpec: Obj, path: string, extraKeys: readonly string[] = []): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const key of extraKeys) {
    const c = podSpec[key];
    if (isObj(c)) out.push({ path: `${path}.${key}`, container: c, init: false });
  }
  arr(podSpec.containers).forEach((c, i) => {
    if (isObj(c)) out.push({ path: `${path}.containers[${i}]`, container: c, init: false });
  });
  arr(podSpec.initContainers).forEach((c, i) => {
    if (isObj(c)) out.push({ path: `${path}.initContainers[${i}]`, container: c, init: true });
  });
  return out;
}

/** Every pod template of a Kubernetes object; empty for kinds that run no pods. */
export function podTemplates(type: string, props: Obj): PodTemplate[] {
  if (!isKubernetesObject(type)) return [];
  const kind = kindOf(type, props);
  const ownLabels = labelsOf(props);
  const namespace = str(at(props, "metadata.namespace"));
  const template = (
    component: string,
    path: string,
    podSpec: Obj,
    podLabels: Obj,
    flags: { serving: boolean; batch: boolean },
    extraKeys: readonly string[] = [],
  ): PodTemplate => ({
    kind,
    component,
    path,
    podSpec,
    labels: { ...ownLabels, ...(stringMap(podLabels) as Record<string, string>) },
    namespace,
    containers: containersOf(podSpec, path, extraKeys),
    ...flags,
  });
  const modelLabelled = ownLabels[MODEL_LABEL] !== undefined;

  if (kind === "Pod") return [template("pod", "spec", obj(props.spec), {}, { serving: false, batch: false })];
  if (CONTROLLERS.has(kind) || BATCH.has(kind)) {
    const batch = BATCH.has(kind);
    return [
      template(
        "pod",
        "spec.template.spec",
        obj(at(props, "spec.template.spec")),
        obj(at(props, "spec.template.metadata.labels")),
        { serving: !batch && modelLabelled && kind !== "DaemonSet", batch },
      ),
    ];
  }
  if (kind === "CronJob") {
    return [
      template(
        "pod",
        "spec.jobTemplate.spec.template.spec",
        obj(at(props, "spec.jobTemplate.spec.template.spec")),
        obj(at(props, "spec.jobTemplate.spec.template.metadata.labels")),
        { serving: false, batch: true },
      ),
    ];
  }
  if (kind === "InferenceService") return inferenceServiceTemplates(props, template);
  if (kind === "ServingRuntime" || kind === "ClusterServingRuntime") {
    return [template("runtime", "spec", obj(props.spec), {}, { serving: false, batch: false })];
  }
  // Kubeflow training operators: spec.<x>ReplicaSpecs.<Role>.template (PyTorchJob, TFJob, MPIJob...).
  const spec = obj(props.spec);
  const out: PodTemplate[] = [];
  for (const [key, replicaSpecs] of Object.entries(spec)) {
    if (!key.endsWith("ReplicaSpecs") || !isObj(replicaSpecs)) continue;
    for (const [role, rs] of Object.entries(replicaSpecs)) {
      const path = `spec.${key}.${role}.template.spec`;
      out.push(
        template(role, path, obj(at(rs, "template.spec")), obj(at(rs, "template.metadata.labels")), {
          serving: false,
          batch: true,
        }),
      );
    }
  }
  return out;
}

type TemplateFn = (
  component: string,
  path: string,
  podSpec: Obj,
  podLabels: Obj,
  flags: { serving: boolean; batch: boolean },
  extraKeys?: readonly string[],
) => PodTemplate;

function inferenceServiceTemplates(props: Obj, template: TemplateFn): PodTemplate[] {
  const out: PodTemplate[] = [];
  const flags = { serving: true, batch: false };
  for (const component of KSERVE_COMPONENTS) {
    const c = at(props, `spec.${component}`);
    if (isObj(c))
      out.push(template(component, `spec.${component}`, c, obj(at(c, "labels")), flags, KSERVE_FRAMEWORKS));
  }
  // KServe v0.20 named canaries (kserve/kserve PR 5672): spec.canary[].predictor overlays the stable predictor.
  arr(at(props, "spec.canary")).forEach((canary, i) => {
    const predictor = at(canary, "predictor");
    if (!isObj(predictor)) return;
    const name = str(predictor.name) ?? String(i);
    out.push(
      template(
        `canary/${name}`,
        `spec.canary[${i}].predictor`,
        predictor,
        obj(predictor.labels),
        flags,
        KSERVE_FRAMEWORKS,
      ),
    );
  });
  return out;
}

function stringMap(value: Obj): Obj {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === "string"));
}

/** Extended resources a container asks for (requests and limits merged). */
export function resourceNames(container: Obj): string[] {
  const requests = obj(at(container, "resources.requests"));
  const limits = obj(at(container, "resources.limits"));
  return [...new Set([...Object.keys(requests), ...Object.keys(limits)])];
}

/** True when the resource name is a GPU: a whole/time-sliced `nvidia.com/gpu` or a MIG device. */
export function isGpuResource(name: string): boolean {
  return name === "nvidia.com/gpu" || name.startsWith("nvidia.com/mig-");
}

/** True when any container of the template requests a GPU. */
export function requestsGpu(t: PodTemplate): boolean {
  return t.containers.some((c) => resourceNames(c.container).some(isGpuResource));
}

/** True when the template tolerates the GPU node taint (an `Exists` toleration on the key counts). */
export function toleratesGpuTaint(t: PodTemplate): boolean {
  return arr(t.podSpec.tolerations).some((tol) => {
    const o = obj(tol);
    const effectOk = o.effect === undefined || o.effect === GPU_TAINT.effect;
    if (o.operator === "Exists") return (o.key === undefined || o.key === GPU_TAINT.key) && effectOk;
    return o.key === GPU_TAINT.key && (o.value ?? "") === GPU_TAINT.value && effectOk;
  });
}

/**
 * The GPU pool the template is steered to through `nodeSelector` or required node affinity on the
 * pool label, or `undefined`. An affinity `Exists` on the label yields `*`.
 */
export function targetGpuPool(t: PodTemplate): string | undefined {
  const selected = str(obj(t.podSpec.nodeSelector)[GPU_POOL_LABELS.pool]);
  if (selected) return selected;
  const terms = arr(
    at(t.podSpec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"),
  );
  for (const term of terms) {
    for (const expr of arr(obj(term).matchExpressions)) {
      const e = obj(expr);
      if (e.key !== GPU_POOL_LABELS.pool) continue;
      if (e.operator === "In") return str(arr(e.values)[0]) ?? "*";
      if (e.operator === "Exists") return "*";
    }
  }
  return undefined;
}

/**
 * Namespaces of workloads applied from upstream manifests as they are: Kubeflow Pipelines' kustomize
 * targets (`components/addons/kubeflow-pipelines.ts`). Unlike the Helm releases, whose rendered
 * objects a real preview sees as one Release, their Deployments reach the resource policies one by
 * one - MySQL, MinIO/SeaweedFS, Argo and the KFP servers as upstream writes them, without limits or a
 * read-only root, and with `MYSQL_ALLOW_EMPTY_PASSWORD` as a literal - and the platform does not
 * author their pod specs. The pod-hardening policies exempt them by default; what the platform
 * configures in them (images pinned, no GPU pool) is still checked.
 */
export const UPSTREAM_MANIFEST_NAMESPACES: readonly string[] = [NAMESPACES.kubeflow];
