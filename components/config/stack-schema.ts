/**
 * Schema of the stack config (`Pulumi.<stack>.yaml`, keys prefixed `mlops-platform:`) and the
 * cross-field checks zod cannot express. Pure: `validateStackConfig` takes the raw key/value map, so
 * the offline tools and the tests use it without a Pulumi runtime.
 */
import { Region as AwsRegion } from "@pulumi/aws/types/enums";
import { distance } from "fastest-levenshtein";
import { z } from "zod";
import { GPU_INSTANCE_TYPES, gpuInstanceType, supportsMigProfile } from "../capacity/instance-catalog";
import {
  Check,
  ConfigValidationError,
  listedTwice,
  perElement,
  Problem,
  problemsBeyondSchema,
  RejectedFieldRead,
  runChecks,
  strictObject,
  zodProblems,
} from "./errors";
import { parseZonedTime } from "./iso-time";
import { subnetCidrs } from "../cluster/subnet-cidrs";
import { MIN_IPV4_PREFIX, MIN_IPV6_PREFIX, openToTheInternet } from "./open-cidr";
import { AIRFLOW_DAG_LABEL } from "../addons/addons-context";

/** The Pulumi config namespace of this project. */
export const CONFIG_NAMESPACE = "mlops-platform";

const dnsLabel = z
  .string()
  .regex(
    /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/,
    "must be a DNS-1123 label: lower-case letters, digits and '-', at most 63",
  );

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

const sharing = z.discriminatedUnion("mode", [
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
]);

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

const gpuPool = strictObject({
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
  minGpus: z.number().int().min(0).default(0),
  maxGpus: z.number().int().min(1),
  /** Seconds from a pending pod to a ready GPU node: EC2 launch, AMI boot, driver and device plugin. */
  // At most an hour: beyond that the value is milliseconds typed as seconds, and the forecast's lead
  // window would reach past its own history (a negative offset, looking into the future).
  provisioningSeconds: z
    .number()
    .int()
    .min(0)
    .max(3600, "must be at most 3600 seconds (no GPU node takes an hour to join; milliseconds?)")
    .default(180),
  /** Karpenter `consolidateAfter`: how long a node must be underused before it is removed. */
  consolidateAfter: z
    .string()
    .regex(/^\d+(s|m|h)$/, "must be a duration such as 30s, 5m or 1h")
    .default("5m"),
});

const existingCluster = strictObject({
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
    .string()
    .regex(/^1\.\d{2}$/, "must be a Kubernetes minor version such as 1.35")
    .default("1.35"),
  vpcCidr: cidr.default("10.40.0.0/16"),
  availabilityZones: z.number().int().min(2, "the VPC spans at least two zones").max(6).default(3),
  endpoint: strictObject({
    privateAccess: z.boolean().default(true),
    /** CIDRs allowed to reach the public endpoint; empty = public endpoint off. */
    publicAccessCidrs: z.array(cidr).default([]),
  }).default({ privateAccess: true, publicAccessCidrs: [] }),
  systemNodes: strictObject({
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
    minSize: z.number().int().min(1).default(2),
    desiredSize: z.number().int().min(1).default(2),
    maxSize: z.number().int().min(1).default(4),
  }).default({ instanceTypes: ["m6i.xlarge"], minSize: 2, desiredSize: 2, maxSize: 4 }),
  /** IAM principals given cluster-admin through EKS access entries (the platform team's role). */
  adminPrincipalArns: z
    .array(
      z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, "must be an IAM role or user ARN"),
    )
    .default([]),
  existing: existingCluster.optional(),
});

/** Minimum automated-backup retention, in days (the policy pack enforces the same floor). */
export const MIN_BACKUP_RETENTION_DAYS = 7;

const addonDatabase = strictObject({
  instanceClass: z
    .string()
    .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "must be an RDS instance class such as db.t4g.medium")
    .default("db.t4g.medium"),
  allocatedStorageGiB: z.number().int().min(20).default(50),
  /** Days of automated backups (RDS allows 0-35); the policy pack requires >= 7 as well. */
  backupRetentionDays: z
    .number()
    .int()
    .min(
      MIN_BACKUP_RETENTION_DAYS,
      `must be >= ${MIN_BACKUP_RETENTION_DAYS}: point-in-time recovery needs a week of automated backups`,
    )
    .max(35, "must be <= 35 (RDS's longest automated-backup retention)")
    .default(MIN_BACKUP_RETENTION_DAYS),
  multiAz: z.boolean().default(false),
});
const dbDefaults = {
  instanceClass: "db.t4g.medium",
  allocatedStorageGiB: 50,
  backupRetentionDays: 7,
  multiAz: false,
};

