/**
 * A stack key left empty (`mlops-platform:addons:` with every line under it commented out) reaches
 * the program as the JSON `null`, and is named as empty - not as the string "null".
 */
import * as fs from "fs";
import * as path from "path";
import { decodeConfigValue } from "../../components/config/config-value";
import { readStackFile } from "../../tools/offline/stack-file";
import { tempDirs, withProjectFile } from "../helpers/temp-dir";
import { problemsOf } from "../helpers/stack-config-problems";
import { stackValues } from "../helpers/stack";

const TMP = tempDirs("empty-stack-key-")();
const ROOT = path.resolve(__dirname, "..", "..");

/** The staging stack's `mlops-platform:*` values as the program reads them, after `edit`. */
function programValues(edit: (yaml: string) => string): Record<string, unknown> {
  const root = withProjectFile(fs.mkdtempSync(path.join(TMP, "root-")));
  const staging = fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8");
  fs.writeFileSync(path.join(root, "Pulumi.staging.yaml"), edit(staging));
  const { config } = readStackFile(root, "staging", "mlops-platform");
  return Object.fromEntries(
    Object.entries(config)
      .filter(([k]) => k.startsWith("mlops-platform:"))
      .map(([k, v]) => [k.slice("mlops-platform:".length), decodeConfigValue(v)]),
  );
}

describe("an empty stack key", () => {
  test("decodes the JSON null to null, not to the string null", () => {
    expect(decodeConfigValue("null")).toBeNull();
  });

  test("a block whose lines are all commented out is named empty, with the map it needs", () => {
    const values = programValues((yaml) =>
      yaml.replace(/(  mlops-platform:budget:\n)(    monthlyGpuCost)/, "$1#$2"),
    );
    expect(values.budget).toBeNull();
    const message = problemsOf(values);
    expect(message).toContain(
      "mlops-platform:budget = null: must be a map with monthlyGpuCost, not empty (null)",
    );
    expect(message).not.toContain("not a string");
  });

  test("an empty list key is named empty too", () => {
    const message = problemsOf({ ...stackValues("staging"), events: decodeConfigValue("null") });
    expect(message).toContain("mlops-platform:events = null: must be a list, not empty (null)");
  });
});
