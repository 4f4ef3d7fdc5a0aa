/** Envelope encryption of Kubernetes Secrets with a customer KMS key (EKS `encryptionConfig`). */
import { ALWAYS_MANDATORY, PlatformPolicy, forTypes } from "../lib/platform-policy";
import { arr, at, str } from "../lib/values";

/** The EKS cluster envelope-encrypts `secrets` with a KMS key. */
export const awsEksSecretsEncrypted: PlatformPolicy = {
  checks: "EKS envelope-encrypts Kubernetes Secrets with a KMS key",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "aws-eks-secrets-encrypted",
    description: "EKS clusters must envelope-encrypt Kubernetes Secrets with a KMS key.",
    enforcementLevel: "mandatory",
    validateResource: forTypes(["aws:eks/cluster:Cluster"], (props, _a, report) => {
      // aws v7 types encryptionConfig as one object; older shapes used a list.
      const configs = Array.isArray(props.encryptionConfig)
        ? props.encryptionConfig
        : [props.encryptionConfig];
      const ok = configs.some(
        (c) => arr(at(c, "resources")).includes("secrets") && str(at(c, "provider.keyArn")) !== undefined,
      );
      if (!ok) {
        report(
          'EKS secrets are not envelope-encrypted; set encryptionConfig: { resources: ["secrets"], provider: { keyArn: <KMS key ARN> } }.',
        );
      }
    }),
  },
};
