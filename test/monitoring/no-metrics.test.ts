/**
 * A model whose request metrics never appear (a server that does not emit
 * `mlops_model_requests_total`, a PodMonitor that never matches) raised nothing: the no-data rule
 * covers only series that existed (an SRE review). `ModelTrafficAnomaly` with `reason="no-metrics"`
 * opens a ticket once stable's Deployment has had available replicas for the start grace with no
 * request series of the model. promtool at 15 s, the traffic rules of each model in its own file;
 * every silent case runs beside a never-instrumented control model that must fire, so it can fail.
 */
import type { ModelSpec } from "../../components/config/model-schema";
import { testWith } from "../helpers/tools";
import { GRACE, ModelRun, STEPS, counter, firings, first, spec } from "./no-metrics-harness";

const itPromtool = testWith("promtool");

/** homepage-feed (TorchServe: read from the contract counter only) under another name: the control. */
const CONTROL: ModelSpec = { ...spec("homepage-feed"), name: "never-instrumented" };

const two = () => 2;
const control: ModelRun = { spec: CONTROL, available: two };

describe("a model whose request metrics never appear", () => {
  itPromtool("ready pods without a request series open a ticket once the start grace has passed", () => {
    const f = firings([control]);
    const t = first(f, CONTROL.name);
    console.log(`never-instrumented model: ticket ${t ?? "never"} s after its pods were ready`);
    expect(t).toBeDefined();
    expect(t!).toBeGreaterThanOrEqual(GRACE);
    expect(t!).toBeLessThanOrEqual(GRACE + 60);
    for (const l of ['severity="ticket"', 'team="homepage"', 'variant="stable"', 'direction="down"'])
      expect(f[0].labels).toContain(l);
  });

  itPromtool("an instrumented model stays silent", () => {
    const m = spec("homepage-feed");
    const f = firings([
      control,
      {
        spec: m,
        available: two,
        series: [
          counter(`mlops_model_requests_total{model="${m.name}",variant="stable",outcome="success"}`, 6000),
        ],
      },
    ]);
    expect(first(f, m.name)).toBeUndefined();
    expect(first(f, CONTROL.name)).toBeDefined();
  });

  itPromtool("idle Triton and busy MLServer models read through their own counters stay silent", () => {
    // Triton exports its per-model counters (at 0) from model load; MLServer's count its requests.
    const triton = spec("search-ranking");
    const mlserver = spec("cart-cross-sell");
    const f = firings([
      control,
      {
        spec: triton,
        available: two,
        series: [
          counter(`nv_inference_request_success{model="${triton.name}",variant="stable",version="1"}`, 0),
        ],
      },
      {
        spec: mlserver,
        available: two,
        series: [
          counter(`model_infer_request_success_total{model="${mlserver.name}",variant="stable"}`, 300),
        ],
      },
    ]);
    expect(first(f, triton.name)).toBeUndefined();
    expect(first(f, mlserver.name)).toBeUndefined();
    expect(first(f, CONTROL.name)).toBeDefined();
  });

  itPromtool("a model whose pods have been ready for less than the grace stays silent", () => {
    // Deployed, waiting for a GPU node: ready 20 minutes before the end of the run.
    const starting = { ...CONTROL, name: "starting-model" };
    const f = firings([control, { spec: starting, available: (s) => (s < STEPS - 80 ? 0 : 2) }]);
    expect(first(f, starting.name)).toBeUndefined();
    expect(first(f, CONTROL.name)).toBeDefined();
  });

  itPromtool("a model scaled to zero, or without a Deployment, stays silent", () => {
    const zero = { ...CONTROL, name: "scaled-to-zero" };
    const none = { ...CONTROL, name: "no-deployment" };
    const f = firings([control, { spec: zero, available: () => 0 }, { spec: none }]);
    expect(first(f, zero.name)).toBeUndefined();
    expect(first(f, none.name)).toBeUndefined();
    expect(first(f, CONTROL.name)).toBeDefined();
  });
});
