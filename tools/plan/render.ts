/**
 * Turns the resources one offline run recorded into reviewable files: one YAML manifest per
 * Kubernetes object (custom resources included), Helm releases as chart + repo + version + values,
 * kustomize Directories as their target (the objects they expand to are fetched at deploy), Secrets
 * with their data redacted. Pure: no file access, so it is tested on synthetic resources.
 */
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { GRAFANA_DASHBOARD_LABEL } from "../../components/addons/addons-context";
import { OFFLINE_SECRET } from "../offline/stack-file";

/** The part of a recorded resource rendering needs (`RecordedResource` satisfies it). */
export interface ResourceLike {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

/** What a rendered file stands for. */
export type ManifestKind = "object" | "patch" | "helm-release" | "helm-chart" | "kustomize-directory";

/** One rendered manifest. */
export interface RenderedManifest {
  /** Path under the output folder, e.g. `manifests/monitoring/PrometheusRule/model-rules.yaml`. */
  readonly file: string;
  readonly manifestKind: ManifestKind;
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | undefined;
  readonly name: string;
  /** The object as written: secret values replaced by `[secret]`, Secret data by `[redacted]`. */
  readonly object: Record<string, unknown>;
  /** The object with secret values in place, for schema validation and config extraction; never written. */
  readonly plain: Record<string, unknown>;
  /** The Pulumi resource this came from. */
  readonly resource: { readonly type: string; readonly name: string };
  /** True when the program left `metadata.name` to Pulumi's auto-naming (a random suffix is added at deploy). */
  readonly autoNamed: boolean;
}

/** Something a reviewer should look at; not an error. */
export interface RenderWarning {
  readonly resource: string;
  readonly message: string;
}

/** Everything `renderResources` produced. */
export interface RenderResult {
  readonly manifests: RenderedManifest[];
  readonly warnings: RenderWarning[];
}

/** Folder name for cluster-scoped objects (namespaces cannot contain `_`, so it never collides). */
export const CLUSTER_SCOPE_DIR = "_cluster";
/** Written in place of a value the program marked secret. */
export const SECRET_MARK = "[secret]";
/** Written in place of each Secret data value. */
export const REDACTED_MARK = "[redacted]";

/**
 * Kinds that live outside namespaces. Kubernetes only knows scope from the API server's discovery,
 * which offline rendering does not have, so the common cluster-scoped kinds of this platform's
 * stack are listed; every kind whose name starts with `Cluster` counts as cluster-scoped too.
 */
const CLUSTER_SCOPED_KINDS = new Set([
  "Namespace",
  "Node",
  "PersistentVolume",
  "StorageClass",
  "PriorityClass",
  "RuntimeClass",
  "IngressClass",
  "CSIDriver",
  "CSINode",
  "VolumeAttachment",
  "CustomResourceDefinition",
  "APIService",
  "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
  "ValidatingAdmissionPolicy",
  "ValidatingAdmissionPolicyBinding",
  "ClusterRole",
  "ClusterRoleBinding",
  "NodePool",
  "EC2NodeClass",
  "NodeClaim",
  "NodeOverlay",
  "GatewayClass",
  "ClusterIssuer",
  "ClusterPolicy",
  "NVIDIADriver",
  "VolumeSnapshotClass",
]);

/** Type-token groups that are Pulumi components or Helm wrappers, not Kubernetes objects. */
const NON_OBJECT_GROUPS = /^(yaml|kustomize|helm\.sh)(\/|$)/;

/** Splits `kubernetes:<group>/<version>:<Kind>` into apiVersion and kind (`core/v1` → `v1`). */
export function parseKubernetesType(type: string): { apiVersion: string; kind: string } | undefined {
  const m = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(type);
  if (!m || !m[1].includes("/") || NON_OBJECT_GROUPS.test(m[1])) return undefined;
  const apiVersion = m[1].startsWith("core/") ? m[1].slice("core/".length) : m[1];
  return { apiVersion, kind: m[2] };
}

/** True for `{...}` records. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isRpcSecret(value: unknown): value is { value: unknown } {
  return isRecord(value) && value[specialSigKey] === specialSecretSig;
}

/**
 * Copies a recorded input value into plain JSON. The mock runtime hands secret inputs over wrapped
 * in the SDK's secret envelope; `mode` decides whether they are unwrapped (`plain`) or replaced by
 * `[secret]` (`redacted`). `onSecret` hears the path of every secret found.
 */
export function toJson(
  value: unknown,
  mode: "plain" | "redacted",
  onSecret: (path: string) => void = () => undefined,
  path = "",
): unknown {
  if (isRpcSecret(value)) {
    onSecret(path);
    return mode === "plain" ? toJson(value.value, mode, () => undefined, path) : SECRET_MARK;
  }
  if (Array.isArray(value)) return value.map((v, i) => toJson(v, mode, onSecret, `${path}[${i}]`));
  if (value === null || typeof value !== "object") return value;
  if (Object.getPrototypeOf(value) !== Object.prototype) return `[${value.constructor?.name ?? "object"}]`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) out[k] = toJson(v, mode, onSecret, path === "" ? k : `${path}.${k}`);
  }
  return out;
}

