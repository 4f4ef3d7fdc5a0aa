/**
 * Consolidation candidates are counted in slots, but a time-sliced replica's slices must sit on one
 * GPU (gpu-fit.ts): a candidate whose pods fit the other nodes' free slots may still find no GPU
 * for one of them. The replay then tries the next candidate, as Karpenter's single-node
 * consolidation does, instead of giving up for the minute (sim-node.ts `planDrain` decides).
 */
import { simulate } from "../../components/capacity/simulate";
import { spec, tinyConfig } from "./helpers";

describe("the replay tries the next candidate when one cannot move GPU by GPU", () => {
  // On one-GPU nodes of 4 slices, replicas of 1 slice ("one", 3 of them), 3 slices ("three", 2)
  // and 2 slices ("two", 1). The warm start places them in name order: one,one,one | three |
  // three, each node with a slice free, and two's 2-slice replica gets a node of its own. From
  // minute 2 every node's pods fit the others' free slices; the least used, two's, is tried first
  // and finds no GPU with 2 free slices; the next, one's node, moves to the three 1-slice gaps.
  const config = tinyConfig();
  const specs = [
    spec("one", { gpu: { pool: "inference", share: 0.25 } }),
    spec("three", { gpu: { pool: "inference", share: 0.75 } }),
    spec("two", { gpu: { pool: "inference", share: 0.5 } }),
  ];
  const replay = (local: string) => {
    const ready: Record<string, number[]> = { one: [], three: [], two: [] };
    // 80 rps a replica (100 at target 0.8): 3, 2 and 1 replicas.
    const result = simulate(
      config,
      specs,
      {
        models: ["one", "three", "two"],
        startMs: Date.parse(`2026-12-08T${local}:00+08:00`),
        minutes: 30,
        rps: [240, 160, 80].map((r) => Float64Array.from(Array(30).fill(r))),
      },
      { trace: (s, model, _t, _d, r) => s === "reactive" && ready[model].push(r) },
    ).strategies.reactive;
    return { result, ready };
  };

  test("at night one's node is drained (4 nodes -> 3), its replicas moved one cold start at a time", () => {
    const night = replay("02:00");
    const day = replay("12:00");
    // By day nothing is drained: 4 one-GPU nodes for half an hour.
    expect(day.result.gpuHours).toBeCloseTo(2, 9);
    expect(night.result.gpuHours).toBeLessThan(day.result.gpuHours);
    expect(night.ready.one.slice(0, 6)).toEqual([3, 3, 2, 2, 2, 3]);
    expect(night.ready.three.every((r) => r === 2)).toBe(true);
    expect(night.ready.two).toEqual(day.ready.two);
  });
});
