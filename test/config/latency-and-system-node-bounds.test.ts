/**
 * Two numbers that had no upper bound: a model's p99 latency SLO (and its canary's limit), which the
 * latency alerts read through histograms that stop at 10 s by default, so a larger SLO never fired;
 * and the system node group's sizes, which EKS refuses above its quota of nodes per managed node
 * group only at `pulumi up`. Each is one problem naming the field, the value and the limit.
 */
import { MAX_LATENCY_P99_MS } from "../../components/config/model-fields";
import { MAX_SYSTEM_NODES } from "../../components/config/system-nodes-schema";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { problemsOf } from "../helpers/stack-config-problems";
import { stackValues } from "../helpers/stack";
import { cfg, problemsOfEdited, source, spec } from "../model/bad-spec-harness";

const LATENCY_LIMIT =
  "must be at most 10,000 ms (10 s): the latency alerts read histograms whose highest bucket is 10 s by default (prometheus_client's, which MLServer keeps), so a p99 above it is never seen and the alert could not fire";

const withSlo = (ms: string) => (y: string) =>
  y.replace("slo: { latencyP99Ms: 50,", `slo: { latencyP99Ms: ${ms},`);
const withCanaryLimit = (ms: string) => (y: string) =>
  y.replace("analysis: { steps:", `analysis: { maxLatencyP99Ms: ${ms}, steps:`);

describe("p99 latency in milliseconds", () => {
  test.each(["10001", "50000", "50000000", "1e308"])(
    "slo.latencyP99Ms %s is refused with the limit",
    (ms) => {
      expect(problemsOfEdited("slow", withSlo(ms))).toBe(
        `1 configuration problem:\n  - models/slow.yaml: slo.latencyP99Ms = ${Number(ms)}: ${LATENCY_LIMIT}`,
      );
    },
  );

  test("a canary's maxLatencyP99Ms above the limit is refused the same way", () => {
    expect(problemsOfEdited("slow", withCanaryLimit("60000"))).toBe(
      `1 configuration problem:\n  - models/slow.yaml: canary.analysis.maxLatencyP99Ms = 60000: ${LATENCY_LIMIT}`,
    );
  });

  test("the limit itself is accepted, for the SLO and the canary", () => {
    const top = String(MAX_LATENCY_P99_MS);
    const yaml = spec("top", (y) => withCanaryLimit(top)(withSlo(top)(y)));
    expect(validateModelSpecs([source("models/top.yaml", yaml)], "staging", cfg)).toHaveLength(1);
  });
});

describe("cluster.systemNodes sizes", () => {
  test("maxSize above the limit is refused with it", () => {
    const raw = stackValues("staging");
    raw.cluster.systemNodes = { ...raw.cluster.systemNodes, maxSize: 4000 };
    expect(problemsOf(raw)).toBe(
      "1 configuration problem:\n  - Pulumi.test.yaml: mlops-platform:cluster.systemNodes.maxSize = 4000: must be at most 450 nodes (EKS's default quota of nodes per managed node group; the system nodes run only the add-ons)",
    );
  });

  test("minSize and desiredSize are bounded too, each named", () => {
    const raw = stackValues("staging");
    raw.cluster.systemNodes = { instanceTypes: ["m6i.xlarge"], minSize: 1e9, desiredSize: 1e9, maxSize: 1e9 };
    const msg = problemsOf(raw);
    for (const field of ["minSize", "desiredSize", "maxSize"])
      expect(msg).toContain(
        `mlops-platform:cluster.systemNodes.${field} = 1000000000: must be at most 450 nodes`,
      );
  });

  test("the limit itself is accepted", () => {
    const raw = stackValues("staging");
    raw.cluster.systemNodes = {
      ...raw.cluster.systemNodes,
      minSize: 2,
      desiredSize: 2,
      maxSize: MAX_SYSTEM_NODES,
    };
    expect(() => problemsOf(raw)).toThrow("expected the config to be invalid");
  });
});
