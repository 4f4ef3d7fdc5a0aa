/**
 * Runs a command-line tool of the repository (`tools/<name>.ts`) in a process of its own, as
 * `npm run <name>` does, and captures its exit code and output.
 */
import { spawn, spawnSync, SpawnSyncReturns } from "child_process";
import { ROOT } from "./program";

/** node's arguments that run TypeScript as `npm run` does: ts-node, types not checked. */
const TS_NODE = ["-r", "ts-node/register/transpile-only"];

/** What a tool run may change: its environment, and how long it may take (ms). */
export interface ToolOptions {
  /** @default the test's environment */
  readonly env?: NodeJS.ProcessEnv;
  /** @default no limit */
  readonly timeout?: number;
}

/** An exit code and the output, stdout and stderr together. */
export interface ToolResult {
  status: number | null;
  out: string;
}

/** Runs `tool` (a path from the repository root) from the root; stdout and stderr apart. */
export function spawnTool(tool: string, args: string[], options: ToolOptions = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...TS_NODE, tool, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    ...options,
  });
}

/** Runs a tool; its output is stdout and stderr together. */
export function runTool(tool: string, args: string[]): ToolResult {
  const r = spawnTool(tool, args);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** {@link runTool} without blocking this process, so that a server in it (a fake Prometheus) can answer. */
export function runToolAsync(
  tool: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TS_NODE, tool, ...args], { cwd: ROOT, env });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, out }));
  });
}

/** `r` exited 1 and its output holds every fragment. */
export function expectRefused(r: { status: number | null; out: string }, ...fragments: string[]): void {
  expect(r.status).toBe(1);
  for (const f of fragments) expect(r.out).toContain(f);
}
