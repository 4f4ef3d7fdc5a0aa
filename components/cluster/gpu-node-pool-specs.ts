/**
 * Pure builders of the Karpenter objects for the GPU pools (EC2NodeClass, NodePool) and of the
 * warm-capacity Deployment, tested directly and shared with the GPU Operator values (device-plugin
 * config names) so node labels and the device-plugin ConfigMap keys always agree.
 */
import type * as k8s from "@pulumi/kubernetes";
import { gpuInstanceType } from "../capacity/instance-catalog";
import { fewestSlotsPerGpu, slotsPerGpu, warmSlots } from "../capacity/gpu-slots";
import { GPU_POOL_LABELS, GPU_TAINT } from "../addons/addons-context";
import { gpuSharingNodeLabels } from "../addons/gpu-operator-values";
import { GpuPool } from "../config/stack-schema";

/**
 * EKS-optimized Amazon Linux 2023 AMI release the GPU nodes run, as a Karpenter alias. With the
 * `al2023` family Karpenter resolves the NVIDIA variant (driver + container toolkit preinstalled) for
 * GPU instance types itself. Pinned, never `@latest`: a new AMI would otherwise drift (replace) every
 * GPU node the day AWS publishes it. Syntax `<family>@<version>` per karpenter.sh "NodeClasses"
 * (amiSelectorTerms.alias); release v20260818 (August 2026, after EKS 1.35 shipped in January) is named
 * as an upstream tag in awslabs/amazon-eks-ami PRs 2807 and 2815. Bump deliberately.
 */
export const DEFAULT_GPU_AMI_ALIAS = "al2023@v20260818";

/** Container image of the warm-capacity pods: the Kubernetes pause image, pinned. */
export const PAUSE_IMAGE = "registry.k8s.io/pause:3.10";

/** PriorityClass of the warm-capacity pods: below every real pod, so any GPU pod preempts them. */
export const WARM_CAPACITY_PRIORITY_CLASS = { name: "mlops-gpu-warm-capacity", value: -10 } as const;

/** Kubernetes name of a pool's EC2NodeClass and NodePool. */
export function gpuPoolObjectName(pool: Pick<GpuPool, "name">): string {
  return `gpu-${pool.name}`;
}

/** Labels every node of the pool carries (selected by model pods, the GPU Operator and policies). */
export function gpuPoolNodeLabels(pool: GpuPool): Record<string, string> {
  return {
    [GPU_POOL_LABELS.pool]: pool.name,
    [GPU_POOL_LABELS.purpose]: pool.purpose,
    // The device-plugin config and MIG layout names come from the GPU Operator values builder, so
    // the node labels and the ConfigMap entries they select cannot drift apart.
    ...gpuSharingNodeLabels(pool),
  };
}

/** Inputs of `ec2NodeClassSpec`. */
export interface Ec2NodeClassInputs {
  readonly clusterName: string;
  /** IAM role of the nodes; Karpenter creates and manages the instance profile for it. */
  readonly nodeRoleName: string;
  /** @default DEFAULT_GPU_AMI_ALIAS */
  readonly amiAlias?: string;
}

/** `spec` of the pool's `karpenter.k8s.aws/v1` EC2NodeClass. */
export function ec2NodeClassSpec(pool: GpuPool, inputs: Ec2NodeClassInputs): Record<string, unknown> {
  const discovery = [{ tags: { "karpenter.sh/discovery": inputs.clusterName } }];
  return {
    role: inputs.nodeRoleName,
    amiSelectorTerms: [{ alias: inputs.amiAlias ?? DEFAULT_GPU_AMI_ALIAS }],
    subnetSelectorTerms: discovery,
    securityGroupSelectorTerms: discovery,
    blockDeviceMappings: [
      {
        deviceName: "/dev/xvda",
        // Serving images (Triton ~15 GB) plus model files; training also stages datasets and checkpoints.
        ebs: {
          volumeSize: pool.purpose === "training" ? "300Gi" : "150Gi",
          volumeType: "gp3",
          encrypted: true,
          deleteOnTermination: true,
        },
      },
    ],
    // IMDSv2 only, hop limit 1: pods get AWS credentials from Pod Identity, never from the node role.
    metadataOptions: {
      httpEndpoint: "enabled",
      httpProtocolIPv6: "disabled",
      httpPutResponseHopLimit: 1,
      httpTokens: "required",
    },
    tags: { [GPU_POOL_LABELS.pool]: pool.name, "mlops.io/gpu-purpose": pool.purpose },
  };
}

