import * as fs from "fs";
import * as path from "path";
import { diffModels, PlanJson, planJsonProblems, renderPrComment } from "../../components/delivery/cost-diff";

/** Two real plan.json files: prod as committed, and prod with a thirteenth model added. */
const fixture = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "plans", name), "utf8")) as PlanJson;
const base = fixture("base-prod.json");
const head = fixture("head-prod.json");

describe("PR comment from two plan files", () => {
  const comment = renderPrComment([{ stack: "prod", base, head }], "abcdef1234");

  test("the expected cost difference equals head minus base", () => {
    const diff = head.capacity.monthlyCost.expected - base.capacity.monthlyCost.expected;
    expect(diff).toBeGreaterThan(0);
    expect(comment).toContain(`+${Math.round(diff).toLocaleString("en-US")}`);
  });

  test("every pool of either plan has a row", () => {
    for (const pool of head.capacity.pools) expect(comment).toContain(`| pool ${pool.name}, expected |`);
  });

  test("the added model is listed and the resource count delta shown", () => {
    expect(comment).toContain("added **order-eta-rerank**");
    expect(comment).toContain(
      `${head.resources.count} resources (+${head.resources.count - base.resources.count})`,
    );
  });

  test("a stack whose plan failed says so", () => {
    expect(renderPrComment([{ stack: "staging", base }])).toContain("**plan failed on this pull request**");
  });

  test("a stack new on this branch is compared against zero", () => {
    expect(renderPrComment([{ stack: "prod", head }])).toContain("(new)");
  });

  test("changed replicas and canary are reported", () => {
    const changed = head.models.map((m) =>
      m.name === "homepage-feed" ? { ...m, replicas: { min: 1, max: 99 }, canaryPercent: 25 } : m,
    );
    const lines = diffModels(head.models, changed);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^changed \*\*homepage-feed\*\*: replicas \d+-\d+ → 1-99, canary \d+% → 25%$/);
  });
});

describe("planJsonProblems: what a plan.json must hold for the comment", () => {
  test("a real plan has none", () => {
    expect(planJsonProblems(base)).toEqual([]);
  });

  test("an empty object, a list and an older format name each missing field", () => {
    expect(planJsonProblems([])).toEqual(["expected a JSON object"]);
    expect(planJsonProblems({})).toEqual([
      "stack: expected a string",
      "resources: expected an object",
      "models: expected a list",
      "capacity: expected an object",
      "policy: expected an object",
    ]);
    const { pools: _pools, ...capacity } = head.capacity;
    expect(planJsonProblems({ ...head, capacity })).toEqual(["capacity.pools: expected a list"]);
  });

  test("list entries are checked too", () => {
    const broken = { ...head, models: [null], capacity: { ...head.capacity, pools: [{ name: "p" }] } };
    expect(planJsonProblems(broken)).toEqual([
      "models[0]: expected an object",
      "capacity.pools[0].monthlyCost: expected {min, expected, max}",
    ]);
  });

  test("every field the comment prints is checked, not only the ones it sums (no NaN, no crash)", () => {
    const { max: _max, ...noMax } = head.capacity.monthlyCost;
    const broken = {
      ...head,
      models: [{ ...head.models[0], replicas: "1-4" }],
      capacity: {
        ...head.capacity,
        monthlyCost: noMax,
        budget: "400000",
        pools: [{ ...head.capacity.pools[0], monthlyCost: { min: -5000, expected: 1, max: "lots" } }],
      },
      policy: { violations: [{ policy: "x", resource: "r", enforcement: "mandatory", message: 42 }] },
    };
    expect(planJsonProblems(broken)).toEqual([
      "models[0].replicas: expected an object",
      "capacity.pools[0].monthlyCost.min: expected a cost >= 0",
      "capacity.pools[0].monthlyCost.max: expected a number",
      "capacity.monthlyCost.max: expected a number",
      "capacity.budget: expected a number",
      "policy.violations[0].message: expected a string",
    ]);
  });
});
