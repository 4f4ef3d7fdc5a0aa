/**
 * What the cluster layer hands to the add-ons and the model stacks. Both modes (`eks`, `existing`)
 * produce the same shape, so nothing downstream branches on how the cluster came to be.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of a pod-scoped IAM role: one Kubernetes service account, one inline policy. */
export interface PodRoleArgs {
  readonly namespace: pulumi.Input<string>;
  readonly serviceAccount: pulumi.Input<string>;
  /** IAM policy document JSON granting exactly what the workload needs. */
  readonly policy: pulumi.Input<string>;
}

/** Outputs of the cluster layer. */
export interface ClusterContext {
  readonly mode: "eks" | "existing";
  /** EKS cluster name (created, or the existing one from config). */
  readonly clusterName: pulumi.Output<string>;
  /** Kubernetes provider every Kubernetes object is created with. */
  readonly kubeProvider: k8s.Provider;
  /** AWS provider for the stack's region. */
  readonly awsProvider: aws.Provider;
  /** VPC and private subnets (RDS, node placement); undefined for an existing cluster. */
  readonly vpcId?: pulumi.Output<string>;
  readonly privateSubnetIds?: pulumi.Output<string[]>;
  /** Security group of the nodes, allowed into RDS; undefined for an existing cluster. */
  readonly nodeSecurityGroupId?: pulumi.Output<string>;
  /**
   * Resources Kubernetes workloads should wait for: system nodes, CoreDNS, the Pod Identity agent and
   * Karpenter with its NodePools. Empty or absent for an existing cluster beyond Karpenter.
   */
  readonly dependsOn?: pulumi.Resource[];
  /**
   * Creates an IAM role that only pods running as `serviceAccount` in `namespace` can assume
   * (EKS Pod Identity association). Child names start with `name`; `parent` owns them.
   */
  readonly podRole: (name: string, args: PodRoleArgs, parent: pulumi.Resource) => aws.iam.Role;
}
