/**
 * `ModelStack`: everything one model spec (`models/<name>.yaml`) needs on the cluster.
 *
 * Namespace choice: one namespace per model, named after the model and labelled with its team.
 * A model is the unit of NetworkPolicy (its gateway and Prometheus allows), of IAM scoping (its pod
 * role reads only its artifacts) and of deletion (removing the file removes the namespace); team
 * namespaces would make one team's models share a service account and thus each other's artifacts.
 * Team ownership travels as the `mlops.io/team` label (alert routing, dashboards, cost reports).
 *
 * Children (builders beside this file, each tested on its own): Namespace, NetworkPolicies,
 * ServiceAccount + pod role, per variant an InferenceService, KEDA ScaledObject and
 * PodDisruptionBudget, one HTTPRoute splitting traffic between variants, one PodMonitor, and when
 * the spec trains, an Airflow DAG ConfigMap plus the RBAC Airflow needs to start training pods here.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ModelSpec } from "../config/model-schema";
import type { GpuPool, StackConfig } from "../config/stack-schema";
import type { ClusterContext } from "../cluster/cluster-context";
import { AIRFLOW_DAG_LABEL, AddonsContext, NAMESPACES } from "../addons/addons-context";
import { artifactReadPolicy } from "./artifact-policy";
import { buildHttpRoute } from "./http-route";
import { buildInferenceService, RUNTIME_PROFILES } from "./inference-service";
import { buildNetworkPolicies } from "./network-policies";
import { buildPodDisruptionBudget, buildPodMonitor } from "./pod-monitor";
import { buildScaledObject } from "./scaled-object";
import { hpaTolerance } from "../capacity/hpa-behavior";
import { ModelMonitoring } from "./model-monitoring";
import { buildTrainingDag, trainingDagId } from "./training-dag";
import {
  modelLabels,
  modelNamespace,
  resolveModelUri,
  Variant,
  variantChildName,
  variantLabels,
  variantsOf,
} from "./variants";

/** Extra scaling inputs per variant: the capacity engineer's seam (forecast and sales-event triggers). */
export interface ModelScaling {
  /** Triggers appended to the variant's ScaledObject. @default none */
  readonly extraTriggers?: (variant: Variant) => readonly object[];
  /** Replica floor replacing the variant's min (clamped to its max). @default the variant's min */
  readonly minReplicaOverride?: (variant: Variant) => number | undefined;
  /** Recording-rule groups the extra triggers read (the traffic forecast), added to the model's PrometheusRule. @default none */
  readonly ruleGroups?: readonly object[];
}

/** Arguments of a ModelStack. */
export interface ModelStackArgs {
  /** The validated spec for this stack (overrides applied). */
  readonly spec: ModelSpec;
  readonly config: StackConfig;
  /** Stack name (for callers' bookkeeping; specs arrive with the stack's overrides applied). */
  readonly stack: string;
  /** Creates the pod-scoped IAM role of the model's service account. */
  readonly cluster: Pick<ClusterContext, "podRole">;
  readonly addons: AddonsContext;
  /** Extra KEDA triggers and replica floors. @default none */
  readonly scaling?: ModelScaling;
}

/** One model's namespace, serving variants, routing, autoscaling, scraping and training DAG. */
export class ModelStack extends pulumi.ComponentResource {
  /** The model's namespace. */
  readonly namespace: string;
  /** InferenceService names per variant (`stable`, `canary`, experiment names). */
  readonly inferenceServices: Record<string, string>;
  /** Airflow dag_id of the training DAG, when the spec trains. */
  readonly trainingDagId?: string;
  /** ARN of the pod role that reads the model's artifacts. */
  readonly podRoleArn: pulumi.Output<string>;

  constructor(name: string, args: ModelStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:model:ModelStack", name, {}, opts);
    const out = createModelStack(name, args, this);
    this.namespace = out.namespace;
    this.inferenceServices = out.inferenceServices;
    this.trainingDagId = out.trainingDagId;
    this.podRoleArn = out.podRoleArn;
    this.registerOutputs({
      namespace: this.namespace,
      inferenceServices: this.inferenceServices,
      trainingDagId: this.trainingDagId,
      podRoleArn: this.podRoleArn,
    });
  }
}

