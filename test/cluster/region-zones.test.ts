/**
 * The offline mock answers getAvailabilityZones with the region's own zones: a stack in a four-zone
 * region (us-west-2) may span four zones offline as it may under `pulumi up`, and a three-zone
 * region still refuses a fourth.
 */
import { recordingMocks } from "../../tools/offline/mock-cloud";
import { regionZoneNames, zoneIdPrefix } from "../../tools/offline/region-zones";
import { buildCluster, ofType, stackConfig } from "./harness";

const ZONES_TOKEN = "aws:index/getAvailabilityZones:getAvailabilityZones";

function zonesOf(region: string): { names: string[]; zoneIds: string[] } {
  const { names, zoneIds } = recordingMocks([], region).call({ token: ZONES_TOKEN, inputs: {} }) as {
    names: string[];
    zoneIds: string[];
  };
  return { names, zoneIds };
}

describe("mock availability zones per region", () => {
  test("us-west-2 reports its four standard zones with its own zone IDs", () => {
    expect(zonesOf("us-west-2")).toEqual({
      names: ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"],
      zoneIds: ["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"],
    });
  });

  test("us-east-1 reports six zones and ap-southeast-1 three", () => {
    expect(zonesOf("us-east-1").names).toHaveLength(6);
    expect(zonesOf("ap-southeast-1").names).toEqual(regionZoneNames("ap-southeast-1"));
    expect(zonesOf("ap-southeast-1").zoneIds).toEqual(["apse1-az1", "apse1-az2", "apse1-az3"]);
  });

  test.each([
    ["ap-southeast-1", "apse1"],
    ["eu-central-1", "euc1"],
    ["ap-northeast-2", "apne2"],
    ["us-gov-west-1", "usgw1"],
  ])("zone IDs of %s start with %s", (region, prefix) => {
    expect(zoneIdPrefix(region)).toBe(prefix);
  });
});

describe("a four-zone VPC in us-west-2", () => {
  test("puts a private subnet in each of the region's four zones", async () => {
    const staging = stackConfig("staging");
    const config = {
      ...staging,
      region: "us-west-2",
      cluster: { ...staging.cluster, availabilityZones: 4 },
    };
    const built = await buildCluster("dev", config);
    const zones = ofType(built, "aws:ec2/subnet:Subnet")
      .filter((s) => s.name.includes("-private-"))
      .map((s) => s.inputs.availabilityZone)
      .sort();
    expect(zones).toEqual(["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"]);
  });
});
