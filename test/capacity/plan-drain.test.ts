/**
 * `planDrain`: whether a consolidation candidate's pods have a place on the other nodes, GPU by GPU
 * (a time-sliced replica's slices on one GPU, gpu-fit.ts), and where they go.
 */
import type { InstanceOption } from "../../components/capacity/instance-mix";
import { emptyNode, planDrain, SimNode } from "../../components/capacity/sim-node";

/** One-GPU nodes of 4 slices (g6.xlarge time-sliced 4 ways), with the given pods' slots on them. */
function nodesWith(...pods: number[][]): SimNode[] {
  const option: InstanceOption = { type: "g6.xlarge", gpus: 1, slots: 4, hourly: 7 };
  return pods.map((onNode) => {
    const n = emptyNode(option, 0, 0);
    for (const d of onNode) {
      n.free[0] -= d;
      n.used += d;
    }
    return n;
  });
}

describe("planDrain: where a drained node's pods go, GPU by GPU", () => {
  // A node of three 1-slice replicas, two of one 3-slice replica each, one of a 2-slice replica.
  const nodes = nodesWith([1, 1, 1], [3], [3], [2]);
  const all = () => true;

  test("the 2-slice replica finds no GPU with 2 free slices, though 3 slices are free", () => {
    expect(planDrain(nodes, 3, [2], all, 4)).toBeUndefined();
    // Where another node's GPU has 2 slices free, it goes there.
    expect(planDrain(nodesWith([1, 1, 1], [3], [2], [2]), 3, [2], all, 4)?.pods).toEqual([
      { to: 2, gpus: [0] },
    ]);
  });

  test("the 1-slice replicas go first fit to the other nodes' free slices; nothing changes yet", () => {
    const plan = planDrain(nodes, 0, [1, 1, 1], all, 4)!;
    expect(plan.pods).toEqual([
      { to: 1, gpus: [0] },
      { to: 2, gpus: [0] },
      { to: 3, gpus: [0] },
    ]);
    expect([...plan.free]).toEqual([
      [1, [0]],
      [2, [0]],
      [3, [1]],
    ]);
    expect(nodes.map((n) => n.free[0])).toEqual([1, 1, 1, 2]);
  });

  test("pods are placed largest first and the plan lists them in the order given", () => {
    // Node 1 has 3 slices free, node 2 one: in the order given, the 1-slice pod took node 1's GPU
    // and the 3-slice pod found none.
    const plan = planDrain(nodesWith([1, 3], [1], [3]), 0, [1, 3], all, 4);
    expect(plan?.pods).toEqual([
      { to: 2, gpus: [0] },
      { to: 1, gpus: [0] },
    ]);
  });

  test("a node not usable (starting, or itself being drained) takes nothing; pause pods follow the pods", () => {
    const withWarm = nodesWith([1, 1], [3], [2]);
    withWarm[0].warm = 1;
    withWarm[0].warmOn[0] = 1;
    withWarm[0].used += 1;
    withWarm[0].free[0] -= 1;
    const notTheTwo = (n: SimNode) => n !== withWarm[2];
    // Two 1-slice pods and a pause pod: only node 1's one free slice is usable, so no place.
    expect(planDrain(withWarm, 0, [1, 1], notTheTwo, 4)).toBeUndefined();
    const plan = planDrain(withWarm, 0, [1, 1], () => true, 4)!;
    expect(plan.pods.map((p) => p.to)).toEqual([1, 2]);
    expect(plan.warm).toEqual([{ to: 2, gpu: 0 }]);
  });
});