/** Declares the children of a ModelStack under `parent`; see the class for what it creates. */
export function createModelStack(
  name: string,
  args: ModelStackArgs,
  parent: pulumi.Resource,
): {
  namespace: string;
  inferenceServices: Record<string, string>;
  trainingDagId?: string;
  podRoleArn: pulumi.Output<string>;
} {
  const { spec, config, addons } = args;
  const servingPool = poolNamed(config, spec.serving.gpu.pool);
  const ns = modelNamespace(spec);
  const labels = modelLabels(spec);
  const profile = RUNTIME_PROFILES[spec.serving.runtime];
  const opts = { parent };

  const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: ns, labels } }, opts);
  const inNs = { parent, dependsOn: [namespace] };
  // Custom resources also wait for the add-ons that install their CRDs (KServe, KEDA, operators).
  const inNsCrd = { parent, dependsOn: [namespace, ...addons.dependsOn] };

  for (const np of buildNetworkPolicies({
    namespace: ns,
    labels,
    gatewayNamespace: addons.inferenceGateway.namespace,
    servingPort: profile.httpPort,
    metricsPort: profile.metricsPort,
    vpcCidr: config.cluster.vpcCidr,
  })) {
    const meta = np.metadata as { name: string };
    new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${meta.name}`, np as never, inNs);
  }

  const serviceAccountName = spec.name;
  new k8s.core.v1.ServiceAccount(
    `${name}-sa`,
    { metadata: { name: serviceAccountName, namespace: ns, labels }, automountServiceAccountToken: false },
    inNs,
  );
  const variants = variantsOf(spec);
  // `s3://<artifacts>/...` URIs point into the platform's artifact bucket, whose name is computed.
  const bucket = addons.artifactBucket;
  // The bucket's objects are SSE-KMS: the storage initializer's GetObject also needs its key.
  // The partition comes from the bucket's own ARN (`arn:aws-cn:s3:::...` in China regions).
  const policy = pulumi
    .all([bucket, addons.artifactBucketKmsKeyArn, addons.artifactBucketArn])
    .apply(([b, bucketKeyArn, bucketArn]) =>
      JSON.stringify(
        artifactReadPolicy(
          variants.map((v) => resolveModelUri(v.modelUri, b)),
          { registryArtifactRoot: `s3://${b}/mlflow`, bucketKeyArn, partition: bucketArn.split(":")[1] },
        ),
      ),
    );
  const role = args.cluster.podRole(
    `${name}-pod-role`,
    { namespace: ns, serviceAccount: serviceAccountName, policy },
    parent,
  );

  // Alert and recording rules (DESIGN section 5) and the model's dashboard.
  new ModelMonitoring(
    `${name}-monitoring`,
    { spec, config, namespace: ns, extraGroups: args.scaling?.ruleGroups ?? [] },
    inNsCrd,
  );

  const inferenceServices: Record<string, string> = {};
  for (const variant of variants) {
    const isvc = bucket.apply((b) =>
      buildInferenceService({
        spec,
        variant: { ...variant, modelUri: resolveModelUri(variant.modelUri, b) },
        pool: servingPool,
        namespace: ns,
        serviceAccountName,
      }),
    );
    const vLabels = variantLabels(spec, variant.name);
    new k8s.apiextensions.CustomResource(
      variantChildName(name, "isvc", variant.name),
      {
        apiVersion: "serving.kserve.io/v1beta1",
        kind: "InferenceService",
        metadata: isvc.apply((o) => o.metadata as k8s.types.input.meta.v1.ObjectMeta),
        spec: isvc.apply((o) => o.spec),
      },
      inNsCrd,
    );
    inferenceServices[variant.name] = variant.isvcName;
    const scaled = buildScaledObject({
      model: spec.name,
      runtime: spec.serving.runtime,
      servedModel: spec.serving.servedModel,
      variant: variant.name,
      isvcName: variant.isvcName,
      namespace: ns,
      labels: vLabels,
      minReplicas: variant.replicas.min,
      maxReplicas: variant.replicas.max,
      rpsPerReplica: spec.serving.rpsPerReplica,
      targetUtilization: spec.serving.targetUtilization,
      extraTriggers: args.scaling?.extraTriggers?.(variant) ?? [],
      minReplicaOverride: args.scaling?.minReplicaOverride?.(variant),
      tolerance: hpaTolerance(config.cluster.kubernetesVersion),
    });
    new k8s.apiextensions.CustomResource(
      variantChildName(name, "scaler", variant.name),
      scaled as never,
      inNsCrd,
    );
    const pdb = buildPodDisruptionBudget({
      model: spec.name,
      variant: variant.name,
      isvcName: variant.isvcName,
      namespace: ns,
      labels: vLabels,
    });
    new k8s.policy.v1.PodDisruptionBudget(variantChildName(name, "pdb", variant.name), pdb as never, inNs);
  }

  new k8s.apiextensions.CustomResource(
    `${name}-route`,
    buildHttpRoute({
      model: spec.name,
      namespace: ns,
      labels,
      variants,
      gateway: addons.inferenceGateway,
      ...(spec.canary ? { canarySteps: spec.canary.analysis.steps } : {}),
    }) as never,
    inNsCrd,
  );
  new k8s.apiextensions.CustomResource(
    `${name}-podmonitor`,
    buildPodMonitor({ model: spec.name, namespace: ns, labels }) as never,
    inNsCrd,
  );

  let dagId: string | undefined;
  if (spec.training) {
    dagId = createTraining(
      name,
      { ...args, spec: { ...spec, training: spec.training } },
      ns,
      serviceAccountName,
      labels,
      inNs,
    );
  }
  return { namespace: ns, inferenceServices, trainingDagId: dagId, podRoleArn: role.arn };
}

