/** Stack-config values the platform's consumers would refuse, and credentials in the stack file. */
import { validateStackConfig } from "../../components/config/validate-stack-config";
import { stackValues } from "../helpers/stack";
import { problemsOf } from "../helpers/stack-config-problems";

describe("values the platform's consumers would refuse, and credentials in the stack file", () => {
  test("a time zone must be a canonical IANA name: Airflow and KEDA do not read asia/shanghai or CST", () => {
    for (const [tz, reads] of [
      ["asia/shanghai", "Asia/Shanghai"],
      ["CST", undefined],
    ] as const) {
      const raw = stackValues("staging");
      raw.timeZone = tz;
      const msg = problemsOf(raw);
      expect(msg).toContain(`mlops-platform:timeZone = "${tz}": must be a canonical IANA time zone`);
      if (reads) expect(msg).toContain(`(this reads as ${reads})`);
    }
    for (const tz of ["Asia/Shanghai", "UTC", "America/Argentina/Buenos_Aires"]) {
      const raw = stackValues("staging");
      raw.timeZone = tz;
      expect(validateStackConfig(raw, "Pulumi.test.yaml").timeZone).toBe(tz);
    }
  });

  test("a webhook URL, a token in a git URL or SMTP credentials are refused without being printed", () => {
    const raw = stackValues("staging");
    raw.alerting.receivers["ml-platform"].urlSecret = "https://hooks.example.com/services/T0/B0/secretTOKEN";
    raw.addons.airflow = {
      ...raw.addons.airflow,
      dagsGitRepo: "https://oauth2:ghp_secretTOKEN@github.com/a/b.git",
    };
    raw.alerting.email = { smarthost: "alerts:secretTOKEN@smtp.example.com:587", from: "alerts@example.com" };
    const msg = problemsOf(raw);
    expect(msg).not.toContain("secretTOKEN");
    expect(msg).toContain(
      "mlops-platform:alerting.receivers.ml-platform.urlSecret: must be the name of a secret config key",
    );
    expect(msg).toContain(
      "mlops-platform:addons.airflow.dagsGitRepo: git-sync DAG delivery is not supported yet",
    );
    expect(msg).toContain("mlops-platform:alerting.email.smarthost: must be host:port");
    expect(msg).toMatch(/^3 configuration problems/);
  });

  test("a retraining cooldown under 30 minutes is refused (0h would start a run at every firing)", () => {
    const raw = stackValues("staging");
    raw.alerting.retrainCooldown = "0h";
    expect(problemsOf(raw)).toContain('mlops-platform:alerting.retrainCooldown = "0h": must be at least 30m');
    raw.alerting.retrainCooldown = "30m";
    expect(() => validateStackConfig(raw, "Pulumi.test.yaml")).not.toThrow();
  });

  test("prod without any alert receiver is refused: every alert would be dropped", () => {
    const raw = stackValues("prod");
    delete raw.alerting;
    expect(problemsOf(raw)).toContain(
      "Pulumi.test.yaml: mlops-platform:alerting.receivers: prod needs at least the platform team's receiver (alerting.receivers.ml-platform: kind, urlSecret or to): without one every alert is dropped",
    );
    const staging = stackValues("staging");
    delete staging.alerting;
    expect(validateStackConfig(staging, "Pulumi.test.yaml").alerting.receivers).toEqual({});
  });

  test("duplicate event names (one KEDA trigger name each) and a platform team without a receiver", () => {
    const raw = stackValues("prod");
    raw.events[1].name = raw.events[0].name;
    raw.alerting.platformTeam = "mlplatform";
    raw.alerting.receivers["Cart Team/ops"] = { kind: "webhook", urlSecret: "alertCart" };
    const msg = problemsOf(raw);
    expect(msg).toContain(`mlops-platform:events[1].name = "${raw.events[0].name}": duplicate event name`);
    expect(msg).toContain('mlops-platform:alerting.platformTeam = "mlplatform": has no receiver');
    expect(msg).toContain(
      "mlops-platform:alerting.receivers.Cart Team/ops: a team name must be a DNS-1035 label",
    );
  });

  test("provisioning time in milliseconds, an instance class without db., and RMB for CNY", () => {
    const raw = stackValues("staging");
    raw.gpuPools[0].provisioningSeconds = 150_000;
    raw.addons.mlflow.database.instanceClass = "t4g.small";
    raw.pricing.currency = "RMB";
    const msg = problemsOf(raw);
    expect(msg).toContain(
      "mlops-platform:gpuPools[0].provisioningSeconds = 150000: must be at most 3600 seconds",
    );
    expect(msg).toContain(
      'mlops-platform:addons.mlflow.database.instanceClass = "t4g.small": must be an RDS instance class',
    );
    expect(msg).toContain('mlops-platform:pricing.currency = "RMB": must be an ISO 4217 code');
  });

  test("mode existing without its block names every key it needs, not two of them", () => {
    const raw = stackValues("staging");
    raw.cluster = { ...raw.cluster, mode: "existing" };
    expect(problemsOf(raw)).toContain(
      "mlops-platform:cluster.existing: mode existing needs existing {kubeconfigSecret, clusterName, vpcId, privateSubnetIds, nodeSecurityGroupId}",
    );
  });

  test("maxGpus is a total whole nodes of the pool make up: Karpenter stops short of it otherwise", () => {
    const raw = stackValues("prod");
    const training = raw.gpuPools.findIndex((p: { purpose: string }) => p.purpose === "training");
    raw.gpuPools[training].maxGpus = 12; // p4d.24xlarge only: 8 GPUs a node
    expect(problemsOf(raw)).toContain(
      `mlops-platform:gpuPools[${training}].maxGpus = 12: cannot be reached with nodes of 8 GPUs (p4d.24xlarge): Karpenter stops at 8; use a total the nodes make up`,
    );
    raw.gpuPools[training].maxGpus = 9_996; // near the pool limit of 10,000
    expect(problemsOf(raw)).toContain("Karpenter stops at 9992;");
    raw.gpuPools[training].maxGpus = 16;
    expect(validateStackConfig(raw, "Pulumi.test.yaml").gpuPools[training].maxGpus).toBe(16);
  });

  test("a backup retention under a week is a stack-file problem, beside the file's others", () => {
    const raw = stackValues("prod");
    raw.addons.mlflow.database.backupRetentionDays = 3;
    raw.addons.airflow.database.backupRetentionDays = 2;
    raw.timeZone = "Asia/Shanghia";
    const msg = problemsOf(raw);
    for (const addon of ["mlflow", "airflow"])
      expect(msg).toContain(`mlops-platform:addons.${addon}.database.backupRetentionDays = `);
    expect(msg).toContain("must be >= 7: point-in-time recovery needs a week of automated backups");
    expect(msg).toContain("mlops-platform:timeZone");
  });

  test("system node sizes out of order name the three sizes, not the whole block", () => {
    const raw = stackValues("staging");
    raw.cluster.systemNodes = { ...raw.cluster.systemNodes, minSize: 3, desiredSize: 2, maxSize: 4 };
    expect(problemsOf(raw)).toContain(
      "Pulumi.test.yaml: mlops-platform:cluster.systemNodes: needs minSize <= desiredSize <= maxSize; has minSize 3, desiredSize 2, maxSize 4",
    );
  });

  test("an instance type listed twice (its NodeOverlay would be declared twice)", () => {
    const raw = stackValues("prod");
    raw.gpuPools[0].instanceTypes = ["g6.xlarge", "g6.xlarge", "g5.xlarge"];
    raw.cluster.systemNodes = { ...raw.cluster.systemNodes, instanceTypes: ["m6i.xlarge", "m6i.xlarge"] };
    const msg = problemsOf(raw);
    expect(msg).toContain(
      'Pulumi.test.yaml: mlops-platform:gpuPools[0].instanceTypes[1] = "g6.xlarge": listed twice (also mlops-platform:gpuPools[0].instanceTypes[0])',
    );
    expect(msg).toContain("mlops-platform:cluster.systemNodes.instanceTypes[1]");
  });

  test("an admin principal listed twice (its access entry would be declared twice)", () => {
    const raw = stackValues("prod");
    const admin = "arn:aws:iam::123456789012:role/platform-admin";
    raw.cluster = { ...raw.cluster, adminPrincipalArns: [admin, "arn:aws:iam::123456789012:role/ci", admin] };
    expect(problemsOf(raw)).toContain(
      `Pulumi.test.yaml: mlops-platform:cluster.adminPrincipalArns[2] = "${admin}": listed twice (also mlops-platform:cluster.adminPrincipalArns[0])`,
    );
  });

  test("a pool name leaves room for the gpu- prefix Karpenter's label values carry", () => {
    const raw = stackValues("staging");
    raw.gpuPools[0].name = `p${"x".repeat(59)}`; // 60 characters: gpu-<name> would be 64
    expect(problemsOf(raw)).toContain(
      `mlops-platform:gpuPools[0].name = "p${"x".repeat(59)}": must be at most 59 characters: the pool's NodePool is gpu-<name>, a label value of at most 63`,
    );
  });

  test("a training pool has no warm capacity: training pods never preempt its pause pods", () => {
    const raw = stackValues("staging");
    const training = raw.gpuPools.findIndex((p: { purpose: string }) => p.purpose === "training");
    raw.gpuPools[training].minGpus = 1;
    expect(problemsOf(raw)).toContain(
      `mlops-platform:gpuPools[${training}].minGpus = 1: must be 0 on a training pool: warm capacity is pause pods that serving pods preempt, and training pods never preempt`,
    );
  });

  test("a training pool gives jobs whole GPUs: no time-slicing or MIG", () => {
    const raw = stackValues("staging");
    const training = raw.gpuPools.findIndex((p: { purpose: string }) => p.purpose === "training");
    raw.gpuPools[training].sharing = { mode: "time-slicing", replicas: 4 };
    expect(problemsOf(raw)).toContain(
      `mlops-platform:gpuPools[${training}].sharing.mode = "time-slicing": a training pool gives jobs whole GPUs: use sharing { mode: none }`,
    );
  });

  test("system nodes are general-purpose EC2 instance types, not GPU ones", () => {
    const raw = stackValues("staging");
    raw.cluster.systemNodes.instanceTypes = [
      "m6i.xlarge",
      "g5.xlarge",
      "p4d.24xlarge",
      "large",
      "c7g.2xlarge",
    ];
    const msg = problemsOf(raw);
    expect(msg).toMatch(/^3 configuration problems:/);
    for (const [i, type] of [
      [1, "g5.xlarge"],
      [2, "p4d.24xlarge"],
    ])
      expect(msg).toContain(
        `mlops-platform:cluster.systemNodes.instanceTypes[${i}] = "${type}": must be a general-purpose instance type`,
      );
    expect(msg).toContain(
      'mlops-platform:cluster.systemNodes.instanceTypes[3] = "large": must be an EC2 instance type such as m6i.xlarge',
    );
  });

  test("a VPC the subnet layout cannot cut is a configuration problem, not a crash at plan time", () => {
    for (const [cidr, reason] of [
      ["10.50.0.0/24", "prefix /24 is not supported"],
      ["10.50.1.0/16", "has host bits set; did you mean 10.50.0.0/16?"],
    ]) {
      const raw = stackValues("staging");
      raw.cluster.vpcCidr = cidr;
      expect(problemsOf(raw)).toContain(`mlops-platform:cluster.vpcCidr = "${cidr}": ${reason}`);
    }
  });
});