const addons = strictObject({
  monitoring: strictObject({
    retention: z
      .string()
      .regex(/^\d+[dhw]$/, "must be a Prometheus duration such as 15d")
      .default("15d"),
    storageGiB: z.number().int().min(10).default(100),
    grafanaAdminUser: z.string().default("admin"),
  }).default({ retention: "15d", storageGiB: 100, grafanaAdminUser: "admin" }),
  mlflow: strictObject({ database: addonDatabase.default(dbDefaults) }).default({ database: dbDefaults }),
  airflow: strictObject({
    database: addonDatabase.default(dbDefaults),
    /**
     * Reserved for git-sync DAG delivery, which is not supported yet: refused here (a team would wonder
     * why their DAGs never appear), before any resource is declared.
     */
    dagsGitRepo: z
      .unknown()
      .refine(
        (v) => v === undefined,
        `git-sync DAG delivery is not supported yet; DAGs come from ConfigMaps labelled ${AIRFLOW_DAG_LABEL.key}=${AIRFLOW_DAG_LABEL.value} in the airflow namespace. Remove the key.`,
      )
      .optional(),
  }).default({ database: dbDefaults }),
  kubeflowPipelines: strictObject({ enabled: z.boolean().default(true) }).default({ enabled: true }),
}).default({
  monitoring: { retention: "15d", storageGiB: 100, grafanaAdminUser: "admin" },
  mlflow: { database: dbDefaults },
  airflow: { database: dbDefaults },
  kubeflowPipelines: { enabled: true },
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

const event = strictObject({
  name: dnsLabel,
  start: isoDate,
  end: isoDate,
  trafficMultiplier: z.number().min(1).max(50),
});

const receiver = strictObject({
  kind: z.enum(["webhook", "wechat", "dingtalk", "email"]),
  /** Secret stack config key holding the webhook URL (webhook, wechat, dingtalk). */
  urlSecret: secretKeyName.optional(),
  /** Address for e-mail receivers. */
  to: z.string().email().optional(),
});

const alerting = strictObject({
  /** Team that receives platform alerts and any team without its own receiver. */
  platformTeam: dnsLabel.default("ml-platform"),
  /** Receivers per team name. */
  receivers: z.record(z.string(), receiver).default({}),
  email: strictObject({
    // Alertmanager needs host:port, and credentials here would be written to its config in plain text.
    smarthost: z
      .string()
      .regex(
        /^[A-Za-z0-9.-]+:\d{1,5}$/,
        "must be host:port such as smtp.example.com:587, without credentials",
      ),
    from: z.string().email(),
  }).optional(),
  /** Minimum time between two retraining runs that alerts start for one model. */
  retrainCooldown: z
    .string()
    .regex(/^\d+[mh]$/, "must be a duration such as 6h or 90m")
    .default("6h"),
});

/** AWS regions as the pinned `@pulumi/aws` knows them (its `Region` enum, kept with the provider). */
export const AWS_REGIONS: readonly string[] = Object.values(AwsRegion);

/**
 * Why `region` is not one AWS knows, naming the nearest when it looks like a typo: a misspelt region
 * (`ap-southeast-l`) would otherwise fail only at `pulumi up`, from the provider.
 */
export function regionProblem(region: string): string | undefined {
  if (AWS_REGIONS.includes(region)) return undefined;
  const nearest = [...AWS_REGIONS].sort((a, b) => distance(a, region) - distance(b, region))[0];
  return distance(nearest, region) <= 2
    ? `is not an AWS region (did you mean ${nearest}?)`
    : `must be an AWS region such as ap-southeast-1 (one of the ${AWS_REGIONS.length} that @pulumi/aws knows)`;
}

/** Most declared events a stack may have (`events`). */
export const MAX_EVENTS = 48;

/** The whole stack config after defaults. */
export const stackConfigSchema = strictObject({
  environment: z.enum(["dev", "staging", "prod"]),
  region: z.string().superRefine((r, ctx) => {
    const problem = regionProblem(r);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
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
  gpuPools: z.array(gpuPool).min(1, "needs at least one GPU pool"),
  addons,
  pricing,
  budget: strictObject({ monthlyGpuCost: z.number().positive() }),
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

/**
 * Validates the raw `mlops-platform:*` values of one stack (prefix stripped) and returns the typed
 * config with defaults, or throws one `ConfigValidationError` listing every problem.
 */
export function validateStackConfig(raw: Record<string, unknown>, file: string): StackConfig {
  try {
    return validateStackConfigValues(raw, file);
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    throw new ConfigValidationError(err.problems.map(withoutCredentials));
  }
}

/**
 * What the model-spec and file checks read of the stack config. A part is there when it parses on
 * its own, so a stack file rejected for something else still has its model specs, secrets and
 * traffic history checked in the same round trip.
 */
export interface StackParts {
  /** The pools without problems of their own. */
  readonly gpuPools?: StackConfig["gpuPools"];
  /**
   * Pools with problems of their own (a MIG profile their GPUs lack, a duplicate name): the specs'
   * checks against them wait, rather than repeat the pool's mistake once per model.
   */
  readonly poolsWithProblems?: readonly string[];
  readonly alerting?: StackConfig["alerting"];
  readonly cluster?: StackConfig["cluster"];
  /** The declared path; `undefined` also when the key itself is wrong. */
  readonly trafficHistory?: string;
}

/**
 * The parts of a raw stack config (`validateStackConfig`'s input) that parse on their own; of the
 * pools, those that `problems` do not name.
 */
function readableStackParts(raw: Record<string, unknown>, problems: readonly Problem[]): StackParts {
  const part = <K extends keyof StackParts & keyof typeof stackConfigSchema.shape>(key: K) => {
    const parsed = stackConfigSchema.shape[key].safeParse(raw[key]);
    return parsed.success ? (parsed.data as StackParts[K]) : undefined;
  };
  const pools = part("gpuPools");
  const faulty = new Set(
    problems.flatMap((p) => {
      const m = /(?:^|:)gpuPools\[(\d+)\]/.exec(p.path ?? "");
      return m ? [Number(m[1])] : [];
    }),
  );
  return {
    gpuPools: pools?.filter((_, i) => !faulty.has(i)),
    poolsWithProblems: pools?.filter((_, i) => faulty.has(i)).map((p) => p.name),
    alerting: part("alerting"),
    cluster: part("cluster"),
    trafficHistory: part("trafficHistory"),
  };
}

/**
 * `validateStackConfig` that reports instead of throwing: the config when it is valid, else its
 * problems; `parts` (the config, or what of it parses on its own) is what the model-spec and file
 * checks that follow run against, so a rejected stack file does not hide their problems.
 */
export function checkStackConfig(
  raw: Record<string, unknown>,
  file: string,
): { config?: StackConfig; parts: StackParts; problems: Problem[] } {
  try {
    const config = validateStackConfig(raw, file);
    return { config, parts: config, problems: [] };
  } catch (err) {
    if (!(err instanceof ConfigValidationError)) throw err;
    return { parts: readableStackParts(raw, err.problems), problems: [...err.problems] };
  }
}

/** Fields whose rejected value may be a credential (a webhook URL, a token in a git URL, SMTP auth). */
const CREDENTIAL_PATHS = /(urlSecret|kubeconfigSecret|dagsGitRepo|smarthost)$/;

/** A problem about a field that may hold a credential, without its value (it reaches CI logs). */
function withoutCredentials(p: Problem): Problem {
  if (!("value" in p) || !CREDENTIAL_PATHS.test(p.path)) return p;
  const { value: _hidden, ...rest } = p;
  return { ...rest, reason: `${p.reason} (value not shown: it may hold a credential)` };
}

function validateStackConfigValues(raw: Record<string, unknown>, file: string): StackConfig {
  const parsed = stackConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const prefix = `${CONFIG_NAMESPACE}:`;
    const problems = zodProblems(file, raw, parsed.error.issues, prefix, stackConfigSchema);
    problems.push(...problemsBeyondSchema(stackConfigSchema, raw, problems, crossFieldChecks(file), prefix));
    throw new ConfigValidationError(problems);
  }
  const problems = crossFieldProblems(parsed.data, file);
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return parsed.data;
}

/** Checks that span fields: pool sizes, known instance types, MIG support, prices, events. */
export function crossFieldProblems(cfg: StackConfig, file: string): Problem[] {
  return runChecks(cfg, crossFieldChecks(file));
}

/**
 * The same checks one by one (and per pool, event or receiver): beside a schema error
 * (`problemsBeyondSchema`) one that needs a rejected field does not silence the others.
 */
export function crossFieldChecks(file: string): Check<StackConfig>[] {
  const at = (path: string) => `${CONFIG_NAMESPACE}:${path}`;
  return [
    (cfg) => duplicateProblems(cfg.gpuPools, file, at("gpuPools"), "pool"),
    (cfg) => perElement(cfg.gpuPools, (pool, i) => poolSizeProblems(pool, file, at(`gpuPools[${i}]`))),
    (cfg) =>
      perElement(cfg.gpuPools, (pool, i) => instanceTypeProblems(cfg, pool, file, at(`gpuPools[${i}]`))),
    // A type listed twice would declare its NodeOverlay twice: pulumi up refuses the duplicate URN.
    (cfg) =>
      perElement(cfg.gpuPools, (pool, i) =>
        listedTwice(pool.instanceTypes, file, at(`gpuPools[${i}].instanceTypes`)),
      ),
    (cfg) =>
      listedTwice(cfg.cluster.systemNodes.instanceTypes, file, at("cluster.systemNodes.instanceTypes")),
    (cfg) => duplicateProblems(cfg.events, file, at("events"), "event"),
    (cfg) => perElement(cfg.events, (e, i) => eventWindowProblems(e, file, at(`events[${i}]`))),
    (cfg) => clusterProblems(cfg.cluster, file, at),
    (cfg) => endpointProblems(cfg.cluster, file, at),
    (cfg) => platformTeamProblems(cfg.alerting, file, at),
    (cfg) => prodReceiverProblems(cfg, file, at),
    (cfg) =>
      perElement(Object.entries(cfg.alerting.receivers), ([team, r]) =>
        receiverProblems(cfg.alerting, team, r, file, at(`alerting.receivers.${team}`)),
      ),
  ];
}

/**
 * Names must be unique: a pool name is a NodePool's, and each event is a KEDA trigger named after
 * it, and trigger names must be unique per ScaledObject.
 */
function duplicateProblems(
  list: readonly { name: string }[],
  file: string,
  path: string,
  what: string,
): Problem[] {
  const seen = new Set<string>();
  return perElement(list, ({ name }, i) => {
    const duplicate = seen.has(name);
    seen.add(name);
    return duplicate
      ? [
          {
            file,
            path: `${path}[${i}].name`,
            value: name,
            reason: `duplicate ${what} name; ${what} names must be unique`,
          },
        ]
      : [];
  });
}

/** The largest total up to `limit` that whole nodes of the given GPU counts make up. */
function largestSum(sizes: readonly number[], limit: number): number {
  // Past the largest size squared every multiple of their gcd is a sum of them (Frobenius).
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = sizes.reduce(gcd);
  if (limit > Math.max(...sizes) ** 2) return Math.floor(limit / g) * g;
  const can = new Uint8Array(limit + 1);
  can[0] = 1;
  for (let n = 1; n <= limit; n++) can[n] = sizes.some((s) => s <= n && can[n - s]) ? 1 : 0;
  let best = limit;
  while (best > 0 && !can[best]) best--;
  return best;
}

function poolSizeProblems(pool: GpuPool, file: string, p: string): Problem[] {
  const problems: Problem[] = [];
  if (pool.maxGpus < pool.minGpus) {
    problems.push({
      file,
      path: `${p}.maxGpus`,
      value: pool.maxGpus,
      reason: `must be >= minGpus (${pool.minGpus})`,
    });
  }
  // Karpenter launches no node that would take the pool past its limit: with eight-GPU nodes only,
  // a maxGpus of 12 stops at 8, while the plan and the budget would count 12.
  const sizes = [...new Set(pool.instanceTypes.map((t) => gpuInstanceType(t)?.gpus ?? 1))];
  const reachable = largestSum(sizes, pool.maxGpus);
  if (reachable < pool.maxGpus) {
    problems.push({
      file,
      path: `${p}.maxGpus`,
      value: pool.maxGpus,
      reason: `cannot be reached with nodes of ${sizes.sort((a, b) => a - b).join(" or ")} GPUs (${pool.instanceTypes.join(", ")}): Karpenter stops at ${reachable}; use a total the nodes make up`,
    });
  }
  // Warm capacity is pause pods that real pods preempt; training pods run at a PriorityClass that
  // never preempts (`preemptionPolicy: Never`, so a job cannot evict serving), so they could not
  // use it: the GPUs would be paid for and every job would still wait for a node of its own.
  if (pool.purpose === "training" && pool.minGpus > 0) {
    problems.push({
      file,
      path: `${p}.minGpus`,
      value: pool.minGpus,
      reason:
        "must be 0 on a training pool: warm capacity is pause pods that serving pods preempt, and training pods never preempt",
    });
  }
  // A training job asks for `training.gpu.count` whole GPUs: slices of one time-shared GPU or MIG
  // devices cannot be combined into them (the device plugin would hand a "2 GPU" job two slices).
  if (pool.purpose === "training" && pool.sharing.mode !== "none") {
    problems.push({
      file,
      path: `${p}.sharing.mode`,
      value: pool.sharing.mode,
      reason: "a training pool gives jobs whole GPUs: use sharing { mode: none }",
    });
  }
  return problems;
}

/** Each instance type is known, supports the pool's MIG profile, and has the prices the pool needs. */
function instanceTypeProblems(cfg: StackConfig, pool: GpuPool, file: string, p: string): Problem[] {
  const at = (path: string) => `${CONFIG_NAMESPACE}:${path}`;
  return perElement(pool.instanceTypes, (type, j) => {
    const known = gpuInstanceType(type);
    if (!known)
      return [
        {
          file,
          path: `${p}.instanceTypes[${j}]`,
          value: type,
          reason: `unknown GPU instance type; supported: ${Object.keys(GPU_INSTANCE_TYPES).join(", ")} (components/capacity/instance-catalog.ts)`,
        },
      ];
    const problems: Problem[] = [];
    if (pool.sharing.mode === "mig" && !supportsMigProfile(type, pool.sharing.profile)) {
      const allowed = Object.keys(known.gpu.migProfiles);
      problems.push({
        file,
        path: `${p}.sharing.profile`,
        value: pool.sharing.profile,
        reason:
          allowed.length === 0
            ? `instance type ${type} (${known.gpu.name}) has no MIG support; MIG needs A100/H100-class instances (p4d, p4de, p5)`
            : `instance type ${type} (${known.gpu.name}) supports MIG profiles ${allowed.join(", ")}`,
      });
    }
    const price = cfg.pricing.instances[type];
    if (!price) {
      problems.push({
        file,
        path: at(`pricing.instances`),
        value: type,
        reason: `no price for instance type ${type} used by pool ${pool.name}`,
      });
    } else if (pool.capacityType === "spot" && price.spot === undefined) {
      problems.push({
        file,
        path: at(`pricing.instances.${type}.spot`),
        reason: `pool ${pool.name} is spot: a spot price is required`,
      });
    }
    return problems;
  });
}

/** Longest declared event, in days (`events[].end` - `start`). */
export const MAX_EVENT_DAYS = 31;

function eventWindowProblems(e: SalesEvent, file: string, p: string): Problem[] {
  const [start, end] = [parseZonedTime(e.start), parseZonedTime(e.end)];
  // A time that is not one is named at its own field.
  if (typeof start === "string" || typeof end === "string") return [];
  if (end.ms <= start.ms)
    return [{ file, path: `${p}.end`, value: e.end, reason: `must be after start (${e.start})` }];
  // An event's KEDA cron and its consolidation freeze recur every year for its whole length: a
  // year-long one would hold the serving nodes' drains for good. Traffic that stays up for more
  // than a month is a new level, which the forecast's trend follows without a declaration.
  if (end.ms - start.ms > MAX_EVENT_DAYS * 86_400_000)
    return [
      {
        file,
        path: `${p}.end`,
        value: e.end,
        reason:
          `must be at most ${MAX_EVENT_DAYS} days after start (${e.start}): an event pre-scales and freezes ` +
          `the serving nodes' consolidation for its whole length every year; a lasting new level needs no event`,
      },
    ];
  return [];
}

function clusterProblems(
  cluster: StackConfig["cluster"],
  file: string,
  at: (path: string) => string,
): Problem[] {
  const problems: Problem[] = [];
  if (cluster.mode === "existing" && !cluster.existing) {
    problems.push({
      file,
      path: at("cluster.existing"),
      reason: `mode existing needs existing {${Object.keys(existingCluster.shape).join(", ")}}`,
    });
  }
  const sys = cluster.systemNodes;
  if (!(sys.minSize <= sys.desiredSize && sys.desiredSize <= sys.maxSize)) {
    // The sizes only: the whole block would print its instance types too.
    problems.push({
      file,
      path: at("cluster.systemNodes"),
      reason: `needs minSize <= desiredSize <= maxSize; has minSize ${sys.minSize}, desiredSize ${sys.desiredSize}, maxSize ${sys.maxSize}`,
    });
  }
  if (cluster.mode === "eks") {
    try {
      subnetCidrs(cluster.vpcCidr, cluster.availabilityZones);
    } catch (err) {
      if (err instanceof RejectedFieldRead) throw err;
      problems.push({
        file,
        path: at("cluster.vpcCidr"),
        value: cluster.vpcCidr,
        reason: (err as Error).message.replace(/^vpcCidr "[^"]*":? ?/, ""),
      });
    }
  }
  return problems;
}

function endpointProblems(
  cluster: StackConfig["cluster"],
  file: string,
  at: (path: string) => string,
): Problem[] {
  const problems: Problem[] = [];
  if (
    cluster.mode === "eks" &&
    !cluster.endpoint.privateAccess &&
    cluster.endpoint.publicAccessCidrs.length === 0
  ) {
    problems.push({
      file,
      path: at("cluster.endpoint"),
      reason: "the API endpoint needs private access or at least one public CIDR",
    });
  }
  cluster.endpoint.publicAccessCidrs.forEach((c, i) => {
    if (openToTheInternet(c))
      problems.push({
        file,
        path: at(`cluster.endpoint.publicAccessCidrs[${i}]`),
        value: c,
        reason: `the API endpoint must not be open to the internet (a prefix shorter than /${MIN_IPV4_PREFIX}, /${MIN_IPV6_PREFIX} for IPv6); list your office/VPN CIDRs`,
      });
  });
  return problems;
}

function platformTeamProblems(
  alerting: StackConfig["alerting"],
  file: string,
  at: (path: string) => string,
): Problem[] {
  const teams = Object.keys(alerting.receivers);
  if (teams.length === 0 || teams.includes(alerting.platformTeam)) return [];
  return [
    {
      file,
      path: at("alerting.platformTeam"),
      value: alerting.platformTeam,
      reason: `has no receiver: platform alerts and every team without its own receiver would go nowhere; receivers: ${teams.join(", ")}`,
    },
  ];
}

/**
 * Prod must page someone: without any receiver Alertmanager's only route has nothing to send to, and
 * every alert is dropped. (Elsewhere it is allowed, a stack being tried out; `plan` says so.)
 */
function prodReceiverProblems(
  cfg: Pick<StackConfig, "environment" | "alerting">,
  file: string,
  at: (path: string) => string,
): Problem[] {
  if (cfg.environment !== "prod" || Object.keys(cfg.alerting.receivers).length > 0) return [];
  return [
    {
      file,
      path: at("alerting.receivers"),
      reason: `prod needs at least the platform team's receiver (alerting.receivers.${cfg.alerting.platformTeam}: kind, urlSecret or to): without one every alert is dropped`,
    },
  ];
}

function receiverProblems(
  alerting: StackConfig["alerting"],
  team: string,
  r: StackConfig["alerting"]["receivers"][string],
  file: string,
  p: string,
): Problem[] {
  const problems: Problem[] = [];
  // A team is a label value and a Secret data key (`<team>-url`): a DNS label, like a spec's `team`.
  if (!dnsLabel.safeParse(team).success)
    problems.push({
      file,
      path: p,
      reason:
        "a team name must be a DNS-1123 label: lower-case letters, digits and '-', as in the model specs",
    });
  if (r.kind === "email" && !r.to)
    problems.push({ file, path: `${p}.to`, reason: "e-mail receivers need `to`" });
  if (r.kind === "email" && !alerting.email)
    problems.push({
      file,
      path: `${CONFIG_NAMESPACE}:alerting.email`,
      reason: "e-mail receivers need alerting.email {smarthost, from}",
    });
  if (r.kind !== "email" && !r.urlSecret)
    problems.push({
      file,
      path: `${p}.urlSecret`,
      reason: `${r.kind} receivers need urlSecret: the secret config key that holds the URL`,
    });
  return problems;
}
