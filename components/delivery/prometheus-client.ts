/**
 * Minimal client of Prometheus's HTTP query API (`GET /api/v1/query`), enough for canary analysis
 * and health checks. Uses Node's global fetch; no retries beyond what the caller decides.
 */

/** One sample of an instant vector. */
export interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  /** May be NaN or ±Infinity: Prometheus returns them (0/0, a histogram's top bucket). */
  readonly value: number;
}

/**
 * Error from Prometheus or the network, with the query that failed. `transient`: asking again later
 * may answer (unreachable, timed out, a 5xx or 429); a rejected query (bad_data, 4xx) or a malformed
 * answer will not.
 */
export class PrometheusQueryError extends Error {
  constructor(
    message: string,
    readonly transient = false,
  ) {
    super(message);
  }
}

/** Largest response read: an instant query of one model's series is a few KB. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * `url` as it may be printed: without a user name or password (`http://user:pass@host` is accepted
 * for a Prometheus behind basic auth, and the URL ends up in CI logs).
 */
export function displayUrl(url: string): string {
  // What is not an http(s) URL - no scheme (`admin:pw@host` parses as the scheme `admin:`), a `#` in
  // the password - may hold credentials before its last `@`, so that part is not shown.
  const masked = () => url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/i, "$1***@");
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") return masked();
    // `http://admin:1234#pw@host` parses as host `admin`, port 1234: an `@` the URL did not read as
    // credentials may still end some.
    if (!u.username && !u.password) return url.includes("@") ? masked() : url;
    u.username = "";
    u.password = "";
    return u.href;
  } catch {
    return masked();
  }
}

/**
 * Runs an instant query and returns its samples (empty when the expression has no data). `baseUrl`
 * may carry a path prefix (Prometheus's `--web.route-prefix`, `http://host/prometheus`) and basic-auth
 * credentials, which are sent as an Authorization header and never printed.
 */
export async function queryInstant(baseUrl: string, expr: string, timeoutMs = 10_000): Promise<Sample[]> {
  const shown = displayUrl(baseUrl);
  const base = new URL(baseUrl);
  const headers: Record<string, string> = {};
  if (base.username || base.password) {
    const user = `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`;
    headers.authorization = `Basic ${Buffer.from(user).toString("base64")}`;
    base.username = "";
    base.password = "";
  }
  // Relative to the base path, so that a prefix is kept (`new URL("/api/...")` would drop it).
  const url = new URL("api/v1/query", base.href.endsWith("/") ? base.href : `${base.href}/`);
  url.searchParams.set("query", expr);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    text = await readCapped(response, MAX_RESPONSE_BYTES);
  } catch (err) {
    if (err instanceof PrometheusQueryError)
      throw new PrometheusQueryError(`${shown}: ${err.message}`, err.transient);
    const cause = (err as Error & { cause?: Error }).cause?.message;
    throw new PrometheusQueryError(
      `Prometheus at ${shown} unreachable: ${(err as Error).message}${cause ? ` (${cause})` : ""}`,
      true,
    );
  }
  let body:
    { status?: string; error?: string; data?: { resultType?: string; result?: unknown[] } } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = undefined;
  }
  if (!response.ok || body?.status !== "success") {
    throw new PrometheusQueryError(
      `query failed (${response.status}): ${body?.error ?? "no JSON body"}: ${expr}`,
      response.status >= 500 || response.status === 429,
    );
  }
  const data = body.data ?? {};
  if (data.resultType === "scalar") {
    if (!Array.isArray(data.result) || data.result.length !== 2)
      throw new PrometheusQueryError(`malformed scalar from ${shown}: ${expr}`);
    return [{ labels: {}, value: sampleValue(data.result[1], shown, expr) }];
  }
  if (data.resultType !== "vector")
    throw new PrometheusQueryError(`expected an instant vector, got ${data.resultType}: ${expr}`);
  return (data.result ?? []).map((r) => {
    const item = r as { metric?: Record<string, string>; value?: [number, unknown] };
    if (!Array.isArray(item?.value) || item.value.length !== 2)
      throw new PrometheusQueryError(`malformed sample from ${shown} (no [time, value]): ${expr}`);
    return { labels: item.metric ?? {}, value: sampleValue(item.value[1], shown, expr) };
  });
}

/**
 * A sample value as the HTTP API writes it: a string holding a float, `NaN`, `+Inf` or `-Inf`
 * (`Number("+Inf")` would be NaN, and `Number("")` 0). Anything else is not Prometheus.
 */
function sampleValue(raw: unknown, shown: string, expr: string): number {
  if (raw === "NaN") return Number.NaN;
  if (raw === "+Inf" || raw === "Inf") return Number.POSITIVE_INFINITY;
  if (raw === "-Inf") return Number.NEGATIVE_INFINITY;
  if (typeof raw === "string" && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return Number(raw);
  throw new PrometheusQueryError(
    `malformed sample value from ${shown} (${JSON.stringify(raw)?.slice(0, 40)}): ${expr}`,
  );
}

/** The response body as text, or an error once it grows past `limit` bytes (read no further). */
async function readCapped(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get("content-length"));
  if (declared > limit) throw new PrometheusQueryError(`response of ${declared} bytes, over ${limit}`);
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new PrometheusQueryError(`response over ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
