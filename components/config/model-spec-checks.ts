/**
 * The checks of one model spec that span fields or need the stack config: names, replicas, the
 * canary's steps and latency, experiments, the traffic split, training, teams, and (from
 * model-pool-checks.ts) the GPU pools. Separate from model-schema.ts: zod cannot express them, and
 * they run beside its problems (`problemsBeyondSchema`).
 */
import { artifactFolderProblems } from "./artifact-path-checks";
import { canaryLatencyProblems, canaryProblems, canaryStartProblems } from "./canary-checks";
import { Check, listedTwice, perElement, runChecks } from "./beyond-schema";
import type { Problem } from "./errors";
import { analysisForNewCanary, type ModelSpec, type SpecContext } from "./model-schema";
import { servingPoolProblems, trainingPoolProblems } from "./model-pool-checks";
import { editDistance } from "./edit-distance";
import { IAM_ROLE_NAME_MAX, MODEL_NAME_MAX, POD_ROLE_SUFFIX, PULUMI_AUTONAME_SUFFIX } from "./model-fields";
import { NAMESPACES } from "../addons/addons-context";
import { experimentWeight, nonStableWeight } from "../model/variants";

/**
 * Names a model may not take, because its namespace would collide with a platform add-on's or a
 * system namespace (NAMESPACES in components/addons/addons-context.ts, plus Kubernetes' own).
 */
export const RESERVED_MODEL_NAMES: ReadonlySet<string> = new Set([
  ...Object.values(NAMESPACES),
  "default",
  "kube-system",
  "kube-public",
  "kube-node-lease",
  "karpenter",
]);

/** Checks of one spec that need the stack config or span several fields. */
export function specProblems(spec: ModelSpec, file: string, cfg: SpecContext): Problem[] {
  return runChecks(spec, specChecks(file, cfg));
}

/**
 * The same checks one by one: beside a schema error (`problemsBeyondSchema`) each runs on its own, so
 * one that needs a rejected field does not silence the others.
 */
export function specChecks(file: string, cfg: SpecContext): Check<ModelSpec>[] {
  const { alerting, gpuPools } = cfg;
  return [
    (spec) => reservedNameProblems(spec, file),
    (spec) => (alerting ? teamProblems(spec, file, alerting) : []),
    (spec) => derivedNameProblems(spec, file),
    (spec) => (gpuPools ? servingPoolProblems(spec, file, gpuPools, cfg.poolsWithProblems ?? []) : []),
    (spec) => (gpuPools ? trainingPoolProblems(spec, file, gpuPools, cfg.poolsWithProblems ?? []) : []),
    (spec) => replicaProblems(spec, file),
    (spec) => runtimeFieldProblems(spec, file),
    (spec) => canaryProblems(spec, file),
    (spec) => canaryStartProblems(spec, file),
    (spec) => artifactFolderProblems(spec, file),
    (spec) => canaryLatencyProblems(spec, file),
    (spec) => experimentProblems(spec, file),
    (spec) => {
      const split = trafficSplitProblems(spec, file);
      return split.length > 0 ? split : stepSplitProblems(spec, file);
    },
    (spec) => trainingProblems(spec, file),
    (spec) => listedTwiceProblems(spec, file),
  ];
}

/** A feature or a retraining trigger listed twice is a copy-paste slip: its second entry does nothing. */
function listedTwiceProblems(spec: ModelSpec, file: string): Problem[] {
  const lists: [string, readonly string[]][] = [
    ["monitoring.features", spec.monitoring.features],
    ["training.retrainOn", spec.training?.retrainOn ?? []],
  ];
  return lists.flatMap(([at, items]) => listedTwice(items, file, at));
}

function reservedNameProblems(spec: ModelSpec, file: string): Problem[] {
  if (!RESERVED_MODEL_NAMES.has(spec.name)) return [];
  return [
    {
      file,
      path: "name",
      value: spec.name,
      reason: `is reserved: each model gets a namespace of its name, and ${spec.name} is a platform or system namespace`,
    },
  ];
}

/**
 * The label KServe's Standard (raw) mode puts on a predictor's Deployment, its pod template and its
 * Service selector: `app: isvc.<isvc>-predictor` (kserve/kserve pkg/constants GetRawServiceLabel;
 * its Deployment test expects `isvc.default-predictor`). A label value has at most 63 characters, so
 * the Deployment of an InferenceService over 48 characters is refused by the API server while the
 * InferenceService itself, and the offline plan, accept it: 5 characters stricter than the Service.
 */
function podLabel(predictor: string): string {
  return `isvc.${predictor}`;
}

/** The problem text for a predictor whose KServe pod label is over 63 characters. */
function labelTooLong(predictor: string, limit: string): string {
  const label = podLabel(predictor);
  return `makes KServe's pod label app=${label} ${label.length} characters, over Kubernetes' 63 for a label value (its Deployment would be refused); ${limit}`;
}

