import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { levelsToCarry } from "../../components/delivery/carry-levels";
import { validateStackConfig } from "../../components/config/validate-stack-config";
import { decodeConfigValue } from "../../components/config/config-value";
import { ROOT } from "../helpers/program";
import { stackValues } from "../helpers/stack";

const V43 = "s3://<artifacts>/homepage-feed/v43";

describe("the canary levels a deploy keeps", () => {
  const output = {
    "homepage-feed": { percent: 0, modelUri: V43 },
    "search-ranking": 25,
    "coupon-targeting": { percent: 50, modelUri: "s3://<artifacts>/coupon-targeting/v1-replaced" },
    retired: { percent: 10, modelUri: "s3://<artifacts>/retired/v2" },
  };
  const canaries = new Map([
    ["homepage-feed", V43],
    ["coupon-targeting", "s3://<artifacts>/coupon-targeting/v9"],
  ]);

  test("the deployed stack's held levels, for the canary versions the specs still deploy", () => {
    // search-ranking has no canary (its pull request removed it), coupon-targeting another version,
    // retired no spec: their levels go, so a later canary starts at its own trafficPercent.
    expect(levelsToCarry(output, canaries)).toEqual({ "homepage-feed": { percent: 0, modelUri: V43 } });
    // A bare percent (stacks deployed before versions were recorded) holds for any canary.
    expect(levelsToCarry({ "coupon-targeting": 25 }, canaries)).toEqual({
      "coupon-targeting": { percent: 25 },
    });
  });

  test("nothing to hold: no output, an empty map, or no canary it was held for", () => {
    expect(levelsToCarry(undefined, canaries)).toBeUndefined();
    expect(levelsToCarry({}, canaries)).toBeUndefined();
    expect(levelsToCarry(output, new Map())).toBeUndefined();
  });

  test("an output that is not held levels is an error, not silently dropped", () => {
    expect(() => levelsToCarry({ "homepage-feed": { percent: 250 } }, canaries)).toThrow(
      "the stack's canaryTraffic output is not a map of held levels",
    );
    // Each problem with the model and field it is about.
    expect(() => levelsToCarry({ "homepage-feed": { percent: 250 } }, canaries)).toThrow(
      /held levels \(\{<model>: \{percent, modelUri\}\}\): homepage-feed\.percent = 250: must be <= 100$/,
    );
  });

  describe("npm run carry-canary-levels (the deploy job's step)", () => {
    const run = (input: string, ...args: string[]) => {
      const r = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "tools/carry-canary-levels.ts", ...args],
        { cwd: ROOT, input, encoding: "utf8" },
      );
      return { status: r.status, out: r.stdout, err: r.stderr };
    };

    test("prints, as one line, a value the stack config accepts, for the stack's canaries", () => {
      // The repository's homepage-feed canary is v43 in both stacks.
      const r = run(JSON.stringify(output, null, 2), "--stack", "staging");
      expect(r.err).toBe("");
      expect(r.status).toBe(0);
      expect(r.out.trim().split("\n")).toHaveLength(1);
      // What `pulumi config set` stores, read as the program reads the stack config.
      const config = validateStackConfig(
        { ...stackValues("staging"), canaryTraffic: decodeConfigValue(r.out.trim()) },
        "Pulumi.staging.yaml",
      );
      expect(config.canaryTraffic).toEqual({ "homepage-feed": { percent: 0, modelUri: V43 } });
    });

    test("prints nothing for a first deployment (no output), and exits 1 on anything else", () => {
      expect(run("", "--stack", "staging")).toEqual({ status: 0, out: "", err: "" });
      const bad = run("error: no stack named 'prod'", "--stack", "prod");
      expect(bad.status).toBe(1);
      expect(bad.err).toContain("standard input is not JSON");
      expect(bad.out).toBe("");
    });

    test("broken specs stop the deploy here, named", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "carry-"));
      fs.writeFileSync(path.join(dir, "m.yaml"), "name: m\n");
      const r = run("{}", "--stack", "staging", "--models", dir);
      expect(r.status).toBe(1);
      expect(r.err).toContain("m.yaml");
      expect(r.out).toBe("");
    });
  });
});
