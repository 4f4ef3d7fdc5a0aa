/**
 * A stack's traffic history is read without the specs (it may hold retired models), yet a row whose
 * model is no model name at all is a mistake: plan read `Homepage-Feed` as a retired model and
 * reported the minutes of homepage-feed it held as a gap, where simulate (which knows the specs)
 * said the name was mis-cased (a black-box review).
 */
import { parseTrafficCsv, TrafficError } from "../../components/capacity/traffic";
import { HEADER, ok } from "./traffic-csv-harness";

function historyError(lines: string[]): string {
  try {
    parseTrafficCsv([HEADER, ...lines].join("\n"), "history.csv");
  } catch (err) {
    expect(err).toBeInstanceOf(TrafficError);
    return (err as Error).message;
  }
  throw new Error("expected the history to be refused");
}

describe("traffic history model names (no spec list)", () => {
  test("a mis-cased model is named as such, once, and its minute is no gap of the model", () => {
    const msg = historyError(
      [...ok.slice(0, 3), "2026-12-07T00:01:00Z,B,21", "2026-12-07T00:02:00Z,a,12"].concat([
        "2026-12-07T00:02:00Z,B,22",
      ]),
    );
    expect(msg).toContain('history.csv:5: model "B" is no model name; model names are lower-case (b)');
    expect(msg.match(/"B"/g)).toHaveLength(1);
    expect(msg).not.toMatch(/model b is missing/);
  });

  test("a name no model can have says what a model name is", () => {
    const msg = historyError([...ok, "2026-12-07T00:00:00Z,feed_v2,5"]);
    expect(msg).toContain(
      `history.csv:6: model "feed_v2" is no model name: lower-case letters, digits and '-', first a letter, last not '-'`,
    );
  });

  test("a model no spec names (a retired one) is still read", () => {
    const t = parseTrafficCsv(
      [HEADER, ...ok, "2026-12-07T00:00:00Z,retired-model,5", "2026-12-07T00:01:00Z,retired-model,6"].join(
        "\n",
      ),
      "history.csv",
    );
    expect(t.models).toEqual(["a", "b", "retired-model"]);
  });
});
