/** Temporary folders for tests, removed once the test file's tests are done. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** A function that makes a fresh folder `<tmp>/<prefix>XXXXXX` per call; all go in `afterAll`. */
export function tempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}

/**
 * `dir` with a copy of the repository's `Pulumi.yaml`: a project folder the offline commands read
 * stack files from (they refuse one without the project file, as the Pulumi CLI does).
 */
export function withProjectFile(dir: string): string {
  fs.copyFileSync(path.join(__dirname, "..", "..", "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  return dir;
}
