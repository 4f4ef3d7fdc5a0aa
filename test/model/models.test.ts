/**
 * The committed model files: valid for both stacks, short, and their worst-case GPU demand (every
 * variant at its max replicas) fits each stack's serving pool.
 */
import * as fs from "fs";
import * as path from "path";
import { variantsOf } from "../../components/model/variants";
import { ROOT } from "../helpers/program";
import { committedModels, stackConfig } from "./harness";

const files = fs.readdirSync(path.join(ROOT, "models")).filter((f) => f.endsWith(".yaml"));

describe("committed models", () => {
  // Ten-plus: a team adding its model's file must not fail this (the README's one-file onboarding).
  test("ten or more files, each at most 30 lines", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) {
      const lines = fs
        .readFileSync(path.join(ROOT, "models", f), "utf8")
        .trimEnd()
        .split("\n");
      expect({ f, lines: lines.length <= 30 }).toEqual({ f, lines: true });
    }
  });

  test.each(["staging", "prod"])("worst-case GPUs of all variants fit the %s serving pool", (stack) => {
    const cfg = stackConfig(stack);
    for (const pool of cfg.gpuPools.filter((p) => p.purpose === "serving")) {
      const gpus = committedModels(stack, cfg)
        .filter((m) => m.serving.gpu.pool === pool.name)
        .flatMap((m) => variantsOf(m).map((v) => v.replicas.max * m.serving.gpu.share))
        .reduce((a, b) => a + b, 0);
      expect(gpus).toBeGreaterThan(0);
      expect(gpus).toBeLessThanOrEqual(pool.maxGpus);
    }
  });

  test("the fleet shows a canary, a weighted A/B test and a header-pinned experiment", () => {
    const models = committedModels("prod");
    expect(models.some((m) => m.canary)).toBe(true);
    expect(models.some((m) => m.experiments.some((e) => e.weight !== undefined))).toBe(true);
    expect(models.some((m) => m.experiments.some((e) => e.header !== undefined))).toBe(true);
  });

  test("training runs start in the night trough (00:00-06:00 platform time), at most three per hour", () => {
    const hours = committedModels("prod")
      .filter((m) => m.training)
      .map((m) => m.training!.schedule.split(" ")[1].split(",")[0])
      .map(Number);
    expect(hours.every((h) => h >= 0 && h < 6)).toBe(true);
    const perHour = new Map<number, number>();
    for (const h of hours) perHour.set(h, (perHour.get(h) ?? 0) + 1);
    expect(Math.max(...perHour.values())).toBeLessThanOrEqual(3);
  });
});
