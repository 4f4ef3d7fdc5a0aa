/**
 * A real HTTP server on 127.0.0.1 that speaks Prometheus's instant-query API
 * (`GET /api/v1/query?query=...`) with scripted answers, for the delivery commands' tests.
 */
import * as http from "http";
import type { AddressInfo } from "net";

/**
 * Returns the vector value for a query, or `undefined` for an empty result. A string is sent as the
 * sample's value as is (`"NaN"`, `"+Inf"`, or something Prometheus would never send).
 */
export type Answer = (query: string) => number | string | undefined;

/** A started server; `queries` records every expression asked, `authorization` each request's header. */
export interface FakePrometheus {
  readonly url: string;
  readonly queries: string[];
  readonly authorization: (string | undefined)[];
  close(): Promise<void>;
}

/** How Prometheus writes a float in the HTTP API. */
function promValue(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

/**
 * Starts the server on an ephemeral loopback port; `prefix` serves the API under a path
 * (Prometheus's `--web.route-prefix`), and `url` includes it.
 */
export async function startFakePrometheus(answer: Answer, prefix = ""): Promise<FakePrometheus> {
  const queries: string[] = [];
  const authorization: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== `${prefix}/api/v1/query`) {
      res.writeHead(404).end();
      return;
    }
    const query = url.searchParams.get("query") ?? "";
    queries.push(query);
    authorization.push(req.headers.authorization);
    const value = answer(query);
    const sample = typeof value === "string" ? value : value === undefined ? "" : promValue(value);
    const result = value === undefined ? [] : [{ metric: {}, value: [Date.now() / 1000, sample] }];
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "success", data: { resultType: "vector", result } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    queries,
    authorization,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
