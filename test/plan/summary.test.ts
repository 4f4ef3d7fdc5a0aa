import { policyReport, table } from "../../tools/plan/summary";

describe("table", () => {
  it("pads columns to the widest cell", () => {
    expect(table(["a", "bb"], [["xxx", "y"]])).toBe("a    bb\n---  --\nxxx  y");
  });
});

describe("policyReport", () => {
  it("says when policies were not evaluated", () => {
    expect(
      policyReport("prod", { evaluated: false, skipped: "no evaluator", violations: [], mandatory: 0 }),
    ).toContain("Policies were not evaluated: no evaluator.");
  });

  it("lists violations as a markdown table with counts", () => {
    const text = policyReport("prod", {
      evaluated: true,
      mandatory: 1,
      violations: [{ policy: "p", resource: "r", message: "a | b", enforcement: "mandatory" }],
    });
    expect(text).toContain("1 mandatory, 0 advisory.");
    expect(text).toContain("| mandatory | p | r | a \\| b |");
  });
});
