/** The simulator on hand-computed cases: reactive, oracle and static strategies, warm capacity and mixed GPU types. */
import { simulate, StrategyName } from "../../components/capacity/simulate";
import { spec, tinyConfig } from "./helpers";
import { readyTrace, traffic } from "./simulate-harness";

describe("simulator on a tiny case computed by hand", () => {
  // One model: 100 rps per replica, target 80, share 0.25; pool of 4-slot g6.xlarge at 7.0/h,
  // 60 s provisioning; cold start 60 s. Demand doubles past one replica's capacity at minute 2.
  const config = tinyConfig();
  const m = spec("m");
  const t = traffic(["m"], [80, 80, 200, 200, 200, 80]);
  const seen: { strategy: StrategyName; ready: number }[] = [];
  const r = simulate(config, [m], t, {
    trace: (strategy, _m, _t, _d, ready) => seen.push({ strategy, ready }),
  });

  test("reactive scales one minute after the rise and is ready one cold start later", () => {
    // t=2 sees t=1's 80 rps: no change; t=3 sees 200 -> ceil(200/80) = 3, ready at t=4.
    expect(readyTrace(seen, "reactive")).toEqual([1, 1, 1, 1, 3, 3]);
    const s = r.strategies.reactive;
    expect(s.sloMissMinutes).toBe(2);
    expect(s.sloViolationPct).toBeCloseTo((100 * 2) / 6, 9);
    expect(s.gpuHours).toBeCloseTo(0.1, 9); // one GPU for six minutes
    expect(s.cost).toBeCloseTo(0.7, 9);
    // busy: served 80,80,100,100,200,80 rps / 100 x 0.25 GPU x 60 s = 96 GPU-s of 360
    expect(s.gpuUtilization).toBeCloseTo(96 / 360, 9);
    // ready: 1+1+1+1+3+3 replicas x 0.25 GPU x 60 s = 150 GPU-s hold a ready replica
    expect(s.readyFraction).toBeCloseTo(150 / 360, 9);
  });

  test("oracle: the replicas each minute needs, no misses, one GPU", () => {
    expect(readyTrace(seen, "oracle")).toEqual([1, 1, 2, 2, 2, 1]);
    expect(r.strategies.oracle.sloMissMinutes).toBe(0);
    expect(r.strategies.oracle.gpuUtilization).toBeCloseTo(126 / 360, 9);
    expect(r.strategies.oracle.readyFraction).toBeCloseTo(135 / 360, 9);
    expect(r.strategies.oracle.cost).toBeCloseTo(0.7, 9);
  });

  test("oracle at the target keeps the spec's headroom: ceil(demand / 80) replicas", () => {
    const seen2: { strategy: StrategyName; ready: number }[] = [];
    simulate(config, [m], t, {
      oracleAtTarget: true,
      trace: (strategy, _m, _t, _d, ready) => seen2.push({ strategy, ready }),
    });
    expect(readyTrace(seen2, "oracle")).toEqual([1, 1, 3, 3, 3, 1]);
  });

  test("static: two replicas for the 200 rps peak on one whole GPU, no misses", () => {
    expect(readyTrace(seen, "static")).toEqual([2, 2, 2, 2, 2, 2]);
    expect(r.strategies.static.sloMissMinutes).toBe(0);
    expect(r.strategies.static.gpuHours).toBeCloseTo(0.1, 9);
  });

  test("a pod that needs a new node waits for provisioning and its cold start", () => {
    const seen2: { strategy: StrategyName; ready: number }[] = [];
    const r2 = simulate(config, [m], traffic(["m"], [80, 400, 400, 400, 400, 400, 400]), {
      trace: (strategy, _m, _t, _d, ready) => seen2.push({ strategy, ready }),
    });
    // t=2: 5 replicas wanted; 3 fit the first node (ready t=3), 1 waits for a node launched at t=2
    // (ready at 180 s) and is ready at 240 s (t=4).
    expect(readyTrace(seen2, "reactive")).toEqual([1, 1, 1, 4, 5, 5, 5]);
    expect(r2.strategies.reactive.sloMissMinutes).toBe(2);
    expect(r2.strategies.reactive.gpuHours).toBeCloseTo((2 * 1 + 5 * 2) / 60, 9);
  });
});

describe("warm capacity: pause pods that replicas preempt, headroom on top of the load", () => {
  // The tiny case's pool with minGpus 1: four one-slot pause pods. Demand jumps from 80 to 400 rps.
  const config = tinyConfig({ minGpus: 1 });
  const m = spec("m");
  const seen: { strategy: StrategyName; ready: number }[] = [];
  const r = simulate(config, [m], traffic(["m"], [80, 400, 400, 400, 400, 400, 400]), {
    trace: (strategy, _m, _t, _d, ready) => seen.push({ strategy, ready }),
  });

  test("a replica that finds no free slot preempts a pause pod and skips the node start", () => {
    // t=0: one replica and four pause pods on two nodes (1+3 | 1). t=2: five replicas wanted; three
    // take node 1's free slots, the fourth preempts a pause pod on node 0: all four ready at 180 s
    // (t=3), where without warm capacity one waited for a new node (ready at t=4).
    expect(readyTrace(seen, "reactive")).toEqual([1, 1, 1, 5, 5, 5, 5]);
    expect(r.strategies.reactive.sloMissMinutes).toBe(2);
    // The preempted pause pod gets a node of its own at t=2: 2 GPUs for two minutes, then 3.
    expect(r.strategies.reactive.gpuHours).toBeCloseTo((2 * 2 + 3 * 5) / 60, 9);
  });

  test("oracle packs the pause pods beside each minute's replicas", () => {
    // 1 + 4 slots, then 4 + 4: two g6.xlarge throughout.
    expect(readyTrace(seen, "oracle")).toEqual([1, 4, 4, 4, 4, 4, 4]);
    expect(r.strategies.oracle.gpuHours).toBeCloseTo((2 * 7) / 60, 9);
  });
});

