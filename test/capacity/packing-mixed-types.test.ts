/** Packing a whole-GPU pool of a one-GPU and a four-GPU type, and first-fit-decreasing placement. */
import fc from "fast-check";
import { cheapestMix } from "../../components/capacity/instance-mix";
import { packPool } from "../../components/capacity/packing";
import { spreadOrder } from "../../components/capacity/zone-assignment";
import { firstFitDecreasing } from "../../components/capacity/zone-nodes";
import { prodConfig } from "./helpers";

const config = prodConfig();
const pool = config.gpuPools.find((p) => p.purpose === "serving")!;

describe("packing", () => {
  describe("a whole-GPU pool of a one-GPU and a four-GPU type", () => {
    const mixed = {
      ...pool,
      instanceTypes: ["g6.xlarge", "g6.12xlarge"],
      sharing: { mode: "none" as const },
      minGpus: 0,
    };
    const priced = {
      ...config,
      pricing: {
        ...config.pricing,
        instances: {
          ...config.pricing.instances,
          "g6.xlarge": { onDemand: 7 },
          "g6.12xlarge": { onDemand: 40.3 },
        },
      },
    };

    test("one-GPU replicas are not put on the four-GPU type because another replica needs two GPUs", () => {
      const p = packPool(
        mixed,
        priced,
        [
          { model: "one", devices: 1, replicas: 5 },
          { model: "two", devices: 2, replicas: 1 },
        ],
        1,
      );
      // The two-GPU replica and two one-GPU replicas on a g6.12xlarge, three g6.xlarge: 61.3/h, where
      // four-GPU nodes alone cost 80.6.
      expect(p.hourlyCost).toBeCloseTo(40.3 + 3 * 7, 6);
      expect(p.nodes.map((n) => n.type).sort()).toEqual([
        "g6.12xlarge",
        "g6.xlarge",
        "g6.xlarge",
        "g6.xlarge",
      ]);
      expect(p.usedSlots).toBe(7);
    });

    test("warm capacity counts: a split mix that leaves it no free slot is not taken", () => {
      // Four-GPU nodes cheaper per GPU (3.0 against 1.0 each): 2+1+1+1 GPUs of replicas and 3 GPUs of
      // pause pods fit two g6.12xlarge (6.0/h); the split mix (one of each, 4.0) then needs three
      // g6.xlarge more for the pause pods (7.0).
      const cheapBig = {
        ...priced,
        pricing: {
          ...priced.pricing,
          instances: {
            ...priced.pricing.instances,
            "g6.xlarge": { onDemand: 1 },
            "g6.12xlarge": { onDemand: 3 },
          },
        },
      };
      const p = packPool(
        { ...mixed, minGpus: 3 },
        cheapBig,
        [
          { model: "two", devices: 2, replicas: 1 },
          { model: "one", devices: 1, replicas: 3 },
        ],
        1,
      );
      expect(p.hourlyCost).toBeCloseTo(6, 9);
    });

    test("never dearer than one mix of the types that hold the largest replica, and every pod placed", () => {
      const mixedDemands = fc.array(
        fc.record({
          model: fc.constantFrom("a", "b", "c"),
          devices: fc.integer({ min: 1, max: 4 }),
          replicas: fc.integer({ min: 0, max: 9 }),
        }),
        { maxLength: 5 },
      );
      fc.assert(
        fc.property(mixedDemands, fc.integer({ min: 1, max: 3 }), (demands, zones) => {
          const p = packPool(mixed, priced, demands, zones);
          expect(p.usedSlots).toBe(demands.reduce((a, d) => a + d.devices * d.replicas, 0));
          for (const n of p.nodes) expect(n.usedSlots).toBeLessThanOrEqual(n.slots);
          // The one-mix packing, zone by zone (what packPool did alone before), of the rotation
          // over the zones in spreadOrder (a spread packPool prices).
          const options = [
            { type: "g6.xlarge", gpus: 1, slots: 1, hourly: 7 },
            { type: "g6.12xlarge", gpus: 4, slots: 4, hourly: 40.3 },
          ];
          let oneMix = 0;
          for (let z = 0; z < zones; z++) {
            const pods = spreadOrder(demands).flatMap((k, i) =>
              Array.from({ length: demands[k].replicas }, (_, r) => r)
                .filter((r) => (r + i) % zones === z)
                .map(() => demands[k].devices),
            );
            const largest = Math.max(1, ...pods);
            for (let need = pods.reduce((a, b) => a + b, 0); ; need++) {
              const mix = cheapestMix(options, need, largest)!;
              if (firstFitDecreasing(pods, mix, 1)) {
                oneMix += mix.reduce((a, o) => a + o.hourly, 0);
                break;
              }
            }
          }
          expect(p.hourlyCost).toBeLessThanOrEqual(oneMix + 1e-9);
        }),
        { numRuns: 150 },
      );
    });
  });
});

describe("firstFitDecreasing", () => {
  /** The textbook placement: each pod, largest first, on the first node from node 0 with room. */
  function scanFromFirstNode(pods: readonly number[], capacities: readonly number[]): number[] | undefined {
    const used = capacities.map(() => 0);
    for (const pod of [...pods].sort((a, b) => b - a)) {
      const i = capacities.findIndex((cap, j) => cap - used[j] >= pod);
      if (i < 0) return undefined;
      used[i] += pod;
    }
    return used;
  }

  /** Nodes of one GPU each, of the given slots. */
  const oneGpu = (capacities: readonly number[]) => capacities.map((slots) => ({ gpus: 1, slots }));

  it("places pods exactly as a scan from the first node would, or fails where it fails", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 16 }), { maxLength: 12 }),
        (pods, capacities) => {
          // Any devices of a node (no sharing, MIG): the node's slots are what counts.
          expect(firstFitDecreasing(pods, oneGpu(capacities), 1)?.used).toEqual(
            scanFromFirstNode(pods, capacities),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it("comes back to an earlier node for a smaller pod", () => {
    // 3 fills node 0 to 3 of 4, 3 goes to node 1; the 1s then fit node 0 first, then node 1.
    expect(firstFitDecreasing([3, 3, 1, 1], oneGpu([4, 4]), 4)?.used).toEqual([4, 4]);
    expect(firstFitDecreasing([3, 3, 3], oneGpu([4, 4]), 4)).toBeUndefined();
  });
});
