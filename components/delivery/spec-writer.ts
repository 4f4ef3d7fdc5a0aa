/**
 * Edits a model spec's YAML text in place for the delivery commands, keeping the team's comments and
 * layout (yaml's Document API). A canary may live in the base spec or in `stacks.<stack>` (staging
 * first): every edit works at the level where the canary is.
 */
import * as YAML from "yaml";

/** The path prefix where `stack`'s canary lives: `["stacks", stack]` or the base `[]`. */
export function canaryScope(doc: YAML.Document, stack: string): string[] {
  return doc.hasIn(["stacks", stack, "canary"]) ? ["stacks", stack] : [];
}

function parse(text: string): YAML.Document {
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`model spec is not valid YAML: ${doc.errors[0].message}`);
  return doc;
}

/** Removes the canary of `stack` (rollback). */
export function removeCanary(text: string, stack: string): string {
  const doc = parse(text);
  const scope = canaryScope(doc, stack);
  doc.deleteIn([...scope, "canary"]);
  pruneEmpty(doc, stack);
  return doc.toString();
}

/**
 * Makes the canary of `stack` the stable version: `serving.modelUri` at the canary's level takes the
 * canary's URI, the canary is removed. A stack override that now equals the base is dropped.
 */
export function promoteCanary(text: string, stack: string): string {
  const doc = parse(text);
  const scope = canaryScope(doc, stack);
  const uri = doc.getIn([...scope, "canary", "modelUri"]);
  if (typeof uri !== "string") throw new Error(`no canary.modelUri for stack ${stack}`);
  doc.setIn([...scope, "serving", "modelUri"], uri);
  doc.deleteIn([...scope, "canary"]);
  if (scope.length === 0) {
    // The base now carries the version; stack overrides pinning the same URI are redundant.
    const stacks = doc.get("stacks");
    if (YAML.isMap(stacks)) {
      for (const item of stacks.items) {
        const name = String((item.key as YAML.Scalar).value ?? item.key);
        if (doc.getIn(["stacks", name, "serving", "modelUri"]) === uri)
          doc.deleteIn(["stacks", name, "serving", "modelUri"]);
        pruneEmpty(doc, name);
      }
    }
  }
  pruneEmpty(doc, stack);
  return doc.toString();
}

/**
 * Starts a canary of `uri` in the base spec (the prod path after staging proved it), at the first
 * analysis step unless a canary block already sets one.
 */
export function startCanary(text: string, uri: string, firstStep: number): string {
  const doc = parse(text);
  doc.setIn(["canary", "modelUri"], uri);
  doc.setIn(["canary", "trafficPercent"], firstStep);
  return doc.toString();
}

/** Deletes maps left empty under `stacks.<stack>` (and `stacks` itself) after an edit. */
function pruneEmpty(doc: YAML.Document, stack: string): void {
  for (const path of [["stacks", stack, "serving"], ["stacks", stack], ["stacks"]]) {
    const node = doc.getIn(path, true);
    if (YAML.isMap(node) && node.items.length === 0) doc.deleteIn(path);
  }
}
