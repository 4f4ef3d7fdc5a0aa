/**
 * `generate-traffic` says on stderr what it is doing, as `simulate` does while it reads and replays:
 * a year of twelve models takes seconds to generate and to write, and printed nothing until its
 * last line. stdout keeps only the result line.
 */
import * as path from "path";
import { FIXTURE_MODELS } from "../capacity/helpers";
import { tempDirs } from "../helpers/temp-dir";
import { spawnTool } from "../helpers/tool-cli";

const tempDir = tempDirs("traffic-progress-");

describe("generate-traffic progress", () => {
  test("names what it generates and where it writes, each with its time, on stderr", () => {
    const out = path.join(tempDir(), "day.csv");
    const r = spawnTool("tools/generate-traffic.ts", [
      ...["--models", FIXTURE_MODELS, "--out", out, "--days", "1", "--seed", "4"],
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(
      /^generating \d+ models? x 1,440 minutes \(seed 4\) \.\.\. \d+\.\d\d s\nwriting .*day\.csv \.\.\. \d+\.\d\d s\n$/,
    );
    expect(r.stdout).toMatch(/^wrote .*day\.csv: \d+ models? x 1,440 minutes\n$/);
  });
});
