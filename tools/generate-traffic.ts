/**
 * `ts-node --transpile-only tools/generate-traffic.ts --stack <name> --out <csv> [--models <dir>]
 *  [--seed <n>] [--days <n>] [--start <ISO time>]`
 *
 * Writes a seeded synthetic traffic CSV (diurnal and weekly shapes, noise, the stack's sales events)
 * for the models of a folder. The committed `models/traffic/sample-week.csv` comes from this tool.
 */
import * as fs from "fs";
import * as path from "path";
import { generateTraffic } from "../components/capacity/traffic-generator";
import { trafficToCsv } from "../components/capacity/traffic";
import { InputError, loadModelSpecs, loadStackConfig, parseFlags, PROJECT_ROOT } from "./capacity/inputs";

function main(argv: string[]): void {
  const flags = parseFlags(argv, ["stack", "out", "models", "seed", "days", "start"]);
  const stack = flags.get("stack") ?? "prod";
  const out = flags.get("out");
  if (!out) throw new InputError("--out <csv> is required");
  const config = loadStackConfig(stack);
  const specs = loadModelSpecs(flags.get("models") ?? path.join(PROJECT_ROOT, "models"), stack, config);
  const start = flags.get("start");
  const startMs = start === undefined ? undefined : Date.parse(start);
  if (startMs !== undefined && Number.isNaN(startMs))
    throw new InputError(`--start ${start} is not an ISO time`);
  const traffic = generateTraffic(specs, config, {
    seed: Number(flags.get("seed") ?? 7),
    days: Number(flags.get("days") ?? 7),
    startMs,
  });
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  fs.writeFileSync(out, trafficToCsv(traffic));
  console.log(`wrote ${out}: ${traffic.models.length} models x ${traffic.minutes} minutes`);
}

try {
  main(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof InputError)) throw err;
  console.error(err.message);
  process.exit(1);
}
