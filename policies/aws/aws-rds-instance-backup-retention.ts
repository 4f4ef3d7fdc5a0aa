/** Automated backups long enough to recover from a bad migration noticed after a weekend. */
import { ALWAYS_MANDATORY, PlatformPolicy, configWithDefaults, forTypes } from "../lib/platform-policy";
import { num } from "../lib/values";

/** Tunable threshold. */
export interface BackupRetentionConfig {
  /** Minimum `backupRetentionPeriod` in days. @default 7 */
  readonly minDays: number;
}

const DEFAULTS: BackupRetentionConfig = { minDays: 7 };

/** Every RDS instance keeps automated backups for at least `minDays` (default 7). */
export const awsRdsInstanceBackupRetention: PlatformPolicy = {
  checks: "RDS backup retention is at least `minDays` (default 7) days",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "aws-rds-instance-backup-retention",
    description: "RDS instances must keep automated backups for at least 7 days (configurable).",
    enforcementLevel: "mandatory",
    configSchema: {
      properties: { minDays: { type: "integer", minimum: 1, maximum: 35, default: DEFAULTS.minDays } },
    },
    validateResource: forTypes(["aws:rds/instance:Instance"], (props, args, report) => {
      const { minDays } = configWithDefaults(args, DEFAULTS);
      // The AWS default when unset is 1 day for API-created instances.
      const days = num(props.backupRetentionPeriod) ?? 0;
      if (days < minDays) {
        report(`RDS backup retention is ${days} day(s); set backupRetentionPeriod to at least ${minDays}.`);
      }
    }),
  },
};
