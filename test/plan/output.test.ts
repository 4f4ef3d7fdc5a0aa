import * as fs from "fs";
import * as path from "path";
import { outputFolderProblem, writeOutputAtomically } from "../../tools/plan/output";
import { tempDirs } from "../helpers/temp-dir";

const tempParent = tempDirs("plan-output-");

describe("writeOutputAtomically", () => {
  it("writes nested files into a new folder", async () => {
    const out = path.join(tempParent(), "staging");
    await writeOutputAtomically(
      out,
      new Map([
        ["manifests/ns/Kind/a.yaml", "a: 1\n"],
        ["plan.json", "{}"],
      ]),
    );
    expect(fs.readFileSync(path.join(out, "manifests/ns/Kind/a.yaml"), "utf8")).toBe("a: 1\n");
    expect(fs.readFileSync(path.join(out, "plan.json"), "utf8")).toBe("{}");
  });

  it("replaces the previous contents, so removed objects disappear", async () => {
    const out = path.join(tempParent(), "staging");
    await writeOutputAtomically(out, new Map([["old.yaml", "x"]]));
    await writeOutputAtomically(out, new Map([["new.yaml", "y"]]));
    expect(fs.readdirSync(out)).toEqual(["new.yaml"]);
  });

  it("leaves no temporary or old folders next to the output", async () => {
    const parent = tempParent();
    const out = path.join(parent, "prod");
    await writeOutputAtomically(out, new Map([["a", "1"]]));
    await writeOutputAtomically(out, new Map([["b", "2"]]));
    expect(fs.readdirSync(parent)).toEqual(["prod"]);
  });

  it("keeps the previous folder untouched when writing fails", async () => {
    const parent = tempParent();
    const out = path.join(parent, "prod");
    await writeOutputAtomically(out, new Map([["keep.yaml", "previous"]]));
    await expect(writeOutputAtomically(out, new Map([["../escape.yaml", "x"]]))).rejects.toThrow(
      "refusing to write outside the output folder: ../escape.yaml",
    );
    expect(fs.readFileSync(path.join(out, "keep.yaml"), "utf8")).toBe("previous");
    expect(fs.readdirSync(parent)).toEqual(["prod"]);
  });
});

/** The head of a plan.json `plan` wrote. */
const PLAN_JSON = JSON.stringify({ stack: "prod", resources: { count: 1, byType: {} } });

describe("outputFolderProblem: the plan replaces its output folder, so only a plan folder may be one", () => {
  it("accepts a new folder, an empty one and a previous plan's folder", () => {
    const parent = tempParent();
    expect(outputFolderProblem(path.join(parent, "new", "staging"), [])).toBeUndefined();
    fs.mkdirSync(path.join(parent, "empty"));
    expect(outputFolderProblem(path.join(parent, "empty"), [])).toBeUndefined();
    fs.mkdirSync(path.join(parent, "old"));
    fs.writeFileSync(path.join(parent, "old", "plan.json"), PLAN_JSON);
    fs.writeFileSync(path.join(parent, "old", "policy-report.md"), "");
    fs.mkdirSync(path.join(parent, "old", "manifests"));
    expect(outputFolderProblem(path.join(parent, "old"), [])).toBeUndefined();
  });

  it("refuses a folder inside the models folder, whose files the next plan would read as specs", () => {
    const parent = tempParent();
    const models = path.join(parent, "models");
    expect(outputFolderProblem(path.join(models, "plan"), [parent, models], [models])).toBe(
      `is inside ${models}, which the plan reads, so the next plan would take its files for misplaced specs; give a folder outside it such as out/<stack>`,
    );
    expect(
      outputFolderProblem(path.join(parent, "out", "staging"), [parent, models], [models]),
    ).toBeUndefined();
  });

  it("refuses a folder that only has a file called plan.json, or more than a plan's files", () => {
    const parent = tempParent();
    const folder = path.join(parent, "v");
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, "plan.json"), '{"terraform":"plan"}');
    fs.writeFileSync(path.join(folder, "notes.txt"), "precious\n");
    expect(outputFolderProblem(folder, [])).toBe(
      `holds a plan.json that is not a plan's (no "stack" and "resources"); refusing to replace it - give a new or empty folder, or a previous plan's folder`,
    );
    fs.writeFileSync(path.join(folder, "plan.json"), "not json");
    expect(outputFolderProblem(folder, [])).toMatch(/^holds a plan.json that is not a plan's/);
    // A real plan's folder into which someone saved a file of their own.
    fs.writeFileSync(path.join(folder, "plan.json"), PLAN_JSON);
    fs.mkdirSync(path.join(folder, "prometheus"));
    fs.writeFileSync(path.join(folder, ".env"), "");
    expect(outputFolderProblem(folder, [])).toBe(
      `holds .env, notes.txt beside a plan's files, which replacing the folder would delete; refusing to replace it - give a new or empty folder, or a previous plan's folder`,
    );
  });

  it("refuses a folder with other files, which the swap would delete", () => {
    const parent = tempParent();
    fs.mkdirSync(path.join(parent, "models"));
    fs.writeFileSync(path.join(parent, "models", "a.yaml"), "name: a\n");
    expect(outputFolderProblem(path.join(parent, "models"), [])).toMatch(
      /already holds files and is not a plan output folder \(no plan.json\)/,
    );
  });

  it("refuses the project, its models, and any folder that contains them", () => {
    const project = tempParent();
    const models = path.join(project, "models");
    expect(outputFolderProblem(project, [project, models])).toBe(
      `is ${project} itself, which the plan would replace; give a folder of its own such as out/<stack>`,
    );
    expect(outputFolderProblem(models, [project, models])).toMatch(/^is .*models itself, which/);
    expect(outputFolderProblem(path.dirname(project), [project])).toMatch(/^contains /);
    expect(outputFolderProblem(path.join(project, "out", "staging"), [project, models])).toBeUndefined();
  });

  it("refuses a file, and a path through a file", () => {
    const parent = tempParent();
    const file = path.join(parent, "afile");
    fs.writeFileSync(file, "hi\n");
    expect(outputFolderProblem(file, [])).toBe("is a file, not a folder");
    expect(outputFolderProblem(path.join(file, "sub"), [])).toBe(
      `${file} is a file, so the folder cannot be created`,
    );
  });
});
