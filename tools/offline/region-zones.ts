/**
 * How many standard (opt-in-not-required) availability zones each AWS region reports, for the mock
 * `getAvailabilityZones`: the program refuses `cluster.availabilityZones` above the region's count
 * (components/cluster/vpc.ts), and a mock that gave every region three refused a valid four-zone
 * us-west-2 stack offline while passing nothing `pulumi preview` would refuse in its place.
 *
 * Source: the AWS Regions and Availability Zones page (docs.aws.amazon.com/global-infrastructure),
 * December 2026. Where an account may see fewer zones than the region has (us-west-1 shows many
 * accounts two of its three), the larger count is listed: the offline plan must not refuse a stack
 * that `pulumi preview` accepts, and the program's own check names the region's count there.
 */

/** Regions with other than three standard zones; every other region the provider knows has three. */
const ZONE_COUNTS: Readonly<Record<string, number>> = {
  "us-east-1": 6,
  "us-west-2": 4,
  "ap-northeast-2": 4,
};

/** Standard zones of most regions. */
const DEFAULT_ZONES = 3;

/** The zone names the region reports (`us-west-2a` ... `us-west-2d`). */
export function regionZoneNames(region: string): string[] {
  const count = ZONE_COUNTS[region] ?? DEFAULT_ZONES;
  return Array.from({ length: count }, (_, i) => `${region}${String.fromCharCode(97 + i)}`);
}

/**
 * The region's zone-ID prefix as AWS writes it (`ap-southeast-1` -> `apse1`, `us-gov-west-1` ->
 * `usgw1`): the first part whole, each direction by its initials, then the number.
 */
export function zoneIdPrefix(region: string): string {
  const parts = region.split("-");
  const initials = parts.slice(1, -1).map((p) => (p === "gov" ? "g" : abbreviate(p)));
  return [parts[0], ...initials, parts[parts.length - 1]].join("");
}

const DIRECTIONS: Readonly<Record<string, string>> = {
  northeast: "ne",
  northwest: "nw",
  southeast: "se",
  southwest: "sw",
  north: "n",
  south: "s",
  east: "e",
  west: "w",
  central: "c",
};

function abbreviate(part: string): string {
  return DIRECTIONS[part] ?? part;
}
