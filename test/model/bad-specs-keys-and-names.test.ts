/** Bad model specs: misspelt and missing keys, names, teams and problems said in the words of the others. */
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { cfg, problemsOf, problemsOfEdited, source, spec } from "./bad-spec-harness";
import { KEY_AND_NAME_CASES } from "./bad-spec-cases/keys-and-names";

describe("bad model specs", () => {
  test.each(KEY_AND_NAME_CASES)("%s", (_what, name, edit, message) => {
    expect(problemsOfEdited(name, edit)).toContain(message);
  });

  test("a misspelt required key is one problem, at the typo, not also the field it meant as missing", () => {
    const msg = problemsOfEdited("b4", (y) => y.replace("replicas: { min", "replica: { min"));
    expect(msg.split("\n")).toEqual([
      "1 configuration problem:",
      expect.stringMatching(
        /^ {2}- models\/b4\.yaml: serving\.replica: unknown key; did you mean replicas\?/,
      ),
    ]);
    // A key far from any field leaves the missing one reported: nothing names it.
    expect(problemsOfEdited("b4", (y) => y.replace("replicas: { min", "scaling: { min"))).toContain(
      "models/b4.yaml: serving.replicas: required",
    );
  });

  test("a team a letter or two from one with a receiver is a typo; a new team pages the platform team", () => {
    const withReceivers = {
      ...cfg,
      alerting: {
        ...cfg.alerting,
        receivers: {
          ...cfg.alerting.receivers,
          homepage: { kind: "webhook", urlSecret: "hook" },
          pdp: { kind: "webhook", urlSecret: "hook2" },
        },
      },
    } as typeof cfg;
    const check = (team: string) => {
      try {
        validateModelSpecs(
          [
            source(
              "models/t.yaml",
              spec("t", (y) => y.replace("team: homepage", `team: ${team}`)),
            ),
          ],
          "staging",
          withReceivers,
        );
        return "ok";
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(check("hompage")).toContain(
      'models/t.yaml: team = "hompage": has no receiver in alerting.receivers; did you mean homepage?',
    );
    expect(check("pd")).toBe("ok"); // two letters: no edit allowed
    expect(check("ads")).toBe("ok"); // two edits from pdp, but only one allowed at three letters
    expect(check("cart")).toBe("ok");
    expect(check("homepage")).toBe("ok");
  });

  test("duplicate names across files are reported against the second file", () => {
    const a = source("models/dup.yaml", spec("dup"));
    const b = source("other/dup.yaml", spec("dup"));
    expect(problemsOf(a, b)).toContain(
      'other/dup.yaml: name = "dup": duplicate model name, already used by models/dup.yaml',
    );
  });
});

test("a wrong type, option or bound is said in the words of the other problems, not zod's", () => {
  const msg = problemsOfEdited("words", (y) =>
    y
      .replace("runtime: triton", "runtime: Triton")
      .replace(
        "replicas: { min: 1, max: 4 }",
        "replicas: [1, 4]\n  coldStartSeconds: -5\n  targetUtilization: 2",
      )
      .replace("slo: { latencyP99Ms: 50, availability: 99.9 }", "slo: 5")
      .replace("trafficPercent: 10", "trafficPercent: 10.5")
      .replace("steps: [10, 50, 100]", "steps: []")
      .replace("schedule:", "retrainOn: drift\n  schedule:"),
  );
  for (const line of [
    'serving.runtime = "Triton": must be one of triton, mlserver, torchserve, custom (did you mean triton?)',
    "serving.replicas = [1,4]: must be a map with min, max, not a list",
    "serving.coldStartSeconds = -5: must be >= 0",
    "serving.targetUtilization = 2: must be <= 1",
    "slo = 5: must be a map with latencyP99Ms, availability, not a number",
    "canary.trafficPercent = 10.5: must be a whole percentage from 0 to 99 (10 is 10%, not 0.1)",
    "canary.analysis.steps = []: must have at least 1 item",
    'training.retrainOn = "drift": must be a list, not a string',
  ])
    expect(msg).toContain(`models/words.yaml: ${line}`);
  expect(msg).not.toMatch(/Invalid (input|option)|Too (small|big)/);
});

test("YAML's .nan and .inf are named as such, not as 'a number, not a number'", () => {
  const msg = problemsOfEdited("nonfinite", (y) =>
    y
      .replace(
        "rpsPerReplica: 300",
        "rpsPerReplica: 300\n  coldStartSeconds: .inf\n  targetUtilization: .nan",
      )
      .replace("trafficPercent: 10", "trafficPercent: -.inf"),
  );
  for (const line of [
    "serving.coldStartSeconds = Infinity: must be a finite number, not .inf",
    "serving.targetUtilization = NaN: must be a finite number, not .nan",
    "canary.trafficPercent = -Infinity: must be a finite number, not -.inf",
  ])
    expect(msg).toContain(`models/nonfinite.yaml: ${line}`);
});

test("a type error does not hide a name that differs from the file or repeats another", () => {
  const broken = (y: string) => y.replace("trafficPercent: 10", "trafficPercent: ten");
  const msg = problemsOf(
    source("models/one.yaml", spec("one", broken)),
    source("models/two.yaml", spec("one", broken)),
    source("other/one.yaml", spec("one", broken)),
  );
  expect(msg).toContain('models/one.yaml: canary.trafficPercent = "ten"');
  expect(msg).toContain('models/two.yaml: name = "one": must equal the file name (two)');
  expect(msg).toContain(
    'other/one.yaml: name = "one": duplicate model name, already used by models/one.yaml',
  );
});

test("a name that differs from its file is that one problem, not also a duplicate on the file it copies", () => {
  // A team copies homepage-feed.yaml to homepage-feed-v2.yaml and forgets the name: the new file
  // sorts first, and the untouched file was blamed as the duplicate.
  const msg = problemsOf(
    source("models/homepage-feed-v2.yaml", spec("homepage-feed")),
    source("models/homepage-feed.yaml", spec("homepage-feed")),
  );
  expect(msg.split("\n")).toEqual([
    "1 configuration problem:",
    '  - models/homepage-feed-v2.yaml: name = "homepage-feed": must equal the file name (homepage-feed-v2), and homepage-feed is already the model of models/homepage-feed.yaml (two files cannot declare one model)',
  ]);
});
