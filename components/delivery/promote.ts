/**
 * Metric-gated progressive canary (KServe has none: kserve/kserve#3085). For each step of
 * `canary.analysis.steps`: set the canary's traffic, deploy, wait `intervalMinutes`, ask Prometheus
 * with the same expressions as the `ModelCanaryDegraded` alert, then advance or roll back. At 100 the
 * canary becomes stable. The deployed step lives in the stack (its outputs), so an interrupted run
 * resumes where the stack is, not where a local file says.
 *
 * Pure orchestration: deploying, querying and waiting are injected, so tests drive it with a real
 * local Prometheus-speaking server and a fake deployer.
 */
import type { ModelSpec } from "../config/model-schema";
import { HeldCanary, heldForCanary } from "../config/stack-schema";
import { durationSeconds } from "../config/duration";
import { CANARY_WINDOW } from "../model/promql";
import { PrometheusQueryError } from "./prometheus-client";

/** How the promotion changes and reads the deployed stack (Automation API in production). */
export interface CanaryDeployer {
  /**
   * Canary traffic held in the stack for the model (the percent and the canary version it was set
   * for), or `undefined` when no promotion is in progress.
   */
  deployedTraffic(model: string): Promise<HeldCanary | undefined>;
  /** Sets the traffic of the canary `modelUri` and deploys. */
  setTraffic(model: string, percent: number, modelUri: string): Promise<void>;
  /** Traffic 0 and the canary `modelUri` removed, in the stack and in the model spec; deploys. */
  rollback(model: string, modelUri: string): Promise<void>;
  /** The canary becomes stable (written back to the model spec), the canary is removed; deploys. */
  promote(model: string): Promise<void>;
}

/**
 * One check of the analysis, in the alerting style the `ModelCanaryDegraded` rule uses:
 * - `degraded-when-present`: the expression returns series only when the canary is worse (the alert's
 *   own expression), so any result fails the step;
 * - `must-have-data`: the expression must return series (the canary serves traffic and is scraped);
 *   an empty result fails the step, so a canary nobody calls is never promoted.
 */
export interface CanaryCheck {
  readonly name: string;
  readonly expr: string;
  readonly kind: "degraded-when-present" | "must-have-data";
  /** What a `must-have-data` check's result means, where it is not "has data" / "no data". */
  readonly found?: string;
  readonly missing?: string;
}

/** Result of one analysis. */
export interface Analysis {
  readonly healthy: boolean;
  readonly details: string[];
}

/** Evaluates checks (Prometheus in production). */
export type Analyzer = (checks: readonly CanaryCheck[]) => Promise<Analysis>;

/** What a promotion did. */
export interface PromotionResult {
  readonly outcome: "promoted" | "rolled-back" | "dry-run" | "nothing-to-do";
  /** Steps deployed in this run, in order. */
  readonly stepsRun: number[];
  readonly failedStep?: number;
  readonly details: string[];
}

/** Inputs of `runPromotion`. */
export interface PromotionArgs {
  readonly spec: ModelSpec;
  readonly checks: readonly CanaryCheck[];
  readonly deployer: CanaryDeployer;
  readonly analyze: Analyzer;
  /** Waits between deploying a step and analysing it. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
  /** Print the plan of steps only; change nothing. */
  readonly dryRun?: boolean;
}

/**
 * Steps still to run when `deployed` percent is live (the resume point). The deployed level comes
 * first: an interruption may have come between its deploy and its analysis, so it is analysed again
 * (without redeploying) - also when it is not one of the spec's steps (the steps changed since, or
 * the stack was edited): the traffic that is live is always analysed before anything moves on.
 * 100 means "promote". `deployed` is a live level (above 0): a held 0% is a rollback, which
 * `runPromotion` finishes instead of running steps.
 */
export function remainingSteps(steps: readonly number[], deployed: number | undefined): number[] {
  if (deployed === undefined) return [...steps];
  return [deployed, ...steps.filter((s) => s > deployed)];
}

/**
 * Minutes between two analyses of one step: the checks' window (`CANARY_WINDOW`, 5 minutes), so
 * consecutive analyses cover the whole interval. One analysis at its end saw only its last 5
 * minutes: a canary failing for most of a 10-minute step and recovering near its end passed, and a
 * failure early in a long step was rolled back only at its end.
 */
export const CHECK_EVERY_MINUTES = durationSeconds(CANARY_WINDOW) / 60;

/**
 * The waits before each analysis of a step of `intervalMinutes`: every `every` minutes, the last
 * one shorter so they add up to the interval (12 -> 5, 5, 2; 3 -> 3).
 */
export function analysisWaits(intervalMinutes: number, every: number): number[] {
  const waits: number[] = [];
  for (let left = intervalMinutes; left > 0; left -= every) waits.push(Math.min(every, left));
  return waits;
}

/**
 * Tries of one analysis before the promotion stops, a minute apart: a Prometheus restarting (its pod
 * moved by a node consolidation, an upgrade) answers nothing for a minute or two, and a promotion of
 * hours should not end on that. Each try reads the checks' last 5 minutes, so a retry judges the
 * same canary a minute later.
 */
export const ANALYSIS_TRIES = 3;
/** Wait between two tries of one analysis. */
export const ANALYSIS_RETRY_MS = 60_000;

/**
 * One analysis of `step`, tried again on an error (`ANALYSIS_TRIES`); the last error is thrown. A
 * query Prometheus rejected (bad_data) fails the same way a minute later: it is not asked again.
 */
