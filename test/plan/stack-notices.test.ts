/** Stack values without effect are plan notices, not errors: a sales event in the past, an idle held canary level. */
import * as fs from "fs";
import * as path from "path";
import { stackNotices } from "../../components/config/stack-notices";
import { planNotices } from "../../tools/plan/summary";
import { plan, stackRoot, TMP } from "../helpers/plan-cli";
import { ROOT } from "../helpers/program";

const NOW = Date.parse("2026-12-07T00:00:00Z");
const event = (name: string, start: string, end: string) => ({ name, start, end, trafficMultiplier: 2 });
const canary = { modelUri: "s3://artifacts/feed/v2", trafficPercent: 10 } as never;

describe("stack notices", () => {
  test("a sales event wholly in the past is a notice; a current or future one is not", () => {
    const notices = stackNotices(
      {
        events: [
          event("double-11-2020", "2020-11-11T00:00:00+08:00", "2020-11-12T00:00:00+08:00"),
          event("double-12", "2026-12-12T00:00:00+08:00", "2026-12-13T00:00:00+08:00"),
        ],
        canaryTraffic: {},
      },
      [],
      NOW,
    );
    expect(notices).toEqual([
      "Sales event double-11-2020 ended 2020-11-12T00:00:00+08:00: its pre-scaling and consolidation freeze recur on those dates every year; give it this year's dates, or remove it if the sale is over",
    ]);
  });

  test("a held canary level for a model without a canary, or for another version, is a notice", () => {
    const notices = stackNotices(
      {
        events: [],
        canaryTraffic: {
          "cart-cross-sell": { percent: 50 },
          "homepage-feed": { percent: 50, modelUri: "s3://artifacts/feed/v1" },
          "search-ranking": { percent: 50, modelUri: "s3://artifacts/feed/v2" },
          "push-ranking": { percent: 0 },
        },
      },
      [
        { name: "cart-cross-sell" },
        { name: "homepage-feed", canary },
        { name: "search-ranking", canary },
        { name: "push-ranking" },
      ],
      NOW,
    );
    expect(notices).toEqual([
      "canaryTraffic.cart-cross-sell holds 50%, but cart-cross-sell has no canary: it has no effect; remove the key (written by npm run promote)",
      "canaryTraffic.homepage-feed holds 50% for another canary version than the spec's, which starts at its own trafficPercent: the level has no effect; remove the key",
    ]);
  });

  test("the plan's notices carry them", () => {
    expect(planNotices({ unsetSecrets: [], stackNotices: ["Sales event x ended"] })).toContain(
      "Sales event x ended",
    );
  });

  it("plan succeeds and prints both notices", () => {
    const root = stackRoot("notices", (staging) =>
      staging.replace(
        "  mlops-platform:events:\n",
        '  mlops-platform:canaryTraffic:\n    cart-cross-sell: 20\n  mlops-platform:events:\n    - { name: sale-2020, start: "2020-06-18T00:00:00+08:00", end: "2020-06-19T00:00:00+08:00", trafficMultiplier: 3 }\n',
      ),
    );
    const out = fs.mkdtempSync(path.join(TMP, "notices-out-"));
    const r = plan([
      "--stack",
      "staging",
      "--project-root",
      root,
      "--models",
      path.join(ROOT, "models"),
      "--out",
      out,
    ]);
    expect(r.stderr).not.toContain("configuration problem");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Sales event sale-2020 ended 2020-06-19T00:00:00+08:00");
    expect(r.stdout).toContain("canaryTraffic.cart-cross-sell holds 20%, but cart-cross-sell has no canary");
  }, 120_000);
});
