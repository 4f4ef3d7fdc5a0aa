import { CertManager, createCertManager } from "../../components/addons/cert-manager";
import { certManagerValues } from "../../components/addons/cert-manager-values";
import { EnvoyGateway, createEnvoyGateway } from "../../components/addons/envoy-gateway";
import {
  ENVOY_GATEWAY_CONTROLLER,
  GATEWAY_CLASS_NAME,
  INFERENCE_GATEWAY,
  inferenceGatewaySpec,
} from "../../components/addons/envoy-gateway-values";
import { CHARTS } from "../../components/addons/versions";
import { TYPES, dependsOnOf, find, record, stackConfig, testParent } from "./harness";

describe("cert-manager", () => {
  test("the chart installs and keeps its CRDs", () => {
    expect(certManagerValues()).toEqual({ crds: { enabled: true, keep: true } });
  });

  test("creates the cert-manager namespace and a pinned release from charts.jetstack.io", async () => {
    const { resources } = await record(() =>
      createCertManager("cm", { config: stackConfig("staging") }, testParent()),
    );
    expect(find(resources, TYPES.namespace, "cm-namespace").inputs.metadata).toMatchObject({
      name: "cert-manager",
    });
    expect(find(resources, TYPES.release, "cm-release").inputs).toMatchObject({
      name: "cert-manager",
      chart: "cert-manager",
      version: CHARTS.certManager.version,
      repositoryOpts: { repo: "https://charts.jetstack.io" },
      values: { crds: { enabled: true, keep: true } },
    });
  });

  test("registers as mlops:addons:CertManager", async () => {
    const { resources } = await record(() => new CertManager("cm", { config: stackConfig("staging") }));
    expect(find(resources, "mlops:addons:CertManager", "cm")).toBeDefined();
  });
});

describe("Envoy Gateway", () => {
  test("the inference Gateway accepts HTTP routes from every namespace on the envoy class, behind an internal load balancer", () => {
    expect(inferenceGatewaySpec()).toEqual({
      gatewayClassName: GATEWAY_CLASS_NAME,
      // Plain HTTP: never on an internet-facing load balancer (AWS's default for a LoadBalancer Service).
      infrastructure: {
        annotations: {
          "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
          "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
        },
      },
      listeners: [
        { name: "http", protocol: "HTTP", port: 80, allowedRoutes: { namespaces: { from: "All" } } },
      ],
    });
    expect(INFERENCE_GATEWAY).toEqual({ namespace: "kserve", name: "kserve-ingress-gateway" });
  });

  test("installs the OCI chart and creates the GatewayClass and Gateway as custom resources", async () => {
    const { resources } = await record(() =>
      createEnvoyGateway("gw", { config: stackConfig("staging") }, testParent()),
    );
    expect(find(resources, TYPES.namespace, "gw-namespace").inputs.metadata).toMatchObject({
      name: "envoy-gateway-system",
    });
    const release = find(resources, TYPES.release, "gw-release").inputs;
    expect(release).toMatchObject({
      chart: "oci://docker.io/envoyproxy/gateway-helm",
      version: CHARTS.envoyGateway.version,
    });
    expect(release.repositoryOpts).toBeUndefined();
    const gatewayClass = find(resources, TYPES.gatewayClass, "gw-gateway-class").inputs;
    expect(gatewayClass).toMatchObject({
      metadata: { name: GATEWAY_CLASS_NAME },
      spec: { controllerName: ENVOY_GATEWAY_CONTROLLER },
    });
    const gateway = find(resources, TYPES.gateway, "gw-inference-gateway").inputs;
    expect(gateway.metadata).toMatchObject({ name: "kserve-ingress-gateway", namespace: "kserve" });
  });

  test("the GatewayClass and Gateway wait for the release that installs the Gateway API CRDs", async () => {
    const captured = new Map();
    const { built } = await record(() =>
      createEnvoyGateway("gw", { config: stackConfig("staging") }, testParent(captured)),
    );
    expect(dependsOnOf(captured, "gw-gateway-class")).toEqual([built.release]);
    expect(dependsOnOf(captured, "gw-inference-gateway")).toEqual([built.release, built.gatewayClass]);
  });

  test("registers as mlops:addons:EnvoyGateway and reports the inference Gateway", async () => {
    const { resources, built } = await record(
      () => new EnvoyGateway("gw", { config: stackConfig("staging") }),
    );
    expect(find(resources, "mlops:addons:EnvoyGateway", "gw")).toBeDefined();
    expect(built.inferenceGateway).toEqual(INFERENCE_GATEWAY);
  });
});
