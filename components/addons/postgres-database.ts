/**
 * An RDS PostgreSQL instance for one add-on (MLflow's backend store, Airflow's metadata DB) and the
 * Kubernetes Secret its consumers read the credentials from.
 *
 * Password: a `random.RandomPassword`, not RDS's `manageMasterUserPassword`. The managed password
 * lives in Secrets Manager and rotates every 7 days by default; nothing in the cluster (no External
 * Secrets Operator) would carry a rotated password into the Kubernetes Secret, and Airflow's
 * connection-string Secret would go stale. The generated password is a Pulumi secret (encrypted in
 * state) and reaches the cluster only inside a Kubernetes Secret, never a Helm value, output or log.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ClusterContext } from "../cluster/cluster-context";
import { ConfigValidationError, Problem } from "../config/errors";
import { PROJECT_ROOT_ENV, stackFileLabel } from "../config/load";
import { CONFIG_NAMESPACE, StackConfig } from "../config/stack-schema";
import { POSTGRES_ENGINE_VERSION } from "./data-versions";

/** Keys of the credentials Secret. */
export const DATABASE_SECRET_KEYS = {
  username: "username",
  password: "password",
  host: "host",
  port: "port",
  dbName: "dbname",
  /** SQLAlchemy URL `postgresql://user:password@host:port/db?sslmode=require` (Airflow's `connection` key). */
  connection: "connection",
} as const;

/** Add-ons that own a database block in the stack config. */
export type DatabaseAddon = "mlflow" | "airflow";

/** Arguments of `PostgresDatabase`. */
export interface PostgresDatabaseArgs {
  readonly config: StackConfig;
  readonly cluster: ClusterContext;
  /** Whose settings apply: `config.addons.<addon>.database`. */
  readonly addon: DatabaseAddon;
  /** Database created in the instance; a PostgreSQL identifier (letters, digits, `_`). */
  readonly dbName: string;
  /** Master user name; lower-case letters, digits and `_`, at most 16, not `rdsadmin`/`postgres`. */
  readonly username: string;
  /** Namespace of the consumer, where the credentials Secret is created (pass the Namespace's output). */
  readonly secretNamespace: pulumi.Input<string>;
  /** Name of the credentials Secret. @default `${dbName}-database` with `_` turned into `-` */
  readonly secretName?: string;
}

/** Checks the arguments and the add-on's database settings; every problem at once. */
export function databaseArgsProblems(args: PostgresDatabaseArgs, file: string): Problem[] {
  const problems: Problem[] = [];
  if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(args.dbName)) {
    problems.push({
      file,
      path: `PostgresDatabase(${args.addon}).dbName`,
      value: args.dbName,
      reason: "must start with a letter and hold only letters, digits and '_' (at most 63)",
    });
  }
  if (!/^[a-z][a-z0-9_]{0,15}$/.test(args.username) || ["rdsadmin", "postgres"].includes(args.username)) {
    problems.push({
      file,
      path: `PostgresDatabase(${args.addon}).username`,
      value: args.username,
      reason:
        "must be lower-case letters, digits and '_' (at most 16) and not a reserved name (rdsadmin, postgres)",
    });
  }
  if (!args.cluster.vpcId || !args.cluster.privateSubnetIds || !args.cluster.nodeSecurityGroupId) {
    problems.push({
      file,
      path: `${CONFIG_NAMESPACE}:cluster.mode`,
      value: args.cluster.mode,
      reason:
        "RDS needs the cluster's VPC, private subnets and node security group; the cluster layer did not provide them",
    });
  }
  return problems;
}

/** The SQLAlchemy URL of the database; user and password are URL-encoded. */
export function connectionUrl(c: {
  username: string;
  password: string;
  host: string;
  port: number;
  dbName: string;
}): string {
  const user = encodeURIComponent(c.username);
  const pass = encodeURIComponent(c.password);
  // RDS for PostgreSQL 15+ sets rds.force_ssl=1 by default; require TLS on the client too.
  return `postgresql://${user}:${pass}@${c.host}:${c.port}/${c.dbName}?sslmode=require`;
}

/** What `createPostgresDatabase` returns. */
export interface PostgresDatabaseResources {
  readonly instance: aws.rds.Instance;
  readonly kmsKey: aws.kms.Key;
  readonly secret: k8s.core.v1.Secret;
  readonly secretName: string;
}

