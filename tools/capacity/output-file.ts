/**
 * Output files of the capacity tools (`--out`, `--json`, ...): checked before any work is done, never
 * over one of the command's own inputs, and written whole (a temporary file renamed over the old
 * one) or not at all. Every way the path can be wrong is an `InputError` naming the flag.
 */
import * as fs from "fs";
import * as path from "path";
import { createFolders, missingFolders } from "../output-paths";
import { InputError, PROJECT_ROOT } from "./command";

/** Where and how an output file is written, as `checkOutputFile` found the path. */
export interface OutputTarget {
  /** The file to replace: the path itself, or through symbolic links the file they point to. */
  readonly target: string;
  /** Folders to create first, top-down. */
  readonly missing: readonly string[];
  /** A device or pipe (`/dev/stdout`, `/dev/null`): written in place, not replaced. */
  readonly inPlace: boolean;
}

/**
 * Checks that `--<flag> <file>` can be written, before any work is done: not a folder, no file where
 * a folder on its path should be, and a folder that takes a new file (tried with an empty probe
 * file, which also catches read-only and virtual file systems a permission check passes as root).
 */
export function checkOutputFile(file: string, flag: string, inputs: OutputInputs = {}): OutputTarget {
  const resolved = path.resolve(file);
  const fail = (why: string): never => {
    throw new InputError(`--${flag} ${file}: ${why}`);
  };
  const existing = fs.existsSync(resolved) ? fs.statSync(resolved) : undefined;
  if (existing?.isDirectory()) fail("is a folder, not a file");
  if (existing && !existing.isFile()) return { target: resolved, missing: [], inPlace: true };
  const target = existing ? fs.realpathSync(resolved) : danglingLinkTarget(resolved);
  const clash = inputClash(target, inputs) ?? (existing ? otherContent(target, inputs.kind) : undefined);
  if (clash) fail(`${clash}; write the output elsewhere`);
  const guarded = existing && inputs.guarded?.find((g) => realPath(g.file) === target);
  if (guarded) fail(`${guarded.why}; write the output elsewhere, or ${inputs.unless ?? "remove it first"}`);
  const folders = missingFolders(path.dirname(target));
  if (!fs.statSync(folders.existing).isDirectory())
    fail(`${folders.existing} is a file, so the folder cannot be created`);
  const probeIn = folders.missing.length > 0 ? folders.existing : path.dirname(target);
  const probe = path.join(probeIn, `.${path.basename(target)}.probe-${process.pid}`);
  try {
    fs.closeSync(fs.openSync(probe, "wx"));
    fs.rmSync(probe);
  } catch (err) {
    fail(`cannot write in ${probeIn} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return { target, missing: folders.missing, inPlace: false };
}

/** What an output file must not replace: the command's own inputs. */
export interface OutputInputs {
  /** Input files (e.g. the traffic CSV), by any path that leads to them. */
  readonly files?: readonly string[];
  /** Folder of model specs: its `.yaml`/`.yml` files are specs. */
  readonly modelsDir?: string;
  /** The project folder whose `Pulumi.yaml` and stack files the command reads. @default the repository */
  readonly projectRoot?: string;
  /**
   * What the flag writes: an existing file is replaced only if it holds the same (an earlier
   * output), so a slip of the path (`--json README.md`, onto the stack's traffic history) loses
   * nothing.
   */
  readonly kind?: "json" | "traffic-csv";
  /**
   * Files of the kind written that are still not to be replaced, with why (a stack's
   * `trafficHistory`, the basis of its plan's costs): named in the refusal, which ends with `unless`.
   */
  readonly guarded?: readonly { readonly file: string; readonly why: string }[];
  /** How to write over a `guarded` file on purpose (a flag). */
  readonly unless?: string;
}

/** Why an existing file is not one `kind` replaces, or undefined (or no kind given). */
function otherContent(target: string, kind: OutputInputs["kind"]): string | undefined {
  if (!kind) return undefined;
  const fd = fs.openSync(target, "r");
  const head = Buffer.alloc(4096);
  const n = fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  const text = head
    .subarray(0, n)
    .toString("utf8")
    .replace(/^\uFEFF/, "");
  if (n === 0) return undefined;
  if (kind === "json")
    return /^\s*[{[]/.test(text) ? undefined : "exists and is not a JSON file (an earlier --json output)";
  return /^\s*"?timestamp"?\s*,\s*"?model"?\s*,\s*"?rps"?\s*\r?$/im.test(text.split("\n")[0])
    ? undefined
    : "exists and is not a traffic CSV (header timestamp,model,rps)";
}

/**
 * Why writing `target` would destroy an input, or undefined: one of `inputs.files`, a spec in the
 * models folder, or a Pulumi project or stack file of this project (`Pulumi.yaml`,
 * `Pulumi.<stack>.yaml`, whatever stack the command reads).
 */
function inputClash(target: string, inputs: OutputInputs): string | undefined {
  if ((inputs.files ?? []).some((f) => realPath(f) === target)) return "is an input of this command";
  const isYaml = /\.ya?ml$/i.test(target);
  if (inputs.modelsDir && isYaml && path.dirname(target) === realPath(inputs.modelsDir))
    return "is a model spec in the models folder";
  if (
    path.dirname(target) === realPath(inputs.projectRoot ?? PROJECT_ROOT) &&
    /^Pulumi(\.[^/]+)?\.ya?ml$/i.test(path.basename(target))
  )
    return "is a Pulumi project or stack file";
  return undefined;
}

/** The file a path leads to, through symbolic links where it exists. */
function realPath(p: string): string {
  const resolved = path.resolve(p);
  return fs.existsSync(resolved) ? fs.realpathSync(resolved) : resolved;
}

/**
 * Where a path that does not exist will be written: through a dangling symbolic link, the file the
 * link names (created, as the link promises), else the path itself.
 */
function danglingLinkTarget(file: string): string {
  let current = file;
  // The kernel's own limit on links followed in one lookup (ELOOP beyond).
  for (let hops = 0; hops < 40; hops++) {
    let link: string;
    try {
      if (!fs.lstatSync(current).isSymbolicLink()) return current;
      link = fs.readlinkSync(current);
    } catch {
      return current;
    }
    current = path.resolve(path.dirname(current), link);
  }
  return current;
}

/**
 * Writes `text` to the file given by `--<flag>`, creating missing folders. A regular file is written
 * to a temporary file beside it that is renamed over it, so a failed write never leaves a
 * half-written file; through a symbolic link, the file it points to is replaced, not the link. A
 * device or pipe (`--json /dev/stdout`) is written directly. Every way the path can be wrong (a
 * folder, a path through a file, a place that cannot be written) is an `InputError` naming the flag.
 */
export function writeOutputFile(file: string, text: string, flag: string): void {
  const { target, missing, inPlace } = checkOutputFile(file, flag);
  const temp = `${target}.tmp-${process.pid}`;
  try {
    if (inPlace) {
      fs.writeFileSync(target, text);
      return;
    }
    createFolders(missing);
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, target);
  } catch (err) {
    if (!inPlace) fs.rmSync(temp, { force: true });
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new InputError(`--${flag} ${file}: cannot write (${code})`);
  }
}
