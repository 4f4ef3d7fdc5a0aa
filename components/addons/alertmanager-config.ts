/**
 * Alertmanager routing config from `config.alerting` (pure). No secret is ever rendered: webhook
 * URLs are read by Alertmanager from files (`url_file`) of a Kubernetes Secret mounted through
 * `alertmanager.alertmanagerSpec.secrets` at `/etc/alertmanager/secrets/<secret>/<key>`
 * (prometheus-operator AlertmanagerSpec.secrets).
 *
 * Receiver kinds and file-based secrets:
 * - webhook: `webhook_configs[].url_file`, supported since Alertmanager v0.26
 *   (prometheus/alertmanager PR 3223; prometheus-operator issue 5857). kube-prometheus-stack 88.x
 *   deploys a far newer Alertmanager; Debian bookworm's 0.25 (amtool in tests) predates it.
 * - wechat, dingtalk: Alertmanager's `wechat_configs` only take an inline `api_secret` (no
 *   `api_secret_file` in any release, docs/configuration.md) and DingTalk has no native receiver, so
 *   both post to a bridge (e.g. a WeChat Work / DingTalk robot adapter) whose URL, token included, is
 *   the secret: a webhook with `url_file`.
 * - email: recipients are not secret; the relay (`alerting.email.smarthost`) is internal.
 */
import type { StackConfig } from "../config/stack-schema";

/** Kubernetes Secret (monitoring namespace) holding the receivers' URLs, one key per team. */
export const RECEIVER_SECRET_NAME = "alertmanager-mlops-receivers";
/** Kubernetes Secret holding the rendered `alertmanager.yaml` (`alertmanagerSpec.configSecret`). */
export const CONFIG_SECRET_NAME = "alertmanager-mlops-config";
/** Where prometheus-operator mounts `alertmanagerSpec.secrets`. */
export const SECRETS_MOUNT = "/etc/alertmanager/secrets";

/** The receiver that notifies nobody: a team's is `team-<name>`, so no team takes this name. */
export const NULL_RECEIVER = "null";

/** Key of a team's URL in the receiver Secret. */
export function receiverSecretKey(team: string): string {
  return `${team}-url`;
}

/** Receiver name of a team. */
export function receiverName(team: string): string {
  return `team-${team}`;
}

/** The rendered Alertmanager configuration (subset of the upstream schema we use). */
export interface AlertmanagerConfig {
  readonly global?: Record<string, unknown>;
  readonly route: Record<string, unknown>;
  readonly inhibit_rules: Record<string, unknown>[];
  readonly receivers: Record<string, unknown>[];
}

/** Timing per severity: pages repeat hourly until handled, tickets twice a day. */
const SEVERITY_ROUTES = [
  { severity: "page", group_wait: "10s", repeat_interval: "1h" },
  { severity: "ticket", group_wait: "1m", repeat_interval: "12h" },
] as const;

function receiverFor(team: string, cfg: StackConfig): Record<string, unknown> {
  const r = cfg.alerting.receivers[team];
  if (!r) return { name: receiverName(team) };
  if (r.kind === "email") {
    return { name: receiverName(team), email_configs: [{ to: r.to, send_resolved: true }] };
  }
  return {
    name: receiverName(team),
    webhook_configs: [
      {
        url_file: `${SECRETS_MOUNT}/${RECEIVER_SECRET_NAME}/${receiverSecretKey(team)}`,
        send_resolved: true,
      },
    ],
  };
}

/**
 * Renders the config: alerts route by `team` (unknown teams fall through to the platform team's
 * receiver, with the same timing), then by `severity`; grouped by alertname and model; a firing `page` for a model inhibits that
 * model's `ticket`s of the same alert (and variant). Retraining needs no route: the retrain watcher reads `ALERTS` from Prometheus,
 * so inhibition and silences never block a retraining run.
 */
export function renderAlertmanagerConfig(cfg: StackConfig): AlertmanagerConfig {
  const platform = cfg.alerting.platformTeam;
  const teams = [...new Set([platform, ...Object.keys(cfg.alerting.receivers)])].sort();
  const severityRoutes = SEVERITY_ROUTES.map((s) => ({
    matchers: [`severity="${s.severity}"`],
    group_wait: s.group_wait,
    repeat_interval: s.repeat_interval,
  }));
  const global: Record<string, unknown> = { resolve_timeout: "5m" };
  if (cfg.alerting.email) {
    global.smtp_smarthost = cfg.alerting.email.smarthost;
    global.smtp_from = cfg.alerting.email.from;
  }
  return {
    global,
    route: {
      receiver: receiverName(platform),
      group_by: ["alertname", "model"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [
        // kube-prometheus-stack's own rules (on by default) include Watchdog, which fires forever
        // as a dead man's switch for an external heartbeat, InfoInhibitor, which exists to mute info
        // alerts, and info / none alerts (CPUThrottlingHigh): without this route each reached the
        // platform team's chat every 4 hours. Their warning and critical alerts still do.
        { receiver: NULL_RECEIVER, matchers: ['alertname=~"Watchdog|InfoInhibitor"'] },
        { receiver: NULL_RECEIVER, matchers: ['severity=~"info|none"'] },
        ...teams.map((team) => ({
          receiver: receiverName(team),
          matchers: [`team="${team}"`],
          routes: severityRoutes,
        })),
        // A team without a receiver (a new model team) goes to the platform team with the same
        // per-severity timing: at the root's it would wait 30 s and repeat a page only every 4 h.
        { receiver: receiverName(platform), routes: severityRoutes },
      ],
    },
    inhibit_rules: [
      {
        // The fast burn's page hides the slow burn's ticket, an experiment's error page its 1-hour
        // ticket, a drop the surge ticket: the same alert of the model (and variant), as
        // kube-prometheus's critical-hides-warning rule keys on alertname. Not the model's other
        // tickets: Alertmanager keeps inhibiting while the page is silenced, so an acknowledged
        // incident hid drift, canary and training tickets for as long as its silence (an SRE review,
        // test/monitoring/alertmanager-inhibition.test.ts). Only model alerts: platform alerts have
        // no `model`, and equal empty labels would match.
        source_matchers: ['severity="page"', 'model=~".+"'],
        target_matchers: ['severity="ticket"'],
        equal: ["model", "alertname", "variant"],
      },
    ],
    receivers: [{ name: NULL_RECEIVER }, ...teams.map((team) => receiverFor(team, cfg))],
  };
}

/** Teams whose receiver reads a URL from the receiver Secret, with the secret config key to read. */
export function receiverSecretKeys(cfg: StackConfig): { team: string; key: string; configKey: string }[] {
  return Object.entries(cfg.alerting.receivers)
    .filter(([, r]) => r.kind !== "email" && r.urlSecret !== undefined)
    .map(([team, r]) => ({ team, key: receiverSecretKey(team), configKey: r.urlSecret as string }))
    .sort((a, b) => a.team.localeCompare(b.team));
}
