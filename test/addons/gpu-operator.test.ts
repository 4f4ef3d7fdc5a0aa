import * as YAML from "yaml";
import { GpuPool } from "../../components/config/stack-schema";
import { GPU_TAINT, PROMETHEUS_SELECTOR_LABEL } from "../../components/addons/addons-context";
import { GpuOperator, createGpuOperator } from "../../components/addons/gpu-operator";
import {
  DEVICE_PLUGIN_CONFIGMAP,
  devicePluginConfigData,
  devicePluginConfigName,
  gpuOperatorValues,
  gpuSharingNodeLabels,
  migConfigName,
} from "../../components/addons/gpu-operator-values";
import { CHARTS } from "../../components/addons/versions";
import { unwrap } from "../../tools/offline/run-program";
import { TYPES, dependsOnOf, find, record, stackConfig, testParent } from "./harness";

const none: Pick<GpuPool, "sharing"> = { sharing: { mode: "none" } };
const sliced4: Pick<GpuPool, "sharing"> = { sharing: { mode: "time-slicing", replicas: 4 } };
const sliced8: Pick<GpuPool, "sharing"> = { sharing: { mode: "time-slicing", replicas: 8 } };
const mig: Pick<GpuPool, "sharing"> = { sharing: { mode: "mig", profile: "1g.10gb" } };

/** Prod with a MIG serving pool on p4de added (A100-80GB supports 1g.10gb; training pools take whole GPUs). */
function prodWithMig() {
  return stackConfig("prod", (raw) => {
    raw.gpuPools.push({
      name: "mig-serving",
      purpose: "serving",
      instanceTypes: ["p4de.24xlarge"],
      sharing: { mode: "mig", profile: "1g.10gb" },
      maxGpus: 8,
    });
    raw.pricing.instances["p4de.24xlarge"] = { onDemand: 300, spot: 120 };
  });
}

describe("device-plugin config naming", () => {
  test.each([
    [none, "default"],
    [sliced4, "time-slicing-4"],
    [sliced8, "time-slicing-8"],
    [mig, "mig-1g.10gb"],
  ])("%j is named %s", (pool, name) => {
    expect(devicePluginConfigName(pool)).toBe(name);
  });

  test("MIG pools get the all-<profile> layout label, other pools none", () => {
    expect(migConfigName(mig)).toBe("all-1g.10gb");
    expect(migConfigName(sliced4)).toBeUndefined();
    expect(gpuSharingNodeLabels(mig)).toEqual({
      "nvidia.com/device-plugin.config": "mig-1g.10gb",
      "nvidia.com/mig.config": "all-1g.10gb",
    });
    expect(gpuSharingNodeLabels(sliced4)).toEqual({ "nvidia.com/device-plugin.config": "time-slicing-4" });
  });
});

describe("device-plugin ConfigMap data", () => {
  test("a time-slicing pool gets a v1 config with its replicas on nvidia.com/gpu", () => {
    const data = devicePluginConfigData([sliced4]);
    const cfg = YAML.parse(data["time-slicing-4"]);
    expect(cfg.version).toBe("v1");
    expect(cfg.sharing.timeSlicing.resources).toEqual([{ name: "nvidia.com/gpu", replicas: 4 }]);
    expect(cfg.sharing.timeSlicing.renameByDefault).toBe(false);
    // Replicas with a larger share request several slices (replicaDevices), which must not be refused.
    expect(cfg.sharing.timeSlicing.failRequestsGreaterThanOne).toBe(false);
    // ... and get them on one GPU: slices spread over a node's GPUs would pile every such pod's
    // process onto the first of them.
    expect(cfg.flags.plugin).toEqual({ sharedDevicesAllocationPolicy: "packed" });
  });

  test("a MIG pool gets the single MIG strategy and no time-slicing", () => {
    const cfg = YAML.parse(devicePluginConfigData([mig])["mig-1g.10gb"]);
    expect(cfg).toEqual({ version: "v1", flags: { migStrategy: "single" } });
  });

  test("one entry per distinct profile, plus the default fallback", () => {
    const data = devicePluginConfigData([sliced4, sliced4, sliced8, none, mig]);
    expect(Object.keys(data).sort()).toEqual(["default", "mig-1g.10gb", "time-slicing-4", "time-slicing-8"]);
    expect(YAML.parse(data.default)).toEqual({ version: "v1", flags: { migStrategy: "none" } });
  });

  test("every pool's node label value names an entry of the ConfigMap", () => {
    const pools = stackConfig("prod").gpuPools;
    const data = devicePluginConfigData(pools);
    for (const pool of pools) expect(Object.keys(data)).toContain(devicePluginConfigName(pool));
  });
});