function safeSegment(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9._-]/g, "_");
  return cleaned === "" || /^\.+$/.test(cleaned) ? "_" : cleaned;
}

/** Namespace folder of an object: its namespace, `_cluster` for cluster-scoped kinds, else `default`. */
export function namespaceOf(kind: string, namespace: unknown): string | undefined {
  if (typeof namespace === "string" && namespace !== "") return namespace;
  if (CLUSTER_SCOPED_KINDS.has(kind) || kind.startsWith("Cluster")) return undefined;
  // The Kubernetes provider puts namespaced objects without a namespace into `default`.
  return "default";
}

/**
 * Replaces each Secret data value by `[redacted]`, keeping the keys (taken from the plain object, as
 * the SDK may have marked the whole `stringData` map secret) so reviewers see what the Secret holds.
 */
function redactSecretData(object: Record<string, unknown>, plain: Record<string, unknown>): void {
  for (const field of ["data", "stringData"]) {
    const data = plain[field];
    if (isRecord(data)) object[field] = Object.fromEntries(Object.keys(data).map((k) => [k, REDACTED_MARK]));
    else if (data !== undefined) object[field] = REDACTED_MARK;
  }
}

/** Renders one Kubernetes object resource, or `undefined` when the type is not one. */
function renderObject(
  r: ResourceLike,
  onSecret: (path: string) => void,
): Omit<RenderedManifest, "file"> | undefined {
  const parsed = parseKubernetesType(r.type);
  if (!parsed) return undefined;
  const isPatch = parsed.kind.endsWith("Patch") && r.type !== "kubernetes:core/v1:Patch";
  const plain = toJson(r.inputs, "plain") as Record<string, unknown>;
  const object = toJson(r.inputs, "redacted", onSecret) as Record<string, unknown>;
  const kind = typeof plain.kind === "string" ? plain.kind : isPatch ? parsed.kind.slice(0, -5) : parsed.kind;
  const apiVersion = typeof plain.apiVersion === "string" ? plain.apiVersion : parsed.apiVersion;
  const meta = isRecord(plain.metadata) ? plain.metadata : {};
  const autoNamed = typeof meta.name !== "string" || meta.name === "";
  const name = autoNamed ? r.name : String(meta.name);
  for (const o of [plain, object]) {
    // Key order apiVersion, kind, metadata first, as kubectl prints objects.
    const rest = { ...o };
    delete rest.apiVersion;
    delete rest.kind;
    delete rest.metadata;
    const metadata: Record<string, unknown> = { name, ...(isRecord(o.metadata) ? o.metadata : {}) };
    metadata.name = name;
    Object.keys(o).forEach((k) => delete o[k]);
    Object.assign(o, { apiVersion, kind, metadata, ...rest });
  }
  if (kind === "Secret") redactSecretData(object, plain);
  return {
    manifestKind: isPatch ? "patch" : "object",
    apiVersion,
    kind,
    namespace: namespaceOf(kind, meta.namespace),
    name,
    object,
    plain,
    resource: { type: r.type, name: r.name },
    autoNamed,
  };
}

/**
 * Helm inputs shown on their own; the rest (timeouts, atomic, ...) go under `options`. `compat` is
 * set by the SDK itself, not by the program, so it is dropped.
 */
const HELM_MAIN_KEYS = new Set([
  "chart",
  "version",
  "values",
  "repositoryOpts",
  "name",
  "namespace",
  "compat",
]);

/**
 * A component (Helm release or chart, kustomize Directory) rendered as one object built from its
 * inputs twice: with secret values in place (`plain`, never written) and redacted (the file).
 */
function componentManifest(
  r: ResourceLike,
  onSecret: (path: string) => void,
  manifestKind: ManifestKind,
  build: (inputs: Record<string, unknown>) => {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
  },
  autoNamed: boolean,
): Omit<RenderedManifest, "file"> {
  const plain = build(toJson(r.inputs, "plain") as Record<string, unknown>);
  const object = build(toJson(r.inputs, "redacted", onSecret) as Record<string, unknown>);
  return {
    manifestKind,
    apiVersion: plain.apiVersion,
    kind: plain.kind,
    namespace: plain.metadata.namespace,
    name: plain.metadata.name,
    object,
    plain,
    resource: { type: r.type, name: r.name },
    autoNamed,
  };
}