/** Names built from the model's (its IAM role, its variants' Services) must fit AWS's and Kubernetes' limits. */
function derivedNameProblems(spec: ModelSpec, file: string): Problem[] {
  const problems: Problem[] = [];
  // The model's pod role is auto-named by Pulumi with a "-" and 7 random characters, and IAM role
  // names have at most 64: a longer model name would pass here and fail at `pulumi up`.
  const roleName = `${spec.name}${POD_ROLE_SUFFIX}`;
  const maxName = MODEL_NAME_MAX;
  if (spec.name.length > maxName) {
    problems.push({
      file,
      path: "name",
      value: spec.name,
      reason: `is ${spec.name.length} characters; at most ${maxName} (its IAM role name ${roleName} plus Pulumi's ${PULUMI_AUTONAME_SUFFIX}-character suffix must fit AWS's ${IAM_ROLE_NAME_MAX})`,
    });
  }
  // KServe names the predictor Service `<model>[-<variant>]-predictor`; Services are DNS-1035 labels.
  const tooLong = (service: string, limit: string) =>
    `makes the Service name ${service} ${service.length} characters, over Kubernetes' 63; ${limit}`;
  // A model name too long already is that one problem, not again for each variant.
  const nameTooLong = `${spec.name}-predictor`.length > 63;
  if (nameTooLong)
    problems.push({
      file,
      path: "name",
      value: spec.name,
      reason: tooLong(`${spec.name}-predictor`, "at most 53"),
    });
  else if (spec.canary && `${spec.name}-canary-predictor`.length > 63)
    problems.push({
      file,
      path: "canary",
      reason: tooLong(`${spec.name}-canary-predictor`, "a model with a canary has a name of at most 41"),
    });
  else if (spec.canary && podLabel(`${spec.name}-canary-predictor`).length > 63)
    problems.push({
      file,
      path: "canary",
      reason: labelTooLong(`${spec.name}-canary-predictor`, "a model with a canary has a name of at most 41"),
    });
  spec.experiments.forEach((e, i) => {
    const service = `${spec.name}-${e.name}-predictor`;
    if (nameTooLong || podLabel(service).length <= 63) return;
    problems.push({
      file,
      path: `experiments[${i}].name`,
      value: e.name,
      reason:
        service.length > 63
          ? tooLong(service, "the model's and the experiment's names together at most 47")
          : labelTooLong(service, "the model's and the experiment's names together at most 47"),
    });
  });
  return problems;
}

function replicaProblems(spec: ModelSpec, file: string): Problem[] {
  const { min, max } = spec.serving.replicas;
  if (min <= max) return [];
  return [
    {
      file,
      path: "serving.replicas.min",
      value: min,
      reason: `must be <= replicas.max (${max})`,
      alsoAt: { path: "serving.replicas.max", value: max, reason: `must be >= replicas.min (${min})` },
    },
  ];
}

function runtimeFieldProblems(spec: ModelSpec, file: string): Problem[] {
  const { runtime, image, runtimeVersion, servedModel } = spec.serving;
  const out: Problem[] = [];
  if (runtime === "custom" && !image)
    out.push({ file, path: "serving.image", reason: "runtime custom needs an image (with a tag or digest)" });
  // Both would be accepted and do nothing: a custom server runs its own image as given, and only
  // Triton repositories hold several models whose counters the queries would otherwise sum.
  if (runtime === "custom" && runtimeVersion !== undefined)
    out.push({
      file,
      path: "serving.runtimeVersion",
      reason:
        "applies to the triton, mlserver and torchserve runtimes; runtime custom runs its image's own tag (serving.image)",
    });
  if (servedModel !== undefined && runtime !== "triton")
    out.push({
      file,
      path: "serving.servedModel",
      reason: `applies to runtime triton only (its ensembles' composing models count each request again); runtime ${runtime} is read as one model`,
    });
  return out;
}

/**
 * Three passes, each per element: an experiment with a rejected field (a reserved name, a bad
 * `modelUri`) sits out only the passes that read it, and the others' problems still come.
 */
