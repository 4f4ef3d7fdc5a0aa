/**
 * Pins of the data-platform add-ons (MLflow, Airflow, Kubeflow Pipelines, the RDS engine and the DAG
 * sidecar image). Kept apart from `versions.ts` until the lead merges the two; each pin names where
 * it was checked (November 2026). Re-check the source and the upgrade notes before bumping.
 */
import { ChartPin } from "./versions";

/** The pinned charts of the data add-ons. */
export const DATA_CHARTS = {
  /**
   * community-charts MLflow. 1.11.5 is the newest release DESIGN.md section 7 records; every key the
   * values builder sets (`backendStore.postgres`, `backendStore.existingDatabaseSecret`,
   * `artifactRoot.proxiedArtifactStorage`, `artifactRoot.s3`, `serviceAccount`) is in the chart's
   * `values.schema.json` (community-charts/helm-charts charts/mlflow, commit 0fab9b74) and README 1.11.2.
   */
  mlflow: { chart: "mlflow", repo: "https://community-charts.github.io/helm-charts", version: "1.11.5" },
  /**
   * Apache Airflow official chart. 1.22.0 (tag helm-chart/1.22.0, June 2026) is the newest release
   * published to the chart index (apache/airflow-site PR 1554); it defaults to Airflow 3.2.2.
   */
  airflow: { chart: "airflow", repo: "https://airflow.apache.org", version: "1.22.0" },
} as const satisfies Record<string, ChartPin>;

/** Airflow version the chart runs (the chart's default for 1.22.0; set explicitly so both move together). */
export const AIRFLOW_VERSION = "3.2.2";

/**
 * Kubeflow Pipelines release tag whose kustomize manifests are applied. 2.17.2 is the newest release
 * (kubeflow/pipelines PR 14272, September 2026).
 */
export const KFP_VERSION = "2.17.2";

/**
 * RDS PostgreSQL major version. A major-only `engineVersion` is allowed with
 * `autoMinorVersionUpgrade` ("you can provide a prefix of the version such as 8.0", Pulumi aws
 * `rds.Instance.engineVersion` docs); RDS applies minor security releases in the maintenance window
 * and the program does not fight it with a pinned minor.
 */
export const POSTGRES_ENGINE_VERSION = "17";

/**
 * kiwigrid/k8s-sidecar image that copies the DAG ConfigMaps into Airflow's DAG folder. 2.11.2 is the
 * newest release; 2.11.0 broke METHOD=SLEEP (fixed in 2.11.1, see the project's release notes).
 */
export const DAG_SIDECAR_IMAGE = "quay.io/kiwigrid/k8s-sidecar:2.11.2";
