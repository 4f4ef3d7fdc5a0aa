/**
 * KServe's Standard mode labels a predictor's Deployment and pods `app: isvc.<isvc>-predictor`, and
 * a label value has at most 63 characters: a 42-character model with a canary, or a model and an
 * experiment 48-52 characters together, passed (their Services fit 63) and their Deployments would be
 * refused by the API server. The variant that crosses the limit is named with the label and the limit.
 */
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { cfg, problemsOf, source, spec } from "./bad-spec-harness";

const name42 = "abcdefghij-klmnopqrst-uvwxyz-0123456789abc";
const name41 = name42.slice(0, 41);

test("a 42-character model with a canary is refused at its canary, naming the pod label", () => {
  const msg = problemsOf(
    source(
      `models/${name42}.yaml`,
      spec(name42, (y) =>
        y.replace(/  - \{ name: exp-b.*\n/, "  []\n").replace("experiments:\n  []", "experiments: []"),
      ),
    ),
  );
  expect(msg).toContain(
    `models/${name42}.yaml: canary: makes KServe's pod label app=isvc.${name42}-canary-predictor 64 characters, over Kubernetes' 63 for a label value (its Deployment would be refused); a model with a canary has a name of at most 41`,
  );
});

test("an experiment whose name with the model's is over 47 characters is refused", () => {
  const msg = problemsOf(
    source(
      `models/${name41}.yaml`,
      spec(name41, (y) => y.replace("name: exp-b,", "name: exp-b12,")),
    ),
  );
  expect(msg).toContain(
    `models/${name41}.yaml: experiments[0].name = "exp-b12": makes KServe's pod label app=isvc.${name41}-exp-b12-predictor 64 characters`,
  );
  expect(msg).toContain("the model's and the experiment's names together at most 47");
});

test("a 41-character model with a canary and a 6-character experiment passes", () => {
  const specs = validateModelSpecs(
    [
      source(
        `models/${name41}.yaml`,
        spec(name41, (y) => y.replace("name: exp-b,", "name: exp-bc,")),
      ),
    ],
    "staging",
    cfg,
  );
  expect(specs.map((s) => s.name)).toEqual([name41]);
});
