/** The tools' outputs never replace the command's inputs: simulate's --json and generate-traffic's --out are refused on them. */
import * as fs from "fs";
import * as path from "path";
import { generateTraffic } from "../../components/capacity/traffic-generator";
import { trafficToCsv } from "../../components/capacity/traffic-csv-writer";
import { ROOT } from "../helpers/program";
import { fixtureSpecs, FIXTURE_MODELS, prodConfig } from "../capacity/helpers";
import { tempDirs } from "../helpers/temp-dir";
import { expectRefused, runTool as run } from "../helpers/tool-cli";

const tempDir = tempDirs("yaml-");

describe("outputs never replace the command's inputs", () => {
  test("simulate refuses --json on its own traffic file or a spec, and leaves them as they were", () => {
    const dir = tempDir();
    const traffic = path.join(dir, "week.csv");
    const text = trafficToCsv(
      generateTraffic(fixtureSpecs(prodConfig()), prodConfig(), { seed: 7, days: 1 }),
    );
    fs.writeFileSync(traffic, text);
    const models = tempDir();
    fs.cpSync(FIXTURE_MODELS, models, { recursive: true });
    const spec = path.join(
      models,
      fs.readdirSync(models).find((f) => f.endsWith(".yaml"))!,
    );
    const specText = fs.readFileSync(spec, "utf8");
    const args = ["--stack", "prod", "--traffic", traffic, "--models", models, "--json"];
    const onInput = run("tools/simulate.ts", [...args, traffic]);
    expectRefused(onInput, `--json ${traffic}: is an input of this command`);
    // The stack and specs loaded: the CSV is not read a second time for problems of its own.
    expect(onInput.out).not.toContain("as well");
    expectRefused(
      run("tools/simulate.ts", [...args, spec]),
      `--json ${spec}: is a model spec in the models folder`,
    );
    expect(fs.readFileSync(traffic, "utf8")).toBe(text);
    expect(fs.readFileSync(spec, "utf8")).toBe(specText);
  });

  test("generate-traffic refuses a spec or a stack file for --out, with every other bad flag", () => {
    const stackFile = path.join(ROOT, "Pulumi.prod.yaml");
    const before = fs.readFileSync(stackFile, "utf8");
    expectRefused(
      run("tools/generate-traffic.ts", ["--out", "Pulumi.prod.yaml", "--noise", "0.5"]),
      "--out Pulumi.prod.yaml: is a Pulumi project or stack file",
      "--noise 0.5: expected a fraction from 0 to 0.2",
    );
    expect(fs.readFileSync(stackFile, "utf8")).toBe(before);
    const models = tempDir();
    fs.cpSync(FIXTURE_MODELS, models, { recursive: true });
    const spec = path.join(
      models,
      fs.readdirSync(models).find((f) => f.endsWith(".yaml"))!,
    );
    expectRefused(
      run("tools/generate-traffic.ts", ["--models", models, "--out", spec]),
      "is a model spec in the models folder",
    );
  });

  test("nor any file that is not what the flag writes, nor another project's stack file", () => {
    // Found by a bad-input review: --json onto the stack's traffic history or README.md, and
    // --project-root's own stack file, were replaced with exit 0.
    const project = tempDir();
    for (const f of ["Pulumi.yaml", "Pulumi.prod.yaml"])
      fs.copyFileSync(path.join(ROOT, f), path.join(project, f));
    const stackFile = path.join(project, "Pulumi.prod.yaml");
    const stackText = fs.readFileSync(stackFile, "utf8");
    const notes = path.join(project, "notes.md");
    fs.writeFileSync(notes, "# notes\n");
    const csv = path.join(project, "week.csv");
    const root = ["--project-root", project, "--models", path.join(ROOT, "models")];
    expectRefused(
      run("tools/generate-traffic.ts", [...root, "--out", stackFile]),
      `--out ${stackFile}: is a Pulumi project or stack file`,
    );
    expectRefused(
      run("tools/generate-traffic.ts", [...root, "--out", notes]),
      `--out ${notes}: exists and is not a traffic CSV (header timestamp,model,rps)`,
    );
    expect(run("tools/generate-traffic.ts", [...root, "--out", csv, "--days", "1"]).status).toBe(0);
    // An earlier output is replaced, as before.
    expect(
      run("tools/generate-traffic.ts", [...root, "--out", csv, "--days", "1", "--seed", "8"]).status,
    ).toBe(0);
    const sim = (json: string) =>
      run("tools/simulate.ts", [...root, "--stack", "prod", "--traffic", csv, "--json", json]);
    expectRefused(sim(stackFile), `--json ${stackFile}: is a Pulumi project or stack file`);
    expectRefused(sim(notes), `--json ${notes}: exists and is not a JSON file (an earlier --json output)`);
    const json = path.join(project, "result.json");
    expect(sim(json).status).toBe(0);
    expect(sim(json).status).toBe(0);
    expect(fs.readFileSync(stackFile, "utf8")).toBe(stackText);
    expect(fs.readFileSync(notes, "utf8")).toBe("# notes\n");
  });

  test("generate-traffic refuses rows past the year 9999, which no traffic file can hold", () => {
    const out = path.join(tempDir(), "far.csv");
    expectRefused(
      run("tools/generate-traffic.ts", ["--out", out, "--days", "2", "--start", "9999-12-31T00:00Z"]),
      "runs past the year 9999",
    );
    expect(fs.existsSync(out)).toBe(false);
  });
});
