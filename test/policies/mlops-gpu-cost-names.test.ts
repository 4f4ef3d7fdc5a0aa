/**
 * mlops-gpu-cost-fits-budget names the models it prices at max for want of history by model, each
 * once: it listed InferenceService names, and feed-ab's canary and the model feed-ab-canary are both
 * "feed-ab-canary" (in their own namespaces), so the list named one of them twice and hid the other.
 */
import { expectedMonthlyCost } from "../../policies/mlops/mlops-gpu-cost-fits-budget";
import * as f from "./fixtures";

test("models without history are named by model, once, not by their variants' InferenceService names", () => {
  const demand = { pool: "inference", share: 0.25, minReplicas: 1, targetRpsPerReplica: 90, maxReplicas: 4 };
  const { byPool } = expectedMonthlyCost({ ...f.capacity(), expectedRps: { known: 100 } }, [
    { ...demand, name: "feed-ab", model: "feed-ab", stable: true },
    { ...demand, name: "feed-ab-canary", model: "feed-ab", stable: false },
    { ...demand, name: "feed-ab-canary", model: "feed-ab-canary", stable: true },
    { ...demand, name: "known", model: "known", stable: true },
  ]);
  expect(byPool[0].withoutHistory).toEqual(["feed-ab", "feed-ab-canary"]);
});
