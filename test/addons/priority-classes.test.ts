import { PRIORITY_CLASSES } from "../../components/addons/addons-context";
import { PriorityClasses, priorityClassSpecs } from "../../components/addons/priority-classes";
import { TYPES, find, record, stackConfig } from "./harness";

describe("PriorityClasses", () => {
  const specs = Object.fromEntries(priorityClassSpecs().map((s) => [s.name, s]));

  test("serving outranks training and may preempt it", () => {
    const serving = specs[PRIORITY_CLASSES.serving];
    const training = specs[PRIORITY_CLASSES.training];
    expect(serving.value).toBeGreaterThan(training.value);
    expect(serving.preemptionPolicy).toBe("PreemptLowerPriority");
  });

  test("training never preempts anyone", () => {
    expect(specs[PRIORITY_CLASSES.training].preemptionPolicy).toBe("Never");
  });

  test("both stay below the system classes (system-cluster-critical = 2e9) and above unclassed pods", () => {
    for (const spec of priorityClassSpecs()) {
      expect(spec.value).toBeGreaterThan(0);
      expect(spec.value).toBeLessThan(1_000_000_000);
    }
  });

  test("the component creates both classes, neither as the global default", async () => {
    const { resources } = await record(() => new PriorityClasses("prio", { config: stackConfig("staging") }));
    expect(find(resources, "mlops:addons:PriorityClasses", "prio")).toBeDefined();
    const serving = find(resources, TYPES.priorityClass, "prio-mlops-serving").inputs;
    expect(serving).toMatchObject({
      metadata: { name: "mlops-serving" },
      value: 1_000_000,
      preemptionPolicy: "PreemptLowerPriority",
      globalDefault: false,
    });
    const training = find(resources, TYPES.priorityClass, "prio-mlops-training").inputs;
    expect(training).toMatchObject({ value: 1_000, preemptionPolicy: "Never", globalDefault: false });
  });
});
