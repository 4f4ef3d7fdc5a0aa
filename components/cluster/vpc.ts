/**
 * The platform VPC: public subnets (NAT gateways, internet-facing load balancers) and private subnets
 * (nodes, internal load balancers) in each zone, from `@pulumi/aws` primitives so every piece is
 * visible in the plan and under mocks (awsx's Vpc is a multi-language component: opaque offline).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { subnetCidrs } from "./subnet-cidrs";

/** Arguments of `Vpc`. */
export interface VpcArgs {
  /** VPC CIDR, e.g. `10.40.0.0/16`. */
  readonly cidr: string;
  /** Number of availability zones the subnets span (>= 2 for a highly available control plane). */
  readonly availabilityZones: number;
  /** EKS cluster name: subnet discovery tags for the AWS Load Balancer Controller and Karpenter. */
  readonly clusterName: string;
  /**
   * One NAT gateway per zone (true) or one shared NAT gateway (false).
   *
   * Cost trade-off: a NAT gateway bills per hour (~0.059 USD/h in ap-southeast-1, ~310 CNY a month)
   * plus per GB. One per zone keeps egress (image pulls, S3 without an endpoint, model downloads)
   * working when a zone fails and avoids cross-zone data charges; one shared gateway halves or thirds
   * the fixed cost but a zone outage cuts egress for every zone. Prod takes the former.
   * @default false
   */
  readonly natGatewayPerZone?: boolean;
  /** Tags added to every resource. @default {} */
  readonly tags?: Record<string, string>;
}

/** A VPC with public and private subnets, IGW, NAT gateway(s) and route tables. */
export class Vpc extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** Zone name of each private subnet, same order. */
  readonly zoneNames: pulumi.Output<string[]>;

  constructor(name: string, args: VpcArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:cluster:Vpc", name, {}, opts);
    const out = createVpc(name, args, this);
    this.vpcId = out.vpcId;
    this.publicSubnetIds = out.publicSubnetIds;
    this.privateSubnetIds = out.privateSubnetIds;
    this.zoneNames = out.zoneNames;
    this.registerOutputs({ vpcId: this.vpcId, privateSubnetIds: this.privateSubnetIds });
  }
}

/** Subnet tags that let controllers find the subnets (AWS Load Balancer Controller, Karpenter). */
export function subnetTags(kind: "public" | "private", clusterName: string): Record<string, string> {
  return kind === "public"
    ? { "kubernetes.io/role/elb": "1", [`kubernetes.io/cluster/${clusterName}`]: "shared" }
    : {
        "kubernetes.io/role/internal-elb": "1",
        [`kubernetes.io/cluster/${clusterName}`]: "shared",
        "karpenter.sh/discovery": clusterName,
      };
}