describe("a pool of one- and four-GPU types, whole GPUs per replica", () => {
  // g6.xlarge (1 GPU, 7.0/h) and g6.12xlarge (4 GPUs, 40.3/h): a holds 1 GPU per replica, b 2.
  const config = tinyConfig({ instanceTypes: ["g6.xlarge", "g6.12xlarge"], sharing: { mode: "none" } });
  const specs = [
    spec("a", { gpu: { pool: "inference", share: 1 }, targetUtilization: 1 }),
    spec("b", { gpu: { pool: "inference", share: 2 }, targetUtilization: 1 }),
  ];
  const r = simulate(config, specs, traffic(["a", "b"], Array(10).fill(300), Array(10).fill(100)));

  test("oracle: b's replica on the four-GPU type, a's three on its free two GPUs and a one-GPU node", () => {
    // Sized by the largest pod alone, all five GPUs would be two g6.12xlarge (8 GPUs, 80.6/h).
    expect(r.strategies.oracle.gpuHours).toBeCloseTo((5 * 10) / 60, 9);
    expect(r.strategies.oracle.cost).toBeCloseTo(((40.3 + 7.0) * 10) / 60, 2); // cost in fen
  });

  test("reactive starts warm on the same mix, b's pod placed first on the node launched for it", () => {
    expect(r.strategies.reactive.gpuHours).toBeCloseTo((5 * 10) / 60, 9);
    expect(r.strategies.reactive.cost).toBeCloseTo(((40.3 + 7.0) * 10) / 60, 2);
    expect(r.strategies.reactive.sloMissMinutes).toBe(0);
  });
});

describe("static: whole GPUs of whole nodes, at what a replica holds on its pool", () => {
  test("a 3g.20gb MIG replica holds half an A100 (two per GPU), and eight-GPU nodes are billed whole", () => {
    const config = tinyConfig({
      instanceTypes: ["p4d.24xlarge"],
      sharing: { mode: "mig", profile: "3g.20gb" },
    });
    // Seven replicas at their compute share (3/7) would be 3 GPUs at 283/8 an hour each; they hold
    // 3.5 GPUs, so 4 whole ones, on one p4d.24xlarge of 8.
    const m = spec("m", { gpu: { pool: "inference", share: 3 / 7 } });
    const r = simulate(config, [m], traffic(["m"], Array(10).fill(700))).strategies.static;
    expect(r.gpuHours).toBeCloseTo((8 * 10) / 60, 9);
    expect(r.cost).toBeCloseTo((283 * 10) / 60, 2);
  });

  test("busy and ready GPU time count the slice a replica holds, not a share a little above it", () => {
    const config = tinyConfig({
      instanceTypes: ["p4d.24xlarge"],
      sharing: { mode: "mig", profile: "1g.5gb" },
    });
    // 0.1495 passes as one 1g.5gb slice (1/7 of an A100, within 5%); 56 replicas fill one p4d's
    // 8 x 7 slices exactly. Counted at 0.1495 a GPU each they were 104.7% of the node busy.
    const m = spec("m", { gpu: { pool: "inference", share: 0.1495 }, replicas: { min: 1, max: 100 } });
    const r = simulate(config, [m], traffic(["m"], Array(30).fill(5600)));
    for (const name of ["static", "oracle"] as const) {
      expect(r.strategies[name].gpuUtilization).toBeLessThanOrEqual(1);
      expect(r.strategies[name].readyFraction).toBeLessThanOrEqual(1);
    }
    expect(r.strategies.oracle.gpuUtilization).toBeCloseTo(1, 6);
  });

  test("a replica of two whole GPUs is priced on the type that holds it", () => {
    const config = tinyConfig({ instanceTypes: ["g6.xlarge", "g6.12xlarge"], sharing: { mode: "none" } });
    const m = spec("m", { gpu: { pool: "inference", share: 2 } });
    // Two replicas, 4 GPUs: one g6.12xlarge (40.3/h), not four g6.xlarge's GPU price (28/h).
    const r = simulate(config, [m], traffic(["m"], Array(10).fill(200))).strategies.static;
    expect(r.cost).toBeCloseTo((40.3 * 10) / 60, 2);
  });

  test("a model runs at least its replicas.min, as in the other strategies", () => {
    const config = tinyConfig({ instanceTypes: ["g6.xlarge"], sharing: { mode: "none" } });
    // 50 rps needs one 100-rps replica; the spec keeps three, on three whole GPUs.
    const m = spec("m", { gpu: { pool: "inference", share: 1 }, replicas: { min: 3, max: 6 } });
    const r = simulate(config, [m], traffic(["m"], Array(10).fill(50))).strategies.static;
    expect(r.gpuHours).toBeCloseTo((3 * 10) / 60, 9);
  });
});
