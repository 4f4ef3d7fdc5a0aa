/**
 * Two models whose per-variant Pulumi names meet: the Kubernetes objects live in different
 * namespaces and the offline plan recorded both, but `pulumi up` refuses a second resource of one
 * type and name (a duplicate URN). The experiment whose name makes the clash is named, with the
 * other model's file, before anything is declared.
 */
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { variantChildName } from "../../components/model/variants";
import { cfg, problemsOf, source } from "./bad-spec-harness";

/** A minimal valid spec `name`, with `extra` YAML appended (experiments). */
function minimal(name: string, extra = ""): string {
  return `name: ${name}
team: homepage
serving:
  runtime: triton
  modelUri: s3://<artifacts>/${name}/v1
  gpu: { pool: inference, share: 0.25 }
  rpsPerReplica: 100
  replicas: { min: 1, max: 1 }
slo: { latencyP99Ms: 50, availability: 99.9 }
${extra}`;
}

const experiment = (exp: string, model: string) =>
  `experiments:\n  - { name: ${exp}, modelUri: "s3://<artifacts>/${model}/x", weight: 10 }\n`;

test("an experiment whose PodDisruptionBudget takes another model's stable name is refused", () => {
  const msg = problemsOf(
    source("models/ab.yaml", minimal("ab", experiment("pdb-stable", "ab"))),
    source("models/ab-pdb.yaml", minimal("ab-pdb")),
  );
  expect(msg.split("\n")).toEqual([
    "1 configuration problem:",
    '  - models/ab.yaml: experiments[0].name = "pdb-stable": gives its PodDisruptionBudget ab-pdb-pdb-stable the Pulumi name of model ab-pdb\'s stable variant (models/ab-pdb.yaml): pulumi up refuses two resources of one type and name (a duplicate URN); rename the experiment',
  ]);
});

test("two experiments that meet are each named", () => {
  const msg = problemsOf(
    source("models/price.yaml", minimal("price", experiment("scaler-v2", "price"))),
    source("models/price-scaler.yaml", minimal("price-scaler", experiment("v2", "price-scaler"))),
  );
  expect(msg).toContain(
    'models/price.yaml: experiments[0].name = "scaler-v2": gives its ScaledObject price-scaler-scaler-v2 the Pulumi name of model price-scaler\'s v2 variant (models/price-scaler.yaml)',
  );
  expect(msg).toContain(
    'models/price-scaler.yaml: experiments[0].name = "v2": gives its ScaledObject price-scaler-scaler-v2 the Pulumi name of model price\'s scaler-v2 variant (models/price.yaml)',
  );
});

test("similar names that do not meet pass: feed-ab with experiment canary-b beside model feed-ab-canary", () => {
  const specs = validateModelSpecs(
    [
      source("models/feed-ab.yaml", minimal("feed-ab", experiment("canary-b", "feed-ab"))),
      source("models/feed-ab-canary.yaml", minimal("feed-ab-canary", experiment("b", "feed-ab-canary"))),
    ],
    "staging",
    cfg,
  );
  expect(specs.map((s) => s.name)).toEqual(["feed-ab", "feed-ab-canary"]);
});

test("the check reads the names the ModelStack declares", () => {
  // model-stack.ts names its per-variant children through this one function.
  expect(variantChildName("ab", "pdb", "pdb-stable")).toBe(variantChildName("ab-pdb", "pdb", "stable"));
});