/** Creates the instance, its network, key, password and credentials Secret as children of `parent`. */
export function createPostgresDatabase(
  name: string,
  args: PostgresDatabaseArgs,
  parent: pulumi.Resource,
): PostgresDatabaseResources {
  const problems = databaseArgsProblems(
    args,
    stackFileLabel(process.env[PROJECT_ROOT_ENV] ?? process.cwd(), pulumi.getStack()),
  );
  if (problems.length > 0) throw new ConfigValidationError(problems);
  const db = args.config.addons[args.addon].database;
  const prod = args.config.environment === "prod";
  const cluster = args.cluster;
  const opts: pulumi.CustomResourceOptions = { parent, provider: cluster.awsProvider };
  const stateful: pulumi.CustomResourceOptions = { ...opts, protect: prod };

  const kmsKey = new aws.kms.Key(
    `${name}-kms`,
    {
      description: `Storage encryption key of the ${name} database`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    },
    stateful,
  );
  const subnets = new aws.rds.SubnetGroup(
    `${name}-subnets`,
    { subnetIds: cluster.privateSubnetIds!, description: `Private subnets of the ${name} database` },
    opts,
  );
  const securityGroup = new aws.ec2.SecurityGroup(
    `${name}-sg`,
    { vpcId: cluster.vpcId!, description: `PostgreSQL ${name}: 5432 from the cluster nodes only` },
    opts,
  );
  new aws.vpc.SecurityGroupIngressRule(
    `${name}-from-nodes`,
    {
      securityGroupId: securityGroup.id,
      referencedSecurityGroupId: cluster.nodeSecurityGroupId!,
      ipProtocol: "tcp",
      fromPort: 5432,
      toPort: 5432,
      description: "PostgreSQL from the EKS nodes (pods use the node security group)",
    },
    opts,
  );
  // Alphanumeric only: RDS forbids '/', '@', '"' and spaces, and the password goes into a URL.
  // 40 characters of [A-Za-z0-9] are about 238 bits.
  const password = new random.RandomPassword(`${name}-password`, { length: 40, special: false }, { parent });

  // The inputs this code sets whose change replaces an RDS instance (the provider's force-new fields).
  const replacedBy = {
    engine: "postgres",
    dbName: args.dbName,
    username: args.username,
    storageEncrypted: true,
    kmsKeyId: kmsKey.arn,
  };
  // The final snapshot's name must be new for every instance that is deleted: a fixed `<name>-final`
  // made the second replacement (or a deletion after a stack was torn down and rebuilt) fail, RDS
  // refusing a snapshot name already taken, with the old instance left running. A timestamp or a
  // random value drawn at each run would change the input at every `up`; this suffix is drawn once,
  // kept in state, and drawn again only with a new instance: when an input that replaces it changes
  // (keepers), or with it when the stack is rebuilt. The old instance is deleted with the name in its
  // own state. `pulumi up --replace` of the instance alone would reuse the suffix: replace this too.
  // Only where a final snapshot is taken (prod).
  const finalSnapshotSuffix = prod
    ? new random.RandomId(
        `${name}-final-snapshot`,
        {
          byteLength: 4,
          // Keepers are a map of strings.
          keepers: { ...replacedBy, storageEncrypted: String(replacedBy.storageEncrypted) },
        },
        { parent },
      )
    : undefined;

  const instance = new aws.rds.Instance(
    `${name}-db`,
    {
      ...replacedBy,
      engineVersion: POSTGRES_ENGINE_VERSION,
      autoMinorVersionUpgrade: true,
      instanceClass: db.instanceClass,
      allocatedStorage: db.allocatedStorageGiB,
      // Storage autoscaling up to twice the initial size instead of a full-disk outage.
      maxAllocatedStorage: db.allocatedStorageGiB * 2,
      storageType: "gp3",
      password: password.result,
      dbSubnetGroupName: subnets.name,
      vpcSecurityGroupIds: [securityGroup.id],
      publiclyAccessible: false,
      multiAz: db.multiAz,
      backupRetentionPeriod: db.backupRetentionDays,
      copyTagsToSnapshot: true,
      deletionProtection: prod,
      // Prod keeps a final snapshot on delete; non-prod stacks are torn down often and cheaply.
      skipFinalSnapshot: !prod,
      finalSnapshotIdentifier: finalSnapshotSuffix
        ? pulumi.interpolate`${name}-final-${finalSnapshotSuffix.hex}`
        : undefined,
      tags: { "mlops.io/addon": args.addon },
    },
    stateful,
  );

  const secretName = args.secretName ?? `${args.dbName.replace(/_/g, "-").toLowerCase()}-database`;
  const stringData = pulumi
    .all([instance.address, instance.port, password.result])
    .apply(([host, port, pass]) => ({
      [DATABASE_SECRET_KEYS.username]: args.username,
      [DATABASE_SECRET_KEYS.password]: pass,
      [DATABASE_SECRET_KEYS.host]: host,
      [DATABASE_SECRET_KEYS.port]: String(port),
      [DATABASE_SECRET_KEYS.dbName]: args.dbName,
      [DATABASE_SECRET_KEYS.connection]: connectionUrl({
        username: args.username,
        password: pass,
        host,
        port,
        dbName: args.dbName,
      }),
    }));
  const secret = new k8s.core.v1.Secret(
    `${name}-credentials`,
    {
      metadata: { name: secretName, namespace: args.secretNamespace },
      type: "Opaque",
      // Marked secret explicitly (the password Output already is): encrypted in state, masked in diffs.
      stringData: pulumi.secret(stringData),
    },
    { parent, provider: cluster.kubeProvider },
  );
  return { instance, kmsKey, secret, secretName };
}

/** RDS PostgreSQL for one add-on plus its credentials Secret in the consumer's namespace. */
export class PostgresDatabase extends pulumi.ComponentResource {
  /** DNS name of the instance (no port). */
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly dbName: string;
  readonly username: string;
  /** Name of the Kubernetes Secret holding the credentials (keys in `secretKeys`). */
  readonly secretName: string;
  readonly secretKeys = DATABASE_SECRET_KEYS;
  /** The Secret itself, for `dependsOn`. */
  readonly secret: k8s.core.v1.Secret;

  constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:PostgresDatabase", name, {}, opts);
    const created = createPostgresDatabase(name, args, this);
    this.host = created.instance.address;
    this.port = created.instance.port;
    this.dbName = args.dbName;
    this.username = args.username;
    this.secretName = created.secretName;
    this.secret = created.secret;
    this.registerOutputs({
      host: this.host,
      port: this.port,
      dbName: this.dbName,
      username: this.username,
      secretName: this.secretName,
    });
  }
}
