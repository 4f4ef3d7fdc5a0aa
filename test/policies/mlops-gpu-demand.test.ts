/** Policy mlops-model-gpu-demand-fits-pool: the models' GPU demand at their max replicas fits each pool. */
import { expectedMonthlyCost } from "../../policies/mlops/mlops-gpu-cost-fits-budget";
import { mlopsModelGpuDemandFitsPool } from "../../policies/mlops/mlops-model-gpu-demand-fits-pool";
import { gpusPerDevice } from "../../policies/lib/capacity";
import * as f from "./fixtures";
import { messages, set } from "./fixtures";

describe("mlops-model-gpu-demand-fits-pool", () => {
  const p = mlopsModelGpuDemandFitsPool;
  it("passes: 40 replicas x 0.25 GPU (1 of 4 time-slices) = 10 <= 48", async () => {
    expect(await messages(p, [f.inferenceService(), f.scaledObject(40)], f.capacity())).toEqual([]);
  });
  it("fails when the ScaledObject's maxReplicaCount exceeds the pool", async () => {
    expect(await messages(p, [f.inferenceService(), f.scaledObject(200)], f.capacity())).toEqual([
      "GPU pool inference needs 50 GPUs at full scale-out (homepage-feed 200x0.25) but maxGpus is 48; raise the pool's maxGpus or lower serving.replicas.max / serving.gpu.share.",
    ]);
  });
  it("prints a MIG share rounded and asks a MIG pool for fewer replicas only (its share is the profile's)", async () => {
    // Found by a black-box review: "ads-ctr 200x0.14285714285714285 ... or lower serving.gpu.share".
    const mig = {
      name: "mig",
      purpose: "serving" as const,
      maxGpus: 8,
      minGpus: 0,
      instanceTypes: ["p4de.24xlarge"],
      capacityType: "on-demand" as const,
      sharing: { mode: "mig" as const, profile: "1g.10gb" },
    };
    const models = [{ name: "ads-ctr", pool: "mig", share: 1 / 7, maxReplicas: 200 }];
    expect(await messages(p, [], { ...f.capacity(), pools: [mig], models })).toEqual([
      "GPU pool mig needs 28.57 GPUs at full scale-out (ads-ctr 200x0.1429) but maxGpus is 8; raise the pool's maxGpus or lower serving.replicas.max.",
    ]);
  });
  it("sums several models from explicit config demands", async () => {
    const models = [
      { name: "a", pool: "inference", share: 0.5, maxReplicas: 60 },
      { name: "b", pool: "inference", share: 0.25, maxReplicas: 80 },
    ];
    expect(await messages(p, [], { ...f.capacity(), models })).toEqual([
      "GPU pool inference needs 50 GPUs at full scale-out (a 60x0.5, b 80x0.25) but maxGpus is 48; raise the pool's maxGpus or lower serving.replicas.max / serving.gpu.share.",
    ]);
  });
  it("a canary or experiment splits its model's traffic: one replica over stable's max, not its own max", async () => {
    // 160 x 0.25 = 40 GPUs of 48: a canary of max 80 beside it would be 60 counted at its max.
    const models = [
      { name: "m", model: "m", stable: true, pool: "inference", share: 0.25, maxReplicas: 160 },
      { name: "m-canary", model: "m", stable: false, pool: "inference", share: 0.25, maxReplicas: 80 },
      { name: "m-exp", model: "m", stable: false, pool: "inference", share: 0.25, maxReplicas: 17 },
    ];
    expect(await messages(p, [], { ...f.capacity(), models })).toEqual([]);
    // A header-pinned experiment's cohort is still in stable's forecast: counted at its max.
    const pinned = [models[0], { ...models[2], pinned: true, maxReplicas: 40 }];
    expect(await messages(p, [], { ...f.capacity(), models: pinned })).toEqual([
      expect.stringContaining("needs 50 GPUs at full scale-out (m 160x0.25, m-exp 40x0.25)"),
    ]);
    // Without its stable variant a variant is all there is of its model: counted at its max.
    const alone = [{ ...models[1] }, { name: "other", pool: "inference", share: 0.5, maxReplicas: 60 }];
    expect(await messages(p, [], { ...f.capacity(), models: alone })).toEqual([
      "GPU pool inference needs 50 GPUs at full scale-out (other 60x0.5, m-canary 80x0.25) but maxGpus is 48; raise the pool's maxGpus or lower serving.replicas.max / serving.gpu.share.",
    ]);
    // And a budget without history prices the same peak: 40.5 GPUs, packed onto 41 whole ones, and
    // the pool's warm capacity on top (minGpus 4 = 16 slots: 2 left free, 14 on four more g6.xlarge).
    const { byPool } = expectedMonthlyCost(f.capacity(), models);
    expect(byPool[0]).toMatchObject({ pool: "inference", gpus: 45 });
  });
  describe("on a pool time-sliced 8 ways: a replica's slices sit on one GPU", () => {
    const eighths = () => {
      const cfg = f.capacity();
      const [inference, training] = cfg.pools;
      return {
        ...cfg,
        pools: [
          { ...inference, maxGpus: 8, sharing: { mode: "time-slicing" as const, replicas: 8 } },
          training,
        ],
      };
    };
    it("fails: ten replicas of 5/8 GPU need 10 GPUs (no two fit one), not the 6.25 their shares add up to", async () => {
      const models = [{ name: "m", pool: "inference", share: 0.625, maxReplicas: 10 }];
      expect(await messages(p, [], { ...eighths(), models })).toEqual([
        "GPU pool inference needs 10 GPUs at full scale-out (m 10x0.625; a replica's time-slices sit on one GPU, so shares of 6.25 GPUs fill 10) but maxGpus is 8; raise the pool's maxGpus or lower serving.replicas.max / serving.gpu.share.",
      ]);
    });
    it("fails the same on the InferenceService's 5 slices and its ScaledObject's max of 10", async () => {
      const isvc = set(f.inferenceService(), "spec.predictor.model.resources", {
        requests: { cpu: "2", memory: "8Gi", "nvidia.com/gpu": "5" },
        limits: { cpu: "2", memory: "8Gi", "nvidia.com/gpu": "5" },
      });
      expect(await messages(p, [isvc, f.scaledObject(10)], eighths())).toEqual([
        expect.stringContaining(
          "GPU pool inference needs 10 GPUs at full scale-out (homepage-feed 10x0.625;",
        ),
      ]);
    });
    it("passes where slices fit together on a GPU: eight of 5/8 beside eight of 3/8 fill 8 GPUs", async () => {
      // Each GPU holds a 5-slice and a 3-slice replica; counted model by model they would be 8 + 3.
      const models = [
        { name: "a", pool: "inference", share: 0.625, maxReplicas: 8 },
        { name: "b", pool: "inference", share: 0.375, maxReplicas: 8 },
      ];
      expect(await messages(p, [], { ...eighths(), models })).toEqual([]);
    });
  });
  it("a hand-written time-sliced pool without its slice count or types counts a device a GPU", async () => {
    // Found by a review: binned by the fewest slots per GPU of no types (Infinity), the 10 GPUs
    // read as 0 and never failed; a slice count of 0 made the binning throw.
    const models = [{ name: "m", pool: "p", share: 1, maxReplicas: 10 }];
    for (const sharing of [{ mode: "time-slicing" }, { mode: "time-slicing", replicas: 0 }])
      expect(await messages(p, [], { pools: [{ name: "p", maxGpus: 4, sharing }], models })).toEqual([
        "GPU pool p needs 10 GPUs at full scale-out (m 10x1) but maxGpus is 4; raise the pool's maxGpus or lower serving.replicas.max / serving.gpu.share.",
      ]);
  });
  it("fails on a model using an unknown pool", async () => {
    const models = [{ name: "a", pool: "gpu-xl", share: 1, maxReplicas: 1 }];
    expect(await messages(p, [], { ...f.capacity(), models })).toEqual([
      "Model a uses GPU pool gpu-xl, which this stack does not define; use one of inference, training.",
    ]);
  });
  it("is not applicable without the capacity config", async () => {
    expect(await messages(p, [f.inferenceService(), f.scaledObject(1000)])).toEqual([]);
  });
  it("counts a MIG device as the GPU it holds: one 4g.40gb per A100, not 4/7 of one", () => {
    const pool = {
      name: "mig",
      maxGpus: 8,
      instanceTypes: ["p4de.24xlarge"],
      sharing: { mode: "mig" as const, profile: "4g.40gb" },
    };
    expect(gpusPerDevice(pool, "nvidia.com/mig-4g.40gb")).toBe(1);
    expect(
      gpusPerDevice({ ...pool, sharing: { mode: "mig", profile: "3g.40gb" } }, "nvidia.com/mig-3g.40gb"),
    ).toBe(0.5);
    expect(
      gpusPerDevice({ ...pool, sharing: { mode: "mig", profile: "1g.10gb" } }, "nvidia.com/mig-1g.10gb"),
    ).toBe(1 / 7);
    // Without a known instance type, the profile's compute fraction is all there is.
    expect(gpusPerDevice({ ...pool, instanceTypes: [] }, "nvidia.com/mig-4g.40gb")).toBeCloseTo(4 / 7, 9);
  });
  it("counts nvidia.com/gpu on a MIG pool (the single strategy's name) by the pool's profile", () => {
    const pool = {
      name: "mig",
      maxGpus: 8,
      instanceTypes: ["p4de.24xlarge"],
      sharing: { mode: "mig" as const, profile: "1g.10gb" },
    };
    expect(gpusPerDevice(pool, "nvidia.com/gpu")).toBe(1 / 7);
    expect(gpusPerDevice({ ...pool, sharing: { mode: "none" } }, "nvidia.com/gpu")).toBe(1);
  });
});
