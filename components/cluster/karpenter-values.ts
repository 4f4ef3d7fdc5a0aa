/**
 * Helm values of the Karpenter chart (oci://public.ecr.aws/karpenter/karpenter), pure so the plan and
 * tests read them. Keys verified against the chart's values.yaml / README (aws/karpenter-provider-aws
 * charts/karpenter): `settings.clusterName`, `settings.interruptionQueue`, `settings.featureGates.nodeOverlay`,
 * `serviceAccount.{create,name}`,
 * `controller.resources`, `replicas`, `nodeSelector`, `tolerations`, `logLevel`.
 */

/** Chart location and the version this platform pins (latest seen, Nov 2026). */
export const KARPENTER_CHART = {
  chart: "oci://public.ecr.aws/karpenter/karpenter",
  crdChart: "oci://public.ecr.aws/karpenter/karpenter-crd",
  version: "1.14.1",
} as const;

/** Service account the controller runs as; the Pod Identity association is bound to it. */
export const KARPENTER_SERVICE_ACCOUNT = "karpenter";

/** Inputs of `karpenterValues`. */
export interface KarpenterValuesInputs {
  readonly clusterName: string;
  /** Name of the SQS interruption queue. */
  readonly interruptionQueue: string;
  /** Labels of the nodes the controller must run on (the system node group, never its own nodes). */
  readonly nodeSelector: Record<string, string>;
  /** Controller replicas (leader election; two survive one node loss). @default 2 */
  readonly replicas?: number;
}

/** Values of the Karpenter release. No secrets: AWS credentials come from EKS Pod Identity. */
export function karpenterValues(inputs: KarpenterValuesInputs): Record<string, unknown> {
  return {
    settings: {
      clusterName: inputs.clusterName,
      interruptionQueue: inputs.interruptionQueue,
      // The GPU pools' NodeOverlays (gpu-node-pool-specs.ts `nodeOverlaySpecs`) tell Karpenter how many
      // time-sliced or MIG units a node holds; without the gate it ignores them and launches one GPU
      // per pending slice. Alpha since 1.7 (chart key `settings.featureGates.nodeOverlay`).
      featureGates: { nodeOverlay: true },
    },
    serviceAccount: { create: true, name: KARPENTER_SERVICE_ACCOUNT },
    replicas: inputs.replicas ?? 2,
    nodeSelector: { "kubernetes.io/os": "linux", ...inputs.nodeSelector },
    // Requests = limits (Guaranteed QoS) as in Karpenter's getting-started guide: the controller must
    // not be the pod evicted when a system node runs short of memory.
    controller: {
      resources: {
        requests: { cpu: "1", memory: "1Gi" },
        limits: { cpu: "1", memory: "1Gi" },
      },
    },
    logLevel: "info",
  };
}
