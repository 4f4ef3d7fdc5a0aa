/**
 * PriorityClasses that let serving take GPUs from training, never the other way round.
 *
 * - `mlops-serving` (1,000,000, PreemptLowerPriority): an online model that cannot be scheduled evicts
 *   lower-priority pods, i.e. training jobs, instead of waiting for a new GPU node (150-420 s).
 *   It stays far below the system classes (system-cluster-critical is 2,000,000,000) so node agents
 *   always win.
 * - `mlops-training` (1,000, preemptionPolicy Never): training is preemptible by serving and never
 *   preempts anything itself; it waits in the queue (and Karpenter adds a node) instead.
 * Pods without a class get priority 0, below both.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config/stack-schema";
import { PRIORITY_CLASSES } from "./addons-context";

/** One PriorityClass definition. */
export interface PriorityClassSpec {
  readonly name: string;
  readonly value: number;
  readonly preemptionPolicy: "PreemptLowerPriority" | "Never";
  readonly description: string;
}

/** The platform's PriorityClasses (pure data, tested). */
export function priorityClassSpecs(): PriorityClassSpec[] {
  return [
    {
      name: PRIORITY_CLASSES.serving,
      value: 1_000_000,
      preemptionPolicy: "PreemptLowerPriority",
      description: "Online model serving: preempts training pods when GPUs are short.",
    },
    {
      name: PRIORITY_CLASSES.training,
      value: 1_000,
      preemptionPolicy: "Never",
      description: "Training and batch jobs: preemptible by serving, never preempts other pods.",
    },
  ];
}

/** Arguments of `PriorityClasses`; the values do not vary per stack, `config` keeps the common shape. */
export interface PriorityClassesArgs {
  readonly config: StackConfig;
}

/** Creates the PriorityClasses under `parent`, keyed by role. */
export function createPriorityClasses(
  name: string,
  parent: pulumi.Resource,
): Record<string, k8s.scheduling.v1.PriorityClass> {
  const out: Record<string, k8s.scheduling.v1.PriorityClass> = {};
  for (const spec of priorityClassSpecs()) {
    out[spec.name] = new k8s.scheduling.v1.PriorityClass(
      `${name}-${spec.name}`,
      {
        metadata: { name: spec.name },
        value: spec.value,
        preemptionPolicy: spec.preemptionPolicy,
        globalDefault: false,
        description: spec.description,
      },
      { parent },
    );
  }
  return out;
}

/** The platform PriorityClasses (`mlops:addons:PriorityClasses`). */
export class PriorityClasses extends pulumi.ComponentResource {
  /** Class names, for pod specs. */
  readonly names: typeof PRIORITY_CLASSES;
  /** The created classes; workloads that set `priorityClassName` depend on them. */
  readonly resources: k8s.scheduling.v1.PriorityClass[];

  constructor(name: string, _args: PriorityClassesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("mlops:addons:PriorityClasses", name, {}, opts);
    this.names = PRIORITY_CLASSES;
    this.resources = Object.values(createPriorityClasses(name, this));
    this.registerOutputs({ names: this.names });
  }
}
