/**
 * The `plan.json` document (DESIGN section 6): what a reviewer or CI needs to judge a change without
 * reading every manifest. Pure; no timestamps, so two plans of the same commit are byte-identical.
 */
import type { ModelSpec } from "../../components/config/model-schema";
import type { StackConfig } from "../../components/config/stack-schema";
import type { CapacitySummary } from "./capacity";
import type { PolicyResult } from "./policy-hook";
import type { RenderedManifest, RenderWarning } from "./render";
import type { SchemaReport } from "./schema-validate";

/** One model's row in plan.json. */
export interface PlanModel {
  readonly name: string;
  readonly team: string;
  readonly pool: string;
  readonly share: number;
  readonly replicas: { readonly min: number; readonly max: number };
  /** Canary traffic percent; 0 without a canary. */
  readonly canaryPercent: number;
  /**
   * Whether the spec declares a canary: one at 0% is still deployed (its InferenceService,
   * ScaledObject and PDB), which `canaryPercent` alone cannot tell from none. Absent in plans
   * written before it was added.
   */
  readonly canary?: boolean;
  readonly experiments: { name: string; weight?: number; header?: string }[];
  /** Training cron schedule, or null without training. */
  readonly schedule: string | null;
  readonly trainingPool: string | null;
  readonly retrainOn: string[];
  readonly slo: { readonly latencyP99Ms: number; readonly availability: number };
  /** Alert names the rendered PrometheusRules declare with this model's `model` label. */
  readonly alerts: string[];
}

/** Everything plan.json is built from. */
export interface PlanInputs {
  readonly project: string;
  readonly stack: string;
  readonly config: StackConfig;
  readonly models: readonly ModelSpec[];
  readonly resources: readonly { type: string; name: string }[];
  readonly protectedResources: string[];
  readonly manifests: readonly RenderedManifest[];
  readonly warnings: readonly RenderWarning[];
  readonly alerts: ReadonlyMap<string, string[]>;
  readonly capacity: CapacitySummary;
  readonly policy: PolicyResult;
  readonly schema: SchemaReport;
  readonly unsetSecrets: readonly string[];
  /** The summary's notices (`planNotices`): secrets to set, unrouted teams, quiet drift alerts. */
  readonly notices: readonly string[];
  readonly secretLeaks: readonly string[];
  readonly git: { commit: string; dirty: boolean } | null;
  readonly files: { manifests: number; rules: number; dashboards: number; alertmanager: string | null };
}

/** Counts by key, sorted by key. */
export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

/** One model's plan row. */
export function planModel(spec: ModelSpec, alerts: readonly string[]): PlanModel {
  return {
    name: spec.name,
    team: spec.team,
    pool: spec.serving.gpu.pool,
    share: spec.serving.gpu.share,
    replicas: { min: spec.serving.replicas.min, max: spec.serving.replicas.max },
    canaryPercent: spec.canary?.trafficPercent ?? 0,
    canary: spec.canary !== undefined,
    experiments: spec.experiments.map((e) => ({
      name: e.name,
      ...(e.weight !== undefined ? { weight: e.weight } : {}),
      ...(e.header ? { header: `${e.header.name}=${e.header.value}` } : {}),
    })),
    schedule: spec.training?.schedule ?? null,
    trainingPool: spec.training?.gpu.pool ?? null,
    retrainOn: [...(spec.training?.retrainOn ?? [])],
    slo: { latencyP99Ms: spec.slo.latencyP99Ms, availability: spec.slo.availability },
    alerts: [...(alerts ?? [])],
  };
}

/** Builds the plan.json document. */
export function buildPlanJson(p: PlanInputs): Record<string, unknown> {
  const declared = p.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
  return {
    stack: p.stack,
    project: p.project,
    environment: p.config.environment,
    region: p.config.region,
    git: p.git,
    unsetSecrets: [...p.unsetSecrets],
    resources: {
      count: declared.length,
      byType: countBy(declared, (r) => r.type),
      protected: [...p.protectedResources].sort(),
    },
    kubernetes: {
      manifests: p.manifests.length,
      byKind: countBy(p.manifests, (m) => `${m.apiVersion}/${m.kind}`),
      autoNamed: p.manifests.filter((m) => m.autoNamed).map((m) => m.file),
    },
    models: p.models.map((m) => planModel(m, p.alerts.get(m.name) ?? [])),
    capacity: p.capacity,
    policy: {
      evaluated: p.policy.evaluated,
      ...(p.policy.skipped ? { skipped: p.policy.skipped } : {}),
      mandatory: p.policy.mandatory,
      violations: p.policy.violations,
    },
    schemaValidation: {
      validated: p.schema.validated,
      byKind: p.schema.byKind,
      notCovered: p.schema.notCovered,
      sources: p.schema.sources,
    },
    warnings: [
      ...p.warnings,
      ...p.secretLeaks.map((file) => ({
        resource: file,
        message:
          "contains an offline secret placeholder: a secret config value was written into plain config",
      })),
    ],
    notices: p.notices,
    files: p.files,
  };
}
