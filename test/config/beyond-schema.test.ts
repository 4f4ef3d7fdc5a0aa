import { z } from "zod";
import { parseWithout, pathsOverlap, problemsBeyondSchema } from "../../components/config/errors";

const schema = z.strictObject({
  name: z.string(),
  limits: z.strictObject({ min: z.number(), max: z.number() }).optional(),
  items: z.array(z.strictObject({ size: z.number().min(1) })).default([]),
});

describe("parseWithout", () => {
  test("drops a bad optional field and parses the rest", () => {
    const input = { name: "a", limits: { min: 1, max: "x" }, items: [{ size: 2 }] };
    expect(parseWithout(schema, input)).toEqual({
      value: { name: "a", items: [{ size: 2 }] },
      dropped: ["limits.max", "limits"],
    });
    expect(input.limits.max).toBe("x"); // the caller's input is not touched
  });

  test("a bad list element is removed and the list from it on counts as dropped", () => {
    const r = parseWithout(schema, { name: "a", items: [{ size: 2 }, { size: 0 }, { size: 3 }] });
    expect(r).toEqual({
      value: { name: "a", items: [{ size: 2 }, { size: 3 }] },
      dropped: ["items[1].size", "items[1+]"],
    });
  });

  test("nothing to parse once a required top-level field is bad", () => {
    expect(parseWithout(schema, { name: 5 })).toBeUndefined();
  });
});

describe("pathsOverlap", () => {
  test.each([
    ["a.b", "a", true],
    ["a", "a.b", true],
    ["a.bc", "a.b", false],
    ["a[0].x", "a", true],
    ["events[0].end", "events[1+]", false],
    ["events[1].end", "events[1+]", true],
    ["events[12]", "events[1+]", true],
  ])("%s against %s: %s", (a, b, want) => {
    expect(pathsOverlap(a, b)).toBe(want);
  });
});

describe("problemsBeyondSchema", () => {
  // A cross-field check: min <= max, and the first item no larger than max.
  const check = (v: z.infer<typeof schema>) => [
    ...(v.limits && v.limits.min > v.limits.max
      ? [{ file: "f", path: "limits.min", reason: "above max" }]
      : []),
    ...v.items.map((it, i) => ({ file: "f", path: `items[${i}].size`, reason: `size ${it.size}` })),
  ];

  test("reports what the check finds outside the fields already reported or dropped", () => {
    const input = { name: "a", limits: { min: 5, max: 1 }, items: [{ size: 2 }, { size: 0 }, { size: 4 }] };
    const reported = [{ file: "f", path: "items[1].size", reason: "too small" }];
    expect(problemsBeyondSchema(schema, input, reported, check).map((p) => p.path)).toEqual([
      "limits.min",
      "items[0].size",
    ]);
  });

  test("a check that throws on the partial value adds nothing", () => {
    expect(
      problemsBeyondSchema(schema, { name: "a", items: [{ size: 0 }] }, [], () => {
        throw new Error("boom");
      }),
    ).toEqual([]);
  });
});
