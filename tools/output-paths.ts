/**
 * Where an output path meets the file system: which of its folders are missing, and creating them.
 * Shared by `plan --out` (tools/plan/output.ts) and the single-file outputs of the other tools
 * (tools/capacity/output-file.ts `writeOutputFile`).
 */
import * as fs from "fs";
import * as path from "path";

/**
 * The folders of `dir` that do not exist, top-down (`dir` last), and its nearest existing ancestor
 * (`dir` itself if it exists), which must be a folder for the rest to be created.
 */
export function missingFolders(dir: string): { missing: string[]; existing: string } {
  const missing: string[] = [];
  let at = path.resolve(dir);
  while (!fs.existsSync(at) && path.dirname(at) !== at) {
    missing.unshift(at);
    at = path.dirname(at);
  }
  return { missing, existing: at };
}

/** Creates `folders` in order, one level at a time: a recursive mkdir under /proc never returns. */
export function createFolders(folders: readonly string[]): void {
  for (const dir of folders) fs.mkdirSync(dir);
}