async function analyzeStep(args: PromotionArgs, step: number): Promise<Analysis> {
  for (let tried = 1; ; tried++) {
    try {
      return await args.analyze(args.checks);
    } catch (err) {
      const lasting = err instanceof PrometheusQueryError && !err.transient;
      if (lasting || tried >= ANALYSIS_TRIES) throw err;
      const reason = ((err as Error).message ?? String(err)).split("\n")[0];
      args.log(
        `${args.spec.name}: analysis at ${step}% failed (${reason}); trying again in ${ANALYSIS_RETRY_MS / 60_000} min (${tried + 1} of ${ANALYSIS_TRIES})`,
      );
      await args.sleep(ANALYSIS_RETRY_MS);
    }
  }
}

/** Runs (or resumes) the promotion of `spec`'s canary. */
export async function runPromotion(args: PromotionArgs): Promise<PromotionResult> {
  const { spec, deployer, log } = args;
  if (!spec.canary) {
    log(`${spec.name}: no canary in the spec; nothing to promote`);
    return { outcome: "nothing-to-do", stepsRun: [], details: [] };
  }
  const { steps, intervalMinutes } = spec.canary.analysis;
  const uri = spec.canary.modelUri;
  let deployed: number | undefined;
  try {
    const held = await deployer.deployedTraffic(spec.name);
    // A level held for another version (the canary was replaced in the spec mid-promotion) is not
    // this canary's progress: the program deploys this one at its own trafficPercent, and its
    // analysis starts from the first step.
    if (held && !heldForCanary(held, uri))
      log(
        `${spec.name}: the stack held ${held.modelUri} at ${held.percent}%, but the canary is now ${uri}: starting from the first step`,
      );
    else deployed = held?.percent;
  } catch (err) {
    // A dry run is for reviewing the plan; it may run where the stack cannot be read (no Pulumi CLI).
    if (!args.dryRun) throw err;
    log(
      `${spec.name}: stack state unavailable (${(err as Error).message.split("\n")[0]}); assuming no promotion in progress`,
    );
  }
  // 0% held for this canary is a rollback (the program removes the canary at 0): the run that rolled
  // it back was interrupted before its spec edit, or its pull request has not merged yet and the
  // deploy carried the level. Promoting it again from the first step would bring back a version
  // that failed its analysis; the rollback is finished instead (traffic stays at 0).
  if (deployed === 0) {
    log(
      `${spec.name}: the stack holds ${uri} at 0% (rolled back by an earlier run); finishing the rollback instead of promoting it again (to analyse it again, remove mlops-platform:canaryTraffic.${spec.name} from the stack config and run pulumi up)`,
    );
    if (args.dryRun) return { outcome: "dry-run", stepsRun: [], details: [] };
    await deployer.rollback(spec.name, uri);
    return { outcome: "rolled-back", stepsRun: [], details: [] };
  }
  const todo = remainingSteps(steps, deployed);
  if (deployed !== undefined) log(`${spec.name}: resuming, canary at ${deployed}% in the stack`);
  // Step 100 is the promotion itself: analysed only when 100% is already live (a resumed run).
  const analysed = todo.filter((step) => step !== 100 || step === deployed);
  const analyses =
    analysed.length > 0 ? `a ${intervalMinutes} min analysis at ${analysed.join("%, ")}%` : "no analysis";
  log(`${spec.name}: steps ${todo.join("% -> ")}%, ${analyses}, canary ${spec.canary.modelUri}`);
  if (args.dryRun) {
    for (const c of args.checks) log(`  check ${c.name} (${c.kind}): ${c.expr}`);
    return { outcome: "dry-run", stepsRun: [], details: [] };
  }
  const stepsRun: number[] = [];
  for (const step of todo) {
    if (analysed.includes(step)) {
      if (step === deployed) {
        log(`${spec.name}: canary already at ${step}% in the stack, analysing again`);
      } else {
        log(`${spec.name}: canary -> ${step}%`);
        await deployer.setTraffic(spec.name, step, uri);
      }
      stepsRun.push(step);
      const waits = analysisWaits(intervalMinutes, CHECK_EVERY_MINUTES);
      log(
        waits.length > 1
          ? `${spec.name}: analysing every ${CHECK_EVERY_MINUTES} min for ${intervalMinutes} min`
          : `${spec.name}: waiting ${intervalMinutes} min before analysis`,
      );
      for (const minutes of waits) {
        await args.sleep(minutes * 60_000);
        let analysis: Analysis;
        try {
          analysis = await analyzeStep(args, step);
        } catch (err) {
          // Prometheus kept failing mid-promotion: nothing is rolled back on a question not
          // answered, so say where the canary is and how to go on.
          log(
            `${spec.name}: analysis at ${step}% failed; the canary stays at ${step}% (rerun promote to resume there; to take traffic off it instead, set its share to 0 in mlops-platform:canaryTraffic and run pulumi up)`,
          );
          throw err;
        }
        for (const d of analysis.details) log(`  ${d}`);
        if (!analysis.healthy) {
          // Degraded, or no data to judge it by (the details above say which): either way not promoted.
          log(`${spec.name}: canary failed its analysis at ${step}%, rolling back`);
          await deployer.rollback(spec.name, uri);
          return { outcome: "rolled-back", stepsRun, failedStep: step, details: analysis.details };
        }
      }
    }
    if (step === 100) {
      log(`${spec.name}: all steps healthy, promoting ${spec.canary.modelUri} to stable`);
      await deployer.promote(spec.name);
      if (step !== deployed) stepsRun.push(step);
      return { outcome: "promoted", stepsRun, details: [] };
    }
  }
  // Steps always end at 100 (validated), so reaching here means there was nothing left to run.
  return { outcome: "nothing-to-do", stepsRun, details: [] };
}
