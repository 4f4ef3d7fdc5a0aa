import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { INFERENCE_GATEWAY } from "../../components/addons/envoy-gateway-values";
import { Kserve, createKserve } from "../../components/addons/kserve";
import {
  KSERVE_DEPLOYMENT_MODE,
  defaultIngressDomain,
  kserveRuntimeValues,
  kserveValues,
  mlflowStorageContainer,
} from "../../components/addons/kserve-values";
import { CHARTS } from "../../components/addons/versions";
import { buildHttpRoute } from "../../components/model/http-route";
import { STABLE_VARIANT, Variant, isvcName } from "../../components/model/variants";
import { TYPES, dependsOnOf, find, optionsOf, record, stackConfig, testParent } from "./harness";

describe("KServe values", () => {
  const values = kserveValues({ ingressDomain: "inference.example.internal" }) as any;
  const controller = values.kserve.controller;

  test("Standard (raw Deployment) mode, the v0.16+ name of RawDeployment", () => {
    expect(KSERVE_DEPLOYMENT_MODE).toBe("Standard");
    expect(controller.deploymentMode).toBe("Standard");
  });

  test("routes through the Gateway API on the platform's inference Gateway", () => {
    expect(controller.gateway.ingressGateway).toEqual({
      enableGatewayApi: true,
      kserveGateway: "kserve/kserve-ingress-gateway",
      createGateway: false,
    });
    expect(controller.gateway.disableIstioVirtualHost).toBe(true);
  });

  test("KServe creates no routes of its own: the platform's route per model, named like the stable InferenceService, holds the weights", () => {
    // KServe's Standard-mode top-level HTTPRoute is named after the InferenceService and rewritten
    // on every reconcile; the stable variant and the platform's route share that name.
    expect(controller.gateway.disableIngressCreation).toBe(true);
    const stable: Variant = {
      name: STABLE_VARIANT,
      isvcName: isvcName("feed", STABLE_VARIANT),
      modelUri: "s3://models/feed/1",
      weight: 100,
      replicas: { min: 1, max: 4 },
    };
    const route = buildHttpRoute({
      model: "feed",
      namespace: "models-feed",
      labels: {},
      variants: [stable],
      gateway: INFERENCE_GATEWAY,
    }) as any;
    expect(route.metadata.name).toBe(isvcName("feed", STABLE_VARIANT));
  });

  test("uses the given ingress domain, and a per-environment default", () => {
    expect(controller.gateway.domain).toBe("inference.example.internal");
    expect(defaultIngressDomain({ environment: "prod" })).toBe("inference.prod.internal");
  });

  test("a different Gateway is written as <namespace>/<name>", () => {
    const other = kserveValues({ ingressDomain: "d", gateway: { namespace: "edge", name: "gw" } }) as any;
    expect(other.kserve.controller.gateway.ingressGateway.kserveGateway).toBe("edge/gw");
  });

  test("the runtimes chart installs the ClusterServingRuntimes", () => {
    expect(kserveRuntimeValues()).toEqual({ kserve: { servingruntime: { enabled: true } } });
  });
});

describe("Kserve component", () => {
  test("installs CRDs, controller and runtimes from the pinned v0.20 OCI charts", async () => {
    const { resources } = await record(() =>
      createKserve("kserve", { config: stackConfig("staging") }, testParent()),
    );
    expect(find(resources, TYPES.namespace, "kserve-namespace").inputs.metadata).toMatchObject({
      name: "kserve",
    });
    const byName = (n: string) => find(resources, TYPES.release, n).inputs;
    expect(byName("kserve-crd")).toMatchObject({
      chart: "oci://ghcr.io/kserve/charts/kserve-crd",
      version: "v0.20.0",
      namespace: "kserve",
    });
    expect(byName("kserve-controller")).toMatchObject({
      chart: "oci://ghcr.io/kserve/charts/kserve-resources",
      version: CHARTS.kserve.version,
      name: "kserve",
    });
    expect(byName("kserve-controller").repositoryOpts).toBeUndefined();
    expect((byName("kserve-controller").values as any).kserve.controller.gateway.domain).toBe(
      "inference.staging.internal",
    );
    expect(byName("kserve-runtimes")).toMatchObject({
      chart: CHARTS.kserveRuntimes.chart,
      version: "v0.20.0",
    });
  });

  test("the controller waits for the CRDs and the extra dependencies; runtimes wait for the controller", async () => {
    const captured = new Map();
    const { built } = await record(() => {
      const certManager = testParent(undefined, "cert-manager-stand-in");
      const created = createKserve(
        "kserve",
        { config: stackConfig("staging"), dependsOn: [certManager] },
        testParent(captured),
      );
      return { certManager, created };
    });
    expect(dependsOnOf(captured, "kserve-controller")).toEqual([built.created.crds, built.certManager]);
    expect(dependsOnOf(captured, "kserve-runtimes")).toEqual([built.created.controller]);
    expect(dependsOnOf(captured, "kserve-crd")).toEqual([]);
  });

  test("the CRD release is protected in prod", async () => {
    const { built } = await record(
      () => createKserve("kserve", { config: stackConfig("prod") }, testParent()),
      "prod",
    );
    expect(optionsOf(built.crds).protect).toBe(true);
    expect(optionsOf(built.controller).protect).toBe(false);
  });

  test("models:/ URIs load through a ClusterStorageContainer that asks the platform's MLflow", async () => {
    const captured = new Map();
    const { resources, built } = await record(() =>
      createKserve("kserve", { config: stackConfig("staging") }, testParent(captured)),
    );
    const csc = find(
      resources,
      "kubernetes:serving.kserve.io/v1alpha1:ClusterStorageContainer",
      "kserve-mlflow-registry",
    ).inputs as any;
    expect(csc.spec.supportedUriFormats).toEqual([{ prefix: "models:/" }]);
    // KServe recognises its init container by this name only.
    expect(csc.spec.container.name).toBe("storage-initializer");
    expect(csc.spec.container.env).toEqual([
      { name: "MLFLOW_TRACKING_URI", value: "http://mlflow.mlflow.svc.cluster.local:5000" },
    ]);
    expect(dependsOnOf(captured, "kserve-mlflow-registry")).toEqual([built.controller]);
  });

  test("the storage container's script passes KServe's <uri> <mount path> arguments to mlflow", () => {
    // A stand-in `mlflow` on PATH records what the real one would be asked.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "mlflow-bin-"));
    fs.writeFileSync(path.join(bin, "mlflow"), '#!/bin/sh\nprintf "%s|" "$@"\n', { mode: 0o755 });
    const [shell, flag, script] = (mlflowStorageContainer("http://x") as any).spec.container.command;
    const run = spawnSync(shell, [flag, script, "models:/homepage-feed/43", "/mnt/models"], {
      encoding: "utf8",
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });
    fs.rmSync(bin, { recursive: true, force: true });
    expect(run.stdout).toBe(
      "artifacts|download|--artifact-uri|models:/homepage-feed/43|--dst-path|/mnt/models|",
    );
  });

  test("registers as mlops:addons:Kserve and the gateway it names is INFERENCE_GATEWAY", async () => {
    const { resources } = await record(() => new Kserve("kserve", { config: stackConfig("staging") }));
    expect(find(resources, "mlops:addons:Kserve", "kserve")).toBeDefined();
    const values = find(resources, TYPES.release, "kserve-controller").inputs.values as any;
    expect(values.kserve.controller.gateway.ingressGateway.kserveGateway).toBe(
      `${INFERENCE_GATEWAY.namespace}/${INFERENCE_GATEWAY.name}`,
    );
  });
});
