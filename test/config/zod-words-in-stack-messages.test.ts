/** The stack config's messages are in the platform's words, never zod's ("Invalid email address", "Invalid discriminator value"). */
import { stackValues } from "../helpers/stack";
import { problemsOf } from "../helpers/stack-config-problems";

const ZOD_WORDS =
  /Invalid (input|email|discriminator|option|string)|Too (big|small)|expected record|received undefined/;

describe("stack config messages in our words", () => {
  test("an alert e-mail address says what an address looks like", () => {
    const raw = stackValues("staging");
    raw.alerting.email = { smarthost: "smtp.example.com:587", from: "a@b.c" };
    const msg = problemsOf(raw);
    expect(msg).toContain(
      "mlops-platform:alerting.email.from: must be an e-mail address such as alerts@example.com",
    );
    expect(msg).not.toMatch(ZOD_WORDS);
  });

  test("a pool's sharing without a mode names the modes", () => {
    const raw = stackValues("staging");
    raw.gpuPools[0].sharing = { replicas: 4 };
    const msg = problemsOf(raw);
    expect(msg).toContain(
      "mlops-platform:gpuPools[0].sharing.mode: required: one of none, time-slicing, mig",
    );
    expect(msg).not.toMatch(ZOD_WORDS);
  });

  test("a pool's sharing that is not a map shows the forms it takes", () => {
    const raw = stackValues("staging");
    raw.gpuPools[0].sharing = "time-slicing";
    const msg = problemsOf(raw);
    expect(msg).toContain(
      'mlops-platform:gpuPools[0].sharing = "time-slicing": must be a map: {mode: none}, {mode: time-slicing, replicas: <pods per GPU>} or {mode: mig, profile: <MIG profile such as 1g.10gb>}',
    );
  });

  test("wrong types and bounds across the file are in our words", () => {
    const raw = stackValues("prod");
    raw.canaryTraffic = { "homepage-feed": { percent: 200 }, other: "x" };
    raw.pricing.instances = [];
    raw.events = [{}];
    raw.alerting.receivers.x = {};
    raw.cluster = { mode: "existing", existing: {} };
    raw.gpuPools[0].instanceTypes = [];
    const msg = problemsOf(raw);
    expect(msg).not.toMatch(ZOD_WORDS);
  });
});
