import * as http from "http";
import type { AddressInfo } from "net";
import { httpUrlFlag } from "../../tools/capacity/cli-flags";
import {
  displayUrl,
  MAX_RESPONSE_BYTES,
  PrometheusQueryError,
  queryInstant,
} from "../../components/delivery/prometheus-client";
import { FakePrometheus, startFakePrometheus } from "../helpers/fake-prometheus";

/** The PrometheusQueryError message `promise` rejects with. */
async function errorOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PrometheusQueryError);
  return (err as Error).message;
}

describe("queryInstant", () => {
  let prom: FakePrometheus | undefined;
  afterEach(async () => {
    await prom?.close();
    prom = undefined;
  });

  test("NaN and ±Inf are read as Prometheus writes them; anything else is not a sample", async () => {
    const answers: Record<string, string> = { a: "NaN", b: "+Inf", c: "-Inf", d: "1.5e-3", e: "abc", f: "" };
    prom = await startFakePrometheus((q) => answers[q]);
    const value = async (q: string) => (await queryInstant(prom!.url, q))[0].value;
    expect(await value("a")).toBeNaN();
    expect(await value("b")).toBe(Number.POSITIVE_INFINITY);
    expect(await value("c")).toBe(Number.NEGATIVE_INFINITY);
    expect(await value("d")).toBe(0.0015);
    expect(await errorOf(queryInstant(prom.url, "e"))).toContain(
      "malformed sample value from http://127.0.0.1",
    );
    expect(await errorOf(queryInstant(prom.url, "f"))).toMatch(/malformed sample value from \S+ \(""\): f$/);
  });

  test("a path prefix (--web.route-prefix) is kept", async () => {
    prom = await startFakePrometheus(() => 1, "/prometheus");
    expect(prom.url).toMatch(/\/prometheus$/);
    expect((await queryInstant(prom.url, "vector(1)"))[0].value).toBe(1);
    expect((await queryInstant(`${prom.url}/`, "vector(1)"))[0].value).toBe(1);
  });

  test("credentials in the URL are sent as basic auth and never printed", async () => {
    prom = await startFakePrometheus(() => "abc");
    const withAuth = prom.url.replace("http://", "http://admin:S3cret%40@");
    const message = await errorOf(queryInstant(withAuth, "up"));
    expect(prom.authorization).toEqual([`Basic ${Buffer.from("admin:S3cret@").toString("base64")}`]);
    expect(message).not.toContain("S3cret");
    expect(displayUrl(withAuth)).toBe(`${prom.url}/`);
    const unreachable = await errorOf(queryInstant("http://admin:S3cret@127.0.0.1:1", "up"));
    expect(unreachable).toContain("Prometheus at http://127.0.0.1:1/ unreachable");
    expect(unreachable).not.toContain("S3cret");
  });

  test("credentials in a value that is not a URL are not printed either", () => {
    expect(displayUrl("admin:S3cretPw@prom.internal:9090")).toBe("***@prom.internal:9090");
    expect(displayUrl("http://admin:S3cret#Pw@127.0.0.1:19090")).toBe("http://***@127.0.0.1:19090");
    expect(displayUrl("prom.internal:9090")).toBe("prom.internal:9090");
    // A password of digits before a # or / parses as a port: still not shown.
    expect(displayUrl("http://admin:1234#secret@prom:9090")).toBe("http://***@prom:9090");
    expect(displayUrl("http://admin:8080/s3cret@prom:9090")).toBe("http://***@prom:9090");
    expect(() => httpUrlFlag("admin:S3cretPw@prom.internal:9090", "prometheus")).toThrow(
      "--prometheus ***@prom.internal:9090: not an http(s) URL",
    );
  });

  test("an error says whether asking again may answer: unreachable and 5xx may, a rejected query not", async () => {
    const server = http.createServer((req, res) => {
      const bad = (req.url ?? "").includes("bad");
      res.writeHead(bad ? 400 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "error", error: bad ? "parse error" : "shutting down" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const transient = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: PrometheusQueryError) => e.transient,
      );
    try {
      expect(await transient(queryInstant(url, "up"))).toBe(true);
      expect(await transient(queryInstant(url, "bad("))).toBe(false);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // Nothing listens there any more.
    expect(await transient(queryInstant(url, "up", 2_000))).toBe(true);
  });

  test("a response larger than MAX_RESPONSE_BYTES is refused, not read into memory", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      let sent = 0;
      const write = () => {
        while (sent <= MAX_RESPONSE_BYTES / chunk.length + 4) {
          sent++;
          if (!res.write(chunk)) return void res.once("drain", write);
        }
        res.end();
      };
      write();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await errorOf(queryInstant(url, "up"))).toContain(`response over ${MAX_RESPONSE_BYTES} bytes`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
