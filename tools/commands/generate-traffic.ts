/**
 * The body of `npm run generate-traffic` (tools/generate-traffic.ts), loaded once its flags are
 * read: checks the flags, the stack and the specs, generates the traffic and writes the CSV.
 */
import {
  DEFAULT_NOISE,
  DEFAULT_TRAFFIC_START_MS,
  generateTraffic,
} from "../../components/capacity/traffic-generator";
import { MAX_RPS, MAX_TRAFFIC_FILE_BYTES } from "../../components/capacity/traffic";
import { formatSize } from "../../components/config/bounded-read";
import {
  minTrafficCsvBytes,
  trafficCsvBytes,
  trafficToCsv,
} from "../../components/capacity/traffic-csv-writer";
import { parseZonedTime } from "../../components/config/iso-time";
import { InputError, loadStackAndSpecs, count, stackTrafficHistories } from "../capacity/inputs";
import { positiveIntFlag, projectFolders, checkFlags } from "../capacity/cli-flags";
import { checkOutputFile, writeOutputFile } from "../capacity/output-file";
import { GeneratedWindow, parseFlashSales, parsePeakToTrough } from "../capacity/traffic-shape-flags";

/** Runs `generate-traffic` for its parsed `flags`, of which `--out` is given. */
export function generateTrafficCommand(flags: ReadonlyMap<string, string>, out: string): void {
  const stack = flags.get("stack") ?? "prod";
  const start = flags.get("start");
  const { root, modelsDir } = projectFolders(flags);
  const flashSaleFlag = flags.get("flash-sale");
  const [, seed, days, startMs, noise, peakToTrough, flashSales, loaded] = checkFlags(
    () =>
      checkOutputFile(out, "out", {
        modelsDir,
        projectRoot: root,
        kind: "traffic-csv",
        guarded: flags.has("replace-history") ? [] : stackTrafficHistories(root),
        unless: "pass --replace-history to regenerate it",
      }),
    () => {
      const v = flags.get("seed") ?? "7";
      if (!/^\d{1,9}$/.test(v)) throw new InputError(`--seed ${v}: expected a whole number (0-999999999)`);
      return Number(v);
    },
    // A year of minutes is 525,600 rows per model: enough for any replay, small enough to write.
    () => positiveIntFlag(flags.get("days") ?? "7", "days", 366),
    () => (start === undefined ? undefined : parseStart(start)),
    () => parseNoise(flags.get("noise") ?? String(DEFAULT_NOISE)),
    () => {
      const v = flags.get("peak-to-trough");
      return v === undefined ? undefined : parsePeakToTrough(v);
    },
    () =>
      flashSaleFlag === undefined
        ? undefined
        : parseFlashSales(flashSaleFlag, generatedWindow(start, flags.get("days") ?? "7")),
    () => loadStackAndSpecs(stack, modelsDir, root),
  );
  // Rows must stay four-digit years, as traffic files are read.
  const lastMinute = (startMs ?? DEFAULT_TRAFFIC_START_MS) + (days * 1440 - 1) * 60_000;
  if (!(new Date(lastMinute).getUTCFullYear() <= 9999))
    throw new InputError(`--start ${start ?? ""} with --days ${days} runs past the year 9999; start earlier`);
  const { config, specs } = loaded;
  // simulate and plan read at most MAX_TRAFFIC_FILE_BYTES: a larger file would be of no use (and its
  // text beyond what V8 can build). Refused at once when even the shortest rows (rate "0.000") would
  // not fit, otherwise after generating, on the exact size.
  const rows = specs.length * days * 1440;
  const tooLarge = (size: string) =>
    new InputError(
      `--days ${days} for ${specs.length} models is ${rows.toLocaleString("en-US")} rows (${size}), more than the ${formatSize(MAX_TRAFFIC_FILE_BYTES)} a traffic file may have; ask for fewer --days or pass --models with fewer models; ${out} was not written`,
    );
  const shortest = minTrafficCsvBytes(
    specs.map((s) => s.name),
    startMs ?? DEFAULT_TRAFFIC_START_MS,
    days * 1440,
  );
  if (shortest > MAX_TRAFFIC_FILE_BYTES) throw tooLarge(`at least ${formatSize(shortest)}`);
  // Progress on stderr, as simulate reads and replays: a year of twelve models takes 10-30 s to
  // generate and write, which was silent until the last line (a black-box review).
  const generating = Date.now();
  process.stderr.write(
    `generating ${count(specs.length, "model")} x ${count(days * 1440, "minute")} (seed ${seed}) ...`,
  );
  let traffic: ReturnType<typeof generateTraffic>;
  try {
    traffic = generateTraffic(specs, config, { seed, days, startMs, noise, peakToTrough, flashSales });
  } finally {
    process.stderr.write(` ${seconds(generating)}\n`); // a refusal below starts on a line of its own
  }
  // The base is sized for the declared events only: a large undeclared sale on a busy spec could
  // reach rates the CSV reader refuses.
  const over = traffic.models.find((_, m) => traffic.rps[m].some((r) => r > MAX_RPS));
  if (over !== undefined)
    throw new InputError(
      `--flash-sale ${flashSaleFlag ?? ""}: takes ${over} above ${MAX_RPS.toLocaleString("en-US")} requests/s, more than a traffic file may hold; lower the multiplier; ${out} was not written`,
    );
  const bytes = trafficCsvBytes(traffic);
  if (bytes > MAX_TRAFFIC_FILE_BYTES) throw tooLarge(formatSize(bytes));
  const writing = Date.now();
  process.stderr.write(`writing ${out} ...`);
  try {
    writeOutputFile(out, trafficToCsv(traffic), "out");
  } finally {
    process.stderr.write(` ${seconds(writing)}\n`);
  }
  console.log(`wrote ${out}: ${count(traffic.models.length, "model")} x ${count(traffic.minutes, "minute")}`);
}

/** Seconds since `startedMs`, as the progress lines show them. */
function seconds(startedMs: number): string {
  return `${((Date.now() - startedMs) / 1000).toFixed(2)} s`;
}

/**
 * `--start`: an ISO time with its zone (`Z` or `+08:00`; without one it would be read in this
 * machine's zone) on a whole minute, as the CSV's rows must be.
 */
function parseStart(start: string): number {
  const t = parseZonedTime(start);
  if (typeof t === "string") throw new InputError(`--start ${start}: ${t}`);
  if (new Date(t.ms).getUTCFullYear() < 2000)
    throw new InputError(`--start ${start}: must be in the year 2000 or later`);
  if (t.subMinute) throw new InputError(`--start ${start}: must be on a whole minute`);
  return t.ms;
}

/**
 * The minutes `--start` and `--days` generate, for `--flash-sale` to check its sales against; none
 * when either is bad (its own check reports it).
 */
function generatedWindow(start: string | undefined, days: string): GeneratedWindow | undefined {
  try {
    const startMs = start === undefined ? DEFAULT_TRAFFIC_START_MS : parseStart(start);
    const n = positiveIntFlag(days, "days", 366);
    return { startMs, lastMinuteMs: startMs + (n * 1440 - 1) * 60_000 };
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return undefined;
  }
}

/** `--noise`: the standard deviation of the multiplicative per-minute noise, 0-0.2 (0.2 is 20%). */
function parseNoise(v: string): number {
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x) || x < 0 || x > 0.2)
    throw new InputError(`--noise ${v}: expected a fraction from 0 to 0.2 (0.03 is 3% per minute)`);
  return x;
}
