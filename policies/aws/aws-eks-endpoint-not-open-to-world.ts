/** An EKS API open to 0.0.0.0/0 is one leaked credential away from the whole platform. */
import { ALWAYS_MANDATORY, PlatformPolicy, forTypes } from "../lib/platform-policy";
import { openToTheInternet } from "../../components/config/open-cidr";
import { arr, at, str } from "../lib/values";

/**
 * The EKS public endpoint is off, or limited to listed CIDRs none of which opens it to the internet:
 * `0.0.0.0/0`, its halves `0.0.0.0/1` + `128.0.0.0/1`, or any prefix shorter than /8 (`openToTheInternet`).
 */
export const awsEksEndpointNotOpenToWorld: PlatformPolicy = {
  checks:
    "EKS API endpoint is private or its public CIDRs exclude the internet (0.0.0.0/0, any prefix under /8, IPv6 /16)",
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
        cidrs.length === 0
          ? ["0.0.0.0/0 (the AWS default)"]
          : cidrs.filter((c) => openToTheInternet(c ?? ""));
      if (open.length > 0) {
        report(
          `EKS public endpoint is open to ${open.join(", ")}; set vpcConfig.endpointPublicAccess: false or list office/VPN CIDRs in vpcConfig.publicAccessCidrs (cluster.endpoint.publicAccessCidrs in the stack config).`,
        );
      }
    }),
  },
};