/** Training DAG ConfigMap (in Airflow's namespace) and the RBAC that lets Airflow run pods here. */
function createTraining(
  name: string,
  args: ModelStackArgs & { spec: ModelSpec & { training: NonNullable<ModelSpec["training"]> } },
  ns: string,
  serviceAccountName: string,
  labels: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): string {
  const { spec, config, addons } = args;
  const pool = poolNamed(config, spec.training.gpu.pool);
  const dagId = trainingDagId(spec.name);
  const dag = addons.mlflowTrackingUri.apply((uri) =>
    buildTrainingDag({
      spec,
      pool,
      timeZone: config.timeZone,
      mlflowTrackingUri: uri,
      namespace: ns,
      serviceAccountName,
    }),
  );
  new k8s.core.v1.ConfigMap(
    `${name}-dag`,
    {
      metadata: {
        name: `dag-${spec.name}`,
        namespace: NAMESPACES.airflow,
        labels: { ...labels, [AIRFLOW_DAG_LABEL.key]: AIRFLOW_DAG_LABEL.value },
      },
      data: { [`${dagId}.py`]: dag },
    },
    { parent: opts.parent },
  );
  // KubernetesPodOperator creates, watches, reads logs of and deletes pods in the model namespace.
  const role = new k8s.rbac.v1.Role(
    `${name}-airflow-role`,
    {
      metadata: { name: "airflow-pod-launcher", namespace: ns, labels },
      rules: [
        {
          apiGroups: [""],
          resources: ["pods"],
          verbs: ["create", "get", "list", "watch", "delete", "patch"],
        },
        { apiGroups: [""], resources: ["pods/log"], verbs: ["get", "list"] },
        { apiGroups: [""], resources: ["pods/exec"], verbs: ["create", "get"] },
        { apiGroups: [""], resources: ["events"], verbs: ["list", "watch"] },
      ],
    },
    opts,
  );
  new k8s.rbac.v1.RoleBinding(
    `${name}-airflow-binding`,
    {
      metadata: { name: "airflow-pod-launcher", namespace: ns, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "airflow-pod-launcher" },
      // Every service account of Airflow's namespace: the chart's scheduler/worker names vary by executor.
      subjects: [
        {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "Group",
          name: `system:serviceaccounts:${NAMESPACES.airflow}`,
        },
      ],
    },
    { ...opts, dependsOn: [role] },
  );
  return dagId;
}

function poolNamed(config: StackConfig, pool: string): GpuPool {
  const found = config.gpuPools.find((p) => p.name === pool);
  // validateModelSpecs rejects unknown pools; reaching this means an unvalidated spec.
  if (!found) throw new Error(`GPU pool ${pool} is not in the stack config`);
  return found;
}
