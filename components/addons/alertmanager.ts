/**
 * The Alertmanager config Secret and the receiver-URL Secret it points at. kube-prometheus-stack
 * must reference them: `alertmanager.alertmanagerSpec.configSecret: ALERTMANAGER_CONFIG_SECRET` and
 * `alertmanager.alertmanagerSpec.secrets: [RECEIVER_SECRET_NAME]`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import type { StackConfig } from "../config/stack-schema";
import { NAMESPACES } from "./addons-context";
import {
  CONFIG_SECRET_NAME,
  RECEIVER_SECRET_NAME,
  receiverSecretKeys,
  renderAlertmanagerConfig,
} from "./alertmanager-config";

/** Inputs of `AlertmanagerConfigSecrets`. */
export interface AlertmanagerArgs {
  readonly config: StackConfig;
  /** Reads a secret stack config key (a receiver URL); the value stays secret. */
  readonly secret: (key: string) => pulumi.Output<string>;
  /** Namespace of the Alertmanager object. @default NAMESPACES.monitoring */
  readonly namespace?: string;
  /**
   * Create the config Secret here. Set false when the Monitoring component creates it from
   * `renderAlertmanagerConfig` (its `alertmanagerConfigYaml`), which avoids a namespace ordering cycle.
   * @default true
   */
  readonly createConfigSecret?: boolean;
}

/** Creates both Secrets. The rendered config holds no secret; the URLs only live in the receiver Secret. */
export function createAlertmanagerSecrets(
  name: string,
  args: AlertmanagerArgs,
  parent: pulumi.Resource,
): { configSecret?: k8s.core.v1.Secret; receiverSecret: k8s.core.v1.Secret } {
  const namespace = args.namespace ?? NAMESPACES.monitoring;
  const urls: Record<string, pulumi.Output<string>> = {};
  for (const r of receiverSecretKeys(args.config)) urls[r.key] = args.secret(r.configKey);
  const receiverSecret = new k8s.core.v1.Secret(
    `${name}-receivers`,
    {
      metadata: { name: RECEIVER_SECRET_NAME, namespace },
      type: "Opaque",
      stringData: pulumi.secret(pulumi.all(urls)),
    },
    { parent },
  );
  if (args.createConfigSecret === false) return { receiverSecret };
  const configSecret = new k8s.core.v1.Secret(
    `${name}-config`,
    {
      metadata: { name: CONFIG_SECRET_NAME, namespace },
      type: "Opaque",
      stringData: { "alertmanager.yaml": YAML.stringify(renderAlertmanagerConfig(args.config)) },
    },
    { parent },
  );
  return { configSecret, receiverSecret };
}

/** Name of the config Secret, for `alertmanager.alertmanagerSpec.configSecret`. */
export const ALERTMANAGER_CONFIG_SECRET = CONFIG_SECRET_NAME;

/** `mlops:addons:AlertmanagerConfigSecrets`: Alertmanager routing config and receiver URLs. */
export class AlertmanagerConfigSecrets extends pulumi.ComponentResource {
  /** Name of the config Secret (the constant name when another component creates it). */
  public readonly configSecretName: pulumi.Output<string>;
  /** Name of the receiver Secret (mounted at /etc/alertmanager/secrets/<name>/). */
  public readonly receiverSecretName: pulumi.Output<string>;

  constructor(name: string, args: AlertmanagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:AlertmanagerConfigSecrets", name, {}, opts);
    const { configSecret, receiverSecret } = createAlertmanagerSecrets(name, args, this);
    this.configSecretName = configSecret ? configSecret.metadata.name : pulumi.output(CONFIG_SECRET_NAME);
    this.receiverSecretName = receiverSecret.metadata.name;
    this.registerOutputs({
      configSecretName: this.configSecretName,
      receiverSecretName: this.receiverSecretName,
    });
  }
}
