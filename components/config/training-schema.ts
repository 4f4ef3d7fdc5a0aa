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
const CRON_PRESETS = ["@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly"];
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
  const plain = (f: string) => /^[\d*,/-]+$/.test(f.replace(CRON_NAMES, "0"));
  const [minute, hour, day, month, weekday] = fields;
  // One n-th weekday alone: croniter refuses it mixed with plain days, cron-parser in a list.
  const nth = /^[0-7]#[1-5]$/.test(weekday.replace(CRON_NAMES, "0"));
  if (![minute, hour, month].every(plain) || !(plain(day) || day === "L") || !(plain(weekday) || nth))
    return `${CRON_HELP}; of the extensions only L (last day of the month) and weekday#n (the n-th weekday, 5#2) are read by Airflow's croniter`;
  // croniter finds no date for an n-th weekday beside a day of the month (`0 0 1 * 5#2`).
  if (nth && day !== "*") return `weekday ${weekday} needs * as the day of the month (got ${day})`;
  const outOfRange = fields.map((f, i) => (i === 4 && nth ? undefined : fieldProblem(f, CRON_FIELDS[i])));
  const found = outOfRange.find((p) => p !== undefined);
  if (found) return found;
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
    return CRON_HELP;
  }
}

/** A cron field's name, its values and the names it may use for them (index = value - first). */
interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** The last value a range that wraps round should end at (Saturday, not 7 = Sunday again). */
  readonly wrapAt: number;
  readonly names?: readonly string[];
}

const CRON_FIELDS: readonly CronField[] = [
  { name: "minute", min: 0, max: 59, wrapAt: 59 },
  { name: "hour", min: 0, max: 23, wrapAt: 23 },
  { name: "day of the month", min: 1, max: 31, wrapAt: 31 },
  {
    name: "month",
    min: 1,
    max: 12,
    wrapAt: 12,
    names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
  },
  { name: "weekday", min: 0, max: 7, wrapAt: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/** Every month and weekday name a cron field may use, any case (replaced before the form check). */
const CRON_NAMES = new RegExp(CRON_FIELDS.flatMap((f) => f.names ?? []).join("|"), "gi");

/**
 * A value out of its field's range, a step of 0 or a range written backwards, in the user's words:
 * cron-parser's own messages name neither the field nor the value as written (`NOV-FEB` is "11-2").
 * A backwards range is what a range that wraps round looks like (`FRI-MON`, `22-2`), which cron does
 * not read: the fix offered is the two ranges it means, not the bounds swapped (`MON-FRI` would be
 * the other days). Anything else is left to the parser.
 */
function fieldProblem(text: string, field: CronField): string | undefined {
  const value = (token: string): number | undefined => {
    if (/^\d+$/.test(token)) return Number(token);
    const named = field.names?.indexOf(token.toLowerCase()) ?? -1;
    return named >= 0 ? named + field.min : undefined;
  };
  for (const part of text.split(",")) {
    const [range, step, ...rest] = part.split("/");
    if (rest.length > 0) return undefined;
    if (step !== undefined && /^\d+$/.test(step) && Number(step) === 0)
      return `${field.name} step 0 (${part}) never moves on: use 1 or more`;
    if (range === "*") continue;
    const bounds = range.split("-");
    if (bounds.length > 2) return undefined;
    const values = bounds.map(value);
    for (const [i, v] of values.entries())
      if (v !== undefined && (v < field.min || v > field.max))
        return `${field.name} ${bounds[i]} is outside ${field.min}-${field.max} (fields: minute hour day month weekday)`;
    const [from, to] = values;
    if (bounds.length === 2 && from !== undefined && to !== undefined && from > to) {
      const spell = (v: number) =>
        field.names && /[a-z]/i.test(range) ? field.names[v - field.min].toUpperCase() : String(v);
      // 7-2 is Sunday to Tuesday: 0-2.
      const meant =
        field.name === "weekday" && from === 7
          ? `${spell(0)}-${bounds[1]}`
          : `${from === field.wrapAt ? bounds[0] : `${bounds[0]}-${spell(field.wrapAt)}`},${to === field.min ? bounds[1] : `${spell(field.min)}-${bounds[1]}`}`;
      return `${field.name} range ${range} runs backwards, and cron ranges do not wrap round: write ${meant} for the values it means`;
    }
  }
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
