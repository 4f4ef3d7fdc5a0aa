/**
 * Reading a small text file - a model spec, a stack or project file - with a size limit and without
 * following it into a device or a pipe: a spec linked to /dev/zero was read until V8 aborted with
 * std::bad_alloc, and a FIFO would block the plan for ever. Separate from model-sources.ts: the
 * offline tools read the stack and project files with it too.
 */
import * as fs from "fs";

/**
 * Largest model spec, stack or project file read: 1 MiB. The committed specs are about 1 KiB and the
 * stack files a few; a megabyte of YAML is a generated or wrong file, and the whole of it is parsed
 * (YAML's aliases can multiply it) before a line of it is checked.
 */
export const MAX_CONFIG_FILE_BYTES = 2 ** 20;

/** A file's text, or why it was not read (a sentence that follows the file's name). */
export type BoundedRead = { readonly text: string } | { readonly reason: string; readonly code?: string };

/**
 * The UTF-8 text of `file` if it is a regular file (a link to one is followed) of at most `limit`
 * bytes; otherwise what it is instead. A device (/dev/zero), a FIFO or a socket is refused from its
 * `stat`, before it is opened, and at most `limit` + 1 bytes are read, so a file that grows while it
 * is read is cut off too. Errors of the file system (ENOENT, EACCES) come back with their `code`.
 */
export function readBoundedText(file: string, limit = MAX_CONFIG_FILE_BYTES): BoundedRead {
  const tooLarge = (what: string) => ({
    reason: `${what}; at most ${formatSize(limit)} is read (a spec or settings file is a few KiB)`,
  });
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) return { reason: "is a folder", code: "EISDIR" };
    if (!stat.isFile())
      return { reason: `is not a regular file (${kindOf(stat)}); a file of YAML text is expected` };
    if (stat.size > limit) return tooLarge(`is ${formatSize(stat.size)}`);
    const bytes = readAtMost(file, limit + 1);
    if (bytes.length > limit) return tooLarge(`holds more than ${formatSize(limit)}`);
    return { text: bytes.toString("utf8") };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { reason: `cannot be read (${code ?? (err as Error).message})`, code };
  }
}

/** What a file that is not a regular one is, in words. */
function kindOf(stat: fs.Stats): string {
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return "a device, such as /dev/zero";
  if (stat.isFIFO()) return "a pipe";
  if (stat.isSocket()) return "a socket";
  return "not a file";
}

/**
 * `bytes` in KiB or MiB, rounded up, so a file just over the limit does not read as equal to it (the
 * spec and stack file limits, and the traffic CSV's).
 */
export function formatSize(bytes: number): string {
  return bytes >= 2 ** 20 ? `${Math.ceil(bytes / 2 ** 20)} MiB` : `${Math.ceil(bytes / 2 ** 10)} KiB`;
}

/**
 * Up to `limit` bytes of a file or pipe, read in chunks so a pipe that never ends is cut off (the
 * traffic CSV reader reads `--traffic /dev/stdin` with it too).
 */
export function readAtMost(file: string, limit: number): Buffer {
  const fd = fs.openSync(file, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit - total));
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total >= limit) break;
    }
    return Buffer.concat(chunks, total);
  } finally {
    fs.closeSync(fd);
  }
}
