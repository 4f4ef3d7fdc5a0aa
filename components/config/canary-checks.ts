/**
 * The checks of a spec's canary that span fields: its steps (the model's `canaryAnalysis` and the
 * canary's own), the traffic it starts at, its version against stable's and the experiments', and
 * its latency limit against the SLO. Pure; run by model-spec-checks.ts.
 */
import type { Problem } from "./errors";
import type { ModelSpec } from "./model-schema";

export function canaryProblems(spec: ModelSpec, file: string): Problem[] {
  const ofModel = spec.canaryAnalysis?.steps;
  const problems = ofModel ? stepsProblems(ofModel, "canaryAnalysis.steps", file) : [];
  // Steps the canary took from `canaryAnalysis` (or repeats) are reported there, once.
  const steps = spec.canary?.analysis.steps;
  if (steps && !sameList(steps, ofModel))
    problems.push(...stepsProblems(steps, "canary.analysis.steps", file));
  // A copied block whose version was not bumped: the analysis would compare stable with itself and
  // promote would roll out nothing new.
  if (spec.canary && spec.canary.modelUri === spec.serving.modelUri)
    problems.push({
      file,
      path: "canary.modelUri",
      value: spec.canary.modelUri,
      reason: "is the version stable serves (serving.modelUri): point the canary at the new version",
      alsoAt: {
        path: "serving.modelUri",
        value: spec.serving.modelUri,
        reason:
          "is the version the canary deploys (canary.modelUri): stable and canary must serve different versions",
      },
    });
  // The same slip in an experiment: an A/B test of a version against itself measures nothing.
  spec.experiments.forEach((e, i) => {
    const same =
      e.modelUri === spec.serving.modelUri
        ? "stable"
        : e.modelUri === spec.canary?.modelUri
          ? "the canary"
          : "";
    if (same)
      problems.push({
        file,
        path: `experiments[${i}].modelUri`,
        value: e.modelUri,
        reason: `is the version ${same} serves: an experiment tries another version`,
      });
  });
  return problems;
}

function stepsProblems(steps: readonly number[], path: string, file: string): Problem[] {
  const problems: Problem[] = [];
  const ascending = steps.every((s, i) => i === 0 || s > steps[i - 1]);
  if (!ascending) problems.push({ file, path, value: steps, reason: "must be strictly ascending" });
  if (steps[steps.length - 1] !== 100)
    problems.push({ file, path, value: steps, reason: "must end at 100 (full promotion)" });
  // The canary is analysed at each step before the last: with none, `promote` would make it stable
  // without a single check.
  if (steps.every((s) => s >= 100))
    problems.push({
      file,
      path,
      value: steps,
      reason: "needs at least one step below 100: the canary is analysed at each step before 100",
    });
  return problems;
}

function sameList(a: readonly number[], b: readonly number[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Its own check: it reads `slo`, which must not silence the steps' problems when `slo` is rejected. */
export function canaryLatencyProblems(spec: ModelSpec, file: string): Problem[] {
  const slo = spec.slo.latencyP99Ms;
  const belowSlo = (path: string, limit: number | undefined): Problem[] =>
    limit !== undefined && limit < slo
      ? [
          {
            file,
            path,
            value: limit,
            reason: `must be >= slo.latencyP99Ms (${slo})`,
            alsoAt: { path: "slo.latencyP99Ms", value: slo, reason: `must be <= ${path} (${limit})` },
          },
        ]
      : [];
  const ofModel = spec.canaryAnalysis?.maxLatencyP99Ms;
  const own = spec.canary?.analysis.maxLatencyP99Ms;
  // A limit the canary took from `canaryAnalysis` (or repeats) is reported there, once.
  return [
    ...belowSlo("canaryAnalysis.maxLatencyP99Ms", ofModel),
    ...(own === ofModel ? [] : belowSlo("canary.analysis.maxLatencyP99Ms", own)),
  ];
}

/**
 * Its own check (it reads the percent, which may be rejected): the canary goes live at
 * `trafficPercent` the moment it deploys, and `promote` starts at the first analysis step. Above that
 * step, the canary would take more traffic than its analysis ever tried before anything was checked,
 * and the first step would then cut it back (75% deployed, then 5%).
 */
export function canaryStartProblems(spec: ModelSpec, file: string): Problem[] {
  if (!spec.canary) return [];
  const first = spec.canary.analysis.steps[0];
  const percent = spec.canary.trafficPercent;
  if (first === undefined || percent <= first) return [];
  // Where the steps came from: a stack override that sets only them is told at its own line.
  const stepsPath = sameList(spec.canary.analysis.steps, spec.canaryAnalysis?.steps)
    ? "canaryAnalysis.steps"
    : "canary.analysis.steps";
  return [
    {
      file,
      path: "canary.trafficPercent",
      value: percent,
      reason:
        `is above the analysis' first step (${first}%): the canary takes it as it deploys, before any analysis, ` +
        `and promote then starts at ${first}%; start at ${first} or below (0 deploys it without traffic)`,
      alsoAt: {
        path: stepsPath,
        value: spec.canary.analysis.steps,
        reason:
          `starts at ${first}%, below the canary's trafficPercent (${percent}): the canary would take ${percent}% ` +
          `as it deploys, before any analysis; start the steps at ${percent} or above, or lower trafficPercent`,
      },
    },
  ];
}
