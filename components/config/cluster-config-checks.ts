/**
 * The stack config's checks of the `cluster` block: mode existing's block, the system node sizes,
 * the VPC CIDR's subnet layout, the API endpoint's access. One function per subject, each run on its
 * own (`crossFieldChecks`): a field the schema rejected (`availabilityZones: 10`, an IPv6 CIDR) gives
 * up only the check that reads it. Separate from stack-config-checks.ts, which lists them all.
 */
import { RejectedFieldRead } from "./beyond-schema";
import type { Problem } from "./errors";
import { subnetCidrs } from "../cluster/subnet-cidrs";
import { MIN_IPV4_PREFIX, MIN_IPV6_PREFIX, openToTheInternet } from "./open-cidr";
import { existingCluster, StackConfig } from "./stack-schema";

/** Mode existing needs its `existing` block. */
export function existingClusterProblems(
  cluster: StackConfig["cluster"],
  file: string,
  at: (path: string) => string,
): Problem[] {
  if (cluster.mode !== "existing" || cluster.existing) return [];
  return [
    {
      file,
      path: at("cluster.existing"),
      reason: `mode existing needs existing {${Object.keys(existingCluster.shape).join(", ")}}`,
    },
  ];
}

/** The system node group needs minSize <= desiredSize <= maxSize. */
export function systemNodeSizeProblems(
  cluster: StackConfig["cluster"],
  file: string,
  at: (path: string) => string,
): Problem[] {
  const sys = cluster.systemNodes;
  if (sys.minSize <= sys.desiredSize && sys.desiredSize <= sys.maxSize) return [];
  // The sizes only: the whole block would print its instance types too.
  return [
    {
      file,
      path: at("cluster.systemNodes"),
      reason: `needs minSize <= desiredSize <= maxSize; has minSize ${sys.minSize}, desiredSize ${sys.desiredSize}, maxSize ${sys.maxSize}`,
    },
  ];
}

/** The VPC CIDR's prefix and host bits, and that it holds the zones' subnets. */
export function vpcCidrProblems(
  cluster: StackConfig["cluster"],
  file: string,
  at: (path: string) => string,
): Problem[] {
  if (cluster.mode !== "eks") return [];
  const vpcCidr = cluster.vpcCidr;
  // A rejected zone count is reported at its own field: the CIDR's prefix and host bits are still
  // checked, with the one zone every layout has.
  let zones = 1;
  try {
    zones = cluster.availabilityZones;
  } catch (err) {
    if (!(err instanceof RejectedFieldRead)) throw err;
  }
  try {
    subnetCidrs(vpcCidr, zones);
    return [];
  } catch (err) {
    return [
      {
        file,
        path: at("cluster.vpcCidr"),
        value: vpcCidr,
        reason: (err as Error).message.replace(/^vpcCidr "[^"]*":? ?/, ""),
      },
    ];
  }
}

/** The API endpoint is reachable: privately or from at least one CIDR. */
export function endpointAccessProblems(
  cluster: StackConfig["cluster"],
  file: string,
  at: (path: string) => string,
): Problem[] {
  if (
    cluster.mode !== "eks" ||
    cluster.endpoint.privateAccess ||
    cluster.endpoint.publicAccessCidrs.length > 0
  )
    return [];
  return [
    {
      file,
      path: at("cluster.endpoint"),
      reason: "the API endpoint needs private access or at least one public CIDR",
    },
  ];
}

/** A public CIDR of the API endpoint, read on its own: one the schema rejected hides no other. */
export function openCidrProblems(
  cidr: string,
  i: number,
  file: string,
  at: (path: string) => string,
): Problem[] {
  if (!openToTheInternet(cidr)) return [];
  return [
    {
      file,
      path: at(`cluster.endpoint.publicAccessCidrs[${i}]`),
      value: cidr,
      reason: `the API endpoint must not be open to the internet (a prefix shorter than /${MIN_IPV4_PREFIX}, /${MIN_IPV6_PREFIX} for IPv6); list your office/VPN CIDRs`,
    },
  ];
}
