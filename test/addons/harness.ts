/**
 * Test harness for the add-on components: validated stack configs from the committed stack files, and
 * a recorder that runs component code under the Pulumi mock runtime and returns what it declared.
 */
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource } from "../../tools/offline/mock-cloud";
export { record, stackConfig } from "../helpers/stack";

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
