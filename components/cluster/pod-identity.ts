/**
 * Pod-scoped IAM roles through EKS Pod Identity: the implementation behind `ClusterContext.podRole`.
 * Pod Identity (not IRSA) because it needs no per-cluster OIDC provider and works the same for a
 * created and an existing cluster, as long as the `eks-pod-identity-agent` add-on runs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PodRoleArgs } from "./cluster-context";
import { podIdentityTrustPolicy } from "./iam-policies";

/**
 * Creates `${name}-role` (trusted by `pods.eks.amazonaws.com`, only for this cluster, namespace and
 * service account), its inline policy `${name}-policy`, and the `${name}-pod-identity` association
 * for exactly that namespace/service account. Children are parented to `parent`, so they inherit its
 * AWS provider.
 */
export function podRole(
  clusterName: pulumi.Input<string>,
  name: string,
  args: PodRoleArgs,
  parent: pulumi.Resource,
  provider?: aws.Provider,
): aws.iam.Role {
  // The caller's parent (a model stack, an add-on) need not carry the AWS provider: pass it explicitly.
  const opts = { parent, provider };
  const role = new aws.iam.Role(
    `${name}-role`,
    {
      assumeRolePolicy: pulumi.jsonStringify(
        pulumi
          .all([clusterName, args.namespace, args.serviceAccount])
          .apply(([c, namespace, serviceAccount]) =>
            podIdentityTrustPolicy({ clusterName: c, namespace, serviceAccount }),
          ),
      ),
      description: pulumi.interpolate`EKS Pod Identity role for ${args.namespace}/${args.serviceAccount}`,
    },
    opts,
  );
  new aws.iam.RolePolicy(`${name}-policy`, { role: role.id, policy: args.policy }, opts);
  new aws.eks.PodIdentityAssociation(
    `${name}-pod-identity`,
    {
      clusterName,
      namespace: args.namespace,
      serviceAccount: args.serviceAccount,
      roleArn: role.arn,
    },
    opts,
  );
  return role;
}

/** Binds `podRole` to one cluster and AWS provider: the shape of `ClusterContext.podRole`. */
export function podRoleFactory(
  clusterName: pulumi.Input<string>,
  provider?: aws.Provider,
): (name: string, args: PodRoleArgs, parent: pulumi.Resource) => aws.iam.Role {
  return (name, args, parent) => podRole(clusterName, name, args, parent, provider);
}

/**
 * Groups a pod role's role, policy and association so a workload can `dependsOn` all three: a pod
 * admitted before its association exists gets no credentials until it is restarted.
 */
export class PodIdentityScope extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cluster:PodIdentity", name, {}, opts);
    this.registerOutputs({});
  }
}
