/**
 * Subnet layout of the platform VPC, as a pure function so the plan, the tests and `pulumi up` agree
 * on every CIDR before anything is created.
 *
 * Layout: the VPC is cut into 8 equal blocks (prefix + 3). Zone `i` gets private block `i` for its
 * nodes; with the VPC CNI every pod takes a VPC address, so node subnets need the big blocks (a /16
 * gives each zone a /19, 8,187 usable addresses). The last block is cut again into 8 public subnets
 * (prefix + 6: a /22 in a /16), enough for NAT gateways and load-balancer ENIs. Six zones at most, so
 * the private blocks never reach the public one.
 */
import { isCidr } from "../config/stack-schema";

/** CIDRs of one zone's subnets. */
export interface ZoneSubnets {
  readonly zoneIndex: number;
  readonly publicCidr: string;
  readonly privateCidr: string;
}

/** Most zones the layout supports: private blocks 0..5, public subnets from block 7. */
export const MAX_ZONES = 6;
/** Longest VPC prefix: public subnets get prefix + 6, and AWS subnets are at most /28. */
export const MAX_VPC_PREFIX = 22;

/**
 * The public and private subnet CIDRs of each of `zones` zones in `vpcCidr`. Throws with the bad value
 * and what is allowed when the CIDR is malformed, too small, or there are too many zones.
 */
export function subnetCidrs(vpcCidr: string, zones: number): ZoneSubnets[] {
  if (!isCidr(vpcCidr)) throw new Error(`vpcCidr "${vpcCidr}" is not an IPv4 CIDR such as 10.40.0.0/16`);
  const [address, prefixText] = vpcCidr.split("/");
  const prefix = Number(prefixText);
  if (prefix < 16 || prefix > MAX_VPC_PREFIX) {
    throw new Error(
      `vpcCidr "${vpcCidr}": prefix /${prefix} is not supported; AWS allows VPCs of /16 to /28 and this layout needs at least /${MAX_VPC_PREFIX} (public subnets are /${prefix}+6)`,
    );
  }
  if (!Number.isInteger(zones) || zones < 1 || zones > MAX_ZONES) {
    throw new Error(`availabilityZones ${zones}: the subnet layout supports 1 to ${MAX_ZONES} zones`);
  }
  const base = toInt(address);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) {
    throw new Error(
      `vpcCidr "${vpcCidr}" has host bits set; did you mean ${toIp(base - (base % size))}/${prefix}?`,
    );
  }
  const privateSize = size / 8;
  const publicSize = size / 64;
  const publicBase = base + 7 * privateSize;
  return Array.from({ length: zones }, (_, i) => ({
    zoneIndex: i,
    privateCidr: `${toIp(base + i * privateSize)}/${prefix + 3}`,
    publicCidr: `${toIp(publicBase + i * publicSize)}/${prefix + 6}`,
  }));
}

function toInt(ip: string): number {
  return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}
