/**
 * `ModelTrafficAnomaly` with `reason="no-ready-replicas"`, per serving variant: a variant whose
 * predictor Deployment has no available replica while the HTTPRoute still sends it traffic fails
 * that traffic at the gateway, where no model-server metric counts it. With `reason="no-metrics"`,
 * a model whose pods are up but whose request metrics never appeared. Read from kube-state-metrics'
 * Deployment status. Pure functions of the spec.
 */
import type { ModelSpec } from "../config/model-schema";
import { MODEL_ALERTS, alertLabels } from "./alert-labels";
import { PromRule, SERIES } from "./promql";
import { STABLE_VARIANT, Variant, modelNamespace, predictorName, variantsOf } from "./variants";

/** How far back a model must have served traffic for its missing pods or metrics to page. */
export const NO_DATA_LOOKBACK = "30m";

/**
 * A canary or experiment Deployment younger than this is still starting: its first pod waits for
 * a GPU node (Karpenter provisions one in minutes) and its cold start, so a rollout does not page.
 * A variant that never becomes ready pages this long after its creation (plus the `for:`); one that
 * loses its pods later pages after the `for:` alone. Stable's first deployment is covered instead
 * by `trafficExpectedExpr` (a new model has no traffic yet).
 */
export const VARIANT_START_GRACE_SECONDS = 10 * 60;

/**
 * A variant whose Deployment had 0 available replicas for at least `FLAPPING_SHARE` of the last
 * `FLAPPING_WINDOW` pages, however briefly a pod was ready in between: a crash loop (a pod ready for
 * 30 s in every 90 s, 0 available the rest) restarted the one-minute rule's `for:` at every ready
 * spell and paged nothing in 20 minutes (an SRE review; now 210 s, promtool test). Half of 5 minutes:
 * a single restart of a model's only pod that is back within a minute (at most 25%), or a rolling
 * update that keeps a pod available, stays silent, and a steady crash loop (67% unavailable) crosses
 * it within about 3 minutes. Not container restarts: a restart counter cannot tell a crash loop from
 * a few pods restarted once each, nor does it see pods that never become ready.
 */
export const FLAPPING_SHARE = 0.5;
const FLAPPING_WINDOW = "5m";
/** Sampled at the fast groups' evaluation interval, so each evaluation of the Deployment counts once. */
const FLAPPING_STEP = "15s";

/**
 * Below this rate (req/s) missing request series are not judged: a pod's labelled counters appear
 * with its first request, so pods that all restarted may show none for a while. At 0.1 req/s two
 * minutes without one has odds of e^-12. Not anomaly-rules.ts' `TRAFFIC_MIN_RPS`: at 0.5 a model
 * serving 0.2 req/s lost every pod without a page (a model-team review). The no-data page
 * (anomaly-rules.ts) and the no-metrics ticket below share it, so exactly one of them owns a model
 * whose request series are missing.
 */
export const NO_DATA_MIN_RPS = 0.1;

/**
 * The model served above `rps` in the last `NO_DATA_LOOKBACK`, or history expects as much now. The
 * recent term covers a model's first day, the history term a model whose pods (and counters) have
 * been gone longer than the lookback.
 */
export function trafficExpectedExpr(modelName: string, rps: number): string {
  const m = `{model="${modelName}"}`;
  return `(max_over_time(${SERIES.modelRequests("5m")}${m}[${NO_DATA_LOOKBACK}]) > ${rps} or ${SERIES.expectedLow}${m} > ${rps})`;
}

/**
 * The variants whose readiness pages: stable always (as before), the canary while its
 * `trafficPercent` is above 0 (the route lists a 0-weight canary but sends it nothing), and every
 * experiment. Header-pinned experiments are included: the pinned cohort's requests fail at the
 * gateway exactly as a weighted share does (DESIGN's own example pins a user bucket,
 * `x-exp-bucket: b`), and whether the cohort is sending cannot be read once the variant's pods, and
 * its counters, are gone. A declared variant always has `replicas.min` >= 1, so 0 available is never
 * intended; removing the experiment from the spec is how to stop it.
 */
export function watchedVariants(spec: ModelSpec): Variant[] {
  return variantsOf(spec).filter((v) => v.name === STABLE_VARIANT || v.header || (v.weight ?? 0) > 0);
}

/** kube-state-metrics' selector of a variant's predictor Deployment. */
function deploymentSelector(spec: ModelSpec, v: Variant): string {
  return `{namespace="${modelNamespace(spec)}",deployment="${predictorName(v.isvcName)}"}`;
}

