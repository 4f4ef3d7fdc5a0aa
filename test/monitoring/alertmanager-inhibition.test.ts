/**
 * Inhibition as the real Alertmanager applies it to prod's rendered config (test/helpers/alertmanager.ts).
 * A model's page hides only the same alert's tickets of that model (the slow burn under the fast
 * one): an SRE review found that a page hid all the model's tickets, and the server showed that a
 * silenced page still inhibits, so an acknowledged incident kept drift and canary tickets hidden for
 * as long as its silence.
 */
import * as YAML from "yaml";
import { renderAlertmanagerConfig } from "../../components/addons/alertmanager-config";
import { haveAlertmanager, Labels, RunningAlertmanager, withAlertmanager } from "../helpers/alertmanager";
import { stackConfig } from "./fixtures";

const itServer = haveAlertmanager() ? test : test.skip;
const prodConfig = () =>
  YAML.stringify(renderAlertmanagerConfig(stackConfig("prod")), { aliasDuplicateObjects: false });

const feed = { model: "homepage-feed", team: "homepage" };
const page = (alertname: string, extra: Labels = {}) => ({ alertname, ...feed, severity: "page", ...extra });
const ticket = (alertname: string, extra: Labels = {}) => ({
  alertname,
  ...feed,
  severity: "ticket",
  ...extra,
});

/**
 * Waits until `control` is inhibited: the server has seen the page, so alerts still active after it
 * are not active only because the inhibitor had not caught up.
 */
async function whenInhibited(am: RunningAlertmanager, control: Labels): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await am.status(control)).inhibitedBy.length > 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${JSON.stringify(control)} was never inhibited`);
}

describe("Alertmanager inhibition (the real server, prod's config)", () => {
  itServer(
    "a model's page hides its own alert's ticket, not the model's drift, canary or training tickets",
    () =>
      withAlertmanager(prodConfig(), async (am) => {
        const others = [
          ticket("ModelPredictionDrift"),
          ticket("ModelCanaryDegraded", { check: "errors", variant: "canary" }),
          ticket("ModelTrainingFailed", { reason: "run-failed" }),
        ];
        await am.fire(page("ModelErrorBudgetBurn"), ticket("ModelErrorBudgetBurn"), ...others);
        await whenInhibited(am, ticket("ModelErrorBudgetBurn"));
        for (const t of others)
          expect([t.alertname, (await am.status(t)).state]).toEqual([t.alertname, "active"]);
        expect((await am.status(page("ModelErrorBudgetBurn"))).state).toBe("active");
      }),
  );

  itServer("a silenced (acknowledged) page keeps hiding only its own ticket", () =>
    withAlertmanager(prodConfig(), async (am) => {
      await am.fire(
        page("ModelErrorBudgetBurn"),
        ticket("ModelErrorBudgetBurn"),
        ticket("ModelFeatureDrift"),
      );
      await am.silence({ alertname: "ModelErrorBudgetBurn", model: "homepage-feed", severity: "page" });
      await whenInhibited(am, ticket("ModelErrorBudgetBurn"));
      expect((await am.status(page("ModelErrorBudgetBurn"))).silencedBy).toHaveLength(1);
      expect((await am.status(ticket("ModelFeatureDrift"))).state).toBe("active");
    }),
  );

  itServer("another model's ticket, and another experiment variant's, stay active", () =>
    withAlertmanager(prodConfig(), async (am) => {
      const otherModel = { ...ticket("ModelErrorBudgetBurn"), model: "rerank-diversity" };
      const otherVariant = ticket("ModelExperimentDegraded", { check: "errors-1h", variant: "b" });
      const sameVariant = ticket("ModelExperimentDegraded", { check: "latency", variant: "a" });
      await am.fire(
        page("ModelErrorBudgetBurn"),
        ticket("ModelErrorBudgetBurn"),
        otherModel,
        page("ModelExperimentDegraded", { check: "errors", variant: "a" }),
        sameVariant,
        otherVariant,
      );
      await whenInhibited(am, ticket("ModelErrorBudgetBurn"));
      await whenInhibited(am, sameVariant);
      expect((await am.status(otherModel)).state).toBe("active");
      expect((await am.status(otherVariant)).state).toBe("active");
    }),
  );

  itServer("platform alerts (no model label) inhibit nothing", () =>
    withAlertmanager(prodConfig(), async (am) => {
      const platform = { team: "ml-platform" };
      const training = { alertname: "GpuPoolSaturated", ...platform, severity: "ticket", pool: "training" };
      await am.fire(
        { alertname: "GpuPoolSaturated", ...platform, severity: "page", pool: "inference" },
        training,
        page("ModelErrorBudgetBurn"),
        ticket("ModelErrorBudgetBurn"),
      );
      await whenInhibited(am, ticket("ModelErrorBudgetBurn"));
      expect((await am.status(training)).state).toBe("active");
    }),
  );
});
