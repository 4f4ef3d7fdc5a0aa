import { ModelSpec } from "../../components/config/model-schema";
import { checkStagingHealth, stagingHealthQueries } from "../../components/delivery/staging-health";
import { FakePrometheus, startFakePrometheus } from "../helpers/fake-prometheus";

const spec = {
  name: "search-ranking",
  team: "search",
  serving: { modelUri: "s3://<artifacts>/search-ranking/v18" },
  slo: { latencyP99Ms: 40, availability: 99.9 },
} as unknown as ModelSpec;
const q = stagingHealthQueries(spec, 24);

describe("staging health before prod (local Prometheus-speaking server)", () => {
  let prom: FakePrometheus | undefined;
  afterEach(async () => prom?.close());

  async function verdict(answers: Record<string, number | undefined>) {
    prom = await startFakePrometheus((query) => answers[query]);
    return checkStagingHealth(prom.url, spec, 24);
  }

  test("queries select the staging version by its model_version label", () => {
    expect(q.served).toContain('model_version="v18"');
    expect(q.errorRatio).toContain('variant="stable"');
  });

  test("a version that served all day without alerts within the SLO is ready", async () => {
    const v = await verdict({ [q.served]: 288, [q.errorRatio]: 0.0002 });
    expect(v.ready).toBe(true);
    expect(v.reasons).toContain("no alert fired");
  });

  test("a version deployed only 6 hours ago is not ready", async () => {
    const v = await verdict({ [q.served]: 72, [q.errorRatio]: 0.0002 });
    expect(v.ready).toBe(false);
    expect(v.reasons[0]).toBe("served in 72 of 288 five-minute steps; needs 274");
  });

  test("a version that fired an alert is not ready", async () => {
    prom = await startFakePrometheus((query) =>
      query === q.served ? 288 : query === q.errorRatio ? 0 : query === q.alerts ? 1 : undefined,
    );
    const v = await checkStagingHealth(prom.url, spec, 24);
    expect(v.ready).toBe(false);
  });

  test("errors above the SLO budget block the promotion", async () => {
    const v = await verdict({ [q.served]: 288, [q.errorRatio]: 0.01 });
    expect(v.ready).toBe(false);
    expect(v.reasons[2]).toContain("above the SLO budget 0.0010");
  });
});
