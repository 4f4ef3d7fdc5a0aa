import { z } from "zod";
import { formatProblems, pathInside } from "../../components/config/errors";
import {
  parseWithout,
  perElement,
  problemsBeyondSchema,
  RejectedFieldRead,
} from "../../components/config/beyond-schema";

const schema = z.strictObject({
  name: z.string(),
  limits: z.strictObject({ min: z.number(), max: z.number() }).optional(),
  items: z.array(z.strictObject({ size: z.number().min(1) })).default([]),
});
type Value = z.infer<typeof schema>;

describe("parseWithout", () => {
  test("fences a bad field and parses the rest; reading the fenced field throws", () => {
    const input = { name: "a", limits: { min: 1, max: "x" }, items: [{ size: 2 }] };
    const r = parseWithout(schema, input);
    expect(r?.dropped).toEqual(["limits.max"]);
    expect(r?.value.name).toBe("a");
    expect(r?.value.limits?.min).toBe(1);
    expect(r?.value.items).toEqual([{ size: 2 }]);
    expect(() => r?.value.limits?.max).toThrow(RejectedFieldRead);
    expect(input.limits.max).toBe("x"); // the caller's input is not touched
  });

  test("a missing required field is fenced, not its parent", () => {
    const r = parseWithout(schema, { name: "a", limits: { min: 3 } });
    expect(r?.dropped).toEqual(["limits.max"]);
    expect(r?.value.limits?.min).toBe(3);
  });

  test("only the bad list element is fenced; the others keep their numbers", () => {
    const r = parseWithout(schema, { name: "a", items: [{ size: 2 }, { size: 0 }, { size: 3 }] });
    expect(r?.dropped).toEqual(["items[1].size"]);
    expect(r?.value.items[0].size).toBe(2);
    expect(r?.value.items[2].size).toBe(3);
    expect(() => r?.value.items[1].size).toThrow(RejectedFieldRead);
  });

  test("unknown keys are deleted", () => {
    expect(parseWithout(schema, { name: "a", colour: "red" })).toEqual({
      value: { name: "a", items: [] },
      dropped: ["colour"],
    });
  });

  test("a field a refinement of its parent keeps rejecting fences the parent", () => {
    const refined = z.strictObject({
      name: z.string(),
      limits: z
        .strictObject({ min: z.number(), max: z.number() })
        .refine((l) => l.min <= l.max, { path: ["min"], message: "above max" }),
    });
    const r = parseWithout(refined, { name: "a", limits: { min: 5, max: 1 } });
    expect(r?.dropped).toEqual(["limits"]);
    expect(r?.value.name).toBe("a");
    expect(() => r?.value.limits).toThrow(RejectedFieldRead);
  });

  test("nothing to parse once the root itself is rejected", () => {
    expect(parseWithout(schema, "not an object")).toBeUndefined();
    expect(
      parseWithout(
        schema.refine(() => false),
        { name: "a" },
      ),
    ).toBeUndefined();
  });
});

describe("pathInside", () => {
  test.each([
    ["a.b", "a", true],
    ["a", "a", true],
    ["a", "a.b", false],
    ["a.bc", "a.b", false],
    ["a[0].x", "a", true],
    ["a[1]", "a[0]", false],
    ["events[1].end", "events[1]", true],
  ])("%s inside %s: %s", (a, b, want) => {
    expect(pathInside(a, b)).toBe(want);
  });
});

describe("problemsBeyondSchema", () => {
  const minAboveMax = (v: Value) =>
    v.limits && v.limits.min > v.limits.max ? [{ file: "f", path: "limits.min", reason: "above max" }] : [];
  const itemSizes = (v: Value) =>
    perElement(v.items, (it, i) => [{ file: "f", path: `items[${i}].size`, reason: `size ${it.size}` }]);
  const nameLength = (v: Value) =>
    v.name.length > 3 ? [{ file: "f", path: "name", reason: "longer than 3" }] : [];

  test("reports what the checks find outside the fields already reported or fenced", () => {
    const input = { name: "a", limits: { min: 5, max: 1 }, items: [{ size: 2 }, { size: 0 }, { size: 4 }] };
    const reported = [{ file: "f", path: "items[1].size", reason: "too small" }];
    expect(
      problemsBeyondSchema(schema, input, reported, [minAboveMax, itemSizes]).map((p) => p.path),
    ).toEqual(["limits.min", "items[0].size", "items[2].size"]);
  });

  test("a check that reads a rejected field adds nothing; the others still report", () => {
    const input = { name: "abcdef", limits: { min: 5, max: "ten" } };
    const reported = [{ file: "f", path: "limits.max", reason: "expected number" }];
    expect(problemsBeyondSchema(schema, input, reported, [minAboveMax, nameLength])).toEqual([
      { file: "f", path: "name", reason: "longer than 3" },
    ]);
  });

  test("a check that throws on the partial value adds nothing", () => {
    const boom = () => {
      throw new Error("boom");
    };
    expect(
      problemsBeyondSchema(schema, { name: "abcd", items: [{ size: 0 }] }, [], [boom, nameLength]),
    ).toEqual([{ file: "f", path: "name", reason: "longer than 3" }]);
  });
});

test("a problem whose value holds a rejected item is dropped, not a crash when it is printed", () => {
  // The check reads item 0 only, but hands the whole list on as the problem's value.
  const firstItem = (v: Value) =>
    v.items[0].size === 2 ? [{ file: "f", path: "items", value: v.items, reason: "starts at 2" }] : [];
  const nameLength = (v: Value) =>
    v.name.length > 3 ? [{ file: "f", path: "name", reason: "longer than 3" }] : [];
  const input = { name: "abcd", items: [{ size: 2 }, { size: 0 }] };
  const reported = [{ file: "f", path: "items[1].size", reason: "too small" }];
  const found = problemsBeyondSchema(schema, input, reported, [firstItem, nameLength]);
  expect(JSON.stringify(found)).toBe('[{"file":"f","path":"name","reason":"longer than 3"}]');
});

describe("formatProblems", () => {
  test("a reason of several lines is nested under the problem it belongs to", () => {
    const reason = "2 problems in traffic file t.csv:\n  - t.csv:3: bad\n  - t.csv:4: worse";
    expect(
      formatProblems([
        { file: "Pulumi.prod.yaml", path: "mlops-platform:trafficHistory", reason },
        { file: "models/a.yaml", path: "name", value: "b", reason: "must equal the file name (a)" },
      ]),
    ).toBe(
      [
        "2 configuration problems:",
        "  - Pulumi.prod.yaml: mlops-platform:trafficHistory: 2 problems in traffic file t.csv:",
        "      - t.csv:3: bad",
        "      - t.csv:4: worse",
        '  - models/a.yaml: name = "b": must equal the file name (a)',
      ].join("\n"),
    );
  });
});

describe("perElement", () => {
  test("other errors than a rejected field are not swallowed", () => {
    expect(() =>
      perElement([1], () => {
        throw new Error("bug");
      }),
    ).toThrow("bug");
  });
});
