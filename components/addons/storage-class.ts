/**
 * The platform's StorageClass: encrypted gp3 EBS volumes from the EBS CSI driver, expandable, bound
 * in the zone of the pod that first mounts them.
 *
 * EKS clusters created on Kubernetes 1.30 or later have no default StorageClass (EKS stopped marking
 * its gp2 class default), so a claim naming no class stays Pending. The platform's own claims
 * (Prometheus) name this class. In `mode: eks` it is also the cluster's default, for the claims the
 * platform renders but does not author (Kubeflow Pipelines' upstream MySQL and SeaweedFS volumes,
 * Airflow's triggerer logs): naming it in the triggerer's volumeClaimTemplate instead would change an
 * immutable StatefulSet field and fail the Helm upgrade of a running triggerer. An existing cluster
 * keeps its own default: marking ours default there would move other tenants' new claims.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Name of the platform's StorageClass, named by every volume claim the platform's values render. */
export const PLATFORM_STORAGE_CLASS = "mlops-gp3";

/** The annotation that makes a StorageClass the cluster's default (Kubernetes storage-classes docs). */
export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

/** Arguments of `PlatformStorageClass`. */
export interface PlatformStorageClassArgs {
  /** Mark the class the cluster's default (a cluster the platform created). @default false */
  readonly isDefault?: boolean;
}

/** The StorageClass object (pure, tested). */
export function storageClassSpec(isDefault: boolean): k8s.types.input.storage.v1.StorageClass {
  return {
    metadata: {
      name: PLATFORM_STORAGE_CLASS,
      annotations: { [DEFAULT_CLASS_ANNOTATION]: String(isDefault) },
    },
    // The EKS add-on `aws-ebs-csi-driver` (components/cluster/eks-cluster.ts) serves this provisioner;
    // the in-tree kubernetes.io/aws-ebs provisioner is gone since Kubernetes 1.27.
    provisioner: "ebs.csi.aws.com",
    // aws-ebs-csi-driver docs/parameters.md: `encrypted` defaults to "false"; without `kmsKeyId` the
    // volume uses the account's aws/ebs key.
    parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
    // A claim can be grown in place (edit its size); the README's Prometheus resize relies on it.
    allowVolumeExpansion: true,
    // EBS volumes are zonal: create the volume where the pod is scheduled, not in a zone picked before.
    volumeBindingMode: "WaitForFirstConsumer",
    reclaimPolicy: "Delete",
  };
}

/** Creates the StorageClass under `parent`. */
export function createStorageClass(
  name: string,
  args: PlatformStorageClassArgs,
  parent: pulumi.Resource,
): k8s.storage.v1.StorageClass {
  return new k8s.storage.v1.StorageClass(`${name}-gp3`, storageClassSpec(args.isDefault ?? false), {
    parent,
  });
}

/** The platform's gp3 StorageClass (`mlops:addons:PlatformStorageClass`). */
export class PlatformStorageClass extends pulumi.ComponentResource {
  /** The class's name, for volume claims. */
  readonly name: string;
  /** The StorageClass itself; releases whose claims name it depend on it. */
  readonly storageClass: k8s.storage.v1.StorageClass;

  constructor(name: string, args: PlatformStorageClassArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:PlatformStorageClass", name, {}, opts);
    this.storageClass = createStorageClass(name, args, this);
    this.name = PLATFORM_STORAGE_CLASS;
    this.registerOutputs({ name: this.name });
  }
}
