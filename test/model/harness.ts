/**
 * Test harness for the model stacks: committed stack configs and model specs, fake cluster and
 * add-on contexts, and a recorder that runs ModelStack under the Pulumi mock runtime.
 */
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { readModelSources } from "../../components/config/model-sources";
import { ModelSpec, SpecSource } from "../../components/config/model-schema";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { StackConfig } from "../../components/config/stack-schema";
import type { AddonsContext } from "../../components/addons/addons-context";
import type { ClusterContext } from "../../components/cluster/cluster-context";
import { RecordedResource } from "../../tools/offline/mock-cloud";
import { ROOT } from "../helpers/program";
import { stackConfig } from "../helpers/stack";
export { record, stackConfig } from "../helpers/stack";

/** ARN of the artifact bucket's KMS key in the fake add-ons. */
export const ARTIFACT_KEY_ARN = "arn:aws:kms:ap-southeast-1:123456789012:key/artifacts-key";

/** The committed model specs, validated for a stack. */
export function committedModels(stack: string, cfg = stackConfig(stack)): ModelSpec[] {
  const { sources, problems } = readModelSources(path.join(ROOT, "models"));
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  return validateModelSpecs(sources, stack, cfg);
}

/** One spec from inline YAML, validated against `cfg`. */
export function specFromYaml(yaml: string, cfg: StackConfig, stack = "staging"): ModelSpec {
  const data = YAML.parse(yaml) as { name: string };
  const src: SpecSource = { file: `models/${data.name}.yaml`, data };
  return validateModelSpecs([src], stack, cfg)[0];
}

/** Role inputs the fake podRole saw, per role name. */
export interface FakeCluster {
  readonly cluster: Pick<ClusterContext, "podRole">;
  readonly roles: { name: string; namespace: unknown; serviceAccount: unknown }[];
}

/** A cluster context whose podRole declares a plain IAM role with the policy inline. */
export function fakeCluster(): FakeCluster {
  const roles: FakeCluster["roles"] = [];
  return {
    roles,
    cluster: {
      podRole: (name, args, parent) => {
        roles.push({ name, namespace: args.namespace, serviceAccount: args.serviceAccount });
        return new aws.iam.Role(
          name,
          {
            assumeRolePolicy: JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                {
                  Effect: "Allow",
                  Principal: { Service: "pods.eks.amazonaws.com" },
                  Action: ["sts:AssumeRole", "sts:TagSession"],
                },
              ],
            }),
            inlinePolicies: [{ name: "artifacts", policy: args.policy }],
          },
          { parent },
        );
      },
    },
  };
}

/** Add-on outputs as the real add-ons would hand them over. */
export function fakeAddons(): AddonsContext {
  return {
    mlflowTrackingUri: pulumi.output("http://mlflow.mlflow.svc:5000"),
    artifactBucket: pulumi.output("mlops-artifacts-a1b2c3"),
    artifactBucketArn: pulumi.output("arn:aws:s3:::mlops-artifacts-a1b2c3"),
    artifactBucketKmsKeyArn: pulumi.output(ARTIFACT_KEY_ARN),
    inferenceGateway: { namespace: "envoy-gateway-system", name: "inference" },
    dependsOn: [],
  };
}

/** Type tokens the model stack declares. */
export const TYPES = {
  namespace: "kubernetes:core/v1:Namespace",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  configMap: "kubernetes:core/v1:ConfigMap",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  isvc: "kubernetes:serving.kserve.io/v1beta1:InferenceService",
  scaledObject: "kubernetes:keda.sh/v1alpha1:ScaledObject",
  httpRoute: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  podMonitor: "kubernetes:monitoring.coreos.com/v1:PodMonitor",
  role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
  iamRole: "aws:iam/role:Role",
  component: "mlops:model:ModelStack",
} as const;

/** Resources of a type whose Kubernetes namespace is `ns`. */
export function inNamespace(resources: RecordedResource[], type: string, ns: string): RecordedResource[] {
  return resources.filter((r) => r.type === type && (r.inputs.metadata as any)?.namespace === ns);
}
