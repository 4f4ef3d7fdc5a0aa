/**
 * Finding and rewriting a model's spec file for the delivery commands. A rewrite is formatted as the
 * project's own lint wants it (Prettier, when installed: the yaml library re-renders the edited
 * document in its own style) and lands whole or not at all: written beside the spec, then renamed
 * over it, so a full disk or a killed process never leaves a truncated spec behind.
 */
import * as fs from "fs";
import * as path from "path";
import { isSpecFileName, specModelName } from "../config/model-sources";

/** The spec file of `model` in `modelsDir`: `<model>.yaml` or `.yml`, in any case of the extension. */
export function specFilePath(modelsDir: string, model: string): string {
  const names = fs.existsSync(modelsDir) ? fs.readdirSync(modelsDir) : [];
  const found = names.find((n) => isSpecFileName(n) && specModelName(n) === model);
  return path.join(modelsDir, found ?? `${model}.yaml`);
}

/** Formats `text` with the project's Prettier settings for `file`, or returns it as is without Prettier. */
async function formatted(file: string, text: string): Promise<string> {
  let prettier: typeof import("prettier");
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    prettier = require("prettier") as typeof import("prettier");
  } catch {
    return text; // a production install without dev dependencies: the edit is still right, only its style differs
  }
  // A models folder outside the repository (`--models`) has no Prettier config of its own: the
  // project's applies, so the file still passes `prettier --check` once copied into models/.
  const options = (await prettier.resolveConfig(file)) ?? (await prettier.resolveConfig(PROJECT_FILE)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

/** A file of this repository, from which its Prettier config is resolved. */
const PROJECT_FILE = path.join(__dirname, "..", "..", "package.json");

/**
 * Replaces `file` with `text`, formatted, atomically. A symlinked spec is written where it points,
 * and the file keeps its permission bits.
 */
export async function writeSpecFile(file: string, text: string): Promise<void> {
  const target = fs.realpathSync(file);
  const out = await formatted(target, text);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, out);
    fs.chmodSync(tmp, fs.statSync(target).mode & 0o7777); // exactly, whatever the umask
    fs.renameSync(tmp, target);
  } catch (err) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // the write's own error is the one to report
    }
    throw err;
  }
}
