/**
 * Entry point: read config -> build the platform -> one ModelStack per model -> stack outputs.
 * Exported as a function so `pulumi up` and the offline tools (tools/offline/run-program.ts) run the
 * same wiring.
 */
import * as YAML from "yaml";
import { RECEIVER_SECRET_NAME, renderAlertmanagerConfig } from "./components/addons/alertmanager-config";
import { PlatformAddons } from "./components/addons/platform-addons";
import { PlatformMonitoring } from "./components/addons/platform-monitoring";
import { forecastTriggers, pinnedVariantTriggers } from "./components/capacity/autoscaling";
import { eventBaselinesFromHistory } from "./components/capacity/event-prescale";
import { forecastRecordingRules } from "./components/capacity/forecast-rules";
import { Cluster } from "./components/cluster/cluster";
import { loadPlatformInputs } from "./components/config/load";
import { ModelStack } from "./components/model/model-stack";
import { requestRateQuery } from "./components/model/request-metrics";
import { trafficShare, variantsOf } from "./components/model/variants";

async function main(): Promise<Record<string, unknown>> {
  const inputs = loadPlatformInputs(__dirname);
  const { config, models } = inputs;

  const cluster = new Cluster("mlops", { config, secret: inputs.secret });
  const addons = new PlatformAddons("mlops", {
    config,
    cluster: cluster.context,
    // The routing holds no secrets (receivers read their URLs from the mounted receivers Secret).
    alertmanagerConfigYaml: YAML.stringify(renderAlertmanagerConfig(config), {
      aliasDuplicateObjects: false,
    }),
    alertmanagerSecretMounts: [RECEIVER_SECRET_NAME],
  });
  new PlatformMonitoring(
    "mlops",
    { config, models, secret: inputs.secret, createAlertmanagerConfigSecret: false },
    { provider: cluster.context.kubeProvider, dependsOn: addons.context.dependsOn },
  );

  const stacks = models.map((spec) => {
    const pool = config.gpuPools.find((p) => p.name === spec.serving.gpu.pool)!;
    const variants = variantsOf(spec);
    const eventBaselines = eventBaselinesFromHistory(inputs.history, spec.name, config);
    return new ModelStack(
      spec.name,
      {
        spec,
        config,
        stack: inputs.stack,
        cluster: cluster.context,
        addons: addons.context,
        // Forecast and sales-event pre-scaling triggers beside the request-rate trigger (issue 7).
        scaling: {
          // Each weighted variant scales on its share of the model's forecast, and sales-event crons
          // pre-scale it from the model's usual rate in the event's hours (history). A header-pinned
          // variant's traffic is its cohort's, not a share: it scales on its own request rate, with
          // a spare replica on that rate while its nodes may be drained.
          extraTriggers: (variant) => {
            const share = trafficShare(variants, variant);
            if (share === undefined)
              return pinnedVariantTriggers(spec, pool, config, {
                rateQuery: requestRateQuery(spec, variant.name),
                replicas: variant.replicas,
              });
            return forecastTriggers(spec, pool, config, {
              eventBaselines,
              trafficShare: share,
              replicas: variant.replicas,
            });
          },
          ruleGroups: forecastRecordingRules(spec, pool, config).groups,
        },
      },
      { provider: cluster.context.kubeProvider, dependsOn: addons.context.dependsOn },
    );
  });

  return {
    clusterName: cluster.context.clusterName,
    mlflowTrackingUri: addons.context.mlflowTrackingUri,
    artifactBucket: addons.context.artifactBucket,
    models: Object.fromEntries(
      stacks.map((s, i) => [models[i].name, { namespace: s.namespace, trainingDag: s.trainingDagId }]),
    ),
    // Read back by `npm run promote` to resume an interrupted promotion from the deployed step.
    canaryTraffic: config.canaryTraffic,
  };
}

export = main;
