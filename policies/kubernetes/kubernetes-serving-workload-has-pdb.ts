/**
 * Stack check: every serving workload is covered by a PodDisruptionBudget that still allows at least
 * one eviction. Without a PDB a node drain (Karpenter consolidation) can take every replica at once;
 * with `maxUnavailable: 0` or `minAvailable` = replicas, drains hang and GPU nodes never scale in.
 */
import type { PolicyResource } from "@pulumi/policy";
import { ALWAYS_MANDATORY, PlatformPolicy } from "../lib/platform-policy";
import { Obj, arr, at, isObj, k8sName, namespaceOf, num, obj, str } from "../lib/values";
import { kindOf, podTemplates } from "../lib/workloads";

const PDB = "kubernetes:policy/v1:PodDisruptionBudget";
/** Label KServe puts on every pod of an InferenceService (KServe constants.InferenceServicePodLabelKey). */
export const KSERVE_ISVC_POD_LABEL = "serving.kserve.io/inferenceservice";

/** True when a label selector (matchLabels + matchExpressions) selects the labels. Empty selects nothing for PDBs we trust. */
export function selectorMatches(selector: Obj, labels: Record<string, string>): boolean {
  const matchLabels = obj(selector.matchLabels);
  const exprs = arr(selector.matchExpressions).map(obj);
  if (Object.keys(matchLabels).length === 0 && exprs.length === 0) return false;
  if (!Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) return false;
  return exprs.every((e) => {
    const key = str(e.key) ?? "";
    const values = arr(e.values);
    switch (e.operator) {
      case "In":
        return key in labels && values.includes(labels[key]);
      case "NotIn":
        return !(key in labels) || !values.includes(labels[key]);
      case "Exists":
        return key in labels;
      case "DoesNotExist":
        return !(key in labels);
      default:
        return false;
    }
  });
}

/** Why a PDB allows no disruption for a workload with `replicas` minimum replicas, or `undefined`. */
export function pdbBlocksDisruption(pdb: Obj, replicas: number | undefined): string | undefined {
  const spec = obj(pdb.spec);
  if (spec.maxUnavailable !== undefined) {
    const v = spec.maxUnavailable;
    const zero = v === 0 || v === "0" || v === "0%";
    return zero ? "maxUnavailable is 0" : undefined;
  }
  if (spec.minAvailable !== undefined) {
    const v = spec.minAvailable;
    if (v === "100%") return "minAvailable is 100%";
    const n = num(v);
    if (n !== undefined && typeof v !== "string" && replicas !== undefined && n >= replicas) {
      return `minAvailable ${n} >= the ${replicas} minimum replica(s)`;
    }
    return undefined;
  }
  // Neither set: the API treats it as minAvailable 1, fine only with more than one replica.
  return replicas !== undefined && replicas <= 1
    ? "it sets neither field and there is a single replica"
    : undefined;
}

function minReplicas(r: PolicyResource): number | undefined {
  const kind = kindOf(r.type, r.props);
  if (kind === "InferenceService") return num(at(r.props, "spec.predictor.minReplicas")) ?? 1;
  return num(at(r.props, "spec.replicas"));
}

/** Every serving workload has a PodDisruptionBudget that allows at least one disruption. */
export const kubernetesServingWorkloadHasPdb: PlatformPolicy = {
  checks: "every serving workload has a PodDisruptionBudget allowing at least one disruption",
  enforcement: ALWAYS_MANDATORY,
  policy: {
    name: "kubernetes-serving-workload-has-pdb",
    description:
      "Every serving workload must have a PodDisruptionBudget that allows at least one disruption.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
      const pdbs = args.resources.filter((r) => r.type === PDB);
      for (const r of args.resources) {
        const templates = podTemplates(r.type, r.props).filter((t) => t.serving);
        if (templates.length === 0) continue;
        const name = k8sName(r.props, r.name);
        const kind = kindOf(r.type, r.props);
        const ns = namespaceOf(r.props);
        // The stable predictor is what must stay up; canaries and transformers follow it.
        const t = templates[0];
        const labels =
          kind === "InferenceService" ? { ...t.labels, [KSERVE_ISVC_POD_LABEL]: name } : t.labels;
        const covering = pdbs.filter(
          (p) =>
            namespaceOf(p.props) === ns &&
            isObj(at(p.props, "spec.selector")) &&
            selectorMatches(obj(at(p.props, "spec.selector")), labels),
        );
        if (covering.length === 0) {
          report(
            `${kind} ${name} has no PodDisruptionBudget; add one in its namespace selecting ${kind === "InferenceService" ? `${KSERVE_ISVC_POD_LABEL}: ${name}` : "its pod labels"} with maxUnavailable: 1.`,
            r.urn,
          );
          continue;
        }
        const replicas = minReplicas(r);
        for (const p of covering) {
          const why = pdbBlocksDisruption(p.props, replicas);
          if (why) {
            report(
              `PodDisruptionBudget ${k8sName(p.props, p.name)} for ${kind} ${name} allows no disruption (${why}); use maxUnavailable: 1 so node drains can proceed.`,
              p.urn,
            );
          }
        }
      }
    },
  },
};
