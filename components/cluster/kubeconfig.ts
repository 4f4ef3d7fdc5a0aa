/**
 * Kubeconfig of a created EKS cluster. Authentication runs `aws eks get-token` at use time, so the
 * file holds no credential and tokens are always fresh (they expire after 15 minutes).
 */

/** Inputs of `eksKubeconfig`. */
export interface KubeconfigInputs {
  readonly clusterName: string;
  readonly endpoint: string;
  /** Base64 certificate authority data of the cluster. */
  readonly certificateAuthorityData: string;
  readonly region: string;
}

/** Kubeconfig (as an object; serialise with JSON.stringify) using the `aws` CLI exec plugin. */
export function eksKubeconfig(k: KubeconfigInputs): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: k.clusterName,
        cluster: { server: k.endpoint, "certificate-authority-data": k.certificateAuthorityData },
      },
    ],
    contexts: [{ name: k.clusterName, context: { cluster: k.clusterName, user: k.clusterName } }],
    "current-context": k.clusterName,
    users: [
      {
        name: k.clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: [
              "eks",
              "get-token",
              "--cluster-name",
              k.clusterName,
              "--region",
              k.region,
              "--output",
              "json",
            ],
            interactiveMode: "Never",
          },
        },
      },
    ],
  };
}
