/**
 * A real Alertmanager (scripts/install-prom-tools.sh installs Debian's 0.28 as
 * /usr/local/bin/alertmanager) started on 127.0.0.1 with a rendered config: no amtool command
 * evaluates `inhibit_rules` or silences, so the inhibition tests post alerts to the server and read
 * back what it suppressed. Clustering is off; storage is a temporary folder.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

export const ALERTMANAGER = "/usr/local/bin/alertmanager";

/** alertmanager >= 0.26 must exist under CI; locally a missing one skips its tests. */
export function haveAlertmanager(): boolean {
  const out = fs.existsSync(ALERTMANAGER)
    ? spawnSync(ALERTMANAGER, ["--version"], { encoding: "utf8" })
    : undefined;
  const m = /version 0\.(\d+)/.exec(`${out?.stdout ?? ""}${out?.stderr ?? ""}`);
  if (m && Number(m[1]) >= 26) return true;
  if (process.env.CI === "true")
    throw new Error(`${ALERTMANAGER} >= 0.26 is required in CI: run scripts/install-prom-tools.sh`);
  return false;
}

export type Labels = Record<string, string>;

/** What the server says of an alert: `active`, or `suppressed` with who inhibited or silenced it. */
export interface AlertStatus {
  readonly state: string;
  readonly inhibitedBy: string[];
  readonly silencedBy: string[];
}

export interface RunningAlertmanager {
  /** Posts alerts firing from now on, as Prometheus does. */
  fire(...alerts: Labels[]): Promise<void>;
  /** Silences alerts matching every label of `matchers` for an hour. */
  silence(matchers: Labels): Promise<void>;
  /** The status of the alert with exactly these labels. */
  status(labels: Labels): Promise<AlertStatus>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(base: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`alertmanager exited ${child.exitCode}:\n${log()}`);
    try {
      if ((await fetch(`${base}/-/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`alertmanager not ready after 10 s:\n${log()}`);
}

const sameLabels = (a: Labels, b: Labels) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

/** Runs `body` against an Alertmanager serving `configYaml`, stopped afterwards. */
export async function withAlertmanager<T>(
  configYaml: string,
  body: (am: RunningAlertmanager) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-am-"));
  const config = path.join(dir, "alertmanager.yaml");
  fs.writeFileSync(config, configYaml);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(
    ALERTMANAGER,
    [
      `--config.file=${config}`,
      `--storage.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--cluster.listen-address=",
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const post = async (route: string, payload: unknown) => {
    const res = await fetch(`${base}/api/v2/${route}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
    });
    if (!res.ok) throw new Error(`POST ${route}: ${res.status} ${await res.text()}`);
  };
  const now = () => new Date().toISOString();
  const am: RunningAlertmanager = {
    fire: (...alerts) =>
      post(
        "alerts",
        alerts.map((labels) => ({ labels, startsAt: now() })),
      ),
    silence: (matchers) =>
      post("silences", {
        matchers: Object.entries(matchers).map(([name, value]) => ({ name, value, isRegex: false })),
        startsAt: now(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        createdBy: "test",
        comment: "acknowledged",
      }),
    status: async (labels) => {
      const alerts = (await (await fetch(`${base}/api/v2/alerts`)).json()) as {
        labels: Labels;
        status: AlertStatus;
      }[];
      const found = alerts.find((a) => sameLabels(a.labels, labels));
      if (!found) throw new Error(`no alert ${JSON.stringify(labels)} in alertmanager`);
      return found.status;
    },
  };
  try {
    await waitReady(base, child, () => stderr);
    return await body(am);
  } finally {
    child.kill();
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once("exit", r)));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
