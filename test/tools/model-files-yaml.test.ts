/** Model files as the tools read them: YAML the library cannot turn into data, merge keys, syntax errors, and which files of a models folder are specs. */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { readModelSources } from "../../components/config/model-sources";
import { yamlErrorsReasons } from "../../components/config/yaml-document";
import { tempDirs } from "../helpers/temp-dir";

const tempDir = tempDirs("yaml-");

describe("model files the YAML library cannot turn into data", () => {
  test("an alias bomb and a multi-document file are problems naming the file", () => {
    const dir = tempDir();
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 10; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(", ")}]`,
      );
    fs.writeFileSync(path.join(dir, "bomb.yaml"), lines.join("\n"));
    fs.writeFileSync(path.join(dir, "multi.yaml"), "name: a\n---\nname: b\n");
    const { problems } = readModelSources(dir);
    expect(problems.map((p) => `${path.basename(p.file)}: ${p.reason}`)).toEqual([
      "bomb.yaml: cannot read: Excessive alias count indicates a resource exhaustion attack",
      "multi.yaml: holds more than one YAML document (---); one model per file",
    ]);
  });

  test("an alias inside the value it names is named with its path, not a crash", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "a.yaml"), "name: a\nteam: &t\n  members: [x, *t]\n");
    fs.writeFileSync(path.join(dir, "b.yaml"), "&all\nname: b\nself: *all\n");
    const { problems } = readModelSources(dir);
    expect(problems.map((p) => `${path.basename(p.file)}: ${p.reason}`)).toEqual([
      "a.yaml: cannot read: team.members[1] is an alias of a value that contains it (a recursive anchor); write the value out instead",
      "b.yaml: cannot read: self is an alias of a value that contains it (a recursive anchor); write the value out instead",
    ]);
  });
});

describe("YAML merge keys in a model spec", () => {
  test("<<: *anchor merges the block, the file's own keys winning; a merge of a scalar is named", () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, "a.yaml"),
      [
        "name: a",
        "stacks:",
        "  prod: &prod { serving: { rpsPerReplica: 5 }, canary: null }",
        "  staging:",
        "    <<: *prod",
        "    serving: { rpsPerReplica: 2 }",
      ].join("\n"),
    );
    fs.writeFileSync(path.join(dir, "b.yaml"), "name: b\nserving:\n  <<: 5\n");
    const { sources, problems } = readModelSources(dir);
    expect(sources.map((s) => s.data)).toEqual([
      {
        name: "a",
        stacks: {
          prod: { serving: { rpsPerReplica: 5 }, canary: null },
          staging: { serving: { rpsPerReplica: 2 }, canary: null },
        },
      },
    ]);
    expect(problems.map((p) => `${path.basename(p.file)}: ${p.reason}`)).toEqual([
      "b.yaml: cannot read: a merge key (<<) must name a map or a list of maps (<<: *anchor)",
    ]);
  });
});

describe("YAML syntax errors", () => {
  const spec = [
    "name: a",
    "team: t",
    "serving:",
    "  runtime: triton",
    "  gpu: { pool: inference }",
    "  rpsPerReplica: 1",
  ];

  test("one slip is one problem on its line, with a count of the parser errors it brought", () => {
    const dir = tempDir();
    // A tab before `gpu` makes the parser misread every line after it.
    fs.writeFileSync(
      path.join(dir, "a.yaml"),
      [...spec.slice(0, 4), "\tgpu: x", ...spec.slice(5)].join("\n"),
    );
    const reasons = readModelSources(dir).problems.map((p) => p.reason);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(
      /^YAML syntax error: Tabs are not allowed as indentation at line 5, column 1 \(and \d+ later parser errors?, which usually follow from this one: fix it and run again\)$/,
    );
  });

  test("an unquoted cron, read as a YAML alias, is told to be quoted", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "a.yaml"), [...spec, "training:", "  schedule: */15 * * * *"].join("\n"));
    const reasons = readModelSources(dir).problems.map((p) => p.reason);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(
      /^YAML syntax error: .*alias.* at line 8, column \d+; a value starting with \* is read as an alias: quote it \("\*\/15 \* \* \* \*"\)/,
    );
  });

  test("self-contained slips are all listed in file order, each once", () => {
    const text = ["team: t", "name: a", ...spec.slice(1), "name: b", 'x: "\\q"', "y: [1"].join("\n");
    const doc = YAML.parseDocument(text, { uniqueKeys: true });
    const reasons = yamlErrorsReasons(doc.errors, "model");
    expect(reasons.map((r) => r.replace(/ at line.*?(?= \(|$)/, ""))).toEqual([
      "YAML syntax error: Map keys must be unique",
      "YAML syntax error: Map keys must be unique",
      "YAML syntax error: Invalid escape sequence \\q",
      expect.stringMatching(/^YAML syntax error: .*\]/),
    ]);
    expect(reasons.every((r) => !r.includes("later parser error"))).toBe(true);
  });
});

describe("which files of a models folder are specs", () => {
  test("any case of .yaml/.yml counts; hidden files (macOS ._ forks, editor copies) do not", () => {
    const dir = tempDir();
    for (const f of ["a.yaml", "B.YAML", "c.Yml", "._a.yaml", ".d.yaml", "notes.md"])
      fs.writeFileSync(path.join(dir, f), "name: x\n");
    const { sources, problems } = readModelSources(dir);
    expect(problems).toEqual([]);
    expect(sources.map((s) => path.basename(s.file))).toEqual(["B.YAML", "a.yaml", "c.Yml"]);
  });

  test("a name that only nearly ends in .yaml is named, not skipped (pulumi up would delete its model)", () => {
    const dir = tempDir();
    for (const f of ["a.yaml ", "b.yaml.txt", "c.yml", "notes.txt"])
      fs.writeFileSync(path.join(dir, f), "name: x\n");
    const { sources, problems } = readModelSources(dir);
    expect(sources.map((s) => path.basename(s.file))).toEqual(["c.yml"]);
    expect(problems.map((p) => p.reason)).toEqual([
      "is not read: specs are named <model>.yaml; rename it a.yaml",
      "is not read: specs are named <model>.yaml; rename it b.yaml",
    ]);
    // Quoted, so the space that hides it shows.
    expect(problems[0].file.endsWith(' "')).toBe(true);
  });

  test("an empty or comment-only spec is called empty, with the keys it needs", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "a.yaml"), "");
    fs.writeFileSync(path.join(dir, "b.yaml"), "# name: b\n");
    expect(readModelSources(dir).problems.map((p) => `${path.basename(p.file)}: ${p.reason}`)).toEqual([
      "a.yaml: is empty (or only comments); a model spec needs name, team, serving and slo",
      "b.yaml: is empty (or only comments); a model spec needs name, team, serving and slo",
    ]);
  });

  test("a spec in a subfolder is named, with where it goes, instead of never being deployed", () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "search", "old"), { recursive: true });
    fs.mkdirSync(path.join(dir, "traffic"));
    fs.mkdirSync(path.join(dir, ".git"));
    fs.writeFileSync(path.join(dir, "a.yaml"), "name: a\n");
    fs.writeFileSync(path.join(dir, "search", "b.yaml"), "name: b\n");
    fs.writeFileSync(path.join(dir, "search", "old", "c.YML"), "name: c\n");
    fs.writeFileSync(path.join(dir, "traffic", "week.csv"), "timestamp,model,rps\n");
    fs.writeFileSync(path.join(dir, ".git", "d.yaml"), "name: d\n");
    const { sources, problems } = readModelSources(dir);
    expect(sources.map((s) => path.basename(s.file))).toEqual(["a.yaml"]);
    const rel = (...parts: string[]) => path.relative(process.cwd(), path.join(dir, ...parts));
    expect(problems.map((p) => `${p.file}: ${p.reason}`)).toEqual([
      `${rel("search", "b.yaml")}: is in a subfolder, and only specs directly in the models folder are read: move it to ${rel("b.yaml")}`,
      `${rel("search", "old", "c.YML")}: is in a subfolder, and only specs directly in the models folder are read: move it to ${rel("c.YML")}`,
    ]);
  });

  test("a file given as the folder is called a file, not a missing folder", () => {
    const file = path.join(tempDir(), "spec.yaml");
    fs.writeFileSync(file, "name: x\n");
    expect(readModelSources(file).problems.map((p) => p.reason)).toEqual([
      "is a file, not a folder of model specs; pass --models <dir>, the folder that holds them",
    ]);
    expect(readModelSources(path.join(file, "nope")).problems[0].reason).toContain("models folder not found");
  });
});
