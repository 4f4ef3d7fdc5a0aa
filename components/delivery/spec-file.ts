/**
 * Finding and rewriting a model's spec file for the delivery commands. A rewrite is formatted as the
 * project's own lint wants it (Prettier, when installed: the yaml library re-renders the edited
 * document in its own style) and lands whole or not at all: written beside the spec, then renamed
 * over it, so a full disk or a killed process never leaves a truncated spec behind.
 */
import * as fs from "fs";
import * as path from "path";

/** The spec file of `model` in `modelsDir`: `<model>.yaml` or `.yml`, in any case of the extension. */
export function specFilePath(modelsDir: string, model: string): string {
  const names = fs.existsSync(modelsDir) ? fs.readdirSync(modelsDir) : [];
  const found = names.find(
    (n) => !n.startsWith(".") && /\.ya?ml$/i.test(n) && n.replace(/\.ya?ml$/i, "") === model,
  );
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
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(text, { ...options, filepath: file });
}

/** Replaces `file` with `text`, formatted, atomically. */
export async function writeSpecFile(file: string, text: string): Promise<void> {
  const out = await formatted(file, text);
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, out);
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // the write's own error is the one to report
    }
    throw err;
  }
}
