/**
 * A model no request reached for the no-metrics grace (deployed at night, before its clients switch
 * over) has no request series when its server creates its labelled counters at their first use, and
 * got `ModelTrafficAnomaly` `reason="no-metrics"` like a server that exports nothing (an SRE review).
 * The gateway's traffic is not scraped, so the runtime decides: MLServer (counters at its first
 * inference, never missing while it serves) stays silent while its scrape is up; a contract server
 * that creates its counters lazily still gets the ticket, whose description now says why and what to
 * export. promtool at 15 s, the traffic rules of each model in its own file, 45 minutes of ready pods.
 */
import type { ModelSpec } from "../../components/config/model-schema";
import { testWith } from "../helpers/tools";
import { GRACE, ModelRun, counter, firings, first, spec, trafficRulesOf } from "./no-metrics-harness";

const itPromtool = testWith("promtool");

/** MLServer, read from its own counters. */
const MLSERVER = spec("cart-cross-sell");
/** homepage-feed is TorchServe: read from `mlops_model_requests_total` only. */
const contractServer = (name: string): ModelSpec => ({ ...spec("homepage-feed"), name });
/** Each model of these runs has 2 ready replicas for the whole run. */
const ready = (run: ModelRun): ModelRun => ({ available: () => 2, ...run });

/** A never-instrumented contract server with its scrape up: the control that must fire. */
const control: ModelRun = ready({ spec: contractServer("never-instrumented"), up: 1 });

describe("a model no request has reached since its pods became ready", () => {
  itPromtool("an idle MLServer model with its scrape up stays silent", () => {
    const f = firings([control, ready({ spec: MLSERVER, up: 1 })]);
    expect(first(f, MLSERVER.name)).toBeUndefined();
    expect(first(f, control.spec.name)).toBeDefined();
  });

  itPromtool("an MLServer model whose scrape is down, or has no target, still gets the ticket", () => {
    const down = { ...MLSERVER, name: "mlserver-scrape-down" };
    const untargeted = { ...MLSERVER, name: "mlserver-no-target" };
    const f = firings([ready({ spec: down, up: 0 }), ready({ spec: untargeted, up: undefined })]);
    for (const m of [down.name, untargeted.name]) {
      const t = first(f, m);
      console.log(`${m}: no-metrics ticket ${t ?? "never"} s after its pods were ready`);
      expect(t).toBeDefined();
      expect(t!).toBeGreaterThanOrEqual(GRACE);
      expect(t!).toBeLessThanOrEqual(GRACE + 60);
    }
  });

  itPromtool("a contract server that exports its counters at 0 from start stays silent", () => {
    const eager = contractServer("eager-counters");
    const zero = (outcome: string) =>
      counter(`mlops_model_requests_total{model="${eager.name}",variant="stable",outcome="${outcome}"}`, 0);
    const f = firings([control, ready({ spec: eager, up: 1, series: [zero("success"), zero("error")] })]);
    expect(first(f, eager.name)).toBeUndefined();
    expect(first(f, control.spec.name)).toBeDefined();
  });

  test("a lazy contract server's ticket says why it fires and what the server must export", () => {
    const rule = trafficRulesOf(control.spec).find((r) => r.labels?.reason === "no-metrics")!;
    expect(rule.annotations?.description).toContain("only at its first request");
    expect(rule.annotations?.description).toContain(
      'export outcome="success" and outcome="error" at 0 from start',
    );
    // Triton and MLServer read their own counters: the hint would mislead there.
    const mlserverRule = trafficRulesOf(MLSERVER).find((r) => r.labels?.reason === "no-metrics")!;
    expect(mlserverRule.annotations?.description).not.toContain("first request");
  });
});
