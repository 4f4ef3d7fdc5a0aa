/**
 * Reading a traffic CSV (the stack's `trafficHistory`, simulate's `--traffic`): a file or a pipe,
 * with the size limit, and one problem for what is not UTF-8 text. Separate from load.ts: the
 * offline tools read traffic files without the rest of the config.
 */
import * as fs from "fs";
import * as path from "path";
import { formatSize, readAtMost } from "./bounded-read";
import type { StackParts } from "./validate-stack-config";
import { MAX_TRAFFIC_FILE_BYTES, parseTrafficCsv, Traffic, TrafficError } from "../capacity/traffic";

/**
 * The stack's traffic history (`trafficHistory`, relative to `projectRoot`), or `undefined` when it
 * declares none. A missing or unreadable file, like bad rows, is one `TrafficError` naming the file.
 */
export function readTrafficHistoryFile(
  projectRoot: string,
  config: Pick<StackParts, "trafficHistory">,
): Traffic | undefined {
  if (config.trafficHistory === undefined) return undefined;
  const file = path.join(projectRoot, config.trafficHistory);
  return parseTrafficCsv(
    readTrafficText(file, `; trafficHistory is relative to the project root ${projectRoot}`),
    file,
  );
}

/**
 * The text of a traffic CSV, or one `TrafficError` naming the file when it is missing, not a file,
 * unreadable or larger than `MAX_TRAFFIC_FILE_BYTES` (a file's size is checked first, a pipe's while
 * it is read: reading more would fail inside V8 with a stack trace, or never end on `<(yes)`).
 * `hint` is appended to a missing or unreadable file's problem.
 */
export function readTrafficText(file: string, hint = ""): string {
  const tooLarge = (what: string) =>
    new TrafficError(file, [
      `${what}; at most ${formatSize(MAX_TRAFFIC_FILE_BYTES)} (about 12 million rows) is read: split it by time, or replay fewer models`,
    ]);
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw new TrafficError(file, [`is a folder, not a file${hint}`]);
    // A terminal or /dev/zero: nothing a CSV comes from.
    if (stat.isCharacterDevice() || stat.isBlockDevice())
      throw new TrafficError(file, [`is a device, not a file or a pipe${hint}`]);
    if (stat.size > MAX_TRAFFIC_FILE_BYTES) throw tooLarge(`is ${formatSize(stat.size)}`);
    // A pipe (`--traffic /dev/stdin`, `<(...)`) has no size until it is read: read to one byte past
    // the limit at most.
    const bytes = readAtMost(file, MAX_TRAFFIC_FILE_BYTES + 1);
    if (bytes.length > MAX_TRAFFIC_FILE_BYTES)
      throw tooLarge(`holds more than ${formatSize(MAX_TRAFFIC_FILE_BYTES)}`);
    return decodeText(bytes, file, hint);
  } catch (err) {
    if (err instanceof TrafficError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "not found" : `cannot be read (${code ?? String(err)})`;
    throw new TrafficError(file, [`${why}${hint}`]);
  }
}

/**
 * The file's text, or one problem saying what it is instead: a spreadsheet's "Unicode text" export
 * (UTF-16) or a compressed file would otherwise come out as a screen of NUL-filled rows.
 */
function decodeText(bytes: Buffer, file: string, hint: string): string {
  const starts = (...b: number[]) => b.every((x, i) => bytes[i] === x);
  const problem =
    starts(0xff, 0xfe) || starts(0xfe, 0xff)
      ? "is UTF-16 text (a spreadsheet's Unicode text export): save it as CSV in UTF-8"
      : starts(0x1f, 0x8b)
        ? "is gzip-compressed: decompress it first (gunzip)"
        : bytes.subarray(0, 4096).includes(0)
          ? "is not a text file (it holds NUL bytes): a CSV in UTF-8 is expected"
          : undefined;
  if (problem) throw new TrafficError(file, [`${problem}${hint}`]);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new TrafficError(file, [`is not UTF-8 text: save it as CSV in UTF-8${hint}`]);
  }
}
