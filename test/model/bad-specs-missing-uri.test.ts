/**
 * A missing model URI says what a model URI is: "required: a string" named no form, and a team
 * copying a spec without its modelUri line had to look up the two schemes in the README.
 */
import { problemsOfEdited } from "./bad-spec-harness";

const WHAT =
  "required: a model URI: s3:// or models:/ (s3://<artifacts>/<model>/<version>, or models:/<name>/<version> in the MLflow registry)";

test("serving.modelUri left out names the two forms", () => {
  const msg = problemsOfEdited("nouri", (y) => y.replace("  modelUri: s3://<artifacts>/nouri/v1\n", ""));
  expect(msg).toContain(`models/nouri.yaml: serving.modelUri: ${WHAT}`);
  expect(msg).not.toContain("required: a string");
});

test("a canary without its modelUri is told the same", () => {
  const msg = problemsOfEdited("nouri2", (y) => y.replace("  modelUri: s3://<artifacts>/nouri2/v2\n", ""));
  expect(msg).toContain(`models/nouri2.yaml: canary.modelUri: ${WHAT}`);
});
