/** Policies on models' canaries and monitoring: the canary traffic cap, and alerts, a monitor and an owner per model. */
import { mlopsCanaryTrafficCapped } from "../../policies/mlops/mlops-canary-traffic-capped";
import { mlopsModelHasAlertsMonitorAndOwner } from "../../policies/mlops/mlops-model-has-alerts-monitor-and-owner";
import * as f from "./fixtures";
import { messages, set } from "./fixtures";

describe("mlops-canary-traffic-capped", () => {
  const p = mlopsCanaryTrafficCapped;
  const withCanaries = (...percents: number[]) => {
    const r = f.inferenceService();
    r.props.spec.canary = percents.map((t, i) => ({ trafficPercent: t, predictor: { name: `c${i}` } }));
    return r;
  };
  /** The route of `model` splitting between its stable predictor and `other`'s. */
  const routeOf = (model: string, other: string, stable: number, weight: number) => ({
    type: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
    name: `${model}-route`,
    props: {
      kind: "HTTPRoute",
      metadata: { name: model, labels: { "mlops.io/model": model } },
      spec: {
        rules: [
          {
            backendRefs: [
              { name: `${model}-predictor`, port: 80, weight: stable },
              { name: `${other}-predictor`, port: 80, weight },
            ],
          },
        ],
      },
    },
  });
  const route = (stable: number, canary: number) =>
    routeOf("homepage-feed", "homepage-feed-canary", stable, canary);
  it("passes at or below 50%", async () => {
    expect(await messages(p, [withCanaries(25, 25), route(50, 50), f.inferenceService()])).toEqual([]);
  });
  it("fails when spec.canary shares sum above the cap", async () => {
    expect(await messages(p, [withCanaries(40, 20)])).toEqual([
      "Canary gets 60% of traffic (spec.canary[].trafficPercent), above the 50% cap; lower canary.trafficPercent in the spec (or the level promote holds in the stack config, mlops-platform:canaryTraffic) and let the promote tool take it to 100% after analysis.",
    ]);
  });
  it("fails on the legacy canaryTrafficPercent", async () => {
    expect(await messages(p, [set(f.inferenceService(), "spec.predictor.canaryTrafficPercent", 75)])).toEqual(
      [expect.stringContaining("Canary gets 75% of traffic (spec.predictor.canaryTrafficPercent)")],
    );
  });
  it("counts only the model's canary: not a model or an experiment with canary in its name", async () => {
    expect(await messages(p, [routeOf("canary-scorer", "canary-scorer-exp", 10, 90)])).toEqual([]);
    expect(await messages(p, [routeOf("evt-canary", "evt-canary-canary", 90, 10)])).toEqual([]);
    expect(await messages(p, [routeOf("feed", "feed-canary-test", 20, 80)])).toEqual([]);
    expect(await messages(p, [routeOf("evt-canary", "evt-canary-canary", 10, 90)])).toEqual([
      expect.stringContaining("Canary gets 90% of traffic"),
    ]);
  });
  it("fails on analysis steps above the cap, which promote would reach with the canary live", async () => {
    const planned = (steps: string) => {
      const r = route(90, 10);
      (r.props.metadata as Record<string, unknown>).annotations = { "mlops.io/canary-steps": steps };
      return r;
    };
    expect(await messages(p, [planned("10,25,50,100")])).toEqual([]);
    expect(await messages(p, [planned("10,75,90,100")])).toEqual([
      "Canary analysis steps 75%, 90% (metadata.annotations.mlops.io/canary-steps) are above the 50% cap: promote would stop there with the canary live; keep canary.analysis.steps below 100 at or under 50.",
    ]);
  });
  it("fails on HTTPRoute weights", async () => {
    expect(await messages(p, [route(1, 3)])).toEqual([
      expect.stringContaining("Canary gets 75% of traffic (spec.rules[0].backendRefs)"),
    ]);
  });
  it("takes the cap from config", async () => {
    expect(await messages(p, [withCanaries(25)], { maxPercent: 20 })).toEqual([
      expect.stringContaining("above the 20% cap"),
    ]);
  });
});

describe("mlops-model-has-alerts-monitor-and-owner", () => {
  const p = mlopsModelHasAlertsMonitorAndOwner;
  const all = () => [f.modelNamespace(), f.inferenceService(), f.prometheusRule(), f.podMonitor()];
  const msg = (missing: string) =>
    `Model homepage-feed is missing ${missing}; the model stack must create them labelled mlops.io/model: homepage-feed (set team in models/homepage-feed.yaml).`;
  it("passes with rules, a monitor and a team", async () => {
    expect(await messages(p, all())).toEqual([]);
  });
  it("fails without a PrometheusRule", async () => {
    expect(
      await messages(
        p,
        all().filter((r) => !r.type.endsWith("PrometheusRule")),
      ),
    ).toEqual([msg("a PrometheusRule with alert rules")]);
  });
  it("fails when the PrometheusRule has only recording rules", async () => {
    const rules = set(f.prometheusRule(), "spec.groups[0].rules", [{ record: "x", expr: "vector(1)" }]);
    expect(await messages(p, [f.modelNamespace(), f.inferenceService(), rules, f.podMonitor()])).toEqual([
      msg("a PrometheusRule with alert rules"),
    ]);
  });
  it("fails without a PodMonitor or ServiceMonitor", async () => {
    expect(
      await messages(
        p,
        all().filter((r) => !r.type.endsWith("PodMonitor")),
      ),
    ).toEqual([msg("a PodMonitor or ServiceMonitor")]);
  });
  it("fails without a team label", async () => {
    const objs = [
      set(f.modelNamespace(), "metadata.labels", { "mlops.io/model": "homepage-feed" }),
      set(f.inferenceService(), "metadata.labels", { "mlops.io/model": "homepage-feed" }),
      f.prometheusRule(),
      f.podMonitor(),
    ];
    expect(await messages(p, objs)).toEqual([msg("a mlops.io/team label on its InferenceService/Namespace")]);
  });
  it("counts unlabelled rules and monitors in the model's namespace", async () => {
    const objs = [
      f.modelNamespace(),
      f.inferenceService(),
      set(f.prometheusRule(), "metadata.labels", {}),
      set(f.podMonitor(), "metadata.labels", {}),
    ];
    expect(await messages(p, objs)).toEqual([]);
  });
});
