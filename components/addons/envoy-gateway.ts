/**
 * Envoy Gateway (Gateway API implementation) with the GatewayClass and the inference Gateway that
 * KServe's Standard mode attaches HTTPRoutes to; canary traffic splits are HTTPRoute weights on it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config/stack-schema";
import { NAMESPACES } from "./addons-context";
import {
  GATEWAY_CLASS_NAME,
  INFERENCE_GATEWAY,
  envoyGatewayValues,
  gatewayClassSpec,
  inferenceGatewaySpec,
} from "./envoy-gateway-values";
import { createNamespace, createRelease } from "./helm-release";
import { CHARTS } from "./versions";

/** Arguments of `EnvoyGateway`. The Kubernetes provider comes through the resource options. */
export interface EnvoyGatewayArgs {
  readonly config: StackConfig;
  /** Namespace of the Envoy Gateway controller. @default NAMESPACES.gateway */
  readonly namespace?: string;
  /**
   * Namespace of the inference Gateway. Pass the KServe component's `namespace` output so the Gateway
   * waits for the namespace to exist. @default INFERENCE_GATEWAY.namespace
   */
  readonly gatewayNamespace?: pulumi.Input<string>;
}

/** The children of an EnvoyGateway. */
export interface EnvoyGatewayResources {
  readonly namespace: k8s.core.v1.Namespace;
  readonly release: k8s.helm.v3.Release;
  readonly gatewayClass: k8s.apiextensions.CustomResource;
  readonly gateway: k8s.apiextensions.CustomResource;
}

/** Creates the controller release, the GatewayClass and the inference Gateway under `parent`. */
export function createEnvoyGateway(
  name: string,
  args: EnvoyGatewayArgs,
  parent: pulumi.Resource,
): EnvoyGatewayResources {
  const namespace = createNamespace(`${name}-namespace`, args.namespace ?? NAMESPACES.gateway, { parent });
  const release = createRelease(
    `${name}-release`,
    {
      pin: CHARTS.envoyGateway,
      releaseName: "envoy-gateway",
      namespace: namespace.metadata.name,
      values: envoyGatewayValues(),
    },
    { parent },
  );
  // Both objects need the Gateway API CRDs the release installs.
  const gatewayClass = new k8s.apiextensions.CustomResource(
    `${name}-gateway-class`,
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "GatewayClass",
      metadata: { name: GATEWAY_CLASS_NAME },
      spec: gatewayClassSpec(),
    },
    { parent, dependsOn: [release] },
  );
  const gateway = new k8s.apiextensions.CustomResource(
    `${name}-inference-gateway`,
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: {
        name: INFERENCE_GATEWAY.name,
        namespace: args.gatewayNamespace ?? INFERENCE_GATEWAY.namespace,
      },
      spec: inferenceGatewaySpec(),
    },
    { parent, dependsOn: [release, gatewayClass] },
  );
  return { namespace, release, gatewayClass, gateway };
}

/** Envoy Gateway add-on (`mlops:addons:EnvoyGateway`). */
export class EnvoyGateway extends pulumi.ComponentResource {
  /** The inference Gateway as `AddonsContext.inferenceGateway` describes it. */
  readonly inferenceGateway: { readonly namespace: string; readonly name: string };
  readonly release: k8s.helm.v3.Release;
  /** The Gateway resource; model stacks' HTTPRoutes (made by KServe) need it to exist. */
  readonly gateway: k8s.apiextensions.CustomResource;

  constructor(name: string, args: EnvoyGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:EnvoyGateway", name, {}, opts);
    const created = createEnvoyGateway(name, args, this);
    this.inferenceGateway = INFERENCE_GATEWAY;
    this.release = created.release;
    this.gateway = created.gateway;
    this.registerOutputs({ inferenceGateway: this.inferenceGateway });
  }
}
