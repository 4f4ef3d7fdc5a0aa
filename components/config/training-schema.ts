/**
 * Schema of a model's `training` block and its schedule: the cron expressions and presets Airflow
 * reads, and the retraining triggers. Separate from model-schema.ts: the schedule's rules (what
 * croniter reads, what never fires) are a subject of their own.
 */
import { CronExpressionParser } from "cron-parser";
import { z } from "zod";
import { strictObject } from "./zod-problems";
import { cpuQuantity, memoryQuantity, pinnedImage } from "./model-fields";

/** Airflow accepts five-field cron expressions and these presets. */
const CRON_PRESETS = ["@hourly", "@daily", "@weekly", "@monthly", "@yearly"];
const CRON_HELP = `must be a five-field cron expression (minute hour day month weekday) or one of ${CRON_PRESETS.join(", ")}`;
const cron = z.string().superRefine((expr, ctx) => {
  const problem = cronProblem(expr);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

/** True for a five-field cron expression or an Airflow preset that Airflow reads and that fires. */
export function isValidCron(expr: string): boolean {
  return cronProblem(expr) === undefined;
}

/**
 * What keeps Airflow from running `expr`, or `undefined`. Airflow reads schedules with Python's
 * croniter, which takes numbers, `*`, `,`, `-`, `/`, three-letter names, `L` for the last day of the
 * month and `<weekday>#<n>` for the n-th weekday, but not cron-parser's other extensions (`H`
 * without a hash id, `W`, `?`, and `5L`, which croniter writes `L5`): the DAG would not load.
 */
function cronProblem(expr: string): string | undefined {
  if (CRON_PRESETS.includes(expr)) return undefined;
  // A zone of its own (cron-parser and some crons read CRON_TZ/TZ): the DAG runs in the stack's.
  if (/^\s*(CRON_)?TZ=/.test(expr))
    return "must not name a time zone (CRON_TZ=...): schedules run in the stack's timeZone (the stack file's mlops-platform:timeZone)";
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) return CRON_HELP;
  const names = /jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat/gi;
  const plain = (f: string) => /^[\d*,/-]+$/.test(f.replace(names, "0"));
  const [minute, hour, day, month, weekday] = fields;
  // One n-th weekday alone: croniter refuses it mixed with plain days, cron-parser in a list.
  const nth = /^[0-7]#[1-5]$/.test(weekday.replace(names, "0"));
  if (![minute, hour, month].every(plain) || !(plain(day) || day === "L") || !(plain(weekday) || nth))
    return `${CRON_HELP}; of the extensions only L (last day of the month) and weekday#n (the n-th weekday, 5#2) are read by Airflow's croniter`;
  // croniter finds no date for an n-th weekday beside a day of the month (`0 0 1 * 5#2`).
  if (nth && day !== "*") return `weekday ${weekday} needs * as the day of the month (got ${day})`;
  try {
    // The day against the month alone: 31 February never comes, whatever the weekday (croniter
    // gives up on it, though cron's OR of day and weekday would fire on the weekday).
    CronExpressionParser.parse(`${minute} ${hour} ${day} ${month} *`);
    CronExpressionParser.parse(expr);
    return undefined;
  } catch (err) {
    // e.g. 31 February: a schedule that never fires is a slip, not a plan.
    const message = (err as Error).message;
    if (/explicit day of month/i.test(message))
      return `never fires: day ${day} does not exist in month ${month}`;
    return fieldProblem(message) ?? CRON_HELP;
  }
}

/** cron-parser's range of each field, to name the field its "expected range" message is about. */
const FIELD_RANGES: Record<string, string> = {
  "0-59": "minute",
  "0-23": "hour",
  "1-31": "day of the month",
  "1-12": "month",
  "0-7": "weekday",
};

/** The field and rule behind a cron-parser error (`61 * * * *`: minute 61 is outside 0-59). */
function fieldProblem(message: string): string | undefined {
  const range = /got value (\S+) expected range (\d+-\d+)/.exec(message);
  if (range && FIELD_RANGES[range[2]])
    return `${FIELD_RANGES[range[2]]} ${range[1]} is outside ${range[2]} (fields: minute hour day month weekday)`;
  if (/cannot repeat at every 0/i.test(message)) return "a step of 0 (*/0) never moves on: use 1 or more";
  const backwards = /Invalid range: (\S+), min\((\d+)\) > max\((\d+)\)/.exec(message);
  if (backwards) return `range ${backwards[1]} runs backwards: write the smaller bound first`;
  return undefined;
}

/** Alerts that may start a retraining run (DESIGN section 5). */
export const RETRAIN_TRIGGERS = ["drift", "quality"] as const;

/** A model's `training` block: schedule, image, GPUs, retraining triggers, the evaluate step. */
export const training = strictObject({
  schedule: cron,
  image: pinnedImage("must be an image with a tag or digest").refine(
    (i) => !i.endsWith(":latest"),
    "must not use the mutable tag latest",
  ),
  gpu: strictObject({ pool: z.string(), count: z.number().int().min(1).max(64).default(1) }),
  retrainOn: z.array(z.enum(RETRAIN_TRIGGERS)).default([]),
  timeoutHours: z.number().positive().max(72).default(6),
  /**
   * The evaluate step's pod (requests; memory also its limit). It runs on the system nodes (no GPU
   * toleration), so the default fits staging's, an m6i.large (2 vCPU, 8 GiB, about 1.9
   * vCPU and 7 GiB allocatable before the node's daemons).
   */
  evaluate: strictObject({ cpu: cpuQuantity, memory: memoryQuantity }).default({
    cpu: "500m",
    memory: "2Gi",
  }),
});
