/**
 * Writes the plan's files into a temporary folder beside the output folder and swaps it in with
 * renames, so a failed plan never leaves a half-written or emptied output folder behind.
 */
import * as fs from "fs";
import * as path from "path";

/** Files written per batch: enough to overlap I/O, few enough to stay under open-file limits. */
const WRITE_BATCH = 64;

/**
 * Writes `files` (relative path → text) under `outDir`, replacing its previous contents only once
 * every file is written: render into `.<name>.tmp-<pid>`, move the old folder aside, rename the new
 * one into place, then delete the old one. If anything fails before the swap, the old folder stays.
 */
export async function writeOutputAtomically(
  outDir: string,
  files: ReadonlyMap<string, string>,
): Promise<void> {
  const target = path.resolve(outDir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  await fs.promises.mkdir(parent, { recursive: true });
  const temp = path.join(parent, `.${base}.tmp-${process.pid}`);
  const old = path.join(parent, `.${base}.old-${process.pid}`);
  await fs.promises.rm(temp, { recursive: true, force: true });
  try {
    await writeTree(temp, files);
  } catch (err) {
    await fs.promises.rm(temp, { recursive: true, force: true });
    throw err;
  }
  const hadPrevious = fs.existsSync(target);
  if (hadPrevious) await fs.promises.rename(target, old);
  try {
    await fs.promises.rename(temp, target);
  } catch (err) {
    if (hadPrevious) await fs.promises.rename(old, target);
    throw err;
  }
  if (hadPrevious) await fs.promises.rm(old, { recursive: true, force: true });
}

/** Writes the files under `root`, creating each folder once and writing in parallel batches. */
export async function writeTree(root: string, files: ReadonlyMap<string, string>): Promise<void> {
  const dirs = new Set<string>();
  for (const rel of files.keys()) {
    if (path.isAbsolute(rel) || rel.split(/[\\/]/).includes(".."))
      throw new Error(`refusing to write outside the output folder: ${rel}`);
    dirs.add(path.dirname(path.join(root, rel)));
  }
  await fs.promises.mkdir(root, { recursive: true });
  for (const dir of [...dirs].sort()) await fs.promises.mkdir(dir, { recursive: true });
  const entries = [...files];
  for (let i = 0; i < entries.length; i += WRITE_BATCH) {
    await Promise.all(
      entries
        .slice(i, i + WRITE_BATCH)
        .map(([rel, text]) => fs.promises.writeFile(path.join(root, rel), text)),
    );
  }
}
