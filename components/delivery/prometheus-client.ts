/**
 * Minimal client of Prometheus's HTTP query API (`GET /api/v1/query`), enough for canary analysis
 * and health checks. Uses Node's global fetch; no retries beyond what the caller decides.
 */

/** One sample of an instant vector. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Error from Prometheus or the network, with the query that failed. */
export class PrometheusQueryError extends Error {}

/** Runs an instant query and returns its samples (empty when the expression has no data). */
export async function queryInstant(baseUrl: string, expr: string, timeoutMs = 10_000): Promise<Sample[]> {
  const url = new URL("/api/v1/query", baseUrl);
  url.searchParams.set("query", expr);
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    throw new PrometheusQueryError(`Prometheus at ${baseUrl} unreachable: ${(err as Error).message}`);
  }
  const body = (await response.json().catch(() => undefined)) as
    { status?: string; error?: string; data?: { resultType?: string; result?: unknown[] } } | undefined;
  if (!response.ok || body?.status !== "success") {
    throw new PrometheusQueryError(
      `query failed (${response.status}): ${body?.error ?? "no JSON body"}: ${expr}`,
    );
  }
  const data = body.data ?? {};
  if (data.resultType === "scalar") {
    if (!Array.isArray(data.result) || data.result.length !== 2)
      throw new PrometheusQueryError(`malformed scalar from ${baseUrl}: ${expr}`);
    const [, v] = data.result as unknown as [number, string];
    return [{ labels: {}, value: Number(v) }];
  }
  if (data.resultType !== "vector")
    throw new PrometheusQueryError(`expected an instant vector, got ${data.resultType}: ${expr}`);
  return (data.result ?? []).map((r) => {
    const item = r as { metric?: Record<string, string>; value?: [number, string] };
    if (!Array.isArray(item?.value) || item.value.length !== 2)
      throw new PrometheusQueryError(`malformed sample from ${baseUrl} (no [time, value]): ${expr}`);
    return { labels: item.metric ?? {}, value: Number(item.value[1]) };
  });
}
