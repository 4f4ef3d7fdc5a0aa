/** Bad model specs: training schedules, images and retraining triggers. */
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { cfg, problemsOfEdited, source, spec } from "./bad-spec-harness";
import { SCHEDULE_CASES } from "./bad-spec-cases/schedules";

describe("bad model specs", () => {
  test.each(SCHEDULE_CASES)("%s", (_what, name, edit, message) => {
    expect(problemsOfEdited(name, edit)).toContain(message);
  });

  test("the limits are the real ones: a 42-character name and cron month and weekday names pass", () => {
    const name = "n".repeat(42);
    // Without the canary and the experiment, whose pod labels need a shorter name (bad-specs-kserve-pod-label).
    const named = (y: string) =>
      y
        .replace('schedule: "0 3 * * *"', 'schedule: "0 3 1 jan,JUL MON-FRI"')
        .replace(/canary:\n( {2}.*\n)+/, "")
        .replace(/experiments:\n( {2}.*\n)+/, "");
    const [m] = validateModelSpecs([source(`models/${name}.yaml`, spec(name, named))], "staging", cfg);
    expect(m.name).toBe(name);
    expect(m.training?.schedule).toBe("0 3 1 jan,JUL MON-FRI");
  });
});

test("an image may name a registry port and carry a tag and a digest; a port is not a tag", () => {
  const digest = `@sha256:${"a".repeat(64)}`;
  for (const image of [
    "harbor.internal:5000/recs/trainer:1.2.3",
    `registry.example.com/recs/trainer:1.2.3${digest}`,
    `recs/trainer${digest}`,
  ]) {
    const yaml = spec("ok", (y) =>
      y.replace("image: registry.example.com/recs/trainer:1.4.2", `image: ${image}`),
    );
    const [ok] = validateModelSpecs([source("models/ok.yaml", yaml)], "staging", cfg);
    expect(ok.training?.image).toBe(image);
  }
  const msg = problemsOfEdited("port", (y) =>
    y.replace("image: registry.example.com/recs/trainer:1.4.2", "image: harbor.internal:5000/recs/trainer"),
  );
  expect(msg).toContain(
    'training.image = "harbor.internal:5000/recs/trainer": must be an image with a tag or digest',
  );
  // Capitals in the path are named as such (the tag is there); malformed paths are refused.
  const upper = problemsOfEdited("upper", (y) =>
    y.replace("image: registry.example.com/recs/trainer:1.4.2", "image: ghcr.io/MyOrg/trainer:1.0"),
  );
  expect(upper).toContain(
    'training.image = "ghcr.io/MyOrg/trainer:1.0": must have a lowercase repository path',
  );
  for (const bad of ["/x:1", "x//y:1", "-x:1"]) {
    const m = problemsOfEdited("bad", (y) =>
      y.replace("image: registry.example.com/recs/trainer:1.4.2", `image: "${bad}"`),
    );
    expect(m).toContain(`training.image = "${bad}": must be an image with a tag or digest`);
  }
});

test("croniter's L (last day of the month) and weekday#n (the n-th weekday) are valid schedules", () => {
  for (const schedule of ["0 3 L * *", "0 3 * * 5#2", "0 3 * * fri#1"]) {
    const yaml = spec("ok", (y) => y.replace('schedule: "0 3 * * *"', `schedule: "${schedule}"`));
    const [ok] = validateModelSpecs([source("models/ok.yaml", yaml)], "staging", cfg);
    expect(ok.training?.schedule).toBe(schedule);
  }
});

test("a time zone in the training block or the cron says schedules run in the stack's", () => {
  const msg = problemsOfEdited("tz", (y) =>
    y.replace(
      'schedule: "0 3 * * *"',
      'schedule: "CRON_TZ=Europe/Berlin 0 3 * * *"\n  timezone: Europe/Berlin',
    ),
  );
  expect(msg).toContain(
    "models/tz.yaml: training.timezone: unknown key: training schedules run in the stack's time zone (mlops-platform:timeZone in the stack file), and event times carry their own offset",
  );
  expect(msg).toContain(
    'models/tz.yaml: training.schedule = "CRON_TZ=Europe/Berlin 0 3 * * *": must not name a time zone (CRON_TZ=...)',
  );
});

test("an unknown retraining trigger beside quality without monitoring.quality: both problems", () => {
  const msg = problemsOfEdited("retrain", (y) =>
    y.replace(
      "  gpu: { pool: training, count: 1 }",
      "  gpu: { pool: training, count: 1 }\n  retrainOn: [quality, accuracy]",
    ),
  );
  expect(msg).toContain(
    'models/retrain.yaml: training.retrainOn[1] = "accuracy": must be one of drift, quality',
  );
  expect(msg).toContain(
    "models/retrain.yaml: training.retrainOn: quality needs monitoring.quality to be set",
  );
});
