/**
 * A spec named for another file's model gets one problem that says both: its name is not its file's,
 * and the model it names is another file's (a reviewer's order-eta-rerank.yaml still named
 * homepage-feed was told only to match its file name).
 */
import { problemsOf, source, spec } from "./bad-spec-harness";

test("a copied spec whose name was not changed names the file whose model it clashes with", () => {
  const msg = problemsOf(
    source("models/homepage-feed.yaml", spec("homepage-feed")),
    source("models/order-eta-rerank.yaml", spec("homepage-feed")),
  );
  expect(msg.split("\n")).toEqual([
    "1 configuration problem:",
    '  - models/order-eta-rerank.yaml: name = "homepage-feed": must equal the file name (order-eta-rerank), and homepage-feed is already the model of models/homepage-feed.yaml (two files cannot declare one model)',
  ]);
});

test("the clash is named whichever file comes first, and only with a file of that model", () => {
  const msg = problemsOf(
    source("models/a-copy.yaml", spec("zz-model")),
    source("models/zz-model.yaml", spec("zz-model")),
    source("models/typo.yaml", spec("typo2")),
  );
  expect(msg).toContain(
    'models/a-copy.yaml: name = "zz-model": must equal the file name (a-copy), and zz-model is already the model of models/zz-model.yaml',
  );
  expect(msg).toMatch(/models\/typo\.yaml: name = "typo2": must equal the file name \(typo\)$/m);
});
