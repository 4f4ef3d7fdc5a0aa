/**
 * A normal week of every series a model exports (DESIGN section 4, or its runtime's native metrics),
 * computed per minute from the week's traffic shape (pure functions), and a promtool harness that
 * reports every alert present in Prometheus' `ALERTS` series over a span of evaluations.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import type { ModelSpec } from "../../components/config/model-schema";
import type { SalesEvent } from "../../components/config/stack-schema";
import { DRIFT_BUCKETS } from "../../components/model/promql";
import { LATENCY_BUCKETS, counterNotation, duration, parseDuration, tilted } from "./scenario";

/** Flash sale on day 5 (1970-01-06, a Tuesday), 12:00-14:00 UTC, declared at 8x. */
export const SALE: SalesEvent = {
  name: "flash-sale",
  start: "1970-01-06T12:00:00Z",
  end: "1970-01-06T14:00:00Z",
  trafficMultiplier: 8,
};

/** 1 at the trough (02:00 UTC) to 5 at the peak (14:00 UTC), as in `normal-week.test.ts`. */
export function diurnal(minute: number): number {
  const hour = (minute % 1440) / 60;
  return 3 + 2 * Math.sin((2 * Math.PI * (hour - 8)) / 24);
}

/** Requests/s at minute `m`: 5x diurnal swing, weekend at 60%, the sale at 8x. Day 0 is a Thursday. */
export function weekRps(m: number, sale: SalesEvent = SALE): number {
  const day = Math.floor(m / 1440);
  const weekday = (4 + day) % 7; // 0 = Sunday
  const weekend = weekday === 0 || weekday === 6 ? 0.6 : 1;
  const t = m * 60 * 1000;
  const inSale = t >= Date.parse(sale.start) && t < Date.parse(sale.end);
  return Math.round(100 * diurnal(m) * weekend * (inSale ? sale.trafficMultiplier : 1) * 100) / 100;
}

/** What one minute of a variant looks like. */
export interface VariantMinute {
  readonly rps: number;
  readonly errorRatio: number;
  /** Cumulative share of requests at or under each of `LATENCY_BUCKETS`. */
  readonly latencyCdf: readonly number[];
  /** p50 and p99 in seconds (what a summary-only runtime such as Triton reports). */
  readonly p50: number;
  readonly p99: number;
  readonly ctr: number;
  /** Probability per drift bin of the prediction score. */
  readonly prediction: readonly number[];
}

/** One minute of the model: variants and the feature distributions (model-level, DESIGN section 4). */
export interface ModelMinute {
  readonly variants: Readonly<Record<string, VariantMinute>>;
  readonly features: Readonly<Record<string, readonly number[]>>;
}

/** Per-feature shapes of a healthy model: fixed, distinct, none empty. */
function featureShape(index: number): number[] {
  return tilted([-0.2, 0.1, 0.25, -0.05][index % 4] * (index % 2 === 0 ? 1 : -1));
}

/**
 * A healthy minute: error ratio 0.01-0.035% (more at busy hours), latency mostly under 25 ms with a
 * little more tail at busy hours, CTR 5% +- 0.3 points over the day, prediction scores skewed low
 * with a slow diurnal tilt, features fixed. The canary (`canaryShare`) and the experiments are as
 * healthy as stable.
 */
export function healthyMinute(
  minute: number,
  rps: number,
  features: readonly string[],
  canaryShare: number,
  experiments: readonly { readonly name: string; readonly share: number }[] = [],
): ModelMinute {
  const load = (diurnal(minute) - 1) / 4; // 0 at the trough, 1 at the peak
  const variant = (share: number, errorScale: number): VariantMinute => ({
    rps: rps * share,
    errorRatio: (0.0001 + 0.00025 * load) * errorScale,
    latencyCdf: [0.6 - 0.15 * load, 0.998 - 0.004 * load, 0.9998, 1, 1, 1, 1],
    p50: 0.008 + 0.002 * load,
    p99: 0.022 + 0.003 * load,
    ctr: 0.05 + 0.003 * Math.sin((2 * Math.PI * (minute % 1440)) / 1440),
    prediction: tilted(-0.25 + 0.05 * load),
  });
  const stableShare = 1 - canaryShare - experiments.reduce((a, e) => a + e.share, 0);
  const variants: Record<string, VariantMinute> = { stable: variant(stableShare, 1) };
  if (canaryShare > 0) variants.canary = variant(canaryShare, 1.2);
  for (const e of experiments) variants[e.name] = variant(e.share, 1.1);
  return {
    variants,
    features: Object.fromEntries(features.map((f, i) => [f, featureShape(i)])),
  };
}

