/**
 * NVIDIA GPU Operator: device plugin with per-pool sharing (time-slicing / MIG), GPU feature
 * discovery, DCGM exporter scraped by Prometheus, MIG manager when a pool uses MIG.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config/stack-schema";
import { NAMESPACES } from "./addons-context";
import { DEVICE_PLUGIN_CONFIGMAP, devicePluginConfigData, gpuOperatorValues } from "./gpu-operator-values";
import { createNamespace, createRelease } from "./helm-release";
import { CHARTS } from "./versions";

/** Arguments of `GpuOperator`. The Kubernetes provider comes through the resource options. */
export interface GpuOperatorArgs {
  readonly config: StackConfig;
  /** Namespace of the operator and its operands. @default NAMESPACES.gpuOperator */
  readonly namespace?: string;
  /**
   * Resources the release waits for, e.g. the monitoring release (its ServiceMonitor CRD must exist
   * before the chart's DCGM ServiceMonitor). @default []
   */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** The children of a GpuOperator. */
export interface GpuOperatorResources {
  readonly namespace: k8s.core.v1.Namespace;
  readonly devicePluginConfig: k8s.core.v1.ConfigMap;
  readonly release: k8s.helm.v3.Release;
}

/** Creates the namespace, the device-plugin ConfigMap and the chart release under `parent`. */
export function createGpuOperator(
  name: string,
  args: GpuOperatorArgs,
  parent: pulumi.Resource,
): GpuOperatorResources {
  const ns = args.namespace ?? NAMESPACES.gpuOperator;
  const namespace = createNamespace(`${name}-namespace`, ns, { parent });
  const devicePluginConfig = new k8s.core.v1.ConfigMap(
    `${name}-device-plugin-config`,
    {
      metadata: { name: DEVICE_PLUGIN_CONFIGMAP, namespace: namespace.metadata.name },
      data: devicePluginConfigData(args.config.gpuPools),
    },
    { parent },
  );
  const release = createRelease(
    `${name}-release`,
    {
      pin: CHARTS.gpuOperator,
      releaseName: "gpu-operator",
      namespace: namespace.metadata.name,
      values: gpuOperatorValues(args.config),
    },
    { parent, dependsOn: [devicePluginConfig, ...(args.dependsOn ?? [])] },
  );
  return { namespace, devicePluginConfig, release };
}

/** NVIDIA GPU Operator add-on (`mlops:addons:GpuOperator`). */
export class GpuOperator extends pulumi.ComponentResource {
  /** Namespace the operator runs in. */
  readonly namespace: pulumi.Output<string>;
  /** The Helm release; model stacks that request GPUs depend on it. */
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: GpuOperatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:GpuOperator", name, {}, opts);
    const created = createGpuOperator(name, args, this);
    this.namespace = created.namespace.metadata.name;
    this.release = created.release;
    this.registerOutputs({ namespace: this.namespace });
  }
}
