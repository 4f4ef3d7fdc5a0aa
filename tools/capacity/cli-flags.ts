/**
 * Command-line flags of the capacity tools: `--name value` parsing that refuses unknown and repeated
 * flags, `--help`, the checks of single flags (URLs, counts, folders, the traffic file), and
 * `checkFlags`, which reports every bad flag of a command line at once as one `InputError`.
 */
import * as fs from "fs";
import * as path from "path";
import { displayUrl } from "../../components/delivery/prometheus-client";
import { InputError, PROJECT_ROOT } from "./command";

/** `--help` or `-h` was given: the tool prints its usage and does nothing else. */
export class HelpRequested extends Error {}

/**
 * `--name value` flags (and value-less `booleans`, set to "true") into a map; throws an `InputError`
 * naming an unknown flag, so a typo such as `--dryrun` can never run the real thing, and
 * `HelpRequested` when `--help` or `-h` is anywhere in `argv`.
 */
export function parseFlags(
  argv: readonly string[],
  allowed: readonly string[],
  booleans: readonly string[] = [],
): Map<string, string> {
  if (argv.some((a) => a === "--help" || a === "-h")) throw new HelpRequested();
  const out = new Map<string, string>();
  const known = [...allowed, ...booleans].map((a) => `--${a}`).join(", ");
  for (let i = 0; i < argv.length; i++) {
    // `--flag=value` is the same as `--flag value`, as in `plan`.
    const eq = argv[i].startsWith("--") ? argv[i].indexOf("=") : -1;
    const flag = eq > 0 ? argv[i].slice(0, eq) : argv[i];
    const name = flag.replace(/^--/, "");
    if (flag.startsWith("--") && booleans.includes(name) && eq < 0) {
      out.set(name, "true");
      continue;
    }
    // A mistyped `--prometeus=http://user:password@host` or a stray URL may carry credentials.
    if (!flag.startsWith("--") || !allowed.includes(name))
      throw new InputError(
        `unknown argument ${eq > 0 ? `${flag}=${displayUrl(argv[i].slice(eq + 1))}` : displayUrl(argv[i])}; allowed: ${known}`,
      );
    const value = eq > 0 ? argv[i].slice(eq + 1) : argv[i + 1];
    if (value === undefined || value === "" || (eq < 0 && value.startsWith("--")))
      throw new InputError(`${flag} needs a value`);
    // The last of two values would win silently (`--stack staging --stack prod` planning prod).
    if (out.has(name))
      throw new InputError(
        `${flag} given twice (${displayUrl(out.get(name)!)}, ${displayUrl(value)}); give it once`,
      );
    out.set(name, value);
    if (eq < 0) i++;
  }
  return out;
}

/**
 * `parseFlags` for a tool's `main`: on `--help` prints `usage` on stdout and exits 0 before any work.
 */
export function cliFlags(
  argv: readonly string[],
  usage: string,
  allowed: readonly string[],
  booleans: readonly string[] = [],
): Map<string, string> {
  try {
    return parseFlags(argv, allowed, booleans);
  } catch (err) {
    if (!(err instanceof HelpRequested)) throw err;
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
}

/** The value of `--<flag>` as an http(s) URL, or an `InputError` naming the flag. */
export function httpUrlFlag(value: string, flag: string, suffix = ""): string {
  return httpUrl(value, `--${flag}`, suffix);
}

/**
 * The promotion tools' Prometheus when neither --prometheus nor its variable is given (a
 * `kubectl port-forward`). Not `DEFAULT_PROMETHEUS_URL` of components/capacity/autoscaling.ts, the
 * in-cluster address KEDA queries.
 */
const LOCAL_PROMETHEUS_URL = "http://localhost:9090";

/**
 * `--prometheus`, else the environment variable `env`, else `LOCAL_PROMETHEUS_URL`. A bad value from
 * the variable is named as the variable's: an empty or mistyped $PROMETHEUS_URL would otherwise be
 * reported as a --prometheus the user never gave.
 */
export function prometheusUrlFlag(flags: ReadonlyMap<string, string>, env: string, suffix = ""): string {
  const given = flags.get("prometheus");
  if (given !== undefined) return httpUrlFlag(given, "prometheus", suffix);
  const fromEnv = process.env[env];
  if (fromEnv === undefined) return LOCAL_PROMETHEUS_URL;
  if (fromEnv.trim() === "")
    throw new InputError(
      `$${env} is set but empty, and it is the default of --prometheus: set it to Prometheus' URL, unset it for ${LOCAL_PROMETHEUS_URL}, or give --prometheus${suffix}`,
    );
  return httpUrl(fromEnv, `$${env} (the default of --prometheus)`, suffix);
}

/** `value` as an http(s) URL, or an `InputError` naming it by `label`. */
function httpUrl(value: string, label: string, suffix: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:"))
    throw new InputError(
      `${label} ${displayUrl(value)}: not an http(s) URL (e.g. http://localhost:9090)${suffix}`,
    );
  // Credentials are sent decoded (basic auth): a % that starts no %XX escape cannot be.
  for (const [part, text] of [
    ["user name", url.username],
    ["password", url.password],
  ] as const) {
    try {
      decodeURIComponent(text);
    } catch {
      throw new InputError(
        `${label} ${displayUrl(value)}: the ${part} holds a % that is not a %XX escape; write % as %25${suffix}`,
      );
    }
  }
  return value;
}

/** A positive whole number from `--<flag>`, at most `max`, or an `InputError` naming the flag. */
export function positiveIntFlag(value: string, flag: string, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > max)
    throw new InputError(`--${flag} ${value}: expected a whole number from 1 to ${max}`);
  return n;
}

/**
 * `--project-root` and `--models`, as `plan` reads them: the folder holding `Pulumi.<stack>.yaml`
 * (the repository by default), and the specs folder (its `models/` by default).
 */
export function projectFolders(flags: ReadonlyMap<string, string>): { root: string; modelsDir: string } {
  const root = path.resolve(flags.get("project-root") ?? PROJECT_ROOT);
  return { root, modelsDir: flags.get("models") ?? path.join(root, "models") };
}

/**
 * `--traffic <file>` names an existing file: checked with the other flags, before anything is read.
 * Its contents are `loadTraffic`'s to judge.
 */
export function checkTrafficFlag(file: string): void {
  if (!fs.existsSync(file))
    throw new InputError(`--traffic ${file}: not found (path relative to ${process.cwd()})`);
}

/**
 * Runs each flag check and returns their values, or throws one `InputError` listing every check that
 * failed, so a command line with several bad flags is fixed in one round trip.
 */
export function checkFlags<T extends unknown[]>(...checks: { [K in keyof T]: () => T[K] }): T {
  const errors: string[] = [];
  const values = checks.map((check) => {
    try {
      return check();
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      errors.push(err.message);
      return undefined;
    }
  });
  // Two checks may meet the same cause (one models folder read for two stacks): say it once.
  if (errors.length > 0) throw new InputError([...new Set(errors)].join("\n"));
  return values as T;
}
