/**
 * Synthetic metric scenarios for `promtool test rules`, computed from traffic parameters per step
 * (pure functions), and the promtool runner that measures when an alert first fires.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { DRIFT_BUCKETS } from "../../components/model/promql";

/** What the model's traffic looks like at one step. */
export interface Params {
  /** Requests/s of the whole model. */
  readonly rps: number;
  /** Error ratio of the stable variant. */
  readonly errorRatio: number;
  /** Share of traffic on the canary (0 = none). */
  readonly canaryShare: number;
  /** Error ratio of the canary. */
  readonly canaryErrorRatio: number;
  /** Latency in seconds of every request (one value; buckets are cumulative). */
  readonly latency: number;
  /** Probability per drift bin (10) of predictions and of each feature. */
  readonly prediction: readonly number[];
  readonly features: Readonly<Record<string, readonly number[]>>;
  /** Click-through rate. */
  readonly ctr: number;
  /** A share of every variant's requests that takes `latency` seconds instead (a slow tail). */
  readonly slow?: { readonly share: number; readonly latency: number };
  /** An A/B experiment variant taking `share` of the traffic (from stable) at its own error ratio. */
  readonly experiment?: { readonly name: string; readonly share: number; readonly errorRatio: number };
  /**
   * How the step is scraped: `gap` - not scraped (the counters go on counting in the server);
   * `gone` - the pods are gone: a staleness marker, then no samples.
   */
  readonly scrape?: "gap" | "gone";
}

/** Latency buckets the synthetic model exports (seconds). */
export const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** Ten equal bins: the reference distribution. */
export const UNIFORM = DRIFT_BUCKETS.map(() => 0.1);

/**
 * A healthy model at 400 requests/s: 0.02% errors, 20 ms, predictions and its one watched feature
 * at the reference distribution, 5% CTR, no canary. Scenarios spread it and change what they test.
 */
export const NORMAL_TRAFFIC: Params = {
  rps: 400,
  errorRatio: 0.0002,
  canaryShare: 0,
  canaryErrorRatio: 0,
  latency: 0.02,
  prediction: UNIFORM,
  // One watched feature is enough: the rules handle every feature alike (sum by model, feature).
  features: { price: UNIFORM },
  ctr: 0.05,
};

/** PSI between two bin distributions (the same formula the rules evaluate). */
export function psi(current: readonly number[], reference: readonly number[]): number {
  return current.reduce((s, p, i) => {
    const c = Math.max(p, 1e-4);
    const r = Math.max(reference[i], 1e-4);
    return s + (c - r) * Math.log(c / r);
  }, 0);
}

/** A distribution tilted towards the high bins: weight ∝ exp(k·i), normalized. */
export function tilted(k: number): number[] {
  const w = DRIFT_BUCKETS.map((_, i) => Math.exp(k * i));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / sum);
}

/**
 * Increments on a 1/1024 grid: their sums, and promtool's `a+bxn` expansion of them, are exact in
 * binary floating point, so a run never reads back a hair lower than the one before (which
 * Prometheus would take for a counter reset and a burst of traffic).
 */
function exact(x: number): number {
  return Math.round(x * 1024) / 1024;
}

/**
 * Compresses per-step increments into promtool's `start+incxN` notation. A step marked `_` in
 * `omitted` is not scraped (the counter still grows), `stale` writes a staleness marker.
 */
export function counterNotation(
  increments: readonly number[],
  omitted: readonly ("_" | "stale" | undefined)[] = [],
): string {
  const parts: string[] = ["0"];
  let value = 0;
  let i = 0;
  while (i < increments.length) {
    let j = i;
    if (omitted[i]) {
      if (omitted[i] === "_") while (j + 1 < increments.length && omitted[j + 1] === "_") j++;
      for (let k = i; k <= j; k++) value += exact(increments[k]);
      parts.push(omitted[i] === "stale" ? "stale" : `_x${j - i + 1}`);
      i = j + 1;
      continue;
    }
    const inc = exact(increments[i]);
    while (j + 1 < increments.length && !omitted[j + 1] && exact(increments[j + 1]) === inc) j++;
    const n = j - i + 1;
    const start = value + inc;
    parts.push(n === 1 ? String(start) : `${start}+${inc}x${n - 1}`);
    value += inc * n;
    i = j + 1;
  }
  return parts.join(" ");
}

