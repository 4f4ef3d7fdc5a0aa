/**
 * Every Helm chart the add-on layer installs, pinned in one place so an upgrade is one reviewed diff.
 * Each pin names where it was checked (November 2026); re-check the source before bumping, and read the
 * chart's upgrade notes (KServe 0.17 restructured its charts, kube-prometheus-stack majors change CRDs).
 */

/** Where a chart comes from and which version is installed. */
export interface ChartPin {
  /** Chart name, or the full `oci://` reference for charts published to an OCI registry. */
  readonly chart: string;
  /** Classic Helm repository URL; absent for OCI charts (the registry is in `chart`). */
  readonly repo?: string;
  readonly version: string;
}

/** The pinned charts. */
export const CHARTS = {
  /**
   * NVIDIA GPU Operator. v26.7.0 is the version NVIDIA's Helm values reference quotes
   * (`helm show values nvidia/gpu-operator --version=v26.7.0`,
   * nvidia.github.io/cloud-native-docs .../gpu-operator/latest/helm-values-reference.html).
   */
  gpuOperator: { chart: "gpu-operator", repo: "https://helm.ngc.nvidia.com/nvidia", version: "v26.7.0" },
  /** KEDA; 2.20.2 per DESIGN.md section 7 (latest chart seen November 2026, kedacore/charts). */
  keda: { chart: "keda", repo: "https://kedacore.github.io/charts", version: "2.20.2" },
  /** kube-prometheus-stack; 88.5.3 per DESIGN.md section 7 (prometheus-community/helm-charts). */
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    repo: "https://prometheus-community.github.io/helm-charts",
    version: "88.5.3",
  },
  /**
   * cert-manager (KServe's webhook certificates; KServe docs require >= 1.15 for Standard mode).
   * v1.20.3 is the newest release seen installed from Jetstack in November 2026; `crds.enabled`
   * exists since v1.15.
   */
  certManager: { chart: "cert-manager", repo: "https://charts.jetstack.io", version: "v1.20.3" },
  /**
   * Envoy Gateway, the Gateway API implementation KServe routes through. v1.8.2 is the version the
   * current "Install with Helm" page installs (gateway.envoyproxy.io/docs/install/install-helm); that
   * page states the default install applies the Gateway API CRDs together with Envoy Gateway's own.
   */
  envoyGateway: { chart: "oci://docker.io/envoyproxy/gateway-helm", version: "v1.8.2" },
  /**
   * KServe CRDs. v0.20.0 adds `InferenceService.spec.canary` for Standard mode (kserve/kserve PRs
   * 5672 and 5912, "Since KServe v0.20" in kserve/website issue 734). Since v0.17 the charts are
   * `kserve-crd` + `kserve-resources` (+ `kserve-runtime-configs`) under oci://ghcr.io/kserve/charts.
   */
  kserveCrd: { chart: "oci://ghcr.io/kserve/charts/kserve-crd", version: "v0.20.0" },
  /** KServe controller (chart `kserve-resources`, same version as the CRDs). */
  kserve: { chart: "oci://ghcr.io/kserve/charts/kserve-resources", version: "v0.20.0" },
  /**
   * KServe ClusterServingRuntimes (Triton, MLServer, TorchServe, ...). Since v0.19 the controller
   * chart no longer ships them; they are opt-in here with `kserve.servingruntime.enabled`.
   */
  kserveRuntimes: { chart: "oci://ghcr.io/kserve/charts/kserve-runtime-configs", version: "v0.20.0" },
} as const satisfies Record<string, ChartPin>;
