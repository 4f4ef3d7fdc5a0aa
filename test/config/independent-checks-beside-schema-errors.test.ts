/**
 * Checks that do not read a rejected field still report beside it: a cluster's zones, an IPv6 CIDR
 * and a pool with a bad name hid the host bits, the node sizes, an open CIDR and a spec's misspelt pool.
 */
import { stackValues } from "../helpers/stack";
import { problemsOf } from "../helpers/stack-config-problems";
import { source, specYaml } from "../helpers/model-specs";
import { checkStackConfig } from "../../components/config/validate-stack-config";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import type { SpecSource } from "../../components/config/model-schema";

/** The specs' message against staging with `edit` applied (the stack file's own problems aside). */
function specProblems(edit: (raw: Record<string, any>) => void, ...sources: SpecSource[]): string {
  const raw = stackValues("staging");
  edit(raw);
  const { parts, problems } = checkStackConfig(raw, "Pulumi.staging.yaml");
  expect(problems.map((p) => p.path)).toContain("mlops-platform:gpuPools[1].name");
  try {
    validateModelSpecs(sources, "staging", parts);
  } catch (err) {
    return (err as Error).message;
  }
  return "";
}

/** Staging with three independent mistakes in `cluster`. */
function threeClusterMistakes(): Record<string, any> {
  const raw = stackValues("staging");
  raw.cluster.vpcCidr = "10.50.0.1/16";
  raw.cluster.endpoint.publicAccessCidrs = ["0.0.0.0/1"];
  raw.cluster.systemNodes = { ...raw.cluster.systemNodes, minSize: 3, desiredSize: 2, maxSize: 1 };
  return raw;
}

const HOST_BITS = 'mlops-platform:cluster.vpcCidr = "10.50.0.1/16": has host bits set';
const SIZES = "mlops-platform:cluster.systemNodes: needs minSize <= desiredSize <= maxSize";
const OPEN =
  'mlops-platform:cluster.endpoint.publicAccessCidrs[0] = "0.0.0.0/1": the API endpoint must not be open';

describe("independent checks beside a schema error", () => {
  test("three cluster mistakes are all reported", () => {
    const msg = problemsOf(threeClusterMistakes());
    for (const line of [HOST_BITS, SIZES, OPEN]) expect(msg).toContain(line);
  });

  test("a rejected availabilityZones hides neither the host bits nor the node sizes", () => {
    const raw = threeClusterMistakes();
    raw.cluster.availabilityZones = 10;
    const msg = problemsOf(raw);
    expect(msg).toContain("mlops-platform:cluster.availabilityZones = 10");
    for (const line of [HOST_BITS, SIZES, OPEN]) expect(msg).toContain(line);
  });

  test("an IPv6 CIDR among the public ones does not hide another one open to the internet", () => {
    const raw = threeClusterMistakes();
    raw.cluster.endpoint.publicAccessCidrs.push("::/0");
    const msg = problemsOf(raw);
    expect(msg).toContain('mlops-platform:cluster.endpoint.publicAccessCidrs[1] = "::/0"');
    for (const line of [HOST_BITS, SIZES, OPEN]) expect(msg).toContain(line);
  });

  test("a spec's misspelt pool is reported while a pool of the stack has an unrelated problem", () => {
    const yaml = specYaml("homepage-feed", (y) => y.replace("pool: inference", "pool: inferance"));
    const msg = specProblems(
      (raw) => {
        raw.gpuPools[1].name = "Training";
      },
      source("models/homepage-feed.yaml", yaml),
    );
    expect(msg).toContain('serving.gpu.pool = "inferance": unknown GPU pool');
  });

  test("a spec naming the pool whose name is wrong waits for the stack file's fix", () => {
    // The valid spec trains on pool `training`: the same mistake, reported once, at the stack file.
    const msg = specProblems(
      (raw) => {
        raw.gpuPools[1].name = "Training";
      },
      source("models/homepage-feed.yaml", specYaml("homepage-feed")),
    );
    expect(msg).toBe("");
  });
});
