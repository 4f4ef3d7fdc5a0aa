/**
 * A model a team adds has no rows in a traffic week recorded before it: the replay leaves it out and
 * says so, instead of refusing the week (a black-box review: one new `models/<name>.yaml`, as README's
 * onboarding says, stopped `npm run simulate` and `bench:capacity` on the sample week).
 */
import * as fs from "fs";
import * as path from "path";
import { parseTrafficCsv } from "../../components/capacity/traffic";
import { generateTraffic } from "../../components/capacity/traffic-generator";
import { trafficToCsv } from "../../components/capacity/traffic-csv-writer";
import { loadReplayTraffic, withoutRowsNotice } from "../../tools/capacity/inputs";
import { tempDirs } from "../helpers/temp-dir";
import { spawnTool } from "../helpers/tool-cli";
import { fixtureSpecs, FIXTURE_MODELS, prodConfig, spec } from "./helpers";

const tempDir = tempDirs("no-rows-");

describe("a model without rows in the traffic", () => {
  test("parses: the known model is simply absent, an unknown one still refused", () => {
    const rows = ["timestamp,model,rps", "2026-12-07T00:00:00Z,a,5", "2026-12-07T00:01:00Z,a,6"].join("\n");
    const t = parseTrafficCsv(rows, "t.csv", ["a", "new-model"]);
    expect(t.models).toEqual(["a"]);
    expect(() => parseTrafficCsv(rows, "t.csv", ["b"])).toThrow(`unknown model "a"; models are: b`);
  });

  test("the replay's traffic names it, and the notice says it is left out", () => {
    const config = prodConfig();
    const specs = fixtureSpecs(config);
    const file = path.join(tempDir(), "day.csv");
    fs.writeFileSync(file, trafficToCsv(generateTraffic(specs, config, { seed: 3, days: 1 })));
    const added = [...specs, spec("query-autocomplete")];
    const { traffic, withoutRows } = loadReplayTraffic(file, added, "prod");
    expect(traffic.models).toHaveLength(specs.length);
    expect(withoutRows).toEqual(["query-autocomplete"]);
    expect(withoutRowsNotice("day.csv", withoutRows)).toBe(
      "note: day.csv has no rows for query-autocomplete: it is left out of the replay (a model added after the traffic was recorded; plan costs a model without history at replicas.max)",
    );
    expect(withoutRowsNotice("day.csv", [])).toBeUndefined();
  });

  test("simulate replays the others, prints the note and names it in --json", () => {
    const dir = tempDir();
    const models = path.join(dir, "models");
    fs.mkdirSync(models);
    for (const f of fs.readdirSync(FIXTURE_MODELS))
      fs.copyFileSync(path.join(FIXTURE_MODELS, f), path.join(models, f));
    const config = prodConfig();
    const csv = path.join(dir, "day.csv");
    fs.writeFileSync(csv, trafficToCsv(generateTraffic(fixtureSpecs(config), config, { seed: 3, days: 1 })));
    // The new team's file: a copy of one spec under a new name.
    const text = fs.readFileSync(path.join(models, "cart-cross-sell.yaml"), "utf8");
    fs.writeFileSync(
      path.join(models, "query-autocomplete.yaml"),
      text.replace(/^name: .*$/m, "name: query-autocomplete"),
    );
    const json = path.join(dir, "result.json");
    const r = spawnTool("tools/simulate.ts", [
      "--stack",
      "prod",
      "--traffic",
      csv,
      "--models",
      models,
      "--json",
      json,
    ]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({
      status: 0,
      stderr: expect.stringContaining("has no rows for query-autocomplete"),
    });
    expect(r.stdout).toContain("1440 minutes x 12 models");
    const out = JSON.parse(fs.readFileSync(json, "utf8"));
    expect(out.modelsWithoutRows).toEqual(["query-autocomplete"]);
    expect(out.strategies.oracle.sloViolationPct).toBe(0);
  });
});