/**
 * Available replicas of a variant's predictor Deployment, labelled `model` and `variant`. `max by`
 * drops kube-state-metrics' own target labels (pod, instance) and its replicas' copies.
 */
export function availableReplicasExpr(spec: ModelSpec, v: Variant): string {
  const inner = `max by (namespace, deployment) (kube_deployment_status_replicas_available${deploymentSelector(spec, v)})`;
  return `label_replace(label_replace(${inner}, "model", "${spec.name}", "", ""), "variant", "${v.name}", "", "")`;
}

/**
 * ` unless` the variant's Deployment was created within `VARIANT_START_GRACE_SECONDS` (nothing for
 * stable). Without the creation series (an older kube-state-metrics) the rule errs towards paging.
 */
function startingUnless(spec: ModelSpec, v: Variant): string {
  if (v.name === STABLE_VARIANT) return "";
  const created = `max by (namespace, deployment) (kube_deployment_created${deploymentSelector(spec, v)})`;
  return ` unless on(namespace, deployment) (time() - ${created} < ${VARIANT_START_GRACE_SECONDS})`;
}

/**
 * One rule per watched variant: its Deployment with 0 available replicas for a minute, once the model
 * has served or is expected to serve any traffic (a model's first deployment waits for its node and
 * cold start with none). Any rate: `replicas.min` is at least 1, so however little traffic a model
 * has, no replica is an outage - of the whole model for stable, of the variant's share (or pinned
 * cohort) otherwise. Until an SRE review only stable was watched: a canary at 10% with every pod gone
 * was silent for 30 minutes while its share failed at the gateway.
 */
export function readinessRules(spec: ModelSpec): PromRule[] {
  return [
    ...watchedVariants(spec).flatMap((v) => [noReadyReplicaRule(spec, v), flappingRule(spec, v)]),
    noMetricsRule(spec),
  ];
}

/**
 * How long stable's Deployment must have had an available replica, with no request series of the
 * model at all, before `reason="no-metrics"` fires. Longer than a model's first deployment takes to
 * get its first requests once its pods are ready (clients switched over after the rollout), since a
 * server instrumented with labelled counters exports them only from its first request.
 */
export const METRICS_START_GRACE = "30m";

/**
 * `reason="no-metrics"` (a ticket): stable's Deployment has had available replicas for
 * `METRICS_START_GRACE` and no request series of the model exists. A server that never emits
 * `mlops_model_requests_total` (a custom or TorchServe handler without it), or a PodMonitor that
 * never matches its pods, left every error, latency and traffic rule - and KEDA's request trigger
 * and the forecast - reading nothing, with no alert: the no-data rule covers only series that
 * existed and vanished (an SRE review). It reads the recorded 5-minute request rate, which
 * `request-metrics.ts` builds from Triton's and MLServer's own counters for those runtimes, so
 * uninstrumented Triton and MLServer servers are not flagged. A ticket: the model may be serving
 * well, unseen; a model scaled to zero or with no Deployment has no available replica and is silent.
 *
 * Not while the no-data page's traffic condition holds (served above `NO_DATA_MIN_RPS` in the last
 * `NO_DATA_LOOKBACK`, or history expects as much): with no request series, that condition is the
 * page. A scrape outage longer than the grace raised both the page and this ticket, and the
 * inhibition (equal model, alertname, variant) did not hide it: the page has no `variant` label, the
 * ticket `variant="stable"` (an SRE review). A rule condition rather than an inhibit rule, so the
 * ticket is also absent from `ALERTS` and the dashboards, and stays away while the page is silenced.
 * The ticket still owns what the page leaves: a model never seen serving (no history), or one below
 * `NO_DATA_MIN_RPS`, and a model whose history has run out (a week after its series vanished).
 *
 * A model no request reached during the grace (deployed at night, clients not switched over yet)
 * has no series either when its server creates its labelled counters at their first use (an SRE
 * review). The rules cannot see what the gateway routed: only the model servers' own series and
 * kube-state-metrics are scraped, not Envoy Gateway's proxies. What tells the cases apart is the
 * runtime, see `idleWithoutSeries`: MLServer's counters are always there once it has served, so with
 * its scrape up an idle MLServer model stays silent; a contract server (TorchServe, custom) that
 * creates its counters lazily cannot be told from one that never exports them, so it gets the
 * ticket, and the metric contract asks such servers to export both `outcome` values at 0 from start
 * (README "Metrics a model server must emit"), as Prometheus' instrumentation guide advises.
 */
