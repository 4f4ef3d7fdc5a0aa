import { connectionUrl, PostgresDatabase } from "../../components/addons/postgres-database";
import { ConfigValidationError } from "../../components/config/errors";
import { find, stackConfig } from "./harness";
import { mockPassword, plain, recordData } from "./data-harness";

const T = {
  db: "aws:rds/instance:Instance",
  kms: "aws:kms/key:Key",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  subnets: "aws:rds/subnetGroup:SubnetGroup",
  randomId: "random:index/randomId:RandomId",
  secret: "kubernetes:core/v1:Secret",
};

function build(stack: string, edit?: (raw: Record<string, any>) => void, withVpc = true) {
  const config = stackConfig(stack, edit);
  return recordData(
    stack,
    (cluster) =>
      new PostgresDatabase("mlflow-db", {
        config,
        cluster,
        addon: "mlflow",
        dbName: "mlflow",
        username: "mlflow",
        secretNamespace: "mlflow",
      }),
    { withVpc },
  );
}

describe("PostgresDatabase", () => {
  test("storage is encrypted with the database's own rotating KMS key", async () => {
    const run = await build("staging");
    const key = find(run.resources, T.kms, "mlflow-db-kms");
    const db = find(run.resources, T.db, "mlflow-db-db").inputs;
    expect(db.storageEncrypted).toBe(true);
    expect(db.kmsKeyId).toBe(key.state.arn);
    expect(key.inputs.enableKeyRotation).toBe(true);
  });

  test("the instance is private, in the private subnets, reachable on 5432 only from the nodes", async () => {
    const run = await build("staging");
    const db = find(run.resources, T.db, "mlflow-db-db").inputs;
    expect(db.publiclyAccessible).toBe(false);
    expect(find(run.resources, T.subnets, "mlflow-db-subnets").inputs.subnetIds).toEqual([
      "subnet-a",
      "subnet-b",
    ]);
    const sg = find(run.resources, T.sg, "mlflow-db-sg");
    expect(db.vpcSecurityGroupIds).toEqual([sg.id]);
    expect(sg.inputs.ingress ?? []).toEqual([]);
    const rules = run.resources.filter((r) => r.type === T.ingress);
    expect(rules).toHaveLength(1);
    expect(rules[0].inputs).toMatchObject({
      securityGroupId: sg.id,
      referencedSecurityGroupId: "sg-nodes",
      ipProtocol: "tcp",
      fromPort: 5432,
      toPort: 5432,
    });
  });

  test("backups and Multi-AZ follow the stack config", async () => {
    const prod = find((await build("prod")).resources, T.db, "mlflow-db-db").inputs;
    expect(prod.backupRetentionPeriod).toBe(14);
    expect(prod.multiAz).toBe(true);
    const staging = find((await build("staging")).resources, T.db, "mlflow-db-db").inputs;
    expect(staging.backupRetentionPeriod).toBe(7);
    expect(staging.multiAz).toBe(false);
  });

  test("prod: deletion protection, a final snapshot and protect on the instance and key", async () => {
    const run = await build("prod");
    const db = find(run.resources, T.db, "mlflow-db-db").inputs;
    expect(db.deletionProtection).toBe(true);
    expect(db.skipFinalSnapshot).toBe(false);
    expect(db.finalSnapshotIdentifier).toMatch(/^mlflow-db-final-[0-9a-f]{8}$/);
    expect(run.protect.get(`${T.db}::mlflow-db-db`)).toBe(true);
    expect(run.protect.get(`${T.kms}::mlflow-db-kms`)).toBe(true);
  });

  test("the final snapshot is named per instance: a suffix kept in state, drawn again with a new instance", async () => {
    const run = await build("prod");
    const db = find(run.resources, T.db, "mlflow-db-db").inputs;
    const suffix = find(run.resources, T.randomId, "mlflow-db-final-snapshot");
    // A fixed name collided at the second replacement or deletion: RDS refuses a taken snapshot name.
    expect(db.finalSnapshotIdentifier).toBe(`mlflow-db-final-${suffix.state.hex}`);
    // Drawn again exactly when an input that replaces the instance changes (the provider's force-new ones).
    // Named, not read back from the same object the instance's inputs come from.
    const keepers = suffix.inputs.keepers as Record<string, unknown>;
    expect(Object.keys(keepers).sort()).toEqual([
      "dbName",
      "engine",
      "kmsKeyId",
      "storageEncrypted",
      "username",
    ]);
    for (const key of ["engine", "dbName", "username", "kmsKeyId"]) expect(keepers[key]).toBe(db[key]);
    expect(keepers.storageEncrypted).toBe("true");
    // Not redrawn per run: the same program plans the same name.
    const again = find((await build("prod")).resources, T.db, "mlflow-db-db").inputs;
    expect(again.finalSnapshotIdentifier).toBe(db.finalSnapshotIdentifier);
  });

  test("staging: no deletion protection, no final snapshot, not protected", async () => {
    const run = await build("staging");
    const db = find(run.resources, T.db, "mlflow-db-db").inputs;
    expect(db.deletionProtection).toBe(false);
    expect(db.skipFinalSnapshot).toBe(true);
    expect(run.protect.get(`${T.db}::mlflow-db-db`)).toBe(false);
    expect(run.resources.filter((r) => r.type === T.randomId)).toEqual([]);
  });

  test("the engine is PostgreSQL with a pinned major and automatic minor upgrades", async () => {
    const db = find((await build("staging")).resources, T.db, "mlflow-db-db").inputs;
    expect(db.engine).toBe("postgres");
    expect(db.engineVersion).toMatch(/^\d+$/);
    expect(db.autoMinorVersionUpgrade).toBe(true);
  });

  test("the generated password reaches the instance and the consumer's Secret, marked secret", async () => {
    const run = await build("staging");
    const password = mockPassword("mlflow-db-password");
    expect(plain(find(run.resources, T.db, "mlflow-db-db").inputs.password)).toBe(password);
    const secret = find(run.resources, T.secret, "mlflow-db-credentials");
    expect(secret.inputs.metadata).toEqual({ name: "mlflow-database", namespace: "mlflow" });
    const data = plain(secret.inputs.stringData);
    expect(data.password).toBe(password);
    expect(data.username).toBe("mlflow");
    expect(data.connection).toBe(`postgresql://mlflow:${password}@${data.host}:5432/mlflow?sslmode=require`);
  });

  test("a cluster without VPC facts is rejected instead of creating a public database", async () => {
    const err = await build("staging", undefined, false).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect(err.message).toContain("RDS needs the cluster's VPC, private subnets and node security group");
  });

  test("connection URLs encode credentials and require TLS", () => {
    expect(connectionUrl({ username: "a b", password: "p@ss/w", host: "h", port: 5432, dbName: "d" })).toBe(
      "postgresql://a%20b:p%40ss%2Fw@h:5432/d?sslmode=require",
    );
  });
});
