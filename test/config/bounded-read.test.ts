/**
 * Spec, stack and project files are read with a size limit and never from a device or a pipe: a spec
 * linked to /dev/zero aborted the plan with std::bad_alloc after 55 s, and a FIFO would block it.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { readModelSources } from "../../components/config/model-sources";
import { MAX_CONFIG_FILE_BYTES } from "../../components/config/bounded-read";
import { readStackFile, StackFileError } from "../../tools/offline/stack-file";
import { readProjectFile } from "../../tools/offline/project-file";
import { tempDirs, withProjectFile } from "../helpers/temp-dir";

const tempDir = tempDirs("bounded-read-");

/** Each problem as `<file name>: <reason>`. */
function problemsIn(dir: string): string[] {
  return readModelSources(dir).problems.map((p) => `${path.basename(p.file)}: ${p.reason}`);
}

test("a spec linked to /dev/zero is named as a device, at once", () => {
  const dir = tempDir();
  fs.symlinkSync("/dev/zero", path.join(dir, "zero.yaml"));
  const started = Date.now();
  expect(problemsIn(dir)).toEqual([
    "zero.yaml: not a readable model spec: is not a regular file (a device, such as /dev/zero); a file of YAML text is expected",
  ]);
  expect(Date.now() - started).toBeLessThan(2000);
});

test("a spec that is a FIFO is named as a pipe, not waited on", () => {
  const dir = tempDir();
  execFileSync("mkfifo", [path.join(dir, "pipe.yaml")]);
  expect(problemsIn(dir)).toEqual([
    "pipe.yaml: not a readable model spec: is not a regular file (a pipe); a file of YAML text is expected",
  ]);
});

test("a spec over 1 MiB is named with its size and the limit; the others are still read", () => {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "big.yaml"), `# ${"x".repeat(MAX_CONFIG_FILE_BYTES)}\nname: big\n`);
  fs.writeFileSync(path.join(dir, "ok.yaml"), "name: ok\n");
  const { sources, problems } = readModelSources(dir);
  expect(problems.map((p) => `${path.basename(p.file)}: ${p.reason}`)).toEqual([
    "big.yaml: not a readable model spec: is 2 MiB; at most 1 MiB is read (a spec or settings file is a few KiB)",
  ]);
  expect(sources.map((s) => path.basename(s.file))).toEqual(["ok.yaml"]);
});

test("a spec of exactly 1 MiB is read", () => {
  const dir = tempDir();
  const head = "name: edge\n# ";
  fs.writeFileSync(path.join(dir, "edge.yaml"), head + "x".repeat(MAX_CONFIG_FILE_BYTES - head.length));
  expect(readModelSources(dir).sources.map((s) => s.file.endsWith("edge.yaml"))).toEqual([true]);
});

test("a stack file linked to /dev/zero is one StackFileError naming it", () => {
  const root = withProjectFile(tempDir());
  fs.symlinkSync("/dev/zero", path.join(root, "Pulumi.staging.yaml"));
  let err: unknown;
  try {
    readStackFile(root, "staging", "mlops-platform");
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(StackFileError);
  expect((err as Error).message).toMatch(
    /Pulumi\.staging\.yaml: is not a regular file \(a device, such as \/dev\/zero\); a file of YAML text is expected$/,
  );
});

test("a project file over 1 MiB is refused with the limit", () => {
  const root = tempDir();
  fs.writeFileSync(
    path.join(root, "Pulumi.yaml"),
    `name: mlops-platform\n# ${"x".repeat(MAX_CONFIG_FILE_BYTES)}\n`,
  );
  const read = readProjectFile(root, "mlops-platform");
  expect("problem" in read && read.problem).toMatch(
    /Pulumi\.yaml: is 2 MiB; at most 1 MiB is read \(a spec or settings file is a few KiB\)$/,
  );
});
