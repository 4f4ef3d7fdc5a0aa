import { ConfigValidationError } from "../../components/config/errors";
import * as fs from "fs";
import * as path from "path";
import { stackConfigSchema } from "../../components/config/stack-schema";
import { validateStackConfig } from "../../components/config/validate-stack-config";
import { ROOT } from "../helpers/program";
import { applyCanaryTraffic } from "../../components/config/load";
import type { ModelSpec } from "../../components/config/model-schema";
import { stackValues } from "../helpers/stack";
import { eventWindows } from "../../components/capacity/event-windows";
import { eventMultiplierExpr } from "../../components/model/anomaly-rules";

/** Validates and returns the error message (fails the test if the config is valid). */
function problemsOf(raw: Record<string, any>): string {
  try {
    validateStackConfig(raw, "Pulumi.test.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return (err as Error).message;
  }
  throw new Error("expected the config to be invalid");
}

describe("stack config", () => {
  test.each(["staging", "prod"])("the committed %s config is valid", (stack) => {
    const cfg = validateStackConfig(stackValues(stack), `Pulumi.${stack}.yaml`);
    expect(cfg.gpuPools.map((p) => p.purpose).sort()).toEqual(["serving", "training"]);
  });

  test("an unquoted Kubernetes version, which YAML reads as a number, is told to be quoted", () => {
    const raw = stackValues("staging");
    raw.cluster = { ...raw.cluster, kubernetesVersion: 1.3 };
    expect(problemsOf(raw)).toContain(
      'mlops-platform:cluster.kubernetesVersion = 1.3: must be quoted, such as "1.35": YAML reads an unquoted version as a number (1.30 becomes 1.3)',
    );
  });

  test("defaults are applied", () => {
    const cfg = validateStackConfig(stackValues("staging"), "Pulumi.staging.yaml");
    expect(cfg.cluster.kubernetesVersion).toBe("1.35");
    expect(cfg.addons.monitoring.grafanaAdminUser).toBe("admin");
    expect(cfg.gpuPools[0].consolidateAfter).toBe("5m");
  });

  test("prod serves on a time-sliced pool and trains on an A100 spot pool", () => {
    const cfg = validateStackConfig(stackValues("prod"), "Pulumi.prod.yaml");
    const serving = cfg.gpuPools.find((p) => p.purpose === "serving")!;
    const training = cfg.gpuPools.find((p) => p.purpose === "training")!;
    expect(serving.sharing).toEqual({ mode: "time-slicing", replicas: 8 });
    expect(training.capacityType).toBe("spot");
    expect(training.instanceTypes).toContain("p4d.24xlarge");
  });

  test("missing region", () => {
    const raw = stackValues("staging");
    delete raw.region;
    expect(problemsOf(raw)).toContain("Pulumi.test.yaml: mlops-platform:region: required");
  });

  test("a region AWS does not have: a typo names the nearest, anything else what is allowed", () => {
    const raw = stackValues("staging");
    raw.region = "ap-southeast-l";
    expect(problemsOf(raw)).toContain(
      'Pulumi.test.yaml: mlops-platform:region = "ap-southeast-l": is not an AWS region (did you mean ap-southeast-1?)',
    );
    raw.region = "ap-middle-9";
    expect(problemsOf(raw)).toContain("must be an AWS region such as ap-southeast-1 (one of the");
    // Regions of every partition pass: China, GovCloud.
    for (const region of ["cn-northwest-1", "us-gov-west-1", "eu-central-2"]) {
      raw.region = region;
      expect(() => validateStackConfig(raw, "Pulumi.test.yaml")).not.toThrow();
    }
  });

  test("bad CIDR in the endpoint allow-list and the VPC", () => {
    const raw = stackValues("staging");
    raw.cluster.endpoint.publicAccessCidrs = ["10.0.0.0/33"];
    raw.cluster.vpcCidr = "10.300.0.0/16";
    const msg = problemsOf(raw);
    expect(msg).toContain(
      'mlops-platform:cluster.endpoint.publicAccessCidrs[0] = "10.0.0.0/33": must be an IPv4 CIDR',
    );
    expect(msg).toContain('mlops-platform:cluster.vpcCidr = "10.300.0.0/16": must be an IPv4 CIDR');
    expect(msg).toMatch(/^2 configuration problems/);
  });

  test("traffic history must be a relative CSV path", () => {
    const raw = stackValues("staging");
    raw.trafficHistory = "/etc/passwd";
    expect(problemsOf(raw)).toContain(
      'mlops-platform:trafficHistory = "/etc/passwd": must be a relative path inside the project to a .csv file such as models/traffic/sample-week.csv',
    );
    raw.trafficHistory = "../other/week.csv";
    expect(problemsOf(raw)).toContain("must be a relative path inside the project");
  });

  test("maxGpus below minGpus", () => {
    const raw = stackValues("staging");
    raw.gpuPools[0].minGpus = 6;
    expect(problemsOf(raw)).toContain("mlops-platform:gpuPools[0].maxGpus = 4: must be >= minGpus (6)");
  });

  test("unknown sharing mode", () => {
    const raw = stackValues("staging");
    raw.gpuPools[0].sharing = { mode: "mps" };
    expect(problemsOf(raw)).toContain(
      `mlops-platform:gpuPools[0].sharing.mode = "mps": must be one of none, time-slicing, mig`,
    );
    raw.gpuPools[0].sharing = { mode: "time-slice" };
    expect(problemsOf(raw)).toContain(
      `mlops-platform:gpuPools[0].sharing.mode = "time-slice": must be one of none, time-slicing, mig (did you mean time-slicing?)`,
    );
  });

  test("time-slicing replicas out of range", () => {
    const raw = stackValues("staging");
    raw.gpuPools[0].sharing = { mode: "time-slicing", replicas: 1 };
    expect(problemsOf(raw)).toContain(
      "mlops-platform:gpuPools[0].sharing.replicas = 1: time-slicing needs at least 2 replicas per GPU",
    );
  });

  test("duplicate pool name", () => {
    const raw = stackValues("staging");
    raw.gpuPools[1].name = "inference";
    expect(problemsOf(raw)).toContain('mlops-platform:gpuPools[1].name = "inference": duplicate pool name');
  });

  test("MIG profile on an instance type without MIG", () => {
    const raw = stackValues("staging");
    raw.gpuPools[1].sharing = { mode: "mig", profile: "1g.10gb" };
    const msg = problemsOf(raw);
    expect(msg).toContain(
      'mlops-platform:gpuPools[1].sharing.profile = "1g.10gb": instance type g6.xlarge (L4) has no MIG support',
    );
    expect(msg).toContain("instance type g5.xlarge (A10G) has no MIG support");
  });

  test("MIG pool whose types give different numbers of the profile's devices per GPU", () => {
    // Found by a black-box review: 1g.10gb is four per A100-40GB and seven per A100-80GB, and the
    // NodePool limit counts the fewest, so p4de nodes stopped Karpenter at fewer GPUs than maxGpus.
    const raw = stackValues("prod");
    raw.gpuPools[1].purpose = "serving";
    raw.gpuPools[1].capacityType = "on-demand";
    raw.gpuPools[1].instanceTypes = ["p4d.24xlarge", "p4de.24xlarge"];
    raw.gpuPools[1].sharing = { mode: "mig", profile: "1g.10gb" };
    raw.pricing.instances["p4de.24xlarge"] = { onDemand: 354 };
    expect(problemsOf(raw)).toContain(
      'mlops-platform:gpuPools[1].instanceTypes = ["p4d.24xlarge","p4de.24xlarge"]: its types give different numbers of 1g.10gb devices per GPU (p4d.24xlarge 4, p4de.24xlarge 7); a MIG pool\'s types must give the same, as its NodePool limit, packing and the policies count devices per GPU: split them into two pools',
    );
    // 3g.40gb is two per GPU on both 80 GB types: one pool.
    raw.gpuPools[1].instanceTypes = ["p4de.24xlarge", "p5.48xlarge"];
    raw.gpuPools[1].sharing = { mode: "mig", profile: "3g.40gb" };
    raw.pricing.instances["p5.48xlarge"] = { onDemand: 700 };
    expect(() => validateStackConfig(raw, "Pulumi.test.yaml")).not.toThrow();
  });

  test("MIG profile the GPU does not offer", () => {
    const raw = stackValues("prod");
    // 1g.20gb is an 80 GB GPU's profile (four per A100-80GB or H100), not an A100-40GB's.
    raw.gpuPools[1].sharing = { mode: "mig", profile: "1g.20gb" };
    expect(problemsOf(raw)).toContain(
      "instance type p4d.24xlarge (A100-40GB) supports MIG profiles 1g.5gb, 1g.10gb, 2g.10gb, 3g.20gb, 4g.20gb, 7g.40gb",
    );
  });

  test("a typo in a key is rejected with the allowed keys", () => {
    const raw = stackValues("staging");
    raw.gpuPools[0].maxGPUs = 8;
    expect(problemsOf(raw)).toContain(
      "mlops-platform:gpuPools[0].maxGPUs: unknown key; did you mean maxGpus? allowed keys: name, purpose, instanceTypes",
    );
  });

  test("unknown instance type and a spot pool without a spot price", () => {
    const raw = stackValues("staging");
    raw.gpuPools[0].instanceTypes = ["g9.mega"];
    delete raw.pricing.instances["g5.xlarge"].spot;
    const msg = problemsOf(raw);
    expect(msg).toContain(
      'mlops-platform:gpuPools[0].instanceTypes[0] = "g9.mega": unknown GPU instance type',
    );
    expect(msg).toContain(
      "mlops-platform:pricing.instances.g5.xlarge.spot: pool training is spot: a spot price is required",
    );
  });

  test("an instance type of the wrong type does not hide an unknown one beside it", () => {
    // Found by a review: the per-element checks read the rejected element outside their guard and
    // gave up on the whole list, so only the number was named.
    const raw = stackValues("staging");
    raw.gpuPools[0].instanceTypes = ["g9.mega", 5];
    const msg = problemsOf(raw);
    expect(msg).toMatch(/^2 configuration problems:/);
    expect(msg).toContain("mlops-platform:gpuPools[0].instanceTypes[1] = 5: must be a string, not a number");
    expect(msg).toContain(
      'mlops-platform:gpuPools[0].instanceTypes[0] = "g9.mega": unknown GPU instance type',
    );
  });

  test("an API endpoint open to the internet", () => {
    const raw = stackValues("staging");
    raw.cluster.endpoint.publicAccessCidrs = ["0.0.0.0/0"];
    expect(problemsOf(raw)).toContain("must not be open to the internet");
    // Its two halves are the internet too; a /8 is the widest range taken for an office or VPN.
    raw.cluster.endpoint.publicAccessCidrs = ["10.0.0.0/8", "0.0.0.0/1", "128.0.0.0/1"];
    const msg = problemsOf(raw);
    expect(msg).toContain(
      'Pulumi.test.yaml: mlops-platform:cluster.endpoint.publicAccessCidrs[1] = "0.0.0.0/1": the API endpoint must not be open to the internet (a prefix shorter than /8, /16 for IPv6)',
    );
    expect(msg).toContain("publicAccessCidrs[2]");
    expect(msg).not.toContain("publicAccessCidrs[0]");
  });

  test("an event written with a +HH offset is read as +HH:00 everywhere, not as an invalid date", () => {
    const raw = stackValues("prod");
    raw.events = [
      { name: "a", start: "2026-12-12T00:00:00+08", end: "2026-12-12T03:00:00+08", trafficMultiplier: 8 },
    ];
    const cfg = validateStackConfig(raw, "Pulumi.test.yaml");
    expect(eventWindows(cfg.events)[0]).toMatchObject({
      startMs: Date.parse("2026-12-12T00:00:00+08:00"),
      endMs: Date.parse("2026-12-12T03:00:00+08:00"),
    });
    expect(eventMultiplierExpr("m", cfg.events)).not.toContain("NaN");
    raw.events[0].end = "2026-12-11T23:00:00+08";
    expect(problemsOf(raw)).toContain("mlops-platform:events[0].end");
  });

  test("more sales events than a NodePool has disruption budgets for", () => {
    const raw = stackValues("prod");
    raw.events = Array.from({ length: 49 }, (_, i) => ({
      name: `sale-${i}`,
      start: `2027-01-${String((i % 28) + 1).padStart(2, "0")}T0${i % 7}:00:00Z`,
      end: `2027-01-${String((i % 28) + 1).padStart(2, "0")}T0${(i % 7) + 1}:30:00Z`,
      trafficMultiplier: 2,
    }));
    const msg = problemsOf(raw);
    expect(msg).toMatch(/^1 configuration problem:/);
    expect(msg).toContain("mlops-platform:events");
    expect(msg).toContain("at most 48");
    raw.events.pop();
    expect(validateStackConfig(raw, "Pulumi.test.yaml").events).toHaveLength(48);
  });

  test("every problem is reported at once", () => {
    const raw = stackValues("prod");
    delete raw.region;
    raw.gpuPools[0].sharing = { mode: "time-slicing", replicas: 0 };
    raw.gpuPools[1].maxGpus = -1;
    raw.budget = { monthlyGpuCost: "lots" };
    raw.events[0].trafficMultiplier = 0.5;
    const msg = problemsOf(raw);
    expect(msg).toMatch(/^5 configuration problems:/);
    for (const path of [
      "region",
      "gpuPools[0].sharing.replicas",
      "gpuPools[1].maxGpus",
      "budget.monthlyGpuCost",
      "events[0].trafficMultiplier",
    ]) {
      expect(msg).toContain(`mlops-platform:${path}`);
    }
  });

  test("a type error does not hide the cross-field problems of the rest of the file", () => {
    const raw = stackValues("prod");
    raw.events[0].end = raw.events[0].start;
    raw.events[1].trafficMultiplier = -2;
    raw.gpuPools[1].maxGpus = "four";
    const msg = problemsOf(raw);
    expect(msg).toContain("mlops-platform:events[1].trafficMultiplier = -2");
    expect(msg).toContain('mlops-platform:gpuPools[1].maxGpus = "four"');
    expect(msg).toContain("mlops-platform:events[0].end");
    expect(msg).toContain("must be after start");
  });

  test("a receiver the schema rejects does not hide another receiver's problem", () => {
    // Found by the final review: the receivers were read outside their guard, so one of the wrong
    // type gave up the check of every receiver.
    const raw = stackValues("prod");
    raw.alerting.receivers = {
      ...raw.alerting.receivers,
      Bad_Team: { kind: "webhook", urlSecret: "x" },
      ok: "nope",
    };
    const msg = problemsOf(raw);
    expect(msg).toContain('mlops-platform:alerting.receivers.ok = "nope"');
    expect(msg).toContain("mlops-platform:alerting.receivers.Bad_Team: a team name must be a DNS-1035 label");
  });

  test("a required field of the wrong type hides only the checks that read it", () => {
    const raw = stackValues("prod");
    raw.gpuPools[0].maxGpus = raw.gpuPools[0].minGpus - 1;
    raw.events[0].end = raw.events[0].start;
    raw.budget.monthlyGpuCost = "a lot";
    raw.cluster.systemNodes.maxSize = "three";
    raw.cluster.endpoint.publicAccessCidrs = ["0.0.0.0/0"];
    const msg = problemsOf(raw);
    expect(msg).toMatch(/^5 configuration problems:/);
    expect(msg).toContain('mlops-platform:budget.monthlyGpuCost = "a lot"');
    expect(msg).toContain('mlops-platform:cluster.systemNodes.maxSize = "three"');
    expect(msg).toContain("mlops-platform:gpuPools[0].maxGpus");
    expect(msg).toContain("mlops-platform:events[0].end");
    expect(msg).toContain("mlops-platform:cluster.endpoint.publicAccessCidrs");
    // the systemNodes sizes check needs maxSize, so it says nothing
  });

  test("events must end after they start", () => {
    const raw = stackValues("prod");
    raw.events[0].end = raw.events[0].start;
    expect(problemsOf(raw)).toContain("mlops-platform:events[0].end");
  });

  test("an event lasts at most 31 days: its freeze of the serving nodes' drains recurs every year", () => {
    const raw = stackValues("prod");
    raw.events[0] = {
      ...raw.events[0],
      start: "2026-12-01T00:00:00+08:00",
      end: "2027-01-01T00:00:00+08:00",
    };
    raw.events[1] = {
      ...raw.events[1],
      start: "2026-12-01T00:00:00+08:00",
      end: "2027-01-01T00:00:01+08:00",
    };
    const msg = problemsOf(raw);
    expect(msg).not.toContain("mlops-platform:events[0]");
    expect(msg).toContain(
      'mlops-platform:events[1].end = "2027-01-01T00:00:01+08:00": must be at most 31 days after start (2026-12-01T00:00:00+08:00)',
    );
  });

  test("event times need a zone and a real date: the cron triggers must not depend on the machine", () => {
    const raw = stackValues("prod");
    raw.events[0].start = "2026-12-12T00:00:00";
    raw.events[0].end = "2026-02-30T03:00:00+08:00";
    raw.events[1].start = "next friday";
    const msg = problemsOf(raw);
    expect(msg).toContain(
      'mlops-platform:events[0].start = "2026-12-12T00:00:00": has no zone; add Z (UTC) or an offset such as +08:00',
    );
    expect(msg).toContain(
      'mlops-platform:events[0].end = "2026-02-30T03:00:00+08:00": is not a calendar date',
    );
    expect(msg).toContain(
      'mlops-platform:events[1].start = "next friday": must be an ISO-8601 time with zone, e.g. 2026-12-12T00:00:00+08:00',
    );
  });
});

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
    raw.gpuPools[training].maxGpus = 16_000_004; // large: by the gcd, without a table that size
    expect(problemsOf(raw)).toContain("Karpenter stops at 16000000;");
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

describe("canary traffic held by promote", () => {
  const spec = {
    name: "m",
    canary: { modelUri: "s3://b/m/v2", trafficPercent: 10 },
  } as unknown as ModelSpec;
  const held = (value: unknown) =>
    validateStackConfig({ ...stackValues("staging"), canaryTraffic: { m: value } }, "Pulumi.test.yaml")
      .canaryTraffic.m;

  test("a percent with the canary version it holds it for, or a bare percent from before", () => {
    expect(held({ percent: 50, modelUri: "s3://b/m/v2" })).toEqual({ percent: 50, modelUri: "s3://b/m/v2" });
    expect(held(25)).toEqual({ percent: 25 });
    expect(
      problemsOf({ ...stackValues("staging"), canaryTraffic: { m: 101, n: { percent: 5, uri: "x" } } }),
    ).toEqual(
      expect.stringContaining(
        "mlops-platform:canaryTraffic.m = 101: must be a whole percentage from 0 to 100, or a map with percent, modelUri",
      ),
    );
  });

  test("applies to the version it was held for only", () => {
    expect(applyCanaryTraffic(spec, { percent: 50, modelUri: "s3://b/m/v2" }).canary?.trafficPercent).toBe(
      50,
    );
    expect(applyCanaryTraffic(spec, { percent: 0, modelUri: "s3://b/m/v2" }).canary).toBeUndefined();
    expect(applyCanaryTraffic(spec, { percent: 50 }).canary?.trafficPercent).toBe(50);
    // Held for v1, the spec now canaries v2: v2 starts at its own 10%, and a rollback of v1 (0%)
    // does not remove it.
    expect(applyCanaryTraffic(spec, { percent: 50, modelUri: "s3://b/m/v1" })).toBe(spec);
    expect(applyCanaryTraffic(spec, { percent: 0, modelUri: "s3://b/m/v1" })).toBe(spec);
  });
});

describe("Pulumi.yaml's config block and the stack files agree", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require("yaml") as typeof import("yaml");
  const read = (file: string) => YAML.parse(fs.readFileSync(path.join(ROOT, file), "utf8"));
  const project = read("Pulumi.yaml") as { config: Record<string, { default?: unknown }> };
  const schemaKeys = Object.keys(stackConfigSchema.shape);

  test("every declared key is a key of the schema", () => {
    expect(Object.keys(project.config).filter((k) => !schemaKeys.includes(k))).toEqual([]);
  });

  test.each(["staging", "prod"])(
    "Pulumi.%s.yaml sets every declared key without a default (the CLI refuses the stack otherwise)",
    (stack) => {
      const set = Object.keys(read(`Pulumi.${stack}.yaml`).config).map((k) =>
        k.replace(/^mlops-platform:/, ""),
      );
      const required = Object.entries(project.config)
        .filter(([, v]) => v.default === undefined)
        .map(([k]) => k);
      expect(required.filter((k) => !set.includes(k))).toEqual([]);
    },
  );

  test("every optional schema key that is not declared is documented in Pulumi.yaml", () => {
    const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    for (const k of schemaKeys.filter((k) => !(k in project.config))) expect(text).toContain(`#   ${k} (`);
  });
});
