/** The stack config: the committed files are valid, and bad regions, networks, GPU pools and instance types are named. */
import { validateStackConfig } from "../../components/config/validate-stack-config";
import { stackValues } from "../helpers/stack";
import { eventWindows } from "../../components/capacity/event-windows";
import { eventMultiplierExpr } from "../../components/model/anomaly-rules";
import { problemsOf } from "../helpers/stack-config-problems";

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
});
