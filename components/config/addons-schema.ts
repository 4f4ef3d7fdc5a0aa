/**
 * Schema of the stack config's `addons` block (monitoring, MLflow and Airflow with their databases,
 * Kubeflow Pipelines) and its defaults. Separate from stack-schema.ts: a block of its own, with its
 * own defaults written out.
 */
import { z } from "zod";
import { strictObject } from "./zod-problems";
import { AIRFLOW_DAG_LABEL } from "../addons/addons-context";

/** Minimum automated-backup retention, in days (the policy pack enforces the same floor). */
export const MIN_BACKUP_RETENTION_DAYS = 7;

const addonDatabase = strictObject({
  instanceClass: z
    .string()
    .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, "must be an RDS instance class such as db.t4g.medium")
    .default("db.t4g.medium"),
  allocatedStorageGiB: z.number().int().min(20).default(50),
  /** Days of automated backups (RDS allows 0-35); the policy pack requires >= 7 as well. */
  backupRetentionDays: z
    .number()
    .int()
    .min(
      MIN_BACKUP_RETENTION_DAYS,
      `must be >= ${MIN_BACKUP_RETENTION_DAYS}: point-in-time recovery needs a week of automated backups`,
    )
    .max(35, "must be <= 35 (RDS's longest automated-backup retention)")
    .default(MIN_BACKUP_RETENTION_DAYS),
  multiAz: z.boolean().default(false),
});
const dbDefaults = {
  instanceClass: "db.t4g.medium",
  allocatedStorageGiB: 50,
  backupRetentionDays: 7,
  multiAz: false,
};

/** The `addons` block: settings of the platform's add-ons, every one defaulted. */
export const addons = strictObject({
  monitoring: strictObject({
    retention: z
      .string()
      .regex(/^\d+[dhw]$/, "must be a Prometheus duration such as 15d")
      .default("15d"),
    storageGiB: z.number().int().min(10).default(100),
    grafanaAdminUser: z.string().default("admin"),
  }).default({ retention: "15d", storageGiB: 100, grafanaAdminUser: "admin" }),
  mlflow: strictObject({ database: addonDatabase.default(dbDefaults) }).default({ database: dbDefaults }),
  airflow: strictObject({
    database: addonDatabase.default(dbDefaults),
    /**
     * Reserved for git-sync DAG delivery, which is not supported yet: refused here (a team would wonder
     * why their DAGs never appear), before any resource is declared.
     */
    dagsGitRepo: z
      .unknown()
      .refine(
        (v) => v === undefined,
        `git-sync DAG delivery is not supported yet; DAGs come from ConfigMaps labelled ${AIRFLOW_DAG_LABEL.key}=${AIRFLOW_DAG_LABEL.value} in the airflow namespace. Remove the key.`,
      )
      .optional(),
  }).default({ database: dbDefaults }),
  kubeflowPipelines: strictObject({ enabled: z.boolean().default(true) }).default({ enabled: true }),
}).default({
  monitoring: { retention: "15d", storageGiB: 100, grafanaAdminUser: "admin" },
  mlflow: { database: dbDefaults },
  airflow: { database: dbDefaults },
  kubeflowPipelines: { enabled: true },
});
