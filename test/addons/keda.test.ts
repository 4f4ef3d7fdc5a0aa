import { PROMETHEUS_SELECTOR_LABEL } from "../../components/addons/addons-context";
import { Keda, createKeda } from "../../components/addons/keda";
import { kedaValues } from "../../components/addons/keda-values";
import { CHARTS } from "../../components/addons/versions";
import { TYPES, find, record, stackConfig, testParent } from "./harness";

describe("KEDA values", () => {
  const values = kedaValues() as any;

  test.each(["operator", "metricServer", "webhooks"])(
    "%s exposes metrics with a ServiceMonitor the platform Prometheus selects",
    (component) => {
      expect(values.prometheus[component].enabled).toBe(true);
      expect(values.prometheus[component].serviceMonitor).toMatchObject({
        enabled: true,
        additionalLabels: { [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value },
      });
    },
  );

  test("KEDA runs on system nodes only", () => {
    const term =
      values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0];
    expect(term.matchExpressions).toEqual([{ key: "mlops.io/gpu-pool", operator: "DoesNotExist" }]);
  });
});

describe("Keda component", () => {
  test("creates the keda namespace and a pinned release", async () => {
    const { resources } = await record(() =>
      createKeda("keda", { config: stackConfig("staging") }, testParent()),
    );
    expect(find(resources, TYPES.namespace, "keda-namespace").inputs.metadata).toMatchObject({
      name: "keda",
    });
    expect(find(resources, TYPES.release, "keda-release").inputs).toMatchObject({
      name: "keda",
      chart: "keda",
      version: CHARTS.keda.version,
      repositoryOpts: { repo: "https://kedacore.github.io/charts" },
      namespace: "keda",
    });
  });

  test("registers as mlops:addons:Keda", async () => {
    const { resources } = await record(() => new Keda("keda", { config: stackConfig("staging") }));
    expect(find(resources, "mlops:addons:Keda", "keda")).toBeDefined();
  });
});
