/** The canary traffic promote holds in the stack file, and Pulumi.yaml's config block agreeing with the stack files. */
import * as fs from "fs";
import * as path from "path";
import { stackConfigSchema } from "../../components/config/stack-schema";
import { validateStackConfig } from "../../components/config/validate-stack-config";
import { ROOT } from "../helpers/program";
import { applyCanaryTraffic } from "../../components/config/load";
import type { ModelSpec } from "../../components/config/model-schema";
import { stackValues } from "../helpers/stack";
import { problemsOf } from "../helpers/stack-config-problems";

describe("canary traffic held by promote", () => {
  const spec = {
    name: "m",
    canary: { modelUri: "s3://b/m/v2", trafficPercent: 10 },
  } as unknown as ModelSpec;
  const held = (value: unknown) =>
    validateStackConfig({ ...stackValues("staging"), canaryTraffic: { m: value } }, "Pulumi.test.yaml")
      .canaryTraffic.m;

  test("a percent with the canary version it holds it for, or a bare percent from before", () => {
    expect(held({ percent: 50, modelUri: "s3://b/m/v2" })).toEqual({ percent: 50, modelUri: "s3://b/m/v2" });
    expect(held(25)).toEqual({ percent: 25 });
    expect(
      problemsOf({ ...stackValues("staging"), canaryTraffic: { m: 101, n: { percent: 5, uri: "x" } } }),
    ).toEqual(
      expect.stringContaining(
        "mlops-platform:canaryTraffic.m = 101: must be a whole percentage from 0 to 100, or a map with percent, modelUri",
      ),
    );
  });

  test("applies to the version it was held for only", () => {
    expect(applyCanaryTraffic(spec, { percent: 50, modelUri: "s3://b/m/v2" }).canary?.trafficPercent).toBe(
      50,
    );
    expect(applyCanaryTraffic(spec, { percent: 0, modelUri: "s3://b/m/v2" }).canary).toBeUndefined();
    expect(applyCanaryTraffic(spec, { percent: 50 }).canary?.trafficPercent).toBe(50);
    // Held for v1, the spec now canaries v2: v2 starts at its own 10%, and a rollback of v1 (0%)
    // does not remove it.
    expect(applyCanaryTraffic(spec, { percent: 50, modelUri: "s3://b/m/v1" })).toBe(spec);
    expect(applyCanaryTraffic(spec, { percent: 0, modelUri: "s3://b/m/v1" })).toBe(spec);
  });
});

describe("Pulumi.yaml's config block and the stack files agree", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const YAML = require("yaml") as typeof import("yaml");
  const read = (file: string) => YAML.parse(fs.readFileSync(path.join(ROOT, file), "utf8"));
  const project = read("Pulumi.yaml") as { config: Record<string, { default?: unknown }> };
  const schemaKeys = Object.keys(stackConfigSchema.shape);

  test("every declared key is a key of the schema", () => {
    expect(Object.keys(project.config).filter((k) => !schemaKeys.includes(k))).toEqual([]);
  });

  test.each(["staging", "prod"])(
    "Pulumi.%s.yaml sets every declared key without a default (the CLI refuses the stack otherwise)",
    (stack) => {
      const set = Object.keys(read(`Pulumi.${stack}.yaml`).config).map((k) =>
        k.replace(/^mlops-platform:/, ""),
      );
      const required = Object.entries(project.config)
        .filter(([, v]) => v.default === undefined)
        .map(([k]) => k);
      expect(required.filter((k) => !set.includes(k))).toEqual([]);
    },
  );

  test("every optional schema key that is not declared is documented in Pulumi.yaml", () => {
    const text = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    for (const k of schemaKeys.filter((k) => !(k in project.config))) expect(text).toContain(`#   ${k} (`);
  });
});
