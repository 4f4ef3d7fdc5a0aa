import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeOutputAtomically } from "../../tools/plan/output";

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempParent(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-output-"));
  made.push(dir);
  return dir;
}

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
