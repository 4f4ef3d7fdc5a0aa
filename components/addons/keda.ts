/** KEDA: event-driven autoscaling of the model predictors on traffic and on the traffic forecast. */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config/stack-schema";
import { NAMESPACES } from "./addons-context";
import { createNamespace, createRelease } from "./helm-release";
import { kedaValues } from "./keda-values";
import { CHARTS } from "./versions";

/** Arguments of `Keda`. The Kubernetes provider comes through the resource options. */
export interface KedaArgs {
  readonly config: StackConfig;
  /** Namespace of the operator. @default NAMESPACES.keda */
  readonly namespace?: string;
  /** Resources the release waits for (e.g. monitoring, for the ServiceMonitor CRD). @default [] */
  readonly dependsOn?: pulumi.Input<pulumi.Resource>[];
}

/** Creates the namespace and the KEDA release under `parent`. */
export function createKeda(
  name: string,
  args: KedaArgs,
  parent: pulumi.Resource,
): { namespace: k8s.core.v1.Namespace; release: k8s.helm.v3.Release } {
  const namespace = createNamespace(`${name}-namespace`, args.namespace ?? NAMESPACES.keda, { parent });
  const release = createRelease(
    `${name}-release`,
    { pin: CHARTS.keda, releaseName: "keda", namespace: namespace.metadata.name, values: kedaValues() },
    { parent, dependsOn: args.dependsOn ?? [] },
  );
  return { namespace, release };
}

/** KEDA add-on (`mlops:addons:Keda`). Its release installs the ScaledObject CRD the model stacks use. */
export class Keda extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** Model stacks that create ScaledObjects depend on this release. */
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: KedaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:Keda", name, {}, opts);
    const created = createKeda(name, args, this);
    this.namespace = created.namespace.metadata.name;
    this.release = created.release;
    this.registerOutputs({ namespace: this.namespace });
  }
}