/** Compresses a gauge into promtool's `value+0xN` runs. */
export function gaugeNotation(values: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length;) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[i]) j++;
    const v = String(Number(values[i].toPrecision(12)));
    parts.push(j === i ? v : `${v}+0x${j - i}`);
    i = j + 1;
  }
  return parts.join(" ");
}

/**
 * Input series for `minutes` one-minute steps of the model, as its runtime exports them: Triton's
 * success/failure counters and latency summary, MLServer's counters and REST histogram, or the
 * contract's `mlops_model_requests_total` and duration histogram; always the contract's drift
 * histograms and impression/click counters (all runtimes need them for drift and quality).
 */
export function weekSeries(
  spec: ModelSpec,
  minutes: number,
  at: (minute: number) => ModelMinute,
): { series: string; values: string }[] {
  const counters = new Map<string, number[]>();
  const gauges = new Map<string, number[]>();
  const put = (map: Map<string, number[]>, series: string, step: number, v: number) => {
    let arr = map.get(series);
    if (!arr) map.set(series, (arr = new Array<number>(minutes).fill(0)));
    arr[step] += v;
  };
  const histogram = (
    name: string,
    labels: string,
    step: number,
    n: number,
    cdf: readonly number[],
    les: readonly number[],
  ) => {
    les.forEach((le, i) =>
      put(counters, `${name}_bucket{${labels},le="${le}"}`, step, n * Math.min(cdf[i], 1)),
    );
    put(counters, `${name}_bucket{${labels},le="+Inf"}`, step, n);
    put(counters, `${name}_count{${labels}}`, step, n);
  };
  const cumulative = (p: readonly number[]) => p.map((_, i) => p.slice(0, i + 1).reduce((a, b) => a + b, 0));
  for (let s = 0; s < minutes; s++) {
    const m = at(s);
    let total = 0;
    for (const [variant, v] of Object.entries(m.variants)) {
      const l = `model="${spec.name}",variant="${variant}"`;
      const n = v.rps * 60;
      total += n;
      switch (spec.serving.runtime) {
        case "triton":
          put(counters, `nv_inference_request_success{${l}}`, s, n * (1 - v.errorRatio));
          put(counters, `nv_inference_request_failure{${l}}`, s, n * v.errorRatio);
          put(gauges, `nv_inference_request_summary_us{${l},quantile="0.5"}`, s, Math.round(v.p50 * 1e6));
          put(gauges, `nv_inference_request_summary_us{${l},quantile="0.99"}`, s, Math.round(v.p99 * 1e6));
          break;
        case "mlserver":
          put(counters, `model_infer_request_success_total{${l}}`, s, n * (1 - v.errorRatio));
          put(counters, `model_infer_request_failure_total{${l}}`, s, n * v.errorRatio);
          histogram(
            "rest_server_request_duration_seconds",
            `${l},path="/v2/models/${spec.name}/infer"`,
            s,
            n,
            v.latencyCdf,
            LATENCY_BUCKETS,
          );
          break;
        default:
          put(counters, `mlops_model_requests_total{${l},outcome="success"}`, s, n * (1 - v.errorRatio));
          put(counters, `mlops_model_requests_total{${l},outcome="error"}`, s, n * v.errorRatio);
          histogram("mlops_model_request_duration_seconds", l, s, n, v.latencyCdf, LATENCY_BUCKETS);
      }
      histogram("mlops_model_prediction", l, s, n, cumulative(v.prediction), DRIFT_BUCKETS);
      put(counters, `mlops_model_impressions_total{${l}}`, s, n);
      put(counters, `mlops_model_clicks_total{${l}}`, s, n * v.ctr);
    }
    for (const [f, dist] of Object.entries(m.features))
      histogram(
        "mlops_model_feature",
        `model="${spec.name}",feature="${f}"`,
        s,
        total,
        cumulative(dist),
        DRIFT_BUCKETS,
      );
  }
  return [
    ...[...counters].map(([series, inc]) => ({ series, values: counterNotation(inc) })),
    ...[...gauges].map(([series, v]) => ({ series, values: gaugeNotation(v) })),
  ];
}

/** One alert seen in `ALERTS` during a checked span. */
export interface SeenAlert {
  /** End of the checked span, seconds from the start of the input. */
  readonly spanEndSeconds: number;
  readonly alertname: string;
  readonly alertstate: string;
  readonly labels: string;
}

