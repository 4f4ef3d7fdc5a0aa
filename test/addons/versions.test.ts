import { CHARTS } from "../../components/addons/versions";

describe("chart pins", () => {
  test.each(Object.entries(CHARTS))("%s is pinned to an exact version", (_name, pin) => {
    // An exact semver (optionally v-prefixed): no ranges, no "latest", no pre-releases.
    expect(pin.version).toMatch(/^v?\d+\.\d+\.\d+$/);
  });

  test.each(Object.entries(CHARTS))("%s has either a repository URL or an oci:// reference", (_name, pin) => {
    const repo = (pin as { repo?: string }).repo;
    if (pin.chart.startsWith("oci://")) expect(repo).toBeUndefined();
    else expect(repo).toMatch(/^https:\/\//);
  });

  test("the KServe charts move together", () => {
    expect(CHARTS.kserve.version).toBe(CHARTS.kserveCrd.version);
    expect(CHARTS.kserveRuntimes.version).toBe(CHARTS.kserveCrd.version);
  });

  test("the pins the platform relies on", () => {
    expect(CHARTS.kserveCrd.version).toBe("v0.20.0"); // first release with spec.canary in Standard mode
    expect(CHARTS.gpuOperator.version).toBe("v26.7.0");
    expect(CHARTS.keda.version).toBe("2.20.2");
    expect(CHARTS.kubePrometheusStack.version).toBe("88.5.3");
  });
});
