/**
 * Writes the plan's files into a temporary folder beside the output folder and swaps it in with
 * renames, so a failed plan never leaves a half-written or emptied output folder behind.
 */
import * as fs from "fs";
import * as path from "path";
import { createFolders, missingFolders } from "../output-paths";

/** The file every plan output folder holds; a folder without it is not one `plan` wrote. */
export const PLAN_MARKER = "plan.json";

/** Every top-level entry a plan writes; `run-plan` refuses to write any other. */
export const PLAN_OUTPUT_ENTRIES: readonly string[] = [
  "alertmanager.yaml",
  "dashboards",
  "manifests",
  PLAN_MARKER,
  "policy-report.md",
  "prometheus",
  "summary.txt",
];

/**
 * Why `outDir` may not receive a plan (a phrase to follow its name), or `undefined` if it may. The
 * plan replaces the folder wholesale, so it must be new, empty, or a previous plan's output: a
 * `plan.json` that is a plan's (`stack` and `resources`) and nothing a plan does not write. It must
 * not contain any of `protectedPaths` (the project, its models): `--out .` or `--out models` would
 * otherwise delete them, nor lie inside one of `readFolders` (the models folder). A path through an
 * existing file cannot be created.
 */
export function outputFolderProblem(
  outDir: string,
  protectedPaths: readonly string[],
  readFolders: readonly string[] = [],
): string | undefined {
  const target = path.resolve(outDir);
  // Inside a folder the plan reads (the models folder), the next plan would read its own output.
  for (const p of readFolders.map((x) => path.resolve(x))) {
    if (p !== target && isWithin(target, p))
      return `is inside ${p}, which the plan reads, so the next plan would take its files for misplaced specs; give a folder outside it such as out/<stack>`;
  }
  for (const p of protectedPaths.map((x) => path.resolve(x))) {
    if (p === target)
      return `is ${p} itself, which the plan would replace; give a folder of its own such as out/<stack>`;
    if (isWithin(p, target))
      return `contains ${p}, which the plan would replace; give a folder of its own such as out/<stack>`;
  }
  const { existing } = missingFolders(target);
  if (fs.existsSync(existing) && !fs.statSync(existing).isDirectory())
    return existing === target
      ? "is a file, not a folder"
      : `${existing} is a file, so the folder cannot be created`;
  if (!fs.existsSync(target)) return undefined;
  const entries = fs.readdirSync(target);
  if (entries.length === 0) return undefined;
  const refuse = "refusing to replace it - give a new or empty folder, or a previous plan's folder";
  if (!entries.includes(PLAN_MARKER))
    return `already holds files and is not a plan output folder (no ${PLAN_MARKER}); ${refuse}`;
  if (!isPlanJson(path.join(target, PLAN_MARKER)))
    return `holds a ${PLAN_MARKER} that is not a plan's (no "stack" and "resources"); ${refuse}`;
  const others = entries.filter((e) => !PLAN_OUTPUT_ENTRIES.includes(e)).sort();
  if (others.length > 0) {
    const named = others.slice(0, 5).join(", ") + (others.length > 5 ? ` and ${others.length - 5} more` : "");
    return `holds ${named} beside a plan's files, which replacing the folder would delete; ${refuse}`;
  }
  return undefined;
}

/** Whether absolute path `inner` is `outer` or lies under it. */
function isWithin(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return !rel.startsWith("..") && !path.isAbsolute(rel);
}

/** Whether `file` is a plan.json this tool wrote: a JSON object with a `stack` and `resources`. */
function isPlanJson(file: string): boolean {
  try {
    const plan: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
    return (
      typeof plan === "object" &&
      plan !== null &&
      typeof (plan as { stack?: unknown }).stack === "string" &&
      typeof (plan as { resources?: unknown }).resources === "object"
    );
  } catch {
    return false;
  }
}

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
  createFolders(missingFolders(parent).missing);
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