/**
 * Runs `promtool test rules` at a 1-minute scrape and evaluation interval and, every `spanMinutes`
 * up to `minutes`, queries `max_over_time(ALERTS[span])`: every evaluation writes an `ALERTS`
 * sample for each pending or firing alert and range selectors include both ends, so these queries
 * see every alert of every evaluated minute, from the first to the last. Expects nothing; resolves
 * to whatever promtool reports (pending and firing). Asynchronous, so segments can run side by side.
 */
export async function alertsSeen(opts: {
  readonly ruleFile: object;
  readonly series: { series: string; values: string }[];
  readonly minutes: number;
  readonly spanMinutes?: number;
}): Promise<SeenAlert[]> {
  const span = opts.spanMinutes ?? 60;
  const ends: number[] = [];
  for (let m = span; m < opts.minutes + span; m += span) ends.push(Math.min(m, opts.minutes - 1));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-week-"));
  fs.writeFileSync(path.join(dir, "rules.yaml"), YAML.stringify(opts.ruleFile, { lineWidth: 0 }));
  const test = {
    rule_files: ["rules.yaml"],
    evaluation_interval: "1m",
    tests: [
      {
        interval: "1m",
        input_series: opts.series,
        promql_expr_test: ends.map((t) => ({
          expr: `max_over_time(ALERTS[${span}m])`,
          eval_time: duration(t * 60),
          exp_samples: [],
        })),
      },
    ],
  };
  fs.writeFileSync(path.join(dir, "test.yaml"), YAML.stringify(test, { lineWidth: 0 }));
  try {
    const out = await new Promise<string>((resolve, reject) =>
      // GOGC=400: promtool's per-rule queries allocate a lot; fewer GC cycles save ~20% of the run.
      execFile(
        "promtool",
        ["test", "rules", "test.yaml"],
        { cwd: dir, encoding: "utf8", maxBuffer: 64 << 20, env: { ...process.env, GOGC: "400" } },
        (err, stdout, stderr) => (err && err.code !== 1 ? reject(err) : resolve(err ? stdout + stderr : "")),
      ),
    );
    if (out === "") return [];
    const seen = parseAlertsOutput(out);
    if (seen.length === 0) throw new Error(`promtool failed without unexpected ALERTS samples:\n${out}`);
    return seen;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads the `got:` samples of failed `ALERTS` expression checks out of promtool's output. */
export function parseAlertsOutput(out: string): SeenAlert[] {
  const seen: SeenAlert[] = [];
  const blocks = out.split(/expr: "max_over_time\(ALERTS\[\w+\]\)", time: ([\dwdhms.]+),/);
  for (let i = 1; i + 1 < blocks.length; i += 2) {
    const at = parseDuration(blocks[i]);
    const got = /got:\s*(.*)/.exec(blocks[i + 1])?.[1] ?? "";
    for (const m of got.matchAll(/\{([^}]*)\}/g)) {
      const labels = m[1];
      seen.push({
        spanEndSeconds: at,
        alertname: /alertname="([^"]*)"/.exec(labels)?.[1] ?? "?",
        alertstate: /alertstate="([^"]*)"/.exec(labels)?.[1] ?? "?",
        labels,
      });
    }
  }
  return seen;
}

/** A span of the week to check: minutes of the week (day 0 is a Thursday), end exclusive. */
export interface Segment {
  readonly name: string;
  readonly fromMinute: number;
  readonly toMinute: number;
}

/** History a segment needs before its checked span: yesterday's hour-long reference windows. */
export const HISTORY_MINUTES = 1440 + 60;

/**
 * The input of one segment on its own clock (promtool starts every input at time 0): the week from
 * `history` minutes (default `HISTORY_MINUTES`) before the segment to its end, and the declared events moved by the same
 * amount, so the rules see the sale exactly where the traffic has it.
 */
export function segmentInput(
  spec: ModelSpec,
  segment: Segment,
  minute: (weekMinute: number) => ModelMinute,
  events: readonly SalesEvent[] = [SALE],
  history = HISTORY_MINUTES,
): { series: { series: string; values: string }[]; events: SalesEvent[]; minutes: number } {
  const origin = segment.fromMinute - history;
  const minutes = segment.toMinute - origin;
  const shift = (iso: string) => new Date(Date.parse(iso) - origin * 60_000).toISOString();
  return {
    series: weekSeries(spec, minutes, (s) => minute(origin + s)),
    events: events.map((e) => ({ ...e, start: shift(e.start), end: shift(e.end) })),
    minutes,
  };
}
