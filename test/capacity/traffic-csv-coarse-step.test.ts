/**
 * A traffic file exported at a coarser step than a minute (Prometheus' query_range or a Grafana panel
 * at 5 minutes) is named as such beside its gap, instead of only thousands of missing minutes.
 */
import { errorOf } from "./traffic-csv-harness";

/** Rows of models a and b every `step` minutes from 00:00 for `count` rows each. */
function rowsEvery(step: number, count: number): string[] {
  const rows: string[] = [];
  for (let k = 0; k < count; k++) {
    const ts = new Date(Date.parse("2026-12-07T00:00:00Z") + k * step * 60_000).toISOString();
    rows.push(`${ts.replace(".000Z", "Z")},a,10`, `${ts.replace(".000Z", "Z")},b,20`);
  }
  return rows;
}

describe("traffic CSV at a coarser step", () => {
  test("rows 5 minutes apart are named with their step", () => {
    const msg = errorOf(rowsEvery(5, 4));
    expect(msg).toContain(
      "model a is missing 12 minutes (gap), first 2026-12-07T00:01:00Z; one row per model per minute is required (its rows are 5 minutes apart: export one row per minute, e.g. Prometheus query_range with step=60s)",
    );
    expect(msg).toContain("model b is missing 12 minutes (gap)");
  });

  test("an irregular gap keeps the plain gap message", () => {
    const rows = rowsEvery(1, 6).filter((r) => !r.startsWith("2026-12-07T00:02") || r.includes(",b,"));
    const msg = errorOf(rows);
    expect(msg).toContain("model a is missing 1 minute (gap), first 2026-12-07T00:02:00Z");
    expect(msg).not.toContain("apart");
  });

  test("two rows a few minutes apart are not read as a step", () => {
    const msg = errorOf(rowsEvery(3, 2));
    expect(msg).toContain("model a is missing 2 minutes (gap)");
    expect(msg).not.toContain("apart");
  });
});
