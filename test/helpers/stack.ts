/**
 * Shared test helpers for the committed stack files and for recording what a piece of the program
 * declares under the mock runtime (used by the per-area harnesses).
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { StackConfig } from "../../components/config/stack-schema";
import { validateStackConfig } from "../../components/config/validate-stack-config";
import { RecordedResource, recordingMocks } from "../../tools/offline/mock-cloud";

const ROOT = path.resolve(__dirname, "..", "..");

/** The `mlops-platform:*` values of a committed stack file, prefix stripped (raw, before defaults). */
export function stackValues(stack: string): Record<string, any> {
  const doc = YAML.parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(doc.config))
    if (k.startsWith("mlops-platform:")) out[k.slice("mlops-platform:".length)] = v;
  return out;
}

/** Validated config of a committed stack, optionally edited first (raw values, before defaults). */
export function stackConfig(stack: string, edit?: (raw: Record<string, any>) => void): StackConfig {
  const raw = stackValues(stack);
  edit?.(raw);
  return validateStackConfig(raw, `Pulumi.${stack}.yaml`);
}

/** Waits until no new resource registration arrives for a few rounds (outputs resolve over ticks). */
export async function quiesce(sink: readonly RecordedResource[]): Promise<void> {
  let stable = 0;
  let last = -1;
  for (let i = 0; i < 400 && stable < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    stable = sink.length === last ? stable + 1 : 0;
    last = sink.length;
  }
}

/** Runs `build` under fresh recording mocks and returns every resource it registered. */
export async function record<T>(
  build: () => T,
  stack = "staging",
): Promise<{ resources: RecordedResource[]; built: T }> {
  const sink: RecordedResource[] = [];
  await pulumi.runtime.setMocks(recordingMocks(sink, "ap-southeast-1"), "mlops-platform", stack, false);
  const built = build();
  await quiesce(sink);
  return { resources: sink, built };
}