function noMetricsRule(spec: ModelSpec): PromRule {
  const stable = variantsOf(spec).find((v) => v.name === STABLE_VARIANT)!;
  return {
    alert: MODEL_ALERTS.trafficAnomaly,
    expr:
      `${availableReplicasExpr(spec, stable)} > 0 unless on(model) ${SERIES.modelRequests("5m")}{model="${spec.name}"}` +
      ` unless on(model) ${trafficExpectedExpr(spec.name, NO_DATA_MIN_RPS)}` +
      idleWithoutSeries(spec),
    for: METRICS_START_GRACE,
    labels: { ...alertLabels(spec, "ticket"), direction: "down", reason: "no-metrics" },
    annotations: {
      summary: `${spec.name} has had ready pods for ${METRICS_START_GRACE} but no request metrics at all`,
      description:
        `No request series of the model (runtime ${spec.serving.runtime}): check that its server exports the metric contract (README "Metrics a model server must emit") and that its PodMonitor's target is up in Prometheus.` +
        (spec.serving.runtime === "torchserve" || spec.serving.runtime === "custom"
          ? ` A server that creates mlops_model_requests_total only at its first request also opens this when no request reached it (the platform does not see the gateway's traffic): export outcome="success" and outcome="error" at 0 from start.`
          : ""),
    },
  };
}

/**
 * ` unless` stable's scrape targets are all up, for MLServer; nothing for the other runtimes. MLServer
 * creates its per-model request counters (`model_infer_request_success`, labelled by model and
 * version: its DataPlane's prometheus_client Counters) at the first inference, so an idle MLServer
 * model has none; and it cannot lack them while serving. With every stable target up (the scrape
 * works: `up` carries the PodMonitor's `model` and `variant` target labels), no series means no
 * request served. Triton exports its counters at 0 from model load, so it has series when idle;
 * a contract server's missing series may be missing instrumentation, which is this ticket's case.
 */
function idleWithoutSeries(spec: ModelSpec): string {
  if (spec.serving.runtime !== "mlserver") return "";
  return ` unless on(model) (min by (model) (up{model="${spec.name}",variant="${STABLE_VARIANT}"}) == 1)`;
}

/** `reason="no-ready-replicas"`: 0 available for a minute (see `readinessRules`). */
function noReadyReplicaRule(spec: ModelSpec, v: Variant): PromRule {
  return {
    alert: MODEL_ALERTS.trafficAnomaly,
    expr:
      `${availableReplicasExpr(spec, v)} == 0 and on(model) ${trafficExpectedExpr(spec.name, 0)}` +
      startingUnless(spec, v),
    for: "1m",
    labels: { ...alertLabels(spec, "page"), direction: "down", reason: "no-ready-replicas", variant: v.name },
    annotations: {
      summary:
        v.name === STABLE_VARIANT
          ? `${spec.name} has no ready replica while traffic is expected`
          : `${spec.name} variant ${v.name} has no ready replica while the route sends it traffic`,
      description: `Deployment ${predictorName(v.isvcName)} has 0 available replicas: check its pods' events, image and node.`,
    },
  };
}

/**
 * `reason="replicas-flapping"`: 0 available for at least `FLAPPING_SHARE` of `FLAPPING_WINDOW`, with
 * the same traffic and start-grace conditions as the one-minute rule. No `for:` (the window is the
 * wait); it keeps firing 10 minutes after it last held, so a loop hovering around the share pages
 * once.
 */
function flappingRule(spec: ModelSpec, v: Variant): PromRule {
  const unavailable = `(${availableReplicasExpr(spec, v)} == bool 0)[${FLAPPING_WINDOW}:${FLAPPING_STEP}]`;
  return {
    alert: MODEL_ALERTS.trafficAnomaly,
    expr:
      `avg_over_time(${unavailable}) >= ${FLAPPING_SHARE} and on(model) ${trafficExpectedExpr(spec.name, 0)}` +
      startingUnless(spec, v),
    keep_firing_for: "10m",
    labels: { ...alertLabels(spec, "page"), direction: "down", reason: "replicas-flapping", variant: v.name },
    annotations: {
      summary: `${spec.name} variant ${v.name} had no ready replica for most of the last ${FLAPPING_WINDOW}`,
      description: `Deployment ${predictorName(v.isvcName)} had 0 available replicas {{ $value | humanizePercentage }} of the last ${FLAPPING_WINDOW} (pods ready briefly, then failing: a crash loop?): check its pods' restarts, logs and events.`,
    },
  };
}
