/**
 * Schema of the stack config (`Pulumi.<stack>.yaml`, keys prefixed `mlops-platform:`) and its types.
 * The add-ons block is in addons-schema.ts, the cross-field checks zod cannot express in
 * stack-config-checks.ts, and `validateStackConfig` in validate-stack-config.ts.
 */
import { z } from "zod";
import { strictObject } from "./zod-problems";
import { parseZonedTime } from "./iso-time";
import { addons } from "./addons-schema";
import { durationSeconds } from "./duration";
import { regionProblem } from "./aws-region";
import { systemNodes } from "./system-nodes-schema";
// Pool, event and team names are labels as model names are.
import { dnsLabel } from "./model-fields";

/** The Pulumi config namespace of this project. */
export const CONFIG_NAMESPACE = "mlops-platform";

const cidr = z
  .string()
  .refine(isCidr, "must be an IPv4 CIDR such as 10.0.0.0/16 (four octets 0-255, prefix 0-32)");

/** True for a well-formed IPv4 CIDR block. */
export function isCidr(value: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  return octets.every((o) => o <= 255) && Number(m[5]) <= 32;
}

// Canonical IANA names only: Node also takes `asia/shanghai` and abbreviations (`CST`, which it
// reads as America/Chicago), but Airflow's pendulum and KEDA's Go time zone database do not.
const timeZone = z.string().superRefine((tz, ctx) => {
  let canonical: string | undefined;
  try {
    canonical = new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    canonical = undefined;
  }
  // Area/Location with capitalised parts (or UTC): Intl's own canonical form is not the test, as it
  // folds valid links (America/Argentina/Buenos_Aires reads as America/Buenos_Aires).
  if (canonical === undefined || !/^([A-Z][A-Za-z_]*(\/[A-Z][A-Za-z0-9_+-]*)+|UTC)$/.test(tz))
    ctx.addIssue({
      code: "custom",
      message:
        canonical && canonical !== tz && canonical.includes("/")
          ? `must be a canonical IANA time zone such as Asia/Shanghai (this reads as ${canonical})`
          : "must be a canonical IANA time zone such as Asia/Shanghai (Area/City, or UTC)",
    });
});

/**
 * Name of a secret stack config key (`pulumi config set --secret <name> <value>`). A URL here would
 * be the secret itself, in plain text in the stack file and in the plan's output.
 */
export const SECRET_KEY_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const secretKeyName = z
  .string()
  .regex(
    SECRET_KEY_NAME,
    "must be the name of a secret config key (letters, digits, - and _), not the value: store the value with pulumi config set --secret <name> <value>",
  );

const sharing = z.discriminatedUnion(
  "mode",
  [
    strictObject({ mode: z.literal("none") }),
    strictObject({
      mode: z.literal("time-slicing"),
      /** Pods that share one physical GPU. */
      replicas: z.number().int().min(2, "time-slicing needs at least 2 replicas per GPU").max(48),
    }),
    strictObject({
      mode: z.literal("mig"),
      /** Single-profile MIG layout applied to every GPU of the pool, e.g. `1g.10gb`. */
      profile: z.string().regex(/^\dg\.\d+gb$/, "must be a MIG profile such as 1g.10gb or 3g.40gb"),
    }),
  ],
  {
    // zod's own words for a value that is not a map name no mode ("a map of fields").
    error: (iss) =>
      (iss as { code: string }).code === "invalid_type" && iss.input !== undefined
        ? "must be a map: {mode: none}, {mode: time-slicing, replicas: <pods per GPU>} or {mode: mig, profile: <MIG profile such as 1g.10gb>}"
        : undefined,
  },
);

/**
 * A canary's traffic held by `npm run promote` (`mlops-platform:canaryTraffic.<model>`): the percent,
 * and the canary version it holds it for. A bare number (written before the version was recorded)
 * holds the level for whatever canary the spec has.
 */
const heldPercent = z.number().int().min(0).max(100);
const heldCanary = z.union(
  [
    heldPercent.transform((percent): { percent: number; modelUri?: string } => ({ percent })),
    strictObject({ percent: heldPercent, modelUri: z.string().min(1).optional() }),
  ],
  {
    error:
      "must be a whole percentage from 0 to 100, or a map with percent, modelUri (written by npm run promote)",
  },
);

/** `canaryTraffic`: the held level per model (also how `npm run promote` reads it back). */
export const canaryTrafficLevels = z.record(z.string(), heldCanary);

