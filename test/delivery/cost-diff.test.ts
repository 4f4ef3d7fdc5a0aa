import * as fs from "fs";
import * as path from "path";
import {
  diffModels,
  gpuLines,
  PlanJson,
  planJsonProblems,
  renderPrComment,
} from "../../components/delivery/cost-diff";

/** Two real plan.json files: prod as committed, and prod with a thirteenth model added. */
const fixture = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "plans", name), "utf8")) as PlanJson;
const base = fixture("base-prod.json");
const head = fixture("head-prod.json");

describe("PR comment from two plan files", () => {
  const comment = renderPrComment([{ stack: "prod", base, head }], "abcdef1234");

  // The added model fits the GPUs prod's expected packing already buys: its peak is what costs more.
  const money = (n: number) => Math.round(n).toLocaleString("en-US");
  const peakDiff = head.capacity.monthlyCost.max - base.capacity.monthlyCost.max;

  test("the cost difference equals head minus base", () => {
    expect(peakDiff).toBeGreaterThan(0);
    expect(comment).toContain(
      `| **total, max** | ${money(base.capacity.monthlyCost.max)} | ${money(head.capacity.monthlyCost.max)} | +${money(peakDiff)} (`,
    );
  });

  test("a cost that falls is written with the same ASCII minus as its percent", () => {
    const reverse = renderPrComment([{ stack: "prod", base: head, head: base }]);
    expect(reverse).toMatch(new RegExp(`\\| -${money(peakDiff)} \\(-\\d+\\.\\d%\\) \\|`));
    expect(reverse).not.toContain("\u2212");
  });

  test("each pool's GPUs at the expected load are shown beside the work they hold", () => {
    const pool = (plan: PlanJson) => plan.capacity.pools.find((p) => p.name === "inference")!;
    const [b, h] = [pool(base), pool(head)];
    expect(h.demand!.expected).toBeGreaterThan(b.demand!.expected);
    expect(comment).toContain(
      `inference ${b.gpus!.expected} → ${h.gpus!.expected} GPUs for ${b.demand!.expected} → ${h.demand!.expected}`,
    );
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

  test("the plan's notes this pull request brings are shown, not those every plan repeats", () => {
    const routed =
      "Alerts of team cart (cart-cross-sell) go to the platform team ml-platform: add alerting.receivers.cart to page the team itself";
    const quiet = "Drift alerts of giftcard-trickle cannot fire: they need 4.2 requests/s";
    const withNotes = (plan: PlanJson, notices: string[], poolWarning?: string): PlanJson => ({
      ...plan,
      notices,
      capacity: {
        ...plan.capacity,
        pools: plan.capacity.pools.map((p, i) =>
          i === 0 && poolWarning ? { ...p, warnings: [poolWarning] } : p,
        ),
      },
    });
    const text = renderPrComment([
      {
        stack: "prod",
        base: withNotes(base, [routed]),
        head: withNotes(head, [routed, quiet], "packing needs 5 GPUs at peak but maxGpus is below that"),
      },
    ]);
    expect(text).toContain("New notes of the plan:");
    expect(text).toContain(`- ${quiet}`);
    expect(text).toContain(`- pool ${head.capacity.pools[0].name}: packing needs 5 GPUs at peak`);
    expect(text).not.toContain(routed);
    // The real plans: the thirteenth model's nightly run is what makes the training pool queue.
    expect(comment).toContain(
      "- pool training: overlapping runs may ask for 26 GPUs; maxGpus 8 queues the rest",
    );
    expect(renderPrComment([{ stack: "prod", base, head: base }])).not.toContain("New notes");
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

describe("what the comment says of the budget and of text from the plans", () => {
  test("the GPU line says why a pool's cost doubled or stayed, and is left out for plans without GPUs", () => {
    const pools = (gpus: number, demand: number, name = "inference") =>
      ({
        ...base,
        capacity: {
          ...base.capacity,
          pools: [
            {
              name,
              monthlyCost: { min: 0, expected: gpus * 5110, max: 0 },
              gpus: { expected: gpus },
              demand: { expected: demand },
            },
          ],
        },
      }) as PlanJson;
    expect(gpuLines(pools(8, 7.875), pools(16, 8.125))[1]).toMatch(
      /^GPUs at the expected load, per pool, for the GPUs' worth of work they hold: inference 8 → 16 GPUs for 7.88 → 8.13\. Nodes are bought whole in each zone: .* a little past a full node buys the next\.$/,
    );
    expect(gpuLines(undefined, pools(4, 1.5, "a|b"))[1]).toContain(": a\\|b 4 GPUs for 1.5.");
    const older = {
      ...base,
      capacity: { ...base.capacity, pools: [{ name: "inference", monthlyCost: base.capacity.monthlyCost }] },
    };
    expect(gpuLines(older, older)).toEqual([]);
    expect(renderPrComment([{ stack: "prod", base: older, head: older }])).not.toContain(
      "GPUs at the expected load",
    );
  });

  test("the budget verdict is the policy's, at the expected cost; maximum scale is shown beside it", () => {
    const withBudget = {
      ...head,
      capacity: {
        ...head.capacity,
        budget: 400_000,
        budgetCheck: 373_760,
        monthlyCost: { min: 1, expected: 2, max: 2_412_650 },
      },
    };
    expect(renderPrComment([{ stack: "prod", base, head: withBudget }])).toContain(
      "Budget 400,000 CNY/month: the expected cost the budget policy checks, 373,760, fits. At peak all month (serving: every model at its traffic history's peak, replicas.max without history; training: every run at once; within each pool's maxGpus): 2,412,650.",
    );
    const over = { ...withBudget, capacity: { ...withBudget.capacity, budgetCheck: 400_001 } };
    expect(renderPrComment([{ stack: "prod", base, head: over }])).toContain("400,001, **exceeds** it.");
  });

  test("costs in another currency than the base's are not subtracted", () => {
    const usd = { ...head, capacity: { ...head.capacity, currency: "USD" } };
    const comment = renderPrComment([{ stack: "prod", base, head: usd }]);
    expect(comment).toContain(
      "The base plan's costs are in CNY, this pull request's in USD: no difference is computed.",
    );
    expect(comment).not.toMatch(/ -[\d,]+ \(-\d/); // no fake saving
  });

  test("a pipe, a line break or HTML in a name or message cannot break the table or hide the comment", () => {
    const odd = {
      ...head,
      models: [...head.models, { name: "evil\n## injected heading" }],
      policy: {
        violations: [{ policy: "p|q", resource: "r", enforcement: "mandatory", message: "a\nb | c <!-- x" }],
      },
    };
    const comment = renderPrComment([{ stack: "prod", base, head: odd }], "<!-- hidden");
    expect(comment).not.toContain("\n## injected heading");
    expect(comment).not.toContain("<!--");
    expect(comment).toContain("| p\\|q | r | mandatory | a b \\| c &lt;!-- x |");
    expect(comment.split("\n")[0]).toBe("## mlops-platform plan for &lt;!-- hi");
  });
});

describe("planJsonProblems: what a plan.json must hold for the comment", () => {
  test("a real plan has none", () => {
    expect(planJsonProblems(base)).toEqual([]);
  });

  test("a model listed twice is named", () => {
    const twice = { ...base, models: [...base.models, base.models[0]] };
    expect(planJsonProblems(twice)).toEqual([
      `models[${base.models.length}].name: ${base.models[0].name} is listed twice`,
    ]);
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