function experimentProblems(spec: ModelSpec, file: string): Problem[] {
  const names = new Set<string>();
  const duplicates = perElement(spec.experiments, (e, i): Problem[] => {
    const seen = names.has(e.name);
    names.add(e.name);
    return seen
      ? [{ file, path: `experiments[${i}].name`, value: e.name, reason: "duplicate experiment name" }]
      : [];
  });
  const routing = perElement(spec.experiments, (e, i): Problem[] =>
    (e.weight === undefined) === (e.header === undefined)
      ? [
          {
            file,
            path: `experiments[${i}]`,
            reason: "needs exactly one of weight (percent of traffic) or header {name, value}",
          },
        ]
      : [],
  );
  // Two variants pinned by the same header value would make the route's choice arbitrary.
  const headers = new Map<string, string>();
  const clashes = perElement(spec.experiments, (e, i): Problem[] => {
    if (!e.header) return [];
    const key = `${e.header.name.toLowerCase()}=${e.header.value}`;
    const first = headers.get(key);
    if (first === undefined) {
      headers.set(key, e.name);
      return [];
    }
    return [
      {
        file,
        path: `experiments[${i}].header`,
        value: e.header,
        reason: `header ${e.header.name}: ${e.header.value} already pins experiment ${first}`,
      },
    ];
  });
  // In the file's order, as one pass would have found them.
  const index = (p: Problem) => Number(/^experiments\[(\d+)\]/.exec(p.path)?.[1]);
  return [...duplicates, ...routing, ...clashes].sort((a, b) => index(a) - index(b));
}

/** Its own check: it reads the canary's and every experiment's share, any of which may be rejected. */
function trafficSplitProblems(spec: ModelSpec, file: string): Problem[] {
  const weightSum = nonStableWeight(spec);
  if (weightSum < 100) return [];
  // Without weighted experiments the canary's percent alone is at fault: say so at its field.
  if (!spec.experiments.some((e) => e.weight !== undefined))
    return [
      {
        file,
        path: "canary.trafficPercent",
        value: weightSum,
        reason:
          "must stay below 100 so stable keeps traffic; a canary ready for all of it is promoted instead (npm run promote makes it stable)",
      },
    ];
  // The sum is no field's value: it goes in the reason, not after `experiments =`.
  const weights = experimentWeight(spec);
  const canary = spec.canary ? `the canary's trafficPercent ${weightSum - weights} plus ` : "";
  return [
    {
      file,
      path: "experiments",
      reason: `${canary}the experiments' weights ${weights} make ${weightSum}; they must stay below 100 so stable keeps traffic`,
    },
  ];
}

/**
 * During each analysis step below 100 the canary takes the step's percent beside the experiments'
 * weights: their sum must leave stable traffic too, or the route gives stable none (Gateway weights
 * are relative: canary 50 + experiment 60 is 45% and 55%), the canary's error check has no stable
 * ratio to compare with and the experiment silently gets less than declared. The steps are the
 * running canary's, or those the next canary will run (the model's `canaryAnalysis` over the
 * defaults, as `promote-to-prod` starts it): a 60% experiment with the default steps would pass
 * here and fail the prod pull request `promote-to-prod` opens.
 */
function stepSplitProblems(spec: ModelSpec, file: string): Problem[] {
  const weights = experimentWeight(spec);
  if (weights === 0) return [];
  const steps = spec.canary?.analysis.steps ?? analysisForNewCanary(spec).steps;
  const highest = Math.max(0, ...steps.filter((s) => s < 100));
  if (highest + weights < 100) return [];
  const source = spec.canary
    ? "the canary's analysis"
    : spec.canaryAnalysis?.steps
      ? "canaryAnalysis"
      : "the default canary analysis, which the next canary runs";
  const stepsField = spec.canary ? "canary.analysis.steps or canaryAnalysis.steps" : "canaryAnalysis.steps";
  const lowerSteps =
    99 - weights >= 1 ? ` or set ${stepsField} with no step below 100 above ${99 - weights}` : "";
  return [
    {
      file,
      path: "experiments",
      reason: `the experiments' weights ${weights} plus the ${highest}% step of ${source} (steps ${steps.join(", ")}) must stay below 100 so stable keeps traffic during that step; lower the weights to at most ${99 - highest}${lowerSteps}`,
    },
  ];
}

function trainingProblems(spec: ModelSpec, file: string): Problem[] {
  if (!spec.training?.retrainOn.includes("quality") || spec.monitoring.quality) return [];
  return [
    {
      file,
      path: "training.retrainOn",
      reason: "quality needs monitoring.quality to be set",
    },
  ];
}

/**
 * A team without a receiver pages the platform team, on purpose (a new team); one a letter or two
 * from a team that has a receiver is a typo that would silently send its pages to the wrong people.
 */
function teamProblems(
  spec: ModelSpec,
  file: string,
  alerting: NonNullable<SpecContext["alerting"]>,
): Problem[] {
  const receiverTeams = Object.keys(alerting.receivers);
  // Short names are a letter or two from many others (ads, pdp): allow one edit per three letters.
  const near = Math.min(2, Math.floor(spec.team.length / 3));
  const nearTeam = receiverTeams.find((t) => t !== spec.team && editDistance(t, spec.team) <= near);
  if (receiverTeams.includes(spec.team) || !nearTeam) return [];
  return [
    {
      file,
      path: "team",
      value: spec.team,
      reason: `has no receiver in alerting.receivers; did you mean ${nearTeam}? (a team without one is paged through the platform team ${alerting.platformTeam})`,
    },
  ];
}