/**
 * Most GPUs a pool may hold (`minGpus`, `maxGpus`): 1,250 eight-GPU nodes, a quarter of Kubernetes'
 * tested 5,000 nodes per cluster and far beyond an account's GPU quota; prod's largest pool has 600.
 * The plan packs a pool GPU by GPU, and a minGpus of 200,000,000 ran it out of memory.
 */
export const MAX_POOL_GPUS = 10_000;
const poolGpusMessage = `must be at most ${MAX_POOL_GPUS.toLocaleString("en-US")} GPUs per pool`;
/** Fewest seconds a pool's `provisioningSeconds` may claim a GPU node takes to join. */
export const MIN_PROVISIONING_SECONDS = 30;

/** One `gpuPools` entry (also parsed on its own, so one bad pool leaves the others readable). */
export const gpuPoolSchema = strictObject({
  // The NodePool and EC2NodeClass are `gpu-<name>`, which Karpenter puts in label values
  // (`karpenter.sh/nodepool`, `karpenter.k8s.aws/ec2nodeclass`): at most 63 characters.
  name: dnsLabel.max(
    59,
    "must be at most 59 characters: the pool's NodePool is gpu-<name>, a label value of at most 63",
  ),
  purpose: z.enum(["serving", "training"]),
  instanceTypes: z.array(z.string()).min(1, "needs at least one instance type"),
  capacityType: z.enum(["on-demand", "spot"]).default("on-demand"),
  sharing: sharing.default({ mode: "none" }),
  minGpus: z.number().int().min(0).max(MAX_POOL_GPUS, poolGpusMessage).default(0),
  maxGpus: z.number().int().min(1).max(MAX_POOL_GPUS, poolGpusMessage),
  /** Seconds from a pending pod to a ready GPU node: EC2 launch, AMI boot, driver and device plugin. */
  // At most an hour: beyond that the value is milliseconds typed as seconds, and the forecast's lead
  // window would reach past its own history (a negative offset, looking into the future).
  // At least 30: EC2 launch alone takes longer, and 0 would have the forecast pre-scale no earlier
  // than the load arrives (committed stacks use 150 to 420).
  provisioningSeconds: z
    .number()
    .int()
    .min(
      MIN_PROVISIONING_SECONDS,
      `must be at least ${MIN_PROVISIONING_SECONDS} seconds: no GPU node launches, boots and loads its driver faster (measure it; 180 is typical)`,
    )
    .max(3600, "must be at most 3600 seconds (no GPU node takes an hour to join; milliseconds?)")
    .default(180),
  /** Karpenter `consolidateAfter`: how long a node must be underused before it is removed. */
  consolidateAfter: z
    .string()
    .regex(/^\d+(s|m|h)$/, "must be a duration such as 30s, 5m or 1h")
    .default("5m"),
});

/** `cluster.existing`: the EKS cluster the platform is installed into with `mode: existing`. */
export const existingCluster = strictObject({
  /** Name of the secret stack config key that holds the kubeconfig (set with `pulumi config set --secret`). */
  kubeconfigSecret: secretKeyName.default("kubeconfig"),
  /** Name of the existing EKS cluster: pod-scoped IAM roles are bound to it through EKS Pod Identity. */
  clusterName: z.string().min(1),
  /** VPC of the existing cluster: the MLflow and Airflow databases are placed in it. */
  vpcId: z.string().regex(/^vpc-[0-9a-f]+$/, "must be a VPC id such as vpc-0abc1234"),
  /** Private subnets (at least two zones) for the databases. */
  privateSubnetIds: z
    .array(z.string().regex(/^subnet-[0-9a-f]+$/, "must be a subnet id such as subnet-0abc1234"))
    .min(2, "needs subnets in at least two zones"),
  /** Security group of the cluster's nodes; only it may reach the databases. */
  nodeSecurityGroupId: z.string().regex(/^sg-[0-9a-f]+$/, "must be a security group id such as sg-0abc1234"),
});

