/**
 * Canary analysis against Prometheus's HTTP API with the same expressions as the
 * `ModelCanaryDegraded` alert (components/model/promql.ts), so a promotion and the alert can never
 * disagree about what "degraded" means.
 */
import type { ModelSpec } from "../config/model-schema";
import {
  CANARY_MIN_REQUESTS,
  CANARY_WINDOW,
  canaryEnoughRequestsExpr,
  canaryErrorDegradedExpr,
  canaryErrorRatioExpr,
  canaryLatencyDegradedExpr,
} from "../model/promql";
import { Analysis, Analyzer, CanaryCheck } from "./promote";
import { queryInstant } from "./prometheus-client";

/** The checks of one analysis step for a model with a canary. */
export function canaryChecks(spec: ModelSpec): CanaryCheck[] {
  return [
    { name: "canary serves traffic", expr: canaryErrorRatioExpr(spec), kind: "must-have-data" },
    {
      name: `canary requests in ${CANARY_WINDOW}`,
      expr: canaryEnoughRequestsExpr(spec),
      kind: "must-have-data",
      found: "enough",
      missing: `fewer than ${CANARY_MIN_REQUESTS}: too little traffic to judge it (promote when the model has more traffic, or with a higher first step)`,
    },
    {
      name: "canary error ratio vs stable",
      expr: canaryErrorDegradedExpr(spec),
      kind: "degraded-when-present",
    },
    { name: "canary p99 latency", expr: canaryLatencyDegradedExpr(spec), kind: "degraded-when-present" },
  ];
}

/** An `Analyzer` that asks the Prometheus at `baseUrl`. */
export function prometheusAnalyzer(baseUrl: string): Analyzer {
  return async (checks: readonly CanaryCheck[]): Promise<Analysis> => {
    const details: string[] = [];
    let healthy = true;
    for (const check of checks) {
      const samples = await queryInstant(baseUrl, check.expr);
      // An idle canary's error ratio is 0/0 = NaN, a sample but no data: only a number counts.
      // A degraded-when-present expression is a comparison, which drops NaN itself, so any sample
      // it returns (+Inf latency included) is a degradation.
      const present =
        check.kind === "must-have-data" ? samples.some((s) => Number.isFinite(s.value)) : samples.length > 0;
      const ok = check.kind === "must-have-data" ? present : !present;
      healthy &&= ok;
      const value = samples.length > 0 ? ` (value ${round(samples[0].value)})` : "";
      const what =
        check.kind === "must-have-data"
          ? present
            ? (check.found ?? "has data")
            : (check.missing ?? "no data (is the canary receiving traffic and being scraped?)")
          : present
            ? "DEGRADED"
            : "ok";
      details.push(`${check.name}: ${what}${value}`);
    }
    return { healthy, details };
  };
}

function round(x: number): string {
  return Number.isFinite(x) ? String(Math.round(x * 1000) / 1000) : String(x);
}
