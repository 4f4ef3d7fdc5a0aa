/** Bad-spec cases of training schedules: cron fields out of range, ranges and crons Airflow's croniter refuses or never fires. */
import type { BadSpecCase } from "../bad-spec-harness";

/** [what, file name, edit, expected message fragment]. */
export const SCHEDULE_CASES: BadSpecCase[] = [
  [
    "bad cron: a field out of its range is named with the range",
    "a6",
    (y) => y.replace('"0 3 * * *"', '"0 25 * * *"'),
    'models/a6.yaml: training.schedule = "0 25 * * *": hour 25 is outside 0-23 (fields: minute hour day month weekday)',
  ],
  [
    "bad cron: minute out of range",
    "a6m",
    (y) => y.replace('"0 3 * * *"', '"61 * * * *"'),
    'models/a6m.yaml: training.schedule = "61 * * * *": minute 61 is outside 0-59',
  ],
  [
    "bad cron: weekday out of range",
    "a6w",
    (y) => y.replace('"0 3 * * *"', '"0 3 * * 8"'),
    'models/a6w.yaml: training.schedule = "0 3 * * 8": weekday 8 is outside 0-7',
  ],
  [
    "bad cron: a step of 0",
    "a6s",
    (y) => y.replace('"0 3 * * *"', '"*/0 3 * * *"'),
    'models/a6s.yaml: training.schedule = "*/0 3 * * *": minute step 0 (*/0) never moves on: use 1 or more',
  ],
  [
    "bad cron: a range that wraps round is offered the two ranges it means, not its bounds swapped",
    "a6r",
    (y) => y.replace('"0 3 * * *"', '"0 22-2 * * *"'),
    'models/a6r.yaml: training.schedule = "0 22-2 * * *": hour range 22-2 runs backwards, and cron ranges do not wrap round: write 22-23,0-2 for the values it means',
  ],
  [
    "bad cron: a wrapping range of names keeps the names",
    "a6n",
    (y) => y.replace('"0 3 * * *"', '"0 3 * NOV-FEB FRI-MON"'),
    'models/a6n.yaml: training.schedule = "0 3 * NOV-FEB FRI-MON": month range NOV-FEB runs backwards, and cron ranges do not wrap round: write NOV-DEC,JAN-FEB for the values it means',
  ],
  [
    "bad cron: a range past the field's end",
    "a6e",
    (y) => y.replace('"0 3 * * *"', '"0 3 * * 1-10"'),
    'models/a6e.yaml: training.schedule = "0 3 * * 1-10": weekday 10 is outside 0-7',
  ],
  [
    "a cron Airflow's croniter refuses (hashed)",
    "hashed",
    (y) => y.replace('schedule: "0 3 * * *"', 'schedule: "H 3 * * *"'),
    'models/hashed.yaml: training.schedule = "H 3 * * *": must be a five-field cron expression',
  ],
  [
    "a cron Airflow's croniter refuses (last weekday)",
    "lastfri",
    (y) => y.replace('schedule: "0 3 * * *"', 'schedule: "0 3 * * 5L"'),
    'models/lastfri.yaml: training.schedule = "0 3 * * 5L": must be a five-field cron expression',
  ],
  [
    "a cron that never fires (31 February)",
    "feb31",
    (y) => y.replace('schedule: "0 3 * * *"', 'schedule: "0 3 31 2 *"'),
    'models/feb31.yaml: training.schedule = "0 3 31 2 *": never fires: day 31 does not exist in month 2',
  ],
  [
    "an n-th weekday beside a day of the month (croniter finds no date)",
    "nthday",
    (y) => y.replace('schedule: "0 3 * * *"', 'schedule: "0 3 1 * 5#2"'),
    'models/nthday.yaml: training.schedule = "0 3 1 * 5#2": weekday 5#2 needs * as the day of the month (got 1)',
  ],
  [
    "31 February with a weekday is still never",
    "feb31w",
    (y) => y.replace('schedule: "0 3 * * *"', 'schedule: "0 3 31 2 1"'),
    'models/feb31w.yaml: training.schedule = "0 3 31 2 1": never fires: day 31 does not exist in month 2',
  ],
];
