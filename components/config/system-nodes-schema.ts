/**
 * Schema of `cluster.systemNodes`, the EKS managed node group that runs the platform's add-ons. Its
 * own file so stack-schema.ts stays under 400 lines.
 */
import { z } from "zod";
import { strictObject } from "./zod-problems";

/**
 * Most nodes `systemNodes` may name (`minSize`, `desiredSize`, `maxSize`): the default of EKS's
 * quota "Nodes per managed node group" (Service Quotas L-BD136A63, 450). Above the account's quota
 * CreateNodegroup fails at `pulumi up`, after the plan passed; the group only runs the add-ons
 * (prod has at most 6), so a larger number is a typo - one that would otherwise reach the cluster.
 * The quota can be raised; this bound is then the line to change, with the reason.
 */
export const MAX_SYSTEM_NODES = 450;
const nodesMessage = `must be at most ${MAX_SYSTEM_NODES} nodes (EKS's default quota of nodes per managed node group; the system nodes run only the add-ons)`;
const nodeCount = (dflt: number) => z.number().int().min(1).max(MAX_SYSTEM_NODES, nodesMessage).default(dflt);

/** `cluster.systemNodes`; `minSize <= desiredSize <= maxSize` is checked in cluster-config-checks.ts. */
export const systemNodes = strictObject({
  instanceTypes: z
    .array(
      z
        .string()
        .regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "must be an EC2 instance type such as m6i.xlarge")
        // Accelerated families (p, g, gr, inf, trn, dl, f, vt): system add-ons would hold their
        // GPUs, which Karpenter's GPU pools cannot use, at several times a general node's price.
        .regex(
          /^(?!(p|g|gr|inf|trn|dl|f|vt)\d)/,
          "must be a general-purpose instance type (m, c, r, t families): system nodes do not use accelerators",
        ),
    )
    .min(1)
    .default(["m6i.xlarge"]),
  minSize: nodeCount(2),
  desiredSize: nodeCount(2),
  maxSize: nodeCount(4),
}).default({ instanceTypes: ["m6i.xlarge"], minSize: 2, desiredSize: 2, maxSize: 4 });