const cluster = strictObject({
  mode: z.enum(["eks", "existing"]).default("eks"),
  kubernetesVersion: z
    // Unquoted, YAML reads 1.30 as the number 1.3: say so rather than print 1.3.
    .string({
      error: (issue) =>
        typeof issue.input === "number"
          ? `must be quoted, such as "1.35": YAML reads an unquoted version as a number (1.30 becomes 1.3)`
          : undefined,
    })
    .regex(/^1\.\d{2}$/, "must be a Kubernetes minor version such as 1.35")
    .default("1.35"),
  vpcCidr: cidr.default("10.40.0.0/16"),
  availabilityZones: z.number().int().min(2, "the VPC spans at least two zones").max(6).default(3),
  endpoint: strictObject({
    privateAccess: z.boolean().default(true),
    /** CIDRs allowed to reach the public endpoint; empty = public endpoint off. */
    publicAccessCidrs: z.array(cidr).default([]),
  }).default({ privateAccess: true, publicAccessCidrs: [] }),
  systemNodes,
  /** IAM principals given cluster-admin through EKS access entries (the platform team's role). */
  adminPrincipalArns: z
    .array(
      z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, "must be an IAM role or user ARN"),
    )
    .default([]),
  existing: existingCluster.optional(),
});

const price = strictObject({
  onDemand: z.number().positive(),
  spot: z.number().positive().optional(),
});

const pricing = strictObject({
  currency: z
    .string()
    .refine(
      (c) => Intl.supportedValuesOf("currency").includes(c),
      "must be an ISO 4217 code such as CNY or USD (RMB is written CNY)",
    ),
  /** Hourly price per instance type. */
  instances: z.record(z.string(), price),
});

// With its zone: the KEDA cron triggers and the anomaly rules' quiet windows are rendered from it,
// and a time without one would be read in the zone of whichever machine runs the program.
const isoDate = z.string().superRefine((s, ctx) => {
  const t = parseZonedTime(s);
  if (typeof t === "string") ctx.addIssue({ code: "custom", message: t });
});

/** A sales event's `trafficMultiplier` bounds (`generate-traffic --flash-sale` takes the same). */
export const TRAFFIC_MULTIPLIER_LIMITS = [1, 50] as const;

const event = strictObject({
  name: dnsLabel,
  start: isoDate,
  end: isoDate,
  trafficMultiplier: z.number().min(TRAFFIC_MULTIPLIER_LIMITS[0]).max(TRAFFIC_MULTIPLIER_LIMITS[1]),
});

/** What `to` and `from` take: zod's own "Invalid email address" says nothing of what would do. */
const emailAddress = z.string().email("must be an e-mail address such as alerts@example.com");

// The value is never shown (a team pasting its webhook URL here pastes a credential): the message
// says what each kind needs instead.
const receiver = strictObject(
  {
    kind: z.enum(["webhook", "wechat", "dingtalk", "email"]),
    /** Secret stack config key holding the webhook URL (webhook, wechat, dingtalk). */
    urlSecret: secretKeyName.optional(),
    /** Address for e-mail receivers. */
    to: emailAddress.optional(),
  },
  "must be a map: {kind: webhook, wechat or dingtalk, urlSecret: <name of the secret config key holding the URL>} or {kind: email, to: <address>}; store a URL with pulumi config set --secret <name> <url>",
);

