/**
 * Test harness for the add-on components: validated stack configs from the committed stack files, and
 * a recorder that runs component code under the Pulumi mock runtime and returns what it declared.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { StackConfig, validateStackConfig } from "../../components/config/stack-schema";
import { RecordedResource, recordingMocks } from "../../tools/offline/mock-cloud";
import { ROOT } from "../helpers/program";

/** The validated config of a committed stack file, optionally edited (raw values) before validation. */
export function stackConfig(stack: string, edit?: (raw: Record<string, any>) => void): StackConfig {
  const doc = YAML.parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  const raw: Record<string, any> = {};
  for (const [k, v] of Object.entries(doc.config))
    if (k.startsWith("mlops-platform:")) raw[k.slice("mlops-platform:".length)] = v;
  edit?.(raw);
  return validateStackConfig(raw, `Pulumi.${stack}.yaml`);
}

/** Waits until no new resource registration arrives for a few rounds (outputs resolve over ticks). */
async function quiesce(sink: RecordedResource[]): Promise<void> {
  let stable = 0;
  let last = -1;
  for (let i = 0; i < 200 && stable < 5; i++) {
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

/**
 * A parent for calling the `createX` functions directly. When `captured` is given, the resource
 * options of every child (by Pulumi name) are stored in it; mocks never see `dependsOn`, a parent
 * transformation does.
 */
export function testParent(
  captured?: Map<string, pulumi.CustomResourceOptions>,
  name = "parent",
): pulumi.ComponentResource {
  const transformations: pulumi.ResourceTransformation[] = captured
    ? [
        (args) => {
          captured.set(args.name, args.opts);
          return undefined;
        },
      ]
    : [];
  return new pulumi.ComponentResource("test:index:Parent", name, {}, { transformations });
}

/** The `dependsOn` of a captured child, flattened to a list. */
export function dependsOnOf(captured: Map<string, pulumi.CustomResourceOptions>, name: string): unknown[] {
  const deps = captured.get(name)?.dependsOn;
  if (deps === undefined) return [];
  return Array.isArray(deps) ? deps : [deps];
}

/** The single recorded resource of a type and name; fails with the names present otherwise. */
export function find(resources: RecordedResource[], type: string, name: string): RecordedResource {
  const found = resources.filter((r) => r.type === type && r.name === name);
  if (found.length !== 1) {
    const names = resources.filter((r) => r.type === type).map((r) => r.name);
    throw new Error(
      `expected one ${type} named ${name}, found ${found.length}; present: ${names.join(", ")}`,
    );
  }
  return found[0];
}

/** Type tokens used in the assertions. */
export const TYPES = {
  release: "kubernetes:helm.sh/v3:Release",
  namespace: "kubernetes:core/v1:Namespace",
  configMap: "kubernetes:core/v1:ConfigMap",
  secret: "kubernetes:core/v1:Secret",
  priorityClass: "kubernetes:scheduling.k8s.io/v1:PriorityClass",
  gatewayClass: "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
  gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  randomPassword: "random:index/randomPassword:RandomPassword",
} as const;

/** A resource's `dependsOn`/`protect` as the SDK recorded them (not visible to mocks). */
export function optionsOf(resource: pulumi.Resource): { protect: boolean } {
  return { protect: (resource as any).__protect === true };
}
