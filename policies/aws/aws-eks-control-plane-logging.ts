/** All five control-plane log types, so audits and auth failures can be investigated after the fact. */
import { ALWAYS_MANDATORY, PlatformPolicy, forTypes } from "../lib/platform-policy";
import { arr } from "../lib/values";

/** Control-plane log types EKS can ship to CloudWatch (EKS control plane logging docs). */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** The EKS cluster enables every control-plane log type. */
export const awsEksControlPlaneLogging: PlatformPolicy = {
  checks: "EKS enables all five control-plane log types",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "aws-eks-control-plane-logging",
    description: "EKS clusters must enable api, audit, authenticator, controllerManager and scheduler logs.",
    enforcementLevel: "mandatory",
    validateResource: forTypes(["aws:eks/cluster:Cluster"], (props, _a, report) => {
      const enabled = arr(props.enabledClusterLogTypes);
      const missing = EKS_LOG_TYPES.filter((t) => !enabled.includes(t));
      if (missing.length > 0) {
        report(
          `EKS control-plane logs ${missing.join(", ")} are off; set enabledClusterLogTypes to [${EKS_LOG_TYPES.join(", ")}].`,
        );
      }
    }),
  },
};
