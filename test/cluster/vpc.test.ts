import * as pulumi from "@pulumi/pulumi";
import { MAX_ZONES, subnetCidrs } from "../../components/cluster/subnet-cidrs";
import { Built, buildCluster, named, ofType, stackConfig } from "./harness";

function range(cidr: string): [number, number] {
  const [ip, prefix] = cidr.split("/");
  const start = ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
  return [start, start + 2 ** (32 - Number(prefix)) - 1];
}

describe("subnetCidrs", () => {
  test("a /16 over three zones gets /19 private and /22 public subnets", () => {
    expect(subnetCidrs("10.40.0.0/16", 3)).toEqual([
      { zoneIndex: 0, privateCidr: "10.40.0.0/19", publicCidr: "10.40.224.0/22" },
      { zoneIndex: 1, privateCidr: "10.40.32.0/19", publicCidr: "10.40.228.0/22" },
      { zoneIndex: 2, privateCidr: "10.40.64.0/19", publicCidr: "10.40.232.0/22" },
    ]);
  });

  test("subnets never overlap and stay inside the VPC for every supported prefix and zone count", () => {
    for (let prefix = 16; prefix <= 22; prefix++) {
      for (let zones = 1; zones <= MAX_ZONES; zones++) {
        const vpc = range(`10.0.0.0/${prefix}`);
        const all = subnetCidrs(`10.0.0.0/${prefix}`, zones)
          .flatMap((z) => [z.privateCidr, z.publicCidr])
          .map(range)
          .sort((a, b) => a[0] - b[0]);
        all.forEach(([s, e], i) => {
          expect(s).toBeGreaterThanOrEqual(vpc[0]);
          expect(e).toBeLessThanOrEqual(vpc[1]);
          if (i > 0) expect(s).toBeGreaterThan(all[i - 1][1]);
        });
      }
    }
  });

  test("a VPC too small for the layout is rejected with the allowed range", () => {
    expect(() => subnetCidrs("10.0.0.0/24", 2)).toThrow(/prefix \/24 is not supported.*at least \/22/);
  });

  test("more zones than the layout holds are rejected", () => {
    expect(() => subnetCidrs("10.0.0.0/16", 7)).toThrow(
      "availabilityZones 7: the subnet layout supports 1 to 6 zones",
    );
  });

  test("host bits in the VPC CIDR are rejected with the corrected network", () => {
    expect(() => subnetCidrs("10.0.1.0/16", 2)).toThrow(/did you mean 10\.0\.0\.0\/16/);
  });
});

describe("Vpc under the mock runtime", () => {
  let staging: Built;
  let prod: Built;
  beforeAll(async () => {
    staging = await buildCluster("staging", stackConfig("staging"));
    prod = await buildCluster("prod", stackConfig("prod"));
  });

  test.each([
    ["staging", 2],
    ["prod", 3],
  ])("%s spans %i zones with one private subnet in each", (stack, zones) => {
    const built = stack === "staging" ? staging : prod;
    const priv = ofType(built, "aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-private-"));
    expect(priv).toHaveLength(zones);
    expect(new Set(priv.map((s) => s.inputs.availabilityZone)).size).toBe(zones);
    expect(zones).toBeGreaterThanOrEqual(2);
  });

  test("the VPC uses the configured CIDR", () => {
    expect(named(prod, "aws:ec2/vpc:Vpc", "-vpc").inputs.cidrBlock).toBe("10.40.0.0/16");
    expect(named(staging, "aws:ec2/vpc:Vpc", "-vpc").inputs.cidrBlock).toBe("10.50.0.0/16");
  });

  test("private subnets carry the internal-elb and Karpenter discovery tags", () => {
    const subnet = named(prod, "aws:ec2/subnet:Subnet", "network-private-0");
    expect(subnet.inputs.tags).toMatchObject({
      "kubernetes.io/role/internal-elb": "1",
      "karpenter.sh/discovery": "mlops-prod",
      "kubernetes.io/cluster/mlops-prod": "shared",
    });
  });

  test("public subnets carry the elb tag and no discovery tag", () => {
    const tags = named(prod, "aws:ec2/subnet:Subnet", "network-public-0").inputs.tags as Record<
      string,
      string
    >;
    expect(tags["kubernetes.io/role/elb"]).toBe("1");
    expect(tags["karpenter.sh/discovery"]).toBeUndefined();
  });

  test("prod has one NAT gateway per zone, staging one shared", () => {
    expect(ofType(prod, "aws:ec2/natGateway:NatGateway")).toHaveLength(3);
    expect(ofType(staging, "aws:ec2/natGateway:NatGateway")).toHaveLength(1);
  });

  test("each prod zone routes egress through its own NAT gateway", () => {
    const nats = ofType(prod, "aws:ec2/natGateway:NatGateway");
    const routeTargets = ofType(prod, "aws:ec2/routeTable:RouteTable")
      .filter((r) => r.name.includes("private-rt"))
      .map((r) => (r.inputs.routes as any[])[0].natGatewayId);
    expect(new Set(routeTargets)).toEqual(new Set(nats.map((n) => n.id)));
  });

  test("the public route table sends 0.0.0.0/0 to the internet gateway", () => {
    const igw = named(prod, "aws:ec2/internetGateway:InternetGateway", "-igw");
    const rt = named(prod, "aws:ec2/routeTable:RouteTable", "public-rt");
    expect(rt.inputs.routes).toEqual([
      expect.objectContaining({ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }),
    ]);
  });
});

describe("Vpc zones do not move with a zone's health", () => {
  // DescribeAvailabilityZones reports a zone under an AWS event as `impaired` (or `information`):
  // the list filtered on `available` then loses it, and every later `pulumi up` (an emergency
  // deploy during that event above all) would see the next zone at its index. Each subnet's
  // availabilityZone would change - a replacement of subnets that hold the nodes, the control
  // plane's ENIs and the databases - or, with fewer zones than configured, the program would fail.
  const zoneAImpaired = (recording: pulumi.runtime.Mocks): pulumi.runtime.Mocks => ({
    newResource: (args) => recording.newResource(args),
    call: (args) => {
      if (args.token !== "aws:index/getAvailabilityZones:getAvailabilityZones") return recording.call(args);
      const all = ["a", "b", "c"];
      const names = (args.inputs.state === "available" ? all.slice(1) : all).map((z) => `ap-southeast-1${z}`);
      return { names, zoneIds: names.map((_, i) => `apse1-az${i + 1}`), id: "ap-southeast-1" };
    },
  });

  test.each([
    ["staging", ["ap-southeast-1a", "ap-southeast-1b"]],
    ["prod", ["ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"]],
  ])("%s keeps its subnets in their zones while zone a is impaired", async (stack, zones) => {
    const built = await buildCluster(stack, stackConfig(stack), { mocks: zoneAImpaired });
    for (const kind of ["private", "public"]) {
      const subnets = ofType(built, "aws:ec2/subnet:Subnet")
        .filter((s) => s.name.includes(`-${kind}-`))
        .sort((x, y) => x.name.localeCompare(y.name));
      expect(subnets.map((s) => s.inputs.availabilityZone)).toEqual(zones);
    }
  });
});
