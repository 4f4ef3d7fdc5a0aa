/** cert-manager: issues the webhook certificates KServe's controller needs (KServe docs: >= 1.15). */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config/stack-schema";
import { NAMESPACES } from "./addons-context";
import { certManagerValues } from "./cert-manager-values";
import { createNamespace, createRelease } from "./helm-release";
import { CHARTS } from "./versions";

/** Arguments of `CertManager`. The Kubernetes provider comes through the resource options. */
export interface CertManagerArgs {
  readonly config: StackConfig;
  /** Namespace of cert-manager. @default NAMESPACES.certManager */
  readonly namespace?: string;
}

/** Creates the namespace and the cert-manager release under `parent`. */
export function createCertManager(
  name: string,
  args: CertManagerArgs,
  parent: pulumi.Resource,
): { namespace: k8s.core.v1.Namespace; release: k8s.helm.v3.Release } {
  const namespace = createNamespace(`${name}-namespace`, args.namespace ?? NAMESPACES.certManager, {
    parent,
  });
  const release = createRelease(
    `${name}-release`,
    {
      pin: CHARTS.certManager,
      releaseName: "cert-manager",
      namespace: namespace.metadata.name,
      values: certManagerValues(),
    },
    { parent },
  );
  return { namespace, release };
}

/** cert-manager add-on (`mlops:addons:CertManager`). KServe's release depends on `release`. */
export class CertManager extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:CertManager", name, {}, opts);
    const created = createCertManager(name, args, this);
    this.namespace = created.namespace.metadata.name;
    this.release = created.release;
    this.registerOutputs({ namespace: this.namespace });
  }
}
