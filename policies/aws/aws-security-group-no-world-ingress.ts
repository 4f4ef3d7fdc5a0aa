/** Internet-wide ingress only to the load-balancer ports; everything else comes from inside the VPC. */
import { ALWAYS_MANDATORY, PlatformPolicy, configWithDefaults, forTypes } from "../lib/platform-policy";
import { openToTheInternet } from "../../components/config/open-cidr";
import { Obj, arr, num, obj, str } from "../lib/values";

/** Tunables. */
export interface WorldIngressConfig {
  /** Ports that may be open to the internet. @default [80, 443] */
  readonly allowedPorts: number[];
}

const DEFAULTS: WorldIngressConfig = { allowedPorts: [80, 443] };

interface Rule {
  readonly where: string;
  readonly cidrs: string[];
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly protocol: string | undefined;
}

function rulesOf(type: string, props: Obj): Rule[] {
  const cidrsOf = (...values: unknown[]) =>
    values
      .flatMap((v) => (Array.isArray(v) ? v : [v]))
      .map(str)
      .filter((c): c is string => c !== undefined);
  switch (type) {
    case "aws:ec2/securityGroup:SecurityGroup":
      return arr(props.ingress).map((r, i) => {
        const o = obj(r);
        return {
          where: `ingress[${i}]`,
          cidrs: cidrsOf(o.cidrBlocks, o.ipv6CidrBlocks),
          from: num(o.fromPort),
          to: num(o.toPort),
          protocol: str(o.protocol),
        };
      });
    case "aws:ec2/securityGroupRule:SecurityGroupRule":
      if (props.type !== "ingress") return [];
      return [
        {
          where: "rule",
          cidrs: cidrsOf(props.cidrBlocks, props.ipv6CidrBlocks),
          from: num(props.fromPort),
          to: num(props.toPort),
          protocol: str(props.protocol),
        },
      ];
    default:
      return [
        {
          where: "rule",
          cidrs: cidrsOf(props.cidrIpv4, props.cidrIpv6),
          from: num(props.fromPort),
          to: num(props.toPort),
          protocol: str(props.ipProtocol),
        },
      ];
  }
}

/** No security-group ingress from 0.0.0.0/0 or ::/0 except on the allowed (load-balancer) ports. */
export const awsSecurityGroupNoWorldIngress: PlatformPolicy = {
  checks:
    "security groups allow internet ingress (0.0.0.0/0, any prefix under /8, IPv6 /16) only on load-balancer ports (default 80, 443)",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "aws-security-group-no-world-ingress",
    description: "Security groups must not allow ingress from 0.0.0.0/0 except on load-balancer ports.",
    enforcementLevel: "mandatory",
    configSchema: {
      properties: {
        allowedPorts: { type: "array", items: { type: "integer" }, default: DEFAULTS.allowedPorts },
      },
    },
    validateResource: forTypes(
      [
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:ec2/securityGroupRule:SecurityGroupRule",
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      ],
      (props, args, report) => {
        const { allowedPorts } = configWithDefaults(args, DEFAULTS);
        for (const rule of rulesOf(args.type, props)) {
          // 0.0.0.0/0, its halves, or any range wider than /8 (`openToTheInternet`).
          const open = rule.cidrs.filter(openToTheInternet);
          if (open.length === 0) continue;
          const allProtocols = rule.protocol === "-1" || rule.protocol === "all";
          const singleAllowedPort =
            !allProtocols &&
            rule.from !== undefined &&
            rule.from === rule.to &&
            allowedPorts.includes(rule.from);
          if (singleAllowedPort) continue;
          const ports = allProtocols ? "all ports" : `ports ${rule.from ?? "?"}-${rule.to ?? "?"}`;
          report(
            `${rule.where} opens ${ports} to ${open.join(", ")}; only ports ${allowedPorts.join(", ")} may face the internet. Restrict the CIDR to the VPC or a load balancer's security group.`,
          );
        }
      },
    ),
  },
};
