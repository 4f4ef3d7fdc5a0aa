/**
 * All platform add-ons in dependency order, producing the `AddonsContext` the model stacks need.
 * Order matters only where an add-on needs another's CRDs or webhooks: monitoring first (the
 * ServiceMonitor CRD other charts use), cert-manager before KServe (its webhook certificates), KServe
 * before the inference Gateway (the Gateway lives in KServe's namespace).
 */
import * as pulumi from "@pulumi/pulumi";
import type { ClusterContext } from "../cluster/cluster-context";
import type { StackConfig } from "../config/stack-schema";
import { AddonsContext } from "./addons-context";
import { Airflow } from "./airflow";
import { ArtifactBucket } from "./artifact-bucket";
import { CertManager } from "./cert-manager";
import { EnvoyGateway } from "./envoy-gateway";
import { GpuOperator } from "./gpu-operator";
import { Keda } from "./keda";
import { Kserve } from "./kserve";
import { KubeflowPipelines } from "./kubeflow-pipelines";
import { Mlflow } from "./mlflow";
import { Monitoring } from "./monitoring";
import { PriorityClasses } from "./priority-classes";
import { PlatformStorageClass } from "./storage-class";

/** Arguments of `PlatformAddons`. */
export interface PlatformAddonsArgs {
  readonly config: StackConfig;
  readonly cluster: ClusterContext;
  /** Rendered Alertmanager configuration (no secrets: receivers read URLs from mounted files). @default chart default */
  readonly alertmanagerConfigYaml?: pulumi.Input<string>;
  /** Secrets Alertmanager mounts (receiver URL files). @default [] */
  readonly alertmanagerSecretMounts?: readonly string[];
}

/** The add-on layer. */
export class PlatformAddons extends pulumi.ComponentResource {
  readonly context: AddonsContext;
  readonly monitoring: Monitoring;
  readonly airflow: Airflow;
  readonly mlflow: Mlflow;

  constructor(name: string, args: PlatformAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:PlatformAddons", name, {}, opts);
    const built = createPlatformAddons(name, args, this);
    this.context = built.context;
    this.monitoring = built.monitoring;
    this.airflow = built.airflow;
    this.mlflow = built.mlflow;
    this.registerOutputs({
      mlflowTrackingUri: this.context.mlflowTrackingUri,
      artifactBucket: this.context.artifactBucket,
      airflowApi: this.airflow.restApiUrl,
    });
  }
}

/** Creates every add-on under `parent`. */
export function createPlatformAddons(name: string, args: PlatformAddonsArgs, parent: pulumi.Resource) {
  const { config, cluster } = args;
  const k8sOpts = { parent, provider: cluster.kubeProvider, dependsOn: cluster.dependsOn ?? [] };
  const awsK8sOpts = {
    parent,
    providers: [cluster.awsProvider, cluster.kubeProvider],
    dependsOn: cluster.dependsOn ?? [],
  };

  new PriorityClasses(`${name}-priority`, { config }, k8sOpts);
  // Default only on a cluster the platform created (see storage-class.ts).
  const storage = new PlatformStorageClass(`${name}-storage`, { isDefault: cluster.mode === "eks" }, k8sOpts);
  const monitoring = new Monitoring(
    `${name}-monitoring`,
    {
      config,
      alertmanagerConfigYaml: args.alertmanagerConfigYaml,
      alertmanagerSecretMounts: args.alertmanagerSecretMounts,
      dependsOn: [storage.storageClass],
    },
    k8sOpts,
  );
  const gpu = new GpuOperator(`${name}-gpu-operator`, { config, dependsOn: [monitoring.release] }, k8sOpts);
  const keda = new Keda(`${name}-keda`, { config, dependsOn: [monitoring.release] }, k8sOpts);
  const certManager = new CertManager(`${name}-cert-manager`, { config }, k8sOpts);
  const kserve = new Kserve(`${name}-kserve`, { config, dependsOn: [certManager.release] }, k8sOpts);
  const gateway = new EnvoyGateway(
    `${name}-gateway`,
    { config, gatewayNamespace: kserve.namespace },
    k8sOpts,
  );

  const artifacts = new ArtifactBucket(`${name}-artifacts`, { config, cluster }, awsK8sOpts);
  const mlflow = new Mlflow(`${name}-mlflow`, { config, cluster, artifacts }, awsK8sOpts);
  // Their claims name no class (the triggerer's logs, KFP's MySQL and SeaweedFS): the default takes them.
  const withStorage = { dependsOn: [...(cluster.dependsOn ?? []), storage.storageClass] };
  const airflow = new Airflow(
    `${name}-airflow`,
    { config, cluster, logs: artifacts },
    { ...awsK8sOpts, ...withStorage },
  );
  new KubeflowPipelines(`${name}-kfp`, { config, cluster }, { ...k8sOpts, ...withStorage });

  const dependsOn: pulumi.Resource[] = [
    monitoring.release,
    keda.release,
    gpu.release,
    ...kserve.ready,
    gateway.gateway,
    airflow.release,
  ];
  const context: AddonsContext = {
    mlflowTrackingUri: mlflow.trackingUri,
    artifactBucket: artifacts.bucketName,
    artifactBucketArn: artifacts.bucketArn,
    artifactBucketKmsKeyArn: artifacts.kmsKeyArn,
    inferenceGateway: gateway.inferenceGateway,
    dependsOn,
  };
  return { context, monitoring, airflow, mlflow, kserve, keda, gpu };
}
