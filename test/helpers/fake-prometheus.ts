/**
 * A real HTTP server on 127.0.0.1 that speaks Prometheus's instant-query API
 * (`GET /api/v1/query?query=...`) with scripted answers, for the delivery commands' tests.
 */
import * as http from "http";
import type { AddressInfo } from "net";

/** Returns the vector value for a query, or `undefined` for an empty result. */
export type Answer = (query: string) => number | undefined;

/** A started server; `queries` records every expression asked. */
export interface FakePrometheus {
  readonly url: string;
  readonly queries: string[];
  close(): Promise<void>;
}

/** Starts the server on an ephemeral loopback port. */
export async function startFakePrometheus(answer: Answer): Promise<FakePrometheus> {
  const queries: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== "/api/v1/query") {
      res.writeHead(404).end();
      return;
    }
    const query = url.searchParams.get("query") ?? "";
    queries.push(query);
    const value = answer(query);
    const result = value === undefined ? [] : [{ metric: {}, value: [Date.now() / 1000, String(value)] }];
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "success", data: { resultType: "vector", result } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    queries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