describe("GPU Operator values", () => {
  const values = gpuOperatorValues(stackConfig("prod")) as any;

  test("driver and toolkit come from the EKS accelerated AMI", () => {
    expect(values.driver.enabled).toBe(false);
    expect(values.toolkit.enabled).toBe(false);
  });

  test("the device plugin reads the platform ConfigMap with `default` as fallback", () => {
    expect(values.devicePlugin.config).toEqual({
      create: false,
      name: DEVICE_PLUGIN_CONFIGMAP,
      default: "default",
    });
  });

  test("DCGM exporter is scraped every 15 s by a ServiceMonitor the platform Prometheus selects", () => {
    expect(values.dcgmExporter.enabled).toBe(true);
    expect(values.dcgmExporter.serviceMonitor.enabled).toBe(true);
    expect(values.dcgmExporter.serviceMonitor.interval).toBe("15s");
    expect(values.dcgmExporter.serviceMonitor.additionalLabels).toEqual({
      [PROMETHEUS_SELECTOR_LABEL.key]: PROMETHEUS_SELECTOR_LABEL.value,
    });
  });

  test("operands and NFD workers tolerate the GPU taint; the operator stays off GPU nodes", () => {
    const toleration = { key: GPU_TAINT.key, operator: "Exists", effect: GPU_TAINT.effect };
    expect(values.daemonsets.tolerations).toContainEqual(toleration);
    expect(values["node-feature-discovery"].worker.tolerations).toContainEqual(toleration);
    expect(values.nfd.enabled).toBe(true);
    const terms = values.operator.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    expect(terms.nodeSelectorTerms[0].matchExpressions[0]).toEqual({
      key: "mlops.io/gpu-pool",
      operator: "DoesNotExist",
    });
  });

  test("MIG manager runs only when a pool uses MIG", () => {
    expect(values.migManager.enabled).toBe(false);
    expect((gpuOperatorValues(prodWithMig()) as any).migManager.enabled).toBe(true);
    expect(values.mig.strategy).toBe("single");
  });
});

describe("GpuOperator component", () => {
  test("creates its namespace, the ConfigMap from the pools and a pinned release", async () => {
    const config = prodWithMig();
    const { resources } = await record(() => createGpuOperator("gpu", { config }, testParent()), "prod");
    const ns = find(resources, TYPES.namespace, "gpu-namespace");
    expect(ns.inputs.metadata).toMatchObject({ name: "gpu-operator" });
    const cm = find(resources, TYPES.configMap, "gpu-device-plugin-config");
    expect(cm.inputs.metadata).toMatchObject({ name: DEVICE_PLUGIN_CONFIGMAP, namespace: "gpu-operator" });
    expect(Object.keys(cm.inputs.data as object).sort()).toEqual([
      "default",
      "mig-1g.10gb",
      "time-slicing-8",
    ]);
    const release = find(resources, TYPES.release, "gpu-release");
    expect(release.inputs).toMatchObject({
      chart: "gpu-operator",
      version: CHARTS.gpuOperator.version,
      repositoryOpts: { repo: "https://helm.ngc.nvidia.com/nvidia" },
      namespace: "gpu-operator",
      name: "gpu-operator",
    });
    expect((release.inputs.values as any).devicePlugin.config.name).toBe(DEVICE_PLUGIN_CONFIGMAP);
  });

  test("the release waits for the device-plugin ConfigMap", async () => {
    const captured = new Map();
    const { built } = await record(() =>
      createGpuOperator("gpu", { config: stackConfig("staging") }, testParent(captured)),
    );
    expect(dependsOnOf(captured, "gpu-release")).toEqual([built.devicePluginConfig]);
  });

  test("the component has the mlops:addons:GpuOperator type and parents its children", async () => {
    const config = stackConfig("staging");
    const { resources, built } = await record(() => new GpuOperator("gpu", { config }));
    expect(find(resources, "mlops:addons:GpuOperator", "gpu")).toBeDefined();
    expect(resources.filter((r) => r.type === TYPES.release).map((r) => r.name)).toEqual(["gpu-release"]);
    // The parent chain is part of the child's URN.
    expect(await unwrap(built.release.urn)).toContain(
      "mlops:addons:GpuOperator$kubernetes:helm.sh/v3:Release::gpu-release",
    );
  });
});