const alerting = strictObject({
  /** Team that receives platform alerts and any team without its own receiver. */
  platformTeam: dnsLabel.default("ml-platform"),
  /** Receivers per team name. */
  receivers: z.record(z.string(), receiver).default({}),
  email: strictObject(
    {
      // Alertmanager needs host:port, and credentials here would be written to its config in plain text.
      smarthost: z
        .string()
        .regex(
          /^[A-Za-z0-9.-]+:\d{1,5}$/,
          "must be host:port such as smtp.example.com:587, without credentials",
        ),
      from: emailAddress,
    },
    "must be a map with smarthost (host:port such as smtp.example.com:587, no credentials) and from (an e-mail address); a password is not read from here",
  ).optional(),
  /** Minimum time between two retraining runs that alerts start for one model. */
  retrainCooldown: z
    .string()
    .regex(/^\d+[mh]$/, "must be a duration such as 6h or 90m")
    // 0 would start a run at every firing of a drift alert, which fires on until the model changes.
    .refine((d) => !/^\d+[mh]$/.test(d) || durationSeconds(d) >= 1800, "must be at least 30m")
    .default("6h"),
  /**
   * Where `docs/runbooks.md` of this repository is browsable, e.g.
   * `https://github.com/<org>/mlops-platform/blob/main/docs/runbooks.md`: every alert's
   * `runbook_url` is this URL with its section's anchor appended. Without it the links are the
   * repository path `docs/runbooks.md#<anchor>`.
   */
  runbookBaseUrl: z
    .string()
    .superRefine((url, ctx) => {
      const problem = runbookBaseUrlProblem(url);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .optional(),
});

/**
 * Why `url` cannot be the runbooks' base URL: not an http(s) URL, a `#fragment` (each alert's
 * section anchor is appended), or credentials (the URL is in every alert, on every receiver).
 */
export function runbookBaseUrlProblem(url: string): string | undefined {
  const allowed =
    "must be an http(s) URL of the runbooks where the repository is browsable, such as https://github.com/<org>/mlops-platform/blob/main/docs/runbooks.md";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return allowed;
  }
  if ((parsed.protocol !== "http:" && parsed.protocol !== "https:") || !parsed.hostname) return allowed;
  if (parsed.username || parsed.password)
    return "must not carry credentials (user:password@): it is copied into every alert's runbook_url";
  if (url.includes("#"))
    return "must not have a #fragment: each alert's runbook_url appends its section's anchor (#<anchor>)";
  return undefined;
}

/** Most declared events a stack may have (`events`). */
export const MAX_EVENTS = 48;

/** The whole stack config after defaults. */
export const stackConfigSchema = strictObject({
  environment: z.enum(["dev", "staging", "prod"]),
  // Described: a key left unset is told what it must be, not only "a string" or "a list".
  region: z
    .string()
    .superRefine((r, ctx) => {
      const problem = regionProblem(r);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .describe("an AWS region such as ap-southeast-1"),
  timeZone: timeZone.default("Asia/Shanghai"),
  cluster: cluster.default({
    mode: "eks",
    kubernetesVersion: "1.35",
    vpcCidr: "10.40.0.0/16",
    availabilityZones: 3,
    endpoint: { privateAccess: true, publicAccessCidrs: [] },
    systemNodes: { instanceTypes: ["m6i.xlarge"], minSize: 2, desiredSize: 2, maxSize: 4 },
    adminPrincipalArns: [],
  }),
  gpuPools: z
    .array(gpuPoolSchema)
    .min(1, "needs at least one GPU pool")
    .describe(
      "a list of GPU pools, each a map with name, purpose (serving or training), instanceTypes, maxGpus",
    ),
  addons,
  pricing,
  budget: strictObject({ monthlyGpuCost: z.number().positive() }),
  /** The registry host (and optional path) a spec's `<registry>/...` image stands for (image-registry.ts). */
  imageRegistry: z
    .string()
    .regex(
      /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|localhost)(?::\d{1,5})?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/,
      "must be a registry host with an optional :port and path, such as 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com",
    )
    .optional(),
  /**
   * Per-minute traffic of the stack's models (a traffic CSV, path relative to the project root): the
   * load `plan` and the budget policy cost the serving pools at. Without it they assume the models'
   * replica bounds.
   */
  trafficHistory: z
    .string()
    .regex(
      /^(?!.*\.\.)[^/][\w./-]*\.csv$/,
      "must be a relative path inside the project to a .csv file such as models/traffic/sample-week.csv",
    )
    .optional(),
  /**
   * Declared sales events. At most 48: each becomes a disruption budget of every serving NodePool
   * (the sale's consolidation freeze) beside its two own, and the Karpenter NodePool CRD takes at
   * most 50 budgets.
   */
  events: z
    .array(event)
    .max(
      MAX_EVENTS,
      `at most ${MAX_EVENTS}: each is a Karpenter disruption budget of the serving NodePools, which take 50; drop past events`,
    )
    .default([]),
  alerting: alerting.default({ platformTeam: "ml-platform", receivers: {}, retrainCooldown: "6h" }),
  /**
   * Canary traffic per model set by `npm run promote` through the Automation API while a promotion is
   * in progress; overrides the spec's `canary.trafficPercent` (0 removes the canary) while the spec's
   * canary is the version it was set for. Not hand-edited.
   */
  canaryTraffic: canaryTrafficLevels.default({}),
});

/** Validated stack config. */
export type StackConfig = z.infer<typeof stackConfigSchema>;
/** A canary traffic level held by `npm run promote`, as validated. */
export type HeldCanary = z.infer<typeof heldCanary>;

/** Whether a held level is for the canary `modelUri` (a level without a version holds for any). */
export function heldForCanary(held: HeldCanary, modelUri: string): boolean {
  return held.modelUri === undefined || held.modelUri === modelUri;
}
/** One GPU pool of the stack. */
export type GpuPool = StackConfig["gpuPools"][number];
/** GPU sharing settings of a pool. */
export type GpuSharing = GpuPool["sharing"];
/** A declared sales event. */
export type SalesEvent = StackConfig["events"][number];
