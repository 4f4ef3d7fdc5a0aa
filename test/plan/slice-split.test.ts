/**
 * The plan's note on a time-sliced pool whose replicas the device plugin's `packed` allocation may
 * split over two GPUs: replicas of several slice counts, or of one that does not divide the slices
 * per GPU, on instance types of several GPUs.
 */
import { sliceSplitWarnings } from "../../tools/plan/slice-split";
import { planCapacitySummary } from "../../tools/plan/capacity-planner";
import { planCapacity } from "../../components/capacity/packing";
import { spec, tinyConfig } from "../capacity/helpers";

const pool = (over: Parameters<typeof tinyConfig>[0]) => tinyConfig(over).gpuPools[0];
const quarter = spec("quarter"); // 0.25 of a 4-way GPU: one slice
const half = spec("half", { gpu: { pool: "inference", share: 0.5 } }); // two slices

describe("sliceSplitWarnings", () => {
  it("names the slice counts, the models and the multi-GPU types when sizes mix", () => {
    const [note] = sliceSplitWarnings(pool({ instanceTypes: ["g6.xlarge", "g6.12xlarge"] }), [quarter, half]);
    expect(note).toContain(
      "replicas of 1 (quarter), 2 (half) of the 4 slices per GPU share the GPUs of g6.12xlarge",
    );
    expect(note).toContain("one slice count that divides 4");
  });

  it("counts the warm capacity's one-slice pause pods beside multi-slice replicas", () => {
    const [note] = sliceSplitWarnings(pool({ instanceTypes: ["g6.12xlarge"], minGpus: 1 }), [half]);
    expect(note).toContain("1 (the warm capacity's pause pods), 2 (half)");
  });

  it("a slice count that does not divide the GPU's splits replicas of one size too", () => {
    const three = spec("three", { gpu: { pool: "inference", share: 0.375 } }); // 3 of 8
    const [note] = sliceSplitWarnings(
      pool({ instanceTypes: ["g6.12xlarge"], sharing: { mode: "time-slicing", replicas: 8 } }),
      [three],
    );
    expect(note).toContain("replicas of 3 (three) of the 8 slices per GPU");
  });

  it("is silent where nothing can split: single-GPU types, one dividing size, no sharing, no models", () => {
    expect(sliceSplitWarnings(pool({ instanceTypes: ["g6.xlarge"] }), [quarter, half])).toEqual([]);
    expect(sliceSplitWarnings(pool({ instanceTypes: ["g6.12xlarge"] }), [half])).toEqual([]);
    expect(sliceSplitWarnings(pool({ instanceTypes: ["g6.12xlarge"], minGpus: 2 }), [quarter])).toEqual([]);
    expect(
      sliceSplitWarnings(pool({ instanceTypes: ["g6.12xlarge"], sharing: { mode: "none" } }), [
        spec("whole", { gpu: { pool: "inference", share: 1 } }),
      ]),
    ).toEqual([]);
    expect(sliceSplitWarnings(pool({ instanceTypes: ["g6.12xlarge"], minGpus: 2 }), [])).toEqual([]);
  });

  it("reaches the plan's pool warnings, with or without the packing", () => {
    const config = tinyConfig({ instanceTypes: ["g6.xlarge", "g6.12xlarge"] });
    for (const summary of [
      planCapacitySummary(config, [quarter, half], undefined),
      planCapacitySummary(config, [quarter, half], planCapacity),
    ])
      expect(summary.pools[0].warnings.join("\n")).toContain("may give a replica slices of two GPUs");
  });
});