/** Renders a Helm release (`helm.sh/v3` Release, or a `helm.sh/v4` Chart component) as a reviewable object. */
function renderHelm(
  r: ResourceLike,
  onSecret: (path: string) => void,
): Omit<RenderedManifest, "file"> | undefined {
  const isRelease = r.type === "kubernetes:helm.sh/v3:Release";
  if (!isRelease && r.type !== "kubernetes:helm.sh/v4:Chart") return undefined;
  const build = (i: Record<string, unknown>) => {
    const repoOpts = isRecord(i.repositoryOpts) ? i.repositoryOpts : {};
    const name = typeof i.name === "string" && i.name !== "" ? i.name : r.name;
    const namespace = typeof i.namespace === "string" && i.namespace !== "" ? i.namespace : "default";
    const options = Object.fromEntries(Object.entries(i).filter(([k]) => !HELM_MAIN_KEYS.has(k)));
    return {
      apiVersion: "helm.sh/v3",
      kind: isRelease ? "HelmRelease" : "HelmChart",
      metadata: { name, namespace },
      chart: i.chart,
      repo: repoOpts.repo ?? null,
      version: i.version ?? null,
      values: i.values ?? {},
      options,
    };
  };
  return componentManifest(
    r,
    onSecret,
    isRelease ? "helm-release" : "helm-chart",
    build,
    typeof r.inputs.name !== "string",
  );
}

/**
 * Renders a `kustomize/v2` Directory (a multi-language component: its objects are expanded from the
 * target only by the provider at deploy, so the offline run never sees them) as its target, so that
 * the plan shows what it installs and a change of its ref shows up in the diff.
 */
function renderKustomize(
  r: ResourceLike,
  onSecret: (path: string) => void,
): Omit<RenderedManifest, "file"> | undefined {
  if (r.type !== "kubernetes:kustomize/v2:Directory") return undefined;
  const build = (i: Record<string, unknown>) => {
    const namespace = typeof i.namespace === "string" && i.namespace !== "" ? i.namespace : undefined;
    const options = Object.fromEntries(
      Object.entries(i).filter(([k]) => k !== "directory" && k !== "namespace"),
    );
    return {
      apiVersion: "kustomize/v2",
      kind: "KustomizeDirectory",
      metadata: namespace === undefined ? { name: r.name } : { name: r.name, namespace },
      directory: i.directory ?? null,
      options,
    };
  };
  return componentManifest(r, onSecret, "kustomize-directory", build, false);
}

/**
 * Renders every Kubernetes object, Helm release and kustomize Directory among `resources`, one file each at
 * `manifests/<namespace or _cluster>/<Kind>/<name>.yaml`. Two resources declaring the same object get
 * distinct files and a warning (the second would fail at deploy with "already exists").
 */
export function renderResources(resources: readonly ResourceLike[]): RenderResult {
  const manifests: RenderedManifest[] = [];
  const warnings: RenderWarning[] = [];
  const used = new Map<string, string>();
  for (const r of resources) {
    const where = `${r.type}::${r.name}`;
    const secretPaths: string[] = [];
    const onSecret = (p: string) => secretPaths.push(p);
    const rendered = renderObject(r, onSecret) ?? renderHelm(r, onSecret) ?? renderKustomize(r, onSecret);
    if (!rendered) continue;
    const folder = rendered.manifestKind === "patch" ? `${rendered.kind}Patch` : rendered.kind;
    const base = `manifests/${safeSegment(rendered.namespace ?? CLUSTER_SCOPE_DIR)}/${safeSegment(folder)}/${safeSegment(rendered.name)}`;
    let file = `${base}.yaml`;
    for (let n = 2; used.has(file); n++) file = `${base}~${n}.yaml`;
    const first = used.get(`${base}.yaml`);
    if (first !== undefined)
      warnings.push({ resource: where, message: `declares the same object as ${first} (${base}.yaml)` });
    used.set(file, where);
    if (rendered.kind !== "Secret" || rendered.manifestKind !== "object") {
      for (const p of secretPaths)
        warnings.push({
          resource: where,
          message: rendered.manifestKind.startsWith("helm")
            ? `Helm input ${p} holds a secret, which Helm stores in the release; use the chart's existingSecret setting`
            : `input ${p} holds a secret outside a Secret object; reference a Secret instead`,
        });
    }
    if (rendered.autoNamed && rendered.manifestKind === "object")
      warnings.push({
        resource: where,
        message: `metadata.name not set: Pulumi will add a random suffix to "${rendered.name}" at deploy`,
      });
    manifests.push({ ...rendered, file });
  }
  return { manifests, warnings };
}

/** Files (besides Secret data) whose text contains the offline secret placeholder: a secret leaked into plain config. */
export function findSecretLeaks(files: ReadonlyMap<string, string>): string[] {
  const leaks: string[] = [];
  for (const [file, text] of files) if (text.includes(OFFLINE_SECRET)) leaks.push(file);
  return leaks.sort();
}

/** True for ConfigMaps the Grafana sidecar loads as dashboards. */
export function isDashboardConfigMap(m: RenderedManifest): boolean {
  const meta = m.plain.metadata as Record<string, unknown>;
  const labels = isRecord(meta.labels) ? meta.labels : {};
  return (
    m.kind === "ConfigMap" &&
    m.manifestKind === "object" &&
    labels[GRAFANA_DASHBOARD_LABEL.key] === GRAFANA_DASHBOARD_LABEL.value
  );
}
