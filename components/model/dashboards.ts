/**
 * Grafana dashboards as code (pure). Plain dashboard JSON (schemaVersion 39) rather than
 * @grafana/grafana-foundation-sdk 0.0.21: the SDK is pre-1.0 and its builders change between
 * releases, while Grafana's dashboard sidecar consumes exactly this JSON, and the panels' queries
 * stay plain strings the tests can check against the recorded series.
 */
import { createHash } from "crypto";
import type { ModelSpec } from "../config/model-schema";
import { PSI_THRESHOLD } from "./drift-rules";
import { SERIES, round } from "./promql";
import { modelNamespace } from "./variants";

/** One Grafana panel with Prometheus targets. */
export interface Panel {
  readonly id: number;
  readonly title: string;
  readonly type: "timeseries" | "stat";
  readonly gridPos: { h: number; w: number; x: number; y: number };
  readonly fieldConfig: { defaults: { unit?: string }; overrides: unknown[] };
  readonly targets: { refId: string; expr: string; legendFormat: string }[];
  readonly datasource: { type: "prometheus"; uid: string };
}

/** A Grafana dashboard. */
export interface Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly tags: string[];
  readonly schemaVersion: number;
  readonly time: { from: string; to: string };
  readonly refresh: string;
  readonly panels: Panel[];
}

/** kube-prometheus-stack provisions its Prometheus datasource with this uid. */
export const DATASOURCE = { type: "prometheus" as const, uid: "prometheus" };

/** Builds panels laid out two per row. */
export function panels(
  defs: { title: string; unit?: string; targets: [expr: string, legend: string][] }[],
): Panel[] {
  return defs.map((d, i) => ({
    id: i + 1,
    title: d.title,
    type: "timeseries",
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    fieldConfig: { defaults: d.unit ? { unit: d.unit } : {}, overrides: [] },
    targets: d.targets.map(([expr, legendFormat], j) => ({
      refId: String.fromCharCode(65 + j),
      expr,
      legendFormat,
    })),
    datasource: DATASOURCE,
  }));
}

/**
 * The dashboard of one model. Replicas come from the KEDA-managed HPA (`keda-hpa-<ScaledObject>`,
 * ScaledObject named after the model's predictor); GPU share in use is replicas x `serving.gpu.share`
 * because DCGM cannot attribute time-sliced GPUs to pods.
 */
export function modelDashboard(spec: ModelSpec): Dashboard {
  const m = `model="${spec.name}"`;
  // Every HPA in the model's namespace is one of its variants' (a name prefix would also match a
  // model whose name starts with this one's).
  const hpa = `namespace="${modelNamespace(spec)}",horizontalpodautoscaler=~"keda-hpa-.+"`;
  const defs: { title: string; unit?: string; targets: [string, string][] }[] = [
    {
      title: "Traffic by variant",
      unit: "reqps",
      targets: [[`${SERIES.variantRequests("1m")}{${m}}`, "{{variant}}"]],
    },
    {
      title: "Traffic against expectation",
      unit: "reqps",
      targets: [
        [`${SERIES.modelRequests("5m")}{${m}}`, "now"],
        [`${SERIES.expectedLow}{${m}}`, "expected (low)"],
        [`${SERIES.expectedHigh}{${m}}`, "expected (high)"],
      ],
    },
    {
      title: "Error ratio",
      unit: "percentunit",
      targets: [
        [`${SERIES.variantErrorRatio("5m")}{${m}}`, "{{variant}}"],
        [`vector(${round(1 - spec.slo.availability / 100)})`, "error budget"],
      ],
    },
    {
      title: "Latency p50 / p99 against the SLO",
      unit: "s",
      targets: [
        [`${SERIES.variantLatency("p50", "5m")}{${m}}`, "p50 {{variant}}"],
        [`${SERIES.variantLatency("p99", "5m")}{${m}}`, "p99 {{variant}}"],
        [`vector(${round(spec.slo.latencyP99Ms / 1000)})`, "SLO p99"],
      ],
    },
    {
      title: "Replicas against KEDA bounds",
      targets: [
        [`sum(kube_horizontalpodautoscaler_status_current_replicas{${hpa}})`, "replicas"],
        [`sum(kube_horizontalpodautoscaler_spec_min_replicas{${hpa}})`, "min"],
        [`sum(kube_horizontalpodautoscaler_spec_max_replicas{${hpa}})`, "max"],
      ],
    },
    {
      title: "GPU share in use (GPUs)",
      targets: [
        [
          `sum(kube_horizontalpodautoscaler_status_current_replicas{${hpa}}) * ${spec.serving.gpu.share}`,
          "GPUs",
        ],
      ],
    },
    {
      title: "Drift (PSI)",
      targets: [
        [`${SERIES.predictionPsi}{${m}}`, "prediction"],
        [`${SERIES.featurePsi}{${m}}`, "{{feature}}"],
        [`vector(${PSI_THRESHOLD})`, "alert threshold"],
      ],
    },
    // Only what the model's rules record: CTR with a quality check, variants beside stable with a
    // canary or an experiment; errors and latency apart, each in its own unit.
    ...(spec.monitoring.quality
      ? [
          {
            title: "CTR against baseline",
            unit: "percentunit",
            targets: [
              [`${SERIES.ctr}{${m}}`, "CTR"],
              [`${SERIES.ctrBaseline}{${m}}`, "baseline"],
            ] as [string, string][],
          },
        ]
      : []),
    ...(spec.canary || spec.experiments.length > 0
      ? [
          {
            title: "Variants against stable: error ratio",
            unit: "percentunit",
            targets: [[`${SERIES.variantErrorRatio("5m")}{${m}}`, "{{variant}}"]] as [string, string][],
          },
          {
            title: "Variants against stable: p99 latency",
            unit: "s",
            targets: [[`${SERIES.variantLatency("p99", "5m")}{${m}}`, "{{variant}}"]] as [string, string][],
          },
        ]
      : []),
  ];
  return {
    uid: dashboardUid(spec.name),
    title: `Model: ${spec.name}`,
    tags: ["mlops", "model", `team:${spec.team}`],
    schemaVersion: 39,
    time: { from: "now-24h", to: "now" },
    refresh: "30s",
    panels: panels(defs),
  };
}

/** Longest dashboard uid Grafana accepts. */
export const GRAFANA_UID_MAX = 40;

/**
 * The model dashboard's uid: `mlops-model-<model>`, or when that is longer than Grafana's 40
 * characters its first 31 and 8 hex digits of the name's SHA-256. Cutting it short alone gave two
 * models sharing their first 28 characters one uid, and Grafana kept only one of the dashboards.
 */
export function dashboardUid(model: string): string {
  const uid = `mlops-model-${model}`;
  if (uid.length <= GRAFANA_UID_MAX) return uid;
  const hash = createHash("sha256").update(model).digest("hex").slice(0, 8);
  return `${uid.slice(0, GRAFANA_UID_MAX - hash.length - 1)}-${hash}`;
}
