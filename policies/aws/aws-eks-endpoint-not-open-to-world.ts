/** An EKS API open to 0.0.0.0/0 is one leaked credential away from the whole platform. */
import { ALWAYS_MANDATORY, PlatformPolicy, forTypes } from "../lib/platform-policy";
import { arr, at, str } from "../lib/values";

const WORLD = ["0.0.0.0/0", "::/0"];

/** The EKS public endpoint is off, or limited to listed CIDRs none of which is the whole internet. */
export const awsEksEndpointNotOpenToWorld: PlatformPolicy = {
  checks: "EKS API endpoint is private or its public CIDRs exclude 0.0.0.0/0",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "aws-eks-endpoint-not-open-to-world",
    description: "The EKS API endpoint must not be reachable from 0.0.0.0/0.",
    enforcementLevel: "mandatory",
    validateResource: forTypes(["aws:eks/cluster:Cluster"], (props, _a, report) => {
      const vpc = at(props, "vpcConfig");
      // AWS defaults: endpointPublicAccess true, publicAccessCidrs ["0.0.0.0/0"] (EKS cluster endpoint docs).
      if (at(vpc, "endpointPublicAccess") === false) return;
      const cidrs = arr(at(vpc, "publicAccessCidrs")).map(str);
      const open =
        cidrs.length === 0 ? ["0.0.0.0/0 (the AWS default)"] : cidrs.filter((c) => WORLD.includes(c ?? ""));
      if (open.length > 0) {
        report(
          `EKS public endpoint is open to ${open.join(", ")}; set vpcConfig.endpointPublicAccess: false or list office/VPN CIDRs in vpcConfig.publicAccessCidrs (cluster.endpoint.publicAccessCidrs in the stack config).`,
        );
      }
    }),
  },
};
