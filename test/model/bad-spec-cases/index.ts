/** Every bad-spec case, for the test that validates them all at once. */
import type { BadSpecCase } from "../bad-spec-harness";
import { POOL_CASES } from "./pools";
import { CANARY_CASES } from "./canary";
import { SCHEDULE_CASES } from "./schedules";
import { VALUE_CASES } from "./values";
import { KEY_AND_NAME_CASES } from "./keys-and-names";

/** The cases of every theme, each a file of its own under models/. */
export const CASES: BadSpecCase[] = [
  ...POOL_CASES,
  ...CANARY_CASES,
  ...SCHEDULE_CASES,
  ...VALUE_CASES,
  ...KEY_AND_NAME_CASES,
];