/** Input series of one model for `steps` steps of `stepSeconds`. */
export function modelSeries(
  model: string,
  steps: number,
  stepSeconds: number,
  at: (step: number) => Params,
): { series: string; values: string }[] {
  const out = new Map<string, number[]>();
  const add = (series: string, step: number, inc: number) => {
    let arr = out.get(series);
    if (!arr) out.set(series, (arr = new Array<number>(steps).fill(0)));
    arr[step] += inc;
  };
  const omitted: ("_" | "stale" | undefined)[] = [];
  for (let s = 0; s < steps; s++) {
    const p = at(s);
    omitted[s] =
      p.scrape === "gap" ? "_" : p.scrape === "gone" ? (omitted[s - 1] ? "_" : "stale") : undefined;
    const total = p.rps * stepSeconds;
    const stableShare = 1 - p.canaryShare - (p.experiment?.share ?? 0);
    const variants: [string, number, number][] = [["stable", total * stableShare, p.errorRatio]];
    if (p.canaryShare > 0) variants.push(["canary", total * p.canaryShare, p.canaryErrorRatio]);
    if (p.experiment) variants.push([p.experiment.name, total * p.experiment.share, p.experiment.errorRatio]);
    const slow = p.slow?.share ?? 0;
    for (const [variant, n, er] of variants) {
      const l = `model="${model}",variant="${variant}"`;
      add(`mlops_model_requests_total{${l},outcome="success"}`, s, n * (1 - er));
      add(`mlops_model_requests_total{${l},outcome="error"}`, s, n * er);
      for (const le of [...LATENCY_BUCKETS, Infinity])
        add(
          `mlops_model_request_duration_seconds_bucket{${l},le="${le === Infinity ? "+Inf" : le}"}`,
          s,
          (p.latency <= le ? n * (1 - slow) : 0) + (p.slow && p.slow.latency <= le ? n * slow : 0),
        );
      add(`mlops_model_request_duration_seconds_count{${l}}`, s, n);
      add(`mlops_model_impressions_total{${l}}`, s, n);
      add(`mlops_model_clicks_total{${l}}`, s, n * p.ctr);
    }
    const histogram = (metric: string, labels: string, n: number, dist: readonly number[]) => {
      let cum = 0;
      DRIFT_BUCKETS.forEach((le, i) => {
        cum += dist[i];
        add(`${metric}_bucket{${labels},le="${le}"}`, s, n * cum);
      });
      add(`${metric}_bucket{${labels},le="+Inf"}`, s, n);
      add(`${metric}_count{${labels}}`, s, n);
    };
    histogram(
      "mlops_model_prediction",
      `model="${model}",variant="stable"`,
      total * (1 - p.canaryShare),
      p.prediction,
    );
    for (const [f, dist] of Object.entries(p.features))
      histogram("mlops_model_feature", `model="${model}",feature="${f}"`, total, dist);
  }
  // kube-state-metrics' view of the stable Deployment (another target: a scrape gap of the model's
  // pods does not touch it): three ready replicas, none once the pods are gone.
  const available = Array.from({ length: steps }, (_, s) => (at(s).scrape === "gone" ? 0 : 3));
  return [
    ...[...out.entries()].map(([series, inc]) => ({ series, values: counterNotation(inc, omitted) })),
    {
      series: `kube_deployment_status_replicas_available{namespace="${model}",deployment="${model}-predictor"}`,
      values: gaugeNotation(available),
    },
  ];
}

/** A gauge's samples in promtool's notation: each run of equal values as `vxN`. */
export function gaugeNotation(values: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length;) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[i]) j++;
    parts.push(`${values[i]}x${j - i}`);
    i = j + 1;
  }
  return parts.join(" ");
}

/** Go-style duration promtool accepts, e.g. 1d0h2m15s -> "26h2m15s". */
export function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h}h${m}m${s}s`;
}

/** Parses promtool's `time: 1d2m15s` (Prometheus duration units) back into seconds. */
export function parseDuration(text: string): number {
  const m = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  if (!m) throw new Error(`unparseable promtool duration ${text}`);
  const [w, d, h, min, s] = m.slice(1).map((x) => Number(x ?? 0));
  return w * 604800 + d * 86400 + h * 3600 + min * 60 + s;
}

/** A firing alert promtool reported. */
export interface Firing {
  readonly alertname: string;
  readonly atSeconds: number;
  readonly labels: string;
}

/**
 * Runs `promtool test rules` with alert checks that expect nothing at each of `times` for each of
 * `alertnames`; every alert that does fire makes a check fail and is reported with its time. Returns
 * all firings (empty when promtool passed).
 */
export function firingAlerts(opts: {
  readonly ruleFiles: Record<string, unknown>;
  readonly series: { series: string; values: string }[];
  readonly intervalSeconds: number;
  readonly alertnames: readonly string[];
  readonly times: readonly number[];
}): Firing[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-promtool-"));
  const files = Object.entries(opts.ruleFiles).map(([name, content]) => {
    fs.writeFileSync(path.join(dir, name), YAML.stringify(content, { lineWidth: 0 }));
    return name;
  });
  const test = {
    rule_files: files,
    evaluation_interval: `${opts.intervalSeconds}s`,
    tests: [
      {
        interval: `${opts.intervalSeconds}s`,
        input_series: opts.series,
        alert_rule_test: opts.times.flatMap((t) =>
          opts.alertnames.map((alertname) => ({ eval_time: duration(t), alertname, exp_alerts: [] })),
        ),
      },
    ],
  };
  fs.writeFileSync(path.join(dir, "test.yaml"), YAML.stringify(test, { lineWidth: 0 }));
  try {
    execFileSync("promtool", ["test", "rules", "test.yaml"], { cwd: dir, encoding: "utf8", stdio: "pipe" });
    return [];
  } catch (err) {
    const out =
      String((err as { stdout?: string }).stdout ?? "") + String((err as { stderr?: string }).stderr ?? "");
    const firings: Firing[] = [];
    const chunks = out.split(/alertname: (\w+), time: ([\dwdhms.]+),/);
    for (let i = 1; i + 2 < chunks.length + 1; i += 3) {
      const labels = [...(chunks[i + 2] ?? "").matchAll(/Labels:\{([^}]*)\}/g)].map((m) => m[1]);
      for (const l of labels)
        firings.push({ alertname: chunks[i], atSeconds: parseDuration(chunks[i + 1]), labels: l });
    }
    if (firings.length === 0) throw new Error(`promtool failed without alert mismatches:\n${out}`);
    return firings;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
