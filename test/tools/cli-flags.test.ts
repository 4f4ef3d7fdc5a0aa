/** Command lines run as child processes: bad flags stop them with one message and nothing changed. */
import * as fs from "fs";
import * as path from "path";
import { InputError } from "../../tools/capacity/inputs";
import { checkFlags, HelpRequested, parseFlags, positiveIntFlag } from "../../tools/capacity/cli-flags";
import { ArgsError, parsePlanArgs } from "../../tools/plan/args";
import { generateTraffic } from "../../components/capacity/traffic-generator";
import { trafficToCsv } from "../../components/capacity/traffic-csv-writer";
import { fixtureSpecs, FIXTURE_MODELS, prodConfig } from "../capacity/helpers";
import { tempDirs } from "../helpers/temp-dir";
import { expectRefused, runTool as run, spawnTool } from "../helpers/tool-cli";

const tempDir = tempDirs("yaml-");

describe("flags", () => {
  test("a flag given twice is refused instead of the last one winning", () => {
    expect(() => parseFlags(["--stack", "staging", "--stack=prod"], ["stack"])).toThrow(
      new InputError("--stack given twice (staging, prod); give it once"),
    );
    expect(() => parsePlanArgs(["--stack", "staging", "--stack", "prod"])).toThrow(ArgsError);
  });

  test("--help or -h anywhere asks for the usage, before any flag is judged", () => {
    expect(() => parseFlags(["--stack", "x", "-h"], ["stack"])).toThrow(HelpRequested);
    expect(() => parseFlags(["--bogus", "--help"], ["stack"])).toThrow(HelpRequested);
    expect(() => parseFlags(["--stack", "--help"], ["stack"])).toThrow(HelpRequested);
  });

  test("every command prints its usage on --help and exits 0 without doing anything", () => {
    // generate-traffic with --out would write a file: --help must stop it first.
    const out = path.join(tempDir(), "t.csv");
    for (const [tool, flag] of [
      ["tools/generate-traffic.ts", "--out"],
      ["tools/simulate.ts", "--json"],
    ] as const) {
      const r = run(tool, ["--stack", "prod", flag, out, "--help"]);
      expect(r.status).toBe(0);
      expect(r.out).toMatch(/^Usage: npm run [a-z-]+ -- /);
      expect(r.out).toContain("-h, --help");
      expect(fs.existsSync(out)).toBe(false);
    }
  });

  test("simulate's progress in a log is a line per strategy, not a run of carriage returns", () => {
    const config = prodConfig();
    const csv = path.join(tempDir(), "day.csv");
    fs.writeFileSync(csv, trafficToCsv(generateTraffic(fixtureSpecs(config), config, { seed: 2, days: 1 })));
    const r = spawnTool("tools/simulate.ts", [
      "--stack",
      "prod",
      "--traffic",
      csv,
      "--models",
      FIXTURE_MODELS,
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain("\r");
    expect(r.stderr.split("\n").slice(1, 5)).toEqual([
      "static ...",
      "reactive ...",
      "platform ...",
      "oracle ...",
    ]);
    expect(r.stderr).toMatch(/\nreplayed in \d+\.\d\d s\n$/);
    expect(r.stdout).toMatch(/^strategy +GPU util/);
  });

  test("a rate far beyond what replicas.max serves is refused as a unit slip, before the replay", () => {
    const config = prodConfig();
    const csv = path.join(tempDir(), "day.csv");
    fs.writeFileSync(csv, trafficToCsv(generateTraffic(fixtureSpecs(config), config, { seed: 2, days: 1 })));
    // Two specs whose rpsPerReplica lost three digits: 0.4 and 0.3 requests/s a replica.
    const models = tempDir();
    for (const f of fs.readdirSync(FIXTURE_MODELS).filter((f) => f.endsWith(".yaml")))
      fs.writeFileSync(
        path.join(models, f),
        fs
          .readFileSync(path.join(FIXTURE_MODELS, f), "utf8")
          .replace(/rpsPerReplica: (400|300)\n/, (_m, n) =>
            ["ads-ctr.yaml", "cart-cross-sell.yaml"].includes(f)
              ? `rpsPerReplica: ${Number(n) / 1000}\n`
              : _m,
          ),
      );
    const json = path.join(tempDir(), "out.json");
    const started = Date.now();
    const r = run("tools/simulate.ts", [
      ...["--stack", "prod", "--traffic", csv, "--models", models, "--json", json],
    ]);
    expectRefused(
      r,
      `2 problems in traffic file ${csv}:`,
      "  - model ads-ctr peaks at ",
      "replicas at rpsPerReplica 0.4, over 100 times its replicas.max (192)",
      "  - model cart-cross-sell peaks at ",
      "replicas.max is each spec's value for stack prod, after its stacks.prod overrides",
    );
    expect(r.out).not.toContain("    at ");
    expect(fs.existsSync(json)).toBe(false);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  test("generate-traffic refuses at once a file larger than simulate and plan read, and writes nothing", () => {
    // 36 models x 366 days: 19 million rows, more than 500 MiB even at the shortest rate "0.000".
    const dir = tempDir();
    for (const file of fs.readdirSync(FIXTURE_MODELS).filter((f) => f.endsWith(".yaml")))
      for (const copy of [1, 2, 3]) {
        const name = `${path.basename(file, ".yaml")}-${copy}`;
        const text = fs.readFileSync(path.join(FIXTURE_MODELS, file), "utf8");
        fs.writeFileSync(path.join(dir, `${name}.yaml`), text.replace(/^name: .*$/m, `name: ${name}`));
      }
    const out = path.join(tempDir(), "year.csv");
    const r = run("tools/generate-traffic.ts", ["--models", dir, "--days", "366", "--out", out]);
    expect(r.status).toBe(1);
    const m =
      /--days 366 for 36 models is 18,973,440 rows \(at least (\d+) MiB\), more than the 500 MiB a traffic file may have/.exec(
        r.out,
      );
    expect(Number(m?.[1])).toBeGreaterThan(500);
    expect(fs.existsSync(out)).toBe(false);
  });

  test("checkFlags reports every bad flag at once", () => {
    expect(() =>
      checkFlags(
        () => positiveIntFlag("0", "days", 366),
        () => positiveIntFlag("7", "seed", 10),
        () => positiveIntFlag("x", "sizes", 5),
      ),
    ).toThrow(
      new InputError(
        "--days 0: expected a whole number from 1 to 366\n--sizes x: expected a whole number from 1 to 5",
      ),
    );
    expect(
      checkFlags(
        () => 1,
        () => "a",
      ),
    ).toEqual([1, "a"]);
  });
});
