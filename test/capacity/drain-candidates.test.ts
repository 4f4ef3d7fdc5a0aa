/**
 * Consolidation candidates are counted in slots, but a time-sliced replica's slices must sit on one
 * GPU (gpu-fit.ts): a candidate whose pods fit the other nodes' free slots may still find no GPU
 * for one of them. The replay then tries the next candidate, as Karpenter's single-node
 * consolidation does, instead of giving up for the minute (sim-node.ts `planDrain` decides). The
 * layout comes from a scale-up and a scale-down: the warm start packs pods largest first.
 */
import { simulate } from "../../components/capacity/simulate";
import { spec, tinyConfig } from "./helpers";

describe("the replay tries the next candidate when one cannot move GPU by GPU", () => {
  // On one-GPU nodes of 4 slices, replicas of 1 slice ("one", 4 of them), 3 slices ("three", 1
  // then 2) and 2 slices ("two", 2 then 1). The warm start packs them largest first: three+one |
  // two+two | one,one,one. At minute 10 three's traffic doubles and two's halves: three's second
  // replica finds no GPU with 3 free slices and gets a node of its own (1 slice free), and two's
  // scale-down leaves its node with 2. Every node's pods then fit the others' free slots; the least
  // used, two's, is tried first and finds no GPU with 2 free slices (1 on each of two nodes); the
  // next, one's node, moves to two's node's 2 free slices and the new node's 1.
  const config = tinyConfig();
  const specs = [
    spec("one", { gpu: { pool: "inference", share: 0.25 } }),
    spec("three", { gpu: { pool: "inference", share: 0.75 } }),
    spec("two", { gpu: { pool: "inference", share: 0.5 } }),
  ];
  const replay = (local: string) => {
    const ready: Record<string, number[]> = { one: [], three: [], two: [] };
    // 80 rps a replica (100 at target 0.8): 4 replicas; 1 then 2; 2 then 1.
    const levels = [
      [320, 320],
      [80, 160],
      [160, 80],
    ];
    const result = simulate(
      config,
      specs,
      {
        models: ["one", "three", "two"],
        startMs: Date.parse(`2026-12-08T${local}:00+08:00`),
        minutes: 30,
        rps: levels.map(([before, after]) =>
          Float64Array.from(Array(30), (_, t) => (t < 10 ? before : after)),
        ),
      },
      { trace: (s, model, _t, _d, r) => s === "reactive" && ready[model].push(r) },
    ).strategies.reactive;
    return { result, ready };
  };

  test("at night one's node is drained (4 nodes -> 3), its replicas moved one cold start at a time", () => {
    const night = replay("02:00");
    const day = replay("12:00");
    // By day nothing is drained: 3 one-GPU nodes, a 4th from minute 11 (the scale-up reads minute
    // 10's traffic) to the end.
    expect(day.result.gpuHours).toBeCloseTo((3 * 11 + 4 * 19) / 60, 9);
    expect(night.result.gpuHours).toBeLessThan(day.result.gpuHours);
    expect(night.ready.one.slice(14, 21)).toEqual([4, 4, 3, 3, 3, 4, 4]);
    expect(day.ready.one.every((r) => r === 4)).toBe(true);
    expect(night.ready.three).toEqual(day.ready.three);
    expect(night.ready.two).toEqual(day.ready.two);
  });
});
