/**
 * Builds the cluster layer for a committed stack config under the SDK's mock runtime and returns
 * every resource it declared (tools/offline/mock-cloud.ts records them; unmocked invokes throw).
 */
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../../components/cluster/cluster";
import { StackConfig } from "../../components/config/stack-schema";
import { RecordedResource, recordingMocks } from "../../tools/offline/mock-cloud";
import { unwrap } from "../../tools/offline/run-program";
export { stackConfig, stackValues } from "../helpers/stack";

/** What one build recorded. */
export interface Built {
  readonly cluster: Cluster;
  readonly resources: RecordedResource[];
  /** Secret keys the cluster asked for. */
  readonly secretsRead: string[];
  /** Pulumi names of resources declared with `protect: true`. */
  readonly protectedNames: Set<string>;
  /** Aliases each resource was declared with, by Pulumi name. */
  readonly aliases: Map<string, unknown[]>;
}

/** Options of a build. */
export interface BuildOptions {
  /** Wraps the recording mocks, e.g. to answer an invoke differently. */
  readonly mocks?: (recording: pulumi.runtime.Mocks) => pulumi.runtime.Mocks;
}

/** Waits until no new resource has been registered for several event-loop turns. */
async function settle(sink: RecordedResource[]): Promise<void> {
  let stable = 0;
  let last = -1;
  while (stable < 10) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (sink.length === last) stable++;
    else {
      stable = 0;
      last = sink.length;
    }
  }
}

/** Runs `new Cluster(...)` for the config under mocks as stack `stack`. */
export async function buildCluster(
  stack: string,
  config: StackConfig,
  options: BuildOptions = {},
): Promise<Built> {
  const resources: RecordedResource[] = [];
  const secretsRead: string[] = [];
  const protectedNames = new Set<string>();
  const aliases = new Map<string, unknown[]>();
  const recording = recordingMocks(resources, config.region);
  await pulumi.runtime.setMocks(
    options.mocks ? options.mocks(recording) : recording,
    "mlops-platform",
    stack,
    false,
  );
  const cluster = new Cluster(
    "mlops",
    {
      config,
      secret: (key) => {
        secretsRead.push(key);
        return pulumi.secret(`apiVersion: v1\nkind: Config\n# mock kubeconfig from ${key}\n`);
      },
    },
    {
      // Transformations reach every descendant: records which resources were declared protected.
      transformations: [
        (a) => {
          if (a.opts.protect === true) protectedNames.add(a.name);
          if (a.opts.aliases?.length) aliases.set(a.name, [...a.opts.aliases]);
          return undefined;
        },
      ],
    },
  );
  await unwrap(cluster.context.clusterName);
  await unwrap(cluster.urn);
  await settle(resources);
  return { cluster, resources, secretsRead, protectedNames, aliases };
}

/** Resources of a type token. */
export function ofType(built: Built, type: string): RecordedResource[] {
  return built.resources.filter((r) => r.type === type);
}

/** The single resource of a type whose Pulumi name ends with `suffix`. */
export function named(built: Built, type: string, suffix: string): RecordedResource {
  const found = ofType(built, type).filter((r) => r.name.endsWith(suffix));
  if (found.length !== 1) {
    throw new Error(
      `expected one ${type} named *${suffix}, found ${found.length}: ${ofType(built, type)
        .map((r) => r.name)
        .join(", ")}`,
    );
  }
  return found[0];
}

/** Parses a JSON policy input (string) into an object. */
export function policy(value: unknown): any {
  return typeof value === "string" ? JSON.parse(value) : value;
}
