/** Rejected values that may be credentials (a webhook URL, SMTP auth, a registry token) never reach a message. */
import { problemsOfEdited } from "../model/bad-spec-harness";
import { stackValues } from "../helpers/stack";
import { problemsOf } from "../helpers/stack-config-problems";
import { holdsSecret, withoutSecrets } from "../../components/config/secret-values";

describe("secret values in validation messages", () => {
  test("a webhook URL pasted as a team's receiver is not shown, and the message says what each kind needs", () => {
    const raw = stackValues("staging");
    raw.alerting.receivers.pdp = "https://hooks.example.com/SECRETC3";
    const msg = problemsOf(raw);
    expect(msg).not.toContain("SECRETC3");
    expect(msg).not.toContain("hooks.example.com");
    expect(msg).toContain(
      "mlops-platform:alerting.receivers.pdp: must be a map: {kind: webhook, wechat or dingtalk, urlSecret: <name of the secret config key holding the URL>} or {kind: email, to: <address>}",
    );
    expect(msg).toContain("(value not shown: it may hold a credential)");
  });

  test("an SMTP URL with a password in place of alerting.email is not shown", () => {
    const raw = stackValues("staging");
    raw.alerting.email = "smtp://user:SECRETF6@smtp.example.com:587";
    const msg = problemsOf(raw);
    expect(msg).not.toContain("SECRETF6");
    expect(msg).toContain("mlops-platform:alerting.email: must be a map with smarthost");
  });

  test("no value under alerting.receivers is shown, whatever it is", () => {
    const raw = stackValues("staging");
    raw.alerting.receivers.pdp = { kind: "webhook", urlSecret: "https://hooks.example.com/x/SECRETK1" };
    raw.alerting.receivers.cart = { kind: "email", to: "SECRETT2" };
    const msg = problemsOf(raw);
    expect(msg).not.toContain("SECRETK1");
    expect(msg).not.toContain("SECRETT2");
    expect(msg).toContain("mlops-platform:alerting.receivers.cart.to: must be an e-mail address");
  });

  test("a registry URL with credentials in a model spec's image is not shown", () => {
    const msg = problemsOfEdited("homepage-feed", (y) =>
      y.replace(
        "image: registry.example.com/recs/trainer:1.4.2",
        "image: https://robot:SECRETI9@registry.example.com/recs/trainer:1.4.2",
      ),
    );
    expect(msg).toContain("training.image");
    expect(msg).not.toContain("SECRETI9");
  });

  test("a value under a key named like a secret, or a long random token, is not shown", () => {
    const raw = stackValues("staging");
    raw.cluster.systemNodes.instanceTypes = ["wJalrXUtnFEMI7K7MDENGbPxRfiCYEXAMPLEKEY"];
    raw.addons.monitoring.grafanaAdminPassword = "hunter2";
    raw.budget = { monthlyGpuCost: { password: "SECRETP4" } };
    const msg = problemsOf(raw);
    expect(msg).not.toContain("wJalrXUtnFEMI7K7MDENGbPxRfiCYEXAMPLEKEY");
    expect(msg).not.toContain("SECRETP4");
    expect(msg).toContain("mlops-platform:cluster.systemNodes.instanceTypes[0]");
    expect(msg).toContain("mlops-platform:budget.monthlyGpuCost");
  });

  test("ordinary values (names, paths, versions, image tags) are still shown", () => {
    for (const v of ["homepage-feed-ranker-v2", "s3://bucket/models/x/v12", "1.35", "g6.xlarge", 42])
      expect(holdsSecret(v)).toBe(false);
    expect(withoutSecrets({ path: "serving.gpu.pool", value: "inferance", reason: "unknown" })).toEqual({
      path: "serving.gpu.pool",
      value: "inferance",
      reason: "unknown",
    });
  });

  test("URL credentials in a reason's text are cut out", () => {
    const p = withoutSecrets({ path: "x", reason: "cannot reach https://bob:SECRETR5@example.com/a" });
    expect(p.reason).toBe("cannot reach https://***@example.com/a");
  });
});
