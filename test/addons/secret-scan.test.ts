import { createCertManager } from "../../components/addons/cert-manager";
import { createEnvoyGateway } from "../../components/addons/envoy-gateway";
import { createGpuOperator } from "../../components/addons/gpu-operator";
import { createKeda } from "../../components/addons/keda";
import { createKserve } from "../../components/addons/kserve";
import { createMonitoring } from "../../components/addons/monitoring";
import { findSecretLikeValues, formatFindings, looksRandom, scanHelmReleases } from "../helpers/secret-scan";
import { TYPES, record, stackConfig, testParent } from "./harness";

describe("secret scan", () => {
  test("flags a literal password under a credential key", () => {
    const findings = findSecretLikeValues({ grafana: { adminPassword: "hunter2" } });
    expect(findings).toEqual([
      expect.objectContaining({
        path: "grafana.adminPassword",
        reason: expect.stringContaining("literal value"),
      }),
    ]);
  });

  test("flags a bare `secret:` or `token:` even when it looks like a name", () => {
    expect(findSecretLikeValues({ auth: { token: "changeme" } })).toHaveLength(1);
    expect(findSecretLikeValues({ webserver: { secret: "my-secret" } })).toHaveLength(1);
  });

  test("accepts references to Secrets and keys inside them", () => {
    const values = {
      grafana: {
        admin: { existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" },
      },
      alertmanager: {
        alertmanagerSpec: { useExistingSecret: true, configSecret: "alertmanager-mlops-config" },
      },
      storage: {
        storageSpecSecretName: "storage-config",
        s3: { secretAccessKeyName: "AWS_SECRET_ACCESS_KEY" },
      },
      empty: { password: "" },
    };
    expect(formatFindings(findSecretLikeValues(values))).toBe("");
  });

  test("a reference-named key holding a random string is still a secret", () => {
    const findings = findSecretLikeValues({ webserverSecretKey: "Zq8vN3xK0pLr7TbW2yHc5JmA" });
    expect(findings).toHaveLength(1);
  });

  test("flags token-like strings under innocent keys, not readable identifiers", () => {
    expect(findSecretLikeValues({ extraEnv: { VALUE: "sk_live_4eC39HqLyjWDarjtT1zdp7dc" } })).toHaveLength(1);
    expect(looksRandom("kube-prometheus-stack-operator")).toBe(false);
    expect(looksRandom("nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04")).toBe(false);
    expect(looksRandom("time-slicing-4")).toBe(false);
  });

  test("flags credential shapes anywhere: PEM keys, AWS key ids, URLs with passwords", () => {
    const values = {
      a: "-----BEGIN RSA PRIVATE KEY-----\nMIIE...",
      b: "AKIAIOSFODNN7EXAMPLE",
      c: "postgresql://mlflow:s3cret@db.internal:5432/mlflow",
    };
    expect(
      findSecretLikeValues(values)
        .map((f) => f.path)
        .sort(),
    ).toEqual(["a", "b", "c"]);
  });

  test("flags a Pulumi secret inlined into the values", () => {
    const values = {
      db: { uri: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "x" } },
    };
    expect(findSecretLikeValues(values)).toEqual([expect.objectContaining({ path: "db.uri" })]);
  });

  test("scanHelmReleases looks only at Helm releases' values", () => {
    const resources = [
      { type: TYPES.secret, name: "s", inputs: { stringData: { password: "p4ss" } }, state: {}, id: "s" },
      { type: TYPES.release, name: "r", inputs: { values: { adminPassword: "p4ss" } }, state: {}, id: "r" },
    ];
    expect(scanHelmReleases(resources)).toEqual([
      expect.objectContaining({ resource: `${TYPES.release}::r`, path: "adminPassword" }),
    ]);
  });

  test("no add-on release carries a secret in its values", async () => {
    const config = stackConfig("prod");
    const { resources } = await record(() => {
      const parent = testParent();
      createGpuOperator("gpu", { config }, parent);
      createKeda("keda", { config }, parent);
      createMonitoring("mon", { config, alertmanagerConfigYaml: "route: {receiver: x}" }, parent);
      createCertManager("cm", { config }, parent);
      createEnvoyGateway("gw", { config }, parent);
      createKserve("kserve", { config }, parent);
    }, "prod");
    const releases = resources.filter((r) => r.type === TYPES.release);
    expect(releases).toHaveLength(8);
    expect(formatFindings(scanHelmReleases(resources))).toBe("");
  });
});
