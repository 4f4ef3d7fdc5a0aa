/** A pool's GPU counts are bounded: 200,000,000 warm GPUs ran the plan's packing out of memory. */
import { problemsOf } from "../helpers/stack-config-problems";
import { stackValues } from "../helpers/stack";

test("minGpus and maxGpus beyond 10,000 are refused with the limit", () => {
  const raw = stackValues("staging");
  raw.gpuPools[0] = { ...raw.gpuPools[0], minGpus: 200000000, maxGpus: 200000000 };
  const msg = problemsOf(raw);
  expect(msg).toContain(
    "Pulumi.test.yaml: mlops-platform:gpuPools[0].minGpus = 200000000: must be at most 10,000 GPUs per pool",
  );
  expect(msg).toContain(
    "Pulumi.test.yaml: mlops-platform:gpuPools[0].maxGpus = 200000000: must be at most 10,000 GPUs per pool",
  );
});
