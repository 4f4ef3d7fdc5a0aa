/**
 * Every policy of the pack, in the order they are reported. Imported by the pack entry (`index.ts`)
 * and the in-process evaluator; adding a policy means adding its module here.
 */
import { awsEcrRepositoryImmutableAndScanned } from "./aws/aws-ecr-repository-immutable-and-scanned";
import { awsEksControlPlaneLogging } from "./aws/aws-eks-control-plane-logging";
import { awsEksEndpointNotOpenToWorld } from "./aws/aws-eks-endpoint-not-open-to-world";
import { awsEksSecretsEncrypted } from "./aws/aws-eks-secrets-encrypted";
import { awsIamNoWildcardAdmin } from "./aws/aws-iam-no-wildcard-admin";
import { awsKmsKeyRotationEnabled } from "./aws/aws-kms-key-rotation-enabled";
import { awsRdsInstanceBackupRetention } from "./aws/aws-rds-instance-backup-retention";
import { awsRdsInstanceDeletionProtection } from "./aws/aws-rds-instance-deletion-protection";
import { awsRdsInstanceMultiAz } from "./aws/aws-rds-instance-multi-az";
import { awsRdsInstanceNotPubliclyAccessible } from "./aws/aws-rds-instance-not-publicly-accessible";
import { awsRdsInstanceStorageEncrypted } from "./aws/aws-rds-instance-storage-encrypted";
import { awsS3BucketEncryptionUsesKms } from "./aws/aws-s3-bucket-encryption-uses-kms";
import { awsS3BucketHasSecurityCompanions } from "./aws/aws-s3-bucket-has-security-companions";
import { awsS3BucketPolicyDeniesInsecureTransport } from "./aws/aws-s3-bucket-policy-denies-insecure-transport";
import { awsS3BucketVersioningEnabled } from "./aws/aws-s3-bucket-versioning-enabled";
import { awsS3PublicAccessBlockBlocksAll } from "./aws/aws-s3-public-access-block-blocks-all";
import { awsSecurityGroupNoWorldIngress } from "./aws/aws-security-group-no-world-ingress";
import { kubernetesContainerResourcesSet } from "./kubernetes/kubernetes-container-resources-set";
import { kubernetesContainerSecurityContext } from "./kubernetes/kubernetes-container-security-context";
import { kubernetesImagePinned } from "./kubernetes/kubernetes-image-pinned";
import { kubernetesModelNamespaceDefaultDeny } from "./kubernetes/kubernetes-model-namespace-default-deny";
import { kubernetesNoLiteralSecretEnv } from "./kubernetes/kubernetes-no-literal-secret-env";
import { kubernetesServiceAccountTokenNotAutomounted } from "./kubernetes/kubernetes-service-account-token-not-automounted";
import { kubernetesServingContainerProbes } from "./kubernetes/kubernetes-serving-container-probes";
import { kubernetesServingWorkloadHasPdb } from "./kubernetes/kubernetes-serving-workload-has-pdb";
import type { PlatformPolicy } from "./lib/platform-policy";
import { kubernetesGpuPoolRunsOnlyGpuWorkloads } from "./mlops/kubernetes-gpu-pool-runs-only-gpu-workloads";
import { kubernetesGpuWorkloadToleratesGpuTaint } from "./mlops/kubernetes-gpu-workload-tolerates-gpu-taint";
import { kubernetesHelmReleasePinsChartVersion } from "./mlops/kubernetes-helm-release-pins-chart-version";
import { mlopsCanaryTrafficCapped } from "./mlops/mlops-canary-traffic-capped";
import { mlopsGpuCostFitsBudget } from "./mlops/mlops-gpu-cost-fits-budget";
import { mlopsModelGpuDemandFitsPool } from "./mlops/mlops-model-gpu-demand-fits-pool";
import { mlopsModelHasAlertsMonitorAndOwner } from "./mlops/mlops-model-has-alerts-monitor-and-owner";
import { mlopsTrainingRunsPreemptible } from "./mlops/mlops-training-runs-preemptible";

/** The pack's policies. */
export const PLATFORM_POLICIES: readonly PlatformPolicy[] = [
  awsS3PublicAccessBlockBlocksAll,
  awsS3BucketEncryptionUsesKms,
  awsS3BucketVersioningEnabled,
  awsS3BucketPolicyDeniesInsecureTransport,
  awsS3BucketHasSecurityCompanions,
  awsRdsInstanceStorageEncrypted,
  awsRdsInstanceNotPubliclyAccessible,
  awsRdsInstanceBackupRetention,
  awsRdsInstanceDeletionProtection,
  awsRdsInstanceMultiAz,
  awsEksEndpointNotOpenToWorld,
  awsEksSecretsEncrypted,
  awsEksControlPlaneLogging,
  awsKmsKeyRotationEnabled,
  awsIamNoWildcardAdmin,
  awsSecurityGroupNoWorldIngress,
  awsEcrRepositoryImmutableAndScanned,
  kubernetesContainerResourcesSet,
  kubernetesContainerSecurityContext,
  kubernetesImagePinned,
  kubernetesModelNamespaceDefaultDeny,
  kubernetesServingWorkloadHasPdb,
  kubernetesServingContainerProbes,
  kubernetesNoLiteralSecretEnv,
  kubernetesServiceAccountTokenNotAutomounted,
  kubernetesGpuWorkloadToleratesGpuTaint,
  kubernetesGpuPoolRunsOnlyGpuWorkloads,
  kubernetesHelmReleasePinsChartVersion,
  mlopsTrainingRunsPreemptible,
  mlopsCanaryTrafficCapped,
  mlopsModelHasAlertsMonitorAndOwner,
  mlopsModelGpuDemandFitsPool,
  mlopsGpuCostFitsBudget,
];

/** The pack's name, as `pulumi preview --policy-pack` reports it. */
export const POLICY_PACK_NAME = "mlops-platform-policies";
