/**
 * Training yields to serving: it runs on spot capacity or at the preemptible PriorityClass, so a
 * traffic spike can always evict it (DESIGN section 1, "training on spot / in the serving trough").
 */
import { GPU_POOL_LABELS, PRIORITY_CLASSES } from "../../components/addons/addons-context";
import { ALWAYS_MANDATORY, PlatformPolicy } from "../lib/platform-policy";
import { PodTemplate, podTemplates, requestsGpu } from "../lib/workloads";
import { arr, at, obj, str } from "../lib/values";

/** Karpenter's well-known node label for spot vs on-demand capacity. */
export const CAPACITY_TYPE_LABEL = "karpenter.sh/capacity-type";

/** True for batch templates that train: request a GPU, target a training pool, or are labelled training. */
export function isTraining(t: PodTemplate): boolean {
  if (!t.batch) return false;
  const purpose = str(obj(t.podSpec.nodeSelector)[GPU_POOL_LABELS.purpose]);
  const role = t.labels["mlops.io/component"] ?? t.labels["mlops.io/role"];
  return requestsGpu(t) || purpose === "training" || role === "training";
}

/** True when the template runs on spot: nodeSelector/affinity on capacity-type spot or a spot toleration. */
export function runsOnSpot(t: PodTemplate): boolean {
  if (obj(t.podSpec.nodeSelector)[CAPACITY_TYPE_LABEL] === "spot") return true;
  const terms = arr(
    at(t.podSpec, "affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"),
  );
  const spotAffinity = terms.some((term) =>
    arr(obj(term).matchExpressions).some((e) => {
      const o = obj(e);
      return (
        o.key === CAPACITY_TYPE_LABEL &&
        o.operator === "In" &&
        arr(o.values).length === 1 &&
        arr(o.values)[0] === "spot"
      );
    }),
  );
  return spotAffinity;
}

/** Training pods run on spot nodes or at the `mlops-training` PriorityClass. */
export const mlopsTrainingRunsPreemptible: PlatformPolicy = {
  checks: `training pods run on spot (${CAPACITY_TYPE_LABEL}: spot) or at priorityClassName ${PRIORITY_CLASSES.training}`,
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "mlops-training-runs-preemptible",
    description: `Training workloads must run on spot capacity or at the low PriorityClass ${PRIORITY_CLASSES.training}.`,
    enforcementLevel: "mandatory",
    validateResource: (args, report) => {
      for (const t of podTemplates(args.type, args.props ?? {})) {
        if (!isTraining(t)) continue;
        if (t.podSpec.priorityClassName === PRIORITY_CLASSES.training || runsOnSpot(t)) continue;
        report(
          `${t.kind} ${t.component} trains at ${str(t.podSpec.priorityClassName) ?? "the default priority"} on any capacity; set priorityClassName: ${PRIORITY_CLASSES.training} at ${t.path} or pin it to spot with nodeSelector ${CAPACITY_TYPE_LABEL}: spot.`,
        );
      }
    },
  },
};
