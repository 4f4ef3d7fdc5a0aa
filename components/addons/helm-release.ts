/**
 * The two children every add-on component creates the same way: its namespace and a pinned
 * `helm.v3.Release`. `helm.v3.Release` (not `v4.Chart`) keeps the values inspectable under the mock
 * runtime and in the offline plan (DESIGN section 7).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ChartPin } from "./versions";

/** Creates a namespace named exactly `namespace` (no auto-naming: charts and contracts refer to it). */
export function createNamespace(
  name: string,
  namespace: string,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Namespace {
  return new k8s.core.v1.Namespace(
    name,
    { metadata: { name: namespace, labels: { "app.kubernetes.io/part-of": "mlops-platform" } } },
    opts,
  );
}

/** What `createRelease` needs. */
export interface ReleaseArgs {
  readonly pin: ChartPin;
  /**
   * Helm release name. Fixed, not auto-suffixed: charts derive object names and labels from it
   * (kube-prometheus-stack puts `release: <name>` on its ServiceMonitors). Helm limits it to 53
   * characters.
   */
  readonly releaseName: string;
  readonly namespace: pulumi.Input<string>;
  readonly values: pulumi.Input<Record<string, unknown>>;
  /** Seconds Helm waits for the release's resources to become ready. @default 600 */
  readonly timeoutSeconds?: number;
}

/** Creates a Helm release of a pinned chart. Throws when the release name exceeds Helm's limit. */
export function createRelease(
  name: string,
  args: ReleaseArgs,
  opts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  if (args.releaseName.length > 53) {
    throw new Error(
      `Helm release name "${args.releaseName}" has ${args.releaseName.length} characters; Helm allows at most 53`,
    );
  }
  return new k8s.helm.v3.Release(
    name,
    {
      name: args.releaseName,
      chart: args.pin.chart,
      version: args.pin.version,
      repositoryOpts: args.pin.repo === undefined ? undefined : { repo: args.pin.repo },
      namespace: args.namespace,
      values: args.values,
      // A failed install rolls back instead of leaving a half-installed release that blocks the next up.
      atomic: true,
      timeout: args.timeoutSeconds ?? 600,
    },
    opts,
  );
}