/** Creates the VPC's resources under `parent`. */
export function createVpc(
  name: string,
  args: VpcArgs,
  parent: pulumi.Resource,
): Pick<Vpc, "vpcId" | "publicSubnetIds" | "privateSubnetIds" | "zoneNames"> {
  const layout = subnetCidrs(args.cidr, args.availabilityZones);
  const tags = args.tags ?? {};
  const opts = { parent };
  // Opt-in zones (Local/Wavelength Zones) lack GPU capacity and many services: standard zones only.
  // No `state: "available"` filter: every `pulumi up` reads this list again, and a zone AWS reports
  // as impaired during an event would drop out of it, shifting each later zone to the index before
  // it - every subnet's availabilityZone would change (a replacement of the subnets under the nodes,
  // the control plane and the databases), or the program would fail for too few zones, in the very
  // deploy an incident may need.
  const azs = aws.getAvailabilityZonesOutput(
    { filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
    { parent },
  );
  const zoneName = (i: number) =>
    azs.names.apply((names) => {
      if (names.length <= i) {
        throw new Error(
          // Found only here, where the region's zones are known: named as the config checks name a key.
          `Pulumi.${pulumi.getStack()}.yaml: mlops-platform:cluster.availabilityZones is ${args.availabilityZones}, but the region has only ${names.length} standard zones: lower it to ${names.length} or less`,
        );
      }
      return names[i];
    });

  const vpc = new aws.ec2.Vpc(
    `${name}-vpc`,
    {
      cidrBlock: args.cidr,
      enableDnsHostnames: true, // EKS private endpoint and node registration need DNS hostnames
      enableDnsSupport: true,
      tags: { ...tags, Name: `${args.clusterName}-vpc` },
    },
    opts,
  );
  const igw = new aws.ec2.InternetGateway(
    `${name}-igw`,
    { vpcId: vpc.id, tags: { ...tags, Name: `${args.clusterName}-igw` } },
    opts,
  );
  const publicRt = new aws.ec2.RouteTable(
    `${name}-public-rt`,
    {
      vpcId: vpc.id,
      routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
      tags: { ...tags, Name: `${args.clusterName}-public` },
    },
    opts,
  );

  const publicSubnets = layout.map((z) => {
    const subnet = new aws.ec2.Subnet(
      `${name}-public-${z.zoneIndex}`,
      {
        vpcId: vpc.id,
        cidrBlock: z.publicCidr,
        availabilityZone: zoneName(z.zoneIndex),
        // Nothing launched here needs a public IP by default; NAT gateways get Elastic IPs.
        mapPublicIpOnLaunch: false,
        tags: {
          ...tags,
          ...subnetTags("public", args.clusterName),
          Name: `${args.clusterName}-public-${z.zoneIndex}`,
        },
      },
      opts,
    );
    new aws.ec2.RouteTableAssociation(
      `${name}-public-${z.zoneIndex}`,
      { subnetId: subnet.id, routeTableId: publicRt.id },
      opts,
    );
    return subnet;
  });

  const natCount = args.natGatewayPerZone === true ? layout.length : 1;
  const nats = publicSubnets.slice(0, natCount).map((subnet, i) => {
    const eip = new aws.ec2.Eip(
      `${name}-nat-${i}`,
      { domain: "vpc", tags: { ...tags, Name: `${args.clusterName}-nat-${i}` } },
      opts,
    );
    return new aws.ec2.NatGateway(
      `${name}-nat-${i}`,
      {
        allocationId: eip.id,
        subnetId: subnet.id,
        tags: { ...tags, Name: `${args.clusterName}-nat-${i}` },
      },
      { parent, dependsOn: [igw] },
    );
  });

  const privateSubnets = layout.map((z) => {
    const subnet = new aws.ec2.Subnet(
      `${name}-private-${z.zoneIndex}`,
      {
        vpcId: vpc.id,
        cidrBlock: z.privateCidr,
        availabilityZone: zoneName(z.zoneIndex),
        tags: {
          ...tags,
          ...subnetTags("private", args.clusterName),
          Name: `${args.clusterName}-private-${z.zoneIndex}`,
        },
      },
      opts,
    );
    // Each zone routes through its own NAT gateway when there is one per zone, else the shared one.
    const nat = nats[Math.min(z.zoneIndex, nats.length - 1)];
    const rt = new aws.ec2.RouteTable(
      `${name}-private-rt-${z.zoneIndex}`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
        tags: { ...tags, Name: `${args.clusterName}-private-${z.zoneIndex}` },
      },
      opts,
    );
    new aws.ec2.RouteTableAssociation(
      `${name}-private-${z.zoneIndex}`,
      { subnetId: subnet.id, routeTableId: rt.id },
      opts,
    );
    return subnet;
  });

  return {
    vpcId: vpc.id,
    publicSubnetIds: pulumi.all(publicSubnets.map((s) => s.id)),
    privateSubnetIds: pulumi.all(privateSubnets.map((s) => s.id)),
    zoneNames: pulumi.all(layout.map((z) => zoneName(z.zoneIndex))),
  };
}
