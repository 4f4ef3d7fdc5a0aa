/**
 * Pure builders for the NVIDIA GPU Operator: the device-plugin config per GPU sharing profile, the
 * names the GPU nodes are labelled with, and the chart values. Tested directly; no Pulumi resources.
 *
 * How sharing reaches a node: the Karpenter NodePool of a pool labels its nodes
 * `nvidia.com/device-plugin.config=<devicePluginConfigName(pool)>` (and, for MIG pools,
 * `nvidia.com/mig.config=<migConfigName(pool)>`); the device plugin's config-manager sidecar reads the
 * label and loads that entry of the ConfigMap built here (GPU Operator "Time-Slicing GPUs in
 * Kubernetes" and "GPU Operator with MIG" docs).
 */
import * as YAML from "yaml";
import { GpuPool, StackConfig } from "../config/stack-schema";
import { GPU_POOL_LABELS, PROMETHEUS_SELECTOR_LABEL } from "./addons-context";
import { gpuTaintToleration, systemNodeAffinity } from "./scheduling";

/** Name of the ConfigMap (in the operator namespace) that holds one device-plugin config per profile. */
export const DEVICE_PLUGIN_CONFIGMAP = "mlops-device-plugin-config";

/** Config entry used by nodes without the label and by pools without sharing. */
export const DEFAULT_DEVICE_PLUGIN_CONFIG = "default";

/**
 * Device-plugin config name for a pool's sharing profile: `default` (no sharing),
 * `time-slicing-<replicas>`, `mig-<profile>`. Pools with the same profile share one entry.
 * Provisional: the cluster layer will export the same rule; the lead reconciles the two.
 */
export function devicePluginConfigName(pool: Pick<GpuPool, "sharing">): string {
  const sharing = pool.sharing;
  switch (sharing.mode) {
    case "none":
      return DEFAULT_DEVICE_PLUGIN_CONFIG;
    case "time-slicing":
      return `time-slicing-${sharing.replicas}`;
    case "mig":
      return `mig-${sharing.profile}`;
  }
}

/**
 * MIG layout name for the `nvidia.com/mig.config` node label of a MIG pool, or `undefined` for other
 * pools. `all-<profile>` is the naming of the MIG manager's default mig-parted config (one profile on
 * every GPU), e.g. `all-1g.10gb`.
 */
export function migConfigName(pool: Pick<GpuPool, "sharing">): string | undefined {
  return pool.sharing.mode === "mig" ? `all-${pool.sharing.profile}` : undefined;
}

/** The device-plugin config (k8s-device-plugin config file, `version: v1`) for one sharing profile. */
export function devicePluginConfig(pool: Pick<GpuPool, "sharing">): Record<string, unknown> {
  const sharing = pool.sharing;
  switch (sharing.mode) {
    case "none":
      return { version: "v1", flags: { migStrategy: "none" } };
    case "time-slicing":
      return {
        version: "v1",
        flags: {
          migStrategy: "none",
          // A replica of more than one slice must get them on one physical GPU: its process uses
          // the first GPU it sees, and the shares on a GPU add up to one only if nobody's slices
          // lie elsewhere. The plugin's default, `distributed`, hands each next slice to the GPU
          // with the fewest taken, so on a 4-GPU g6.12xlarge a 2-slice replica gets slices of two
          // GPUs and the lowest-numbered GPU serves every such pod; `packed` fills the fullest GPU
          // first (k8s-device-plugin v0.20.0, #1621; an older plugin ignores the key, as it reads
          // its config without strict field checks).
          plugin: { sharedDevicesAllocationPolicy: "packed" },
        },
        sharing: {
          timeSlicing: {
            // Keep the resource name `nvidia.com/gpu`: model pods request it whatever the pool shares.
            renameByDefault: false,
            // A replica whose GPU share is larger than one slice asks for several slices
            // (`replicaDevices` in capacity/gpu-slots.ts), so requests above one must stay allowed.
            failRequestsGreaterThanOne: false,
            resources: [{ name: "nvidia.com/gpu", replicas: sharing.replicas }],
          },
        },
      };
    case "mig":
      // `single`: every GPU of the node has the same MIG layout, and each MIG device is advertised as
      // `nvidia.com/gpu`, so a model requests MIG devices exactly like time-slices.
      return { version: "v1", flags: { migStrategy: "single" } };
  }
}

/**
 * ConfigMap data: one YAML document per distinct sharing profile of `pools`, plus `default` (always
 * present: it is the fallback for GPU nodes that carry no config label).
 */
export function devicePluginConfigData(pools: readonly Pick<GpuPool, "sharing">[]): Record<string, string> {
  const data: Record<string, string> = {
    [DEFAULT_DEVICE_PLUGIN_CONFIG]: YAML.stringify(devicePluginConfig({ sharing: { mode: "none" } })),
  };
  for (const pool of pools) data[devicePluginConfigName(pool)] = YAML.stringify(devicePluginConfig(pool));
  return data;
}

/** Chart values of the GPU Operator for the stack's GPU pools. */
export function gpuOperatorValues(config: Pick<StackConfig, "gpuPools">): Record<string, unknown> {
  const anyMig = config.gpuPools.some((p) => p.sharing.mode === "mig");
  return {
    // EKS-optimized accelerated AMIs (AL2023 NVIDIA, Bottlerocket aws-k8s-nvidia) ship the NVIDIA
    // driver and container toolkit (EKS user guide "Use EKS-optimized accelerated AMIs"), so the
    // operator must not install its own (NVIDIA "GPU Operator with Amazon EKS"; MIG manager supports
    // preinstalled drivers with driver.enabled=false).
    driver: { enabled: false },
    toolkit: { enabled: false },
    // Node Feature Discovery labels GPU nodes (PCI vendor 10de) so the operands schedule there.
    nfd: { enabled: true },
    "node-feature-discovery": { worker: { tolerations: [gpuTaintToleration()] } },
    // The operator is a controller: system nodes only. Its operands (device plugin, GFD, DCGM
    // exporter, MIG manager) are DaemonSets that must tolerate the GPU taint.
    operator: { affinity: systemNodeAffinity() },
    daemonsets: { tolerations: [gpuTaintToleration()] },
    devicePlugin: {
      enabled: true,
      config: {
        // The ConfigMap is created by the GpuOperator component (visible in the plan), not the chart.
        create: false,
        name: DEVICE_PLUGIN_CONFIGMAP,
        default: DEFAULT_DEVICE_PLUGIN_CONFIG,
      },
    },
    mig: { strategy: "single" },
    // MIG manager applies the `nvidia.com/mig.config` layout; only needed when a pool uses MIG.
    migManager: { enabled: anyMig },
    gfd: { enabled: true },
    dcgmExporter: {
      enabled: true,
      serviceMonitor: {
        enabled: true,
        // Same cadence as the rules' evaluation (DESIGN section 5: 15 s scrape/evaluation).
        interval: "15s",
        additionalLabels: { [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value },
      },
    },
  };
}

/** Node labels the cluster layer puts on a pool's NodePool so the operator applies its sharing profile. */
export function gpuSharingNodeLabels(pool: Pick<GpuPool, "sharing">): Record<string, string> {
  const labels: Record<string, string> = { [GPU_POOL_LABELS.sharing]: devicePluginConfigName(pool) };
  const mig = migConfigName(pool);
  if (mig !== undefined) labels["nvidia.com/mig.config"] = mig;
  return labels;
}
