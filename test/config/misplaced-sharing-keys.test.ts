/**
 * A pool's `sharing` is one map per mode (a union): a key of it dedented to the pool's level is
 * named where it belongs, once, as a dedented field of any other map is - not as an unknown key
 * beside a second problem saying the field it left is required.
 */
import { problemsOf } from "../helpers/stack-config-problems";
import { stackValues } from "../helpers/stack";

/** Staging's values with the first pool edited. */
function withInferencePool(edit: (pool: Record<string, unknown>) => void): Record<string, any> {
  const raw = stackValues("staging");
  edit(raw.gpuPools[0]);
  return raw;
}

describe("a sharing key at the pool's level", () => {
  test("time-slicing replicas dedented out of sharing is named at sharing.replicas, once", () => {
    const message = problemsOf(
      withInferencePool((pool) => {
        pool.sharing = { mode: "time-slicing" };
        pool.replicas = 8;
      }),
    );
    expect(message).toContain(
      "mlops-platform:gpuPools[0].replicas: unknown key at this level: replicas belongs at mlops-platform:gpuPools[0].sharing.replicas (check its indentation)",
    );
    expect(message).not.toContain("sharing.replicas: required");
    expect(message).toMatch(/^1 configuration problem/m);
  });

  test("a MIG profile dedented out of sharing is named at sharing.profile", () => {
    const message = problemsOf(
      withInferencePool((pool) => {
        pool.instanceTypes = ["p4d.24xlarge"];
        pool.sharing = { mode: "mig" };
        pool.profile = "1g.5gb";
      }),
    );
    expect(message).toContain("profile belongs at mlops-platform:gpuPools[0].sharing.profile");
    expect(message).not.toContain("sharing.profile: required");
  });

  test("a key no sharing mode has keeps the plain unknown-key message", () => {
    const message = problemsOf(withInferencePool((pool) => (pool.slices = 8)));
    expect(message).toContain("mlops-platform:gpuPools[0].slices: unknown key; allowed keys:");
    expect(message).not.toContain("belongs at");
  });
});