/** Inputs of `nodePoolSpec`. */
export interface NodePoolInputs {
  /** Name of the EC2NodeClass the pool uses. @default gpuPoolObjectName(pool) */
  readonly nodeClassName?: string;
  /** Replaces the computed `disruption` block (e.g. from the capacity planner). @default computed */
  readonly disruption?: Record<string, unknown>;
}

/**
 * `spec` of the pool's `karpenter.sh/v1` NodePool: its instance types and capacity type, the GPU
 * taint, the pool labels, a GPU limit of `maxGpus`, and consolidation. There is no minimum: Karpenter
 * removes every node nothing needs, so pools scale to zero; `minGpus` is held by `warmCapacity` pods.
 */
export function nodePoolSpec(pool: GpuPool, inputs: NodePoolInputs = {}): Record<string, unknown> {
  return {
    template: {
      metadata: { labels: gpuPoolNodeLabels(pool) },
      spec: {
        nodeClassRef: {
          group: "karpenter.k8s.aws",
          kind: "EC2NodeClass",
          name: inputs.nodeClassName ?? gpuPoolObjectName(pool),
        },
        requirements: [
          { key: "node.kubernetes.io/instance-type", operator: "In", values: [...pool.instanceTypes] },
          { key: "karpenter.sh/capacity-type", operator: "In", values: [pool.capacityType] },
          { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
          { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
        ],
        taints: [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect: GPU_TAINT.effect }],
        // Monthly node rotation picks up patched AMIs; training runs are hours, far shorter.
        expireAfter: "720h",
      },
    },
    // In the unit the nodes report: Karpenter counts a pool against its limits by its nodes'
    // capacity, and a time-sliced or MIG node reports each slice as one `nvidia.com/gpu` (eight per
    // L4 at eight replicas). A limit of `maxGpus` would stop a shared pool at an eighth of its GPUs.
    limits: { "nvidia.com/gpu": gpuLimitUnits(pool) },
    disruption: inputs.disruption ?? disruption(pool),
  };
}

/**
 * `maxGpus` in schedulable units: what the NodePool's `nvidia.com/gpu` limit counts (time-slicing
 * replicas or MIG instances per GPU; MIG assumes the device plugin's `single` strategy, where MIG
 * devices are advertised as `nvidia.com/gpu`). With the fewest units per GPU of the pool's types
 * (`fewestSlotsPerGpu`), so no mix of its types exceeds `maxGpus`.
 */
export function gpuLimitUnits(pool: GpuPool): number {
  return pool.maxGpus * fewestSlotsPerGpu(pool);
}

/** Kubernetes name of the NodeOverlay of a pool's instance type (`gpu-inference-g6-12xlarge`). */
export function nodeOverlayName(pool: Pick<GpuPool, "name">, instanceType: string): string {
  return `${gpuPoolObjectName(pool)}-${instanceType.replace(/\./g, "-")}`;
}

/**
 * The `karpenter.sh/v1alpha1` NodeOverlays of a shared pool, one per instance type: each tells
 * Karpenter's scheduling simulation that the type offers its GPUs x units per GPU of
 * `nvidia.com/gpu`, as the device plugin will advertise them. Without them Karpenter sizes nodes from
 * physical GPUs (kubernetes-sigs/karpenter#729): eight pending 1/8-GPU pods would launch eight L4
 * nodes where one holds them all, the surplus only removed by consolidation minutes later, and
 * consolidation would think a node's pods cannot fit where they do. The capacity overlay replaces
 * the instance type's `nvidia.com/gpu` (Karpenter's `ApplyCapacityOverlay` assigns over it; the
 * CRD forbids only cpu, memory, ephemeral-storage and pods). Scoped by `karpenter.sh/nodepool`, so
 * another pool of the same type keeps its own count. Needs the `nodeOverlay` feature gate (alpha
 * since Karpenter 1.7; `karpenterValues` turns it on). None for a pool of whole GPUs.
 */
export function nodeOverlaySpecs(pool: GpuPool): { name: string; spec: Record<string, unknown> }[] {
  if (pool.sharing.mode === "none") return [];
  return pool.instanceTypes.map((type) => ({
    name: nodeOverlayName(pool, type),
    spec: {
      requirements: [
        { key: "karpenter.sh/nodepool", operator: "In", values: [gpuPoolObjectName(pool)] },
        { key: "node.kubernetes.io/instance-type", operator: "In", values: [type] },
      ],
      capacity: { "nvidia.com/gpu": String((gpuInstanceType(type)?.gpus ?? 1) * slotsPerGpu(pool, type)) },
    },
  }));
}

/**
 * Consolidation after the pool's `consolidateAfter`. Serving pools let Karpenter remove or shrink at
 * most 10% of nodes at a time. Training pools (spot) only give back empty nodes: a busy node is never
 * consolidated or drift-replaced, because a moved job loses the work since its last checkpoint;
 * spot interruptions still arrive through the interruption queue, which no budget can stop.
 */
export function disruption(pool: GpuPool): Record<string, unknown> {
  const budgets =
    pool.purpose === "training"
      ? [
          { nodes: "0", reasons: ["Underutilized", "Drifted"] },
          { nodes: "100%", reasons: ["Empty"] },
        ]
      : [{ nodes: "10%" }];
  return {
    consolidationPolicy: "WhenEmptyOrUnderutilized",
    consolidateAfter: pool.consolidateAfter,
    budgets,
  };
}

/**
 * Pause pods that keep `minGpus` GPUs of the pool warm: one pod per schedulable GPU unit, each
 * requesting `nvidia.com/gpu: 1`, so `minGpus` physical GPUs are filled once the pods are packed.
 * Zero when `minGpus` is 0 (the pool scales to zero).
 *
 * Karpenter knows how many of them a node holds from the pool's NodeOverlays (`nodeOverlaySpecs`),
 * so it launches `minGpus` GPUs for them, not one GPU per pod.
 */
export function warmCapacityPods(pool: GpuPool): number {
  return warmSlots(pool);
}

/** Inputs of `warmCapacityDeployment`. */
export interface WarmCapacityInputs {
  readonly namespace: string;
  /** @default WARM_CAPACITY_PRIORITY_CLASS.name */
  readonly priorityClassName?: string;
  /** @default PAUSE_IMAGE */
  readonly image?: string;
}

/**
 * The warm-capacity Deployment (`metadata` and `spec`) of a pool: low-priority pause pods that
 * tolerate the GPU taint, are pinned to the pool, and hold GPUs until a real pod preempts them. The
 * preempted pods turn Pending and Karpenter launches a replacement node, so the pool keeps
 * `minGpus` GPUs of headroom ready for the next model replicas instead of a cold node start.
 */
export function warmCapacityDeployment(
  pool: GpuPool,
  inputs: WarmCapacityInputs,
): { metadata: k8s.types.input.meta.v1.ObjectMeta; spec: k8s.types.input.apps.v1.DeploymentSpec } {
  const labels = { "app.kubernetes.io/name": "gpu-warm-capacity", [GPU_POOL_LABELS.pool]: pool.name };
  const resources = { cpu: "10m", memory: "16Mi", "nvidia.com/gpu": "1" };
  return {
    metadata: { name: `gpu-warm-${pool.name}`, namespace: inputs.namespace, labels },
    spec: {
      replicas: warmCapacityPods(pool),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          priorityClassName: inputs.priorityClassName ?? WARM_CAPACITY_PRIORITY_CLASS.name,
          terminationGracePeriodSeconds: 0,
          automountServiceAccountToken: false,
          nodeSelector: { [GPU_POOL_LABELS.pool]: pool.name },
          tolerations: [
            { key: GPU_TAINT.key, operator: "Equal", value: GPU_TAINT.value, effect: GPU_TAINT.effect },
          ],
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65535,
            runAsGroup: 65535,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "pause",
              image: inputs.image ?? PAUSE_IMAGE,
              resources: { requests: resources, limits: resources },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
            },
          ],
        },
      },
    },
  };
}
