/**
 * Edits a model spec's YAML text in place for the delivery commands, keeping the team's comments and
 * layout (yaml's Document API). A canary may live in the base spec or in `stacks.<stack>`.
 *
 * An edit for one stack never changes what another stack deploys: where the base holds what another
 * stack inherits (its canary, or its `serving.modelUri`), the edit goes to `stacks.<stack>` instead
 * (`canary: null` removes the inherited canary there). `otherStacks` are the project's other stacks.
 */
import * as YAML from "yaml";

/**
 * The spec's document with every alias replaced by a copy of what it names, and every merge key
 * (`<<: *prod`) by the keys it merges: an edit through an alias (`staging: *prod`) would change both
 * stacks, yaml's `setIn` cannot descend into one, and a key that only a merge sets is invisible to
 * `hasIn`, so the edits below would misjudge what a stack sets itself.
 */
function parse(text: string): YAML.Document {
  // Without yaml's `merge` option a merge key stays a plain `<<` key, written out below.
  const doc = YAML.parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`model spec is not valid YAML: ${doc.errors[0].message}`);
  YAML.visit(doc, {
    Alias(_key, alias) {
      const target = alias.resolve(doc);
      if (!target) return undefined;
      const copy = target.clone() as YAML.Node & { anchor?: string };
      copy.anchor = undefined;
      return copy;
    },
  });
  expandMergeKeys(doc.contents);
  return doc;
}

/**
 * Replaces each `<<` pair of the maps under `node` by the pairs it merges that the map does not set
 * itself, as YAML 1.1's merge key reads: the map's own keys win, then the merged maps in their order.
 * Inner maps first, so a merged map's own merges are already written out.
 */
function expandMergeKeys(node: unknown): void {
  if (YAML.isSeq(node)) for (const item of node.items) expandMergeKeys(item);
  if (!YAML.isMap(node)) return;
  for (const pair of node.items) expandMergeKeys(pair.value);
  const isMerge = (pair: YAML.Pair) => YAML.isScalar(pair.key) && pair.key.value === "<<";
  const keyOf = (pair: YAML.Pair) => (YAML.isScalar(pair.key) ? pair.key.value : pair.key);
  const seen = new Set(node.items.filter((p) => !isMerge(p)).map(keyOf));
  const items: YAML.Pair[] = [];
  for (const pair of node.items) {
    if (!isMerge(pair)) {
      items.push(pair);
      continue;
    }
    const sources = YAML.isSeq(pair.value) ? pair.value.items : [pair.value];
    for (const source of sources) {
      if (!YAML.isMap(source)) continue; // the loader refuses such a spec (a merge of a scalar)
      for (const merged of source.items) {
        if (seen.has(keyOf(merged))) continue;
        seen.add(keyOf(merged));
        items.push(merged as YAML.Pair);
      }
    }
  }
  node.items = items;
}

/**
 * Whether stack `t` deploys any of the base's canary: objects deep-merge, so its own block (say
 * `canary: { trafficPercent: 5 }`) still takes every field it does not set from the base. Only
 * `canary: null` switches the base's off.
 */
function inheritsBaseCanary(doc: YAML.Document, t: string): boolean {
  const own = doc.getIn(["stacks", t, "canary"], true);
  // `canary:` with no value (or `{ canary }` in a flow map) has no node at all: null too.
  return !(own === null || (YAML.isScalar(own) && own.value === null));
}

/**
 * Whether another stack deploys the base's canary (`path` `["canary"]`) or the base's scalar at
 * `path` (one it does not set itself).
 */
function inheritedElsewhere(doc: YAML.Document, path: string[], otherStacks: readonly string[]): boolean {
  if (!doc.hasIn(path) || (path.length === 1 && path[0] === "canary" && !hasBaseCanary(doc))) return false;
  return otherStacks.some((t) =>
    path.length === 1 && path[0] === "canary"
      ? inheritsBaseCanary(doc, t)
      : !doc.hasIn(["stacks", t, ...path]),
  );
}

/**
 * Whether the spec has a base canary: `canary:` left empty (or `canary: null`) is none, as the
 * validation reads it.
 */
function hasBaseCanary(doc: YAML.Document): boolean {
  const node = doc.getIn(["canary"], true);
  return doc.hasIn(["canary"]) && !(node === null || (YAML.isScalar(node) && node.value === null));
}

/**
 * Without a base canary, a stack's `canary: null` switches nothing off; left in place it would keep
 * the next base canary out of that stack (a version would reach prod without staging).
 */
function clearStaleCanaryNulls(doc: YAML.Document): void {
  if (hasBaseCanary(doc)) return;
  for (const name of stackNames(doc)) {
    // The record of a rolled-back base canary goes with it: no stack can promote it any more.
    deletePath(doc, ["stacks", name, "rolledBack"]);
    if (!inheritsBaseCanary(doc, name)) doc.deleteIn(["stacks", name, "canary"]);
    pruneEmpty(doc, name);
  }
}

/**
 * Sets `value` at `path`, replacing a `null` on the way (`canary: null` in an override) by a map:
 * yaml's `setIn` cannot descend into a scalar.
 */
function setPath(doc: YAML.Document, path: string[], value: unknown): void {
  for (let i = 1; i < path.length; i++) {
    const node = doc.getIn(path.slice(0, i), true);
    if (node === null || (YAML.isScalar(node) && node.value === null))
      doc.setIn(path.slice(0, i), doc.createNode({}));
  }
  // A null as a node, so it is written `canary: null` (a bare null is `? canary` or `{ canary }`).
  doc.setIn(path, value === null ? doc.createNode(null) : value);
}

/**
 * Takes `stack`'s canary away: its own block is deleted, and the base's is deleted where no other
 * stack inherits it, or else switched off for `stack` alone (`stacks.<stack>.canary: null`).
 */
function dropCanary(doc: YAML.Document, stack: string, otherStacks: readonly string[]): void {
  deletePath(doc, ["stacks", stack, "canary"]);
  if (!hasBaseCanary(doc)) return;
  if (inheritedElsewhere(doc, ["canary"], otherStacks)) setPath(doc, ["stacks", stack, "canary"], null);
  else doc.deleteIn(["canary"]);
}

/** Removes the canary of `stack` (rollback). */
export function removeCanary(text: string, stack: string, otherStacks: readonly string[] = []): string {
  const doc = parse(text);
  // A base canary the other stacks still run: this stack's verdict is recorded with the version, so
  // that another stack refuses to promote it (`rejectedBy`) whatever this stack serves later.
  const base = doc.getIn(["canary", "modelUri"]);
  if (
    typeof base === "string" &&
    inheritsBaseCanary(doc, stack) &&
    inheritedElsewhere(doc, ["canary"], otherStacks)
  )
    setPath(doc, ["stacks", stack, "rolledBack"], doc.createNode([base], { flow: true }));
  dropCanary(doc, stack, otherStacks);
  clearStaleCanaryNulls(doc);
  pruneEmpty(doc, stack);
  return doc.toString();
}

/**
 * Makes the canary of `stack` its stable version: `serving.modelUri` takes the canary's URI (its own,
 * or the base's when `stacks.<stack>.canary` sets only other fields) and the canary is removed. In
 * the base when no other stack deploys the base's version or canary (a stack override that now
 * equals the base is dropped), else in `stacks.<stack>`.
 */
export function promoteCanary(text: string, stack: string, otherStacks: readonly string[] = []): string {
  const doc = parse(text);
  const own = doc.getIn(["stacks", stack, "canary", "modelUri"]);
  const uri =
    own ?? (doc.getIn(["stacks", stack, "canary"]) === null ? undefined : doc.getIn(["canary", "modelUri"]));
  if (typeof uri !== "string") throw new Error(`no canary.modelUri for stack ${stack}`);
  const inBase =
    !doc.hasIn(["stacks", stack, "canary"]) &&
    !inheritedElsewhere(doc, ["canary"], otherStacks) &&
    !inheritedElsewhere(doc, ["serving", "modelUri"], otherStacks);
  if (inBase) {
    doc.setIn(["serving", "modelUri"], uri);
    // The stack's own pin of an older version would keep it there, canary gone.
    deletePath(doc, ["stacks", stack, "serving", "modelUri"]);
    deletePath(doc, ["canary"]);
    // The base now carries the version; stack overrides pinning the same URI are redundant.
    for (const name of stackNames(doc)) {
      if (doc.getIn(["stacks", name, "serving", "modelUri"]) === uri)
        doc.deleteIn(["stacks", name, "serving", "modelUri"]);
      pruneEmpty(doc, name);
    }
  } else {
    setPath(doc, ["stacks", stack, "serving", "modelUri"], uri);
    dropCanary(doc, stack, otherStacks);
    liftCommonVersion(doc, uri, [stack, ...otherStacks]);
  }
  clearStaleCanaryNulls(doc);
  pruneEmpty(doc, stack);
  return doc.toString();
}

/**
 * Once every stack pins the same version (staging proved it, prod promoted it), the base takes it and
 * the pins go: the next version starts from a spec without stale overrides.
 */
function liftCommonVersion(doc: YAML.Document, uri: string, stacks: readonly string[]): void {
  if (stacks.length < 2 || !stacks.every((t) => doc.getIn(["stacks", t, "serving", "modelUri"]) === uri))
    return;
  doc.setIn(["serving", "modelUri"], uri);
  for (const t of stacks) {
    deletePath(doc, ["stacks", t, "serving", "modelUri"]);
    pruneEmpty(doc, t);
  }
}

/**
 * Starts a canary of `uri` for `stack` (the prod path after staging proved it), at `firstStep`: in
 * the base when no other stack would inherit it, else in `stacks.<stack>`, whose own canary block
 * (if any) would win over the base's.
 */
export function startCanary(
  text: string,
  uri: string,
  firstStep: number,
  stack = "prod",
  otherStacks: readonly string[] = [],
): string {
  const doc = parse(text);
  const ownBlock = doc.hasIn(["stacks", stack, "canary"]);
  const inherited = otherStacks.some((t) => inheritsBaseCanary(doc, t));
  const scope = ownBlock || inherited ? ["stacks", stack] : [];
  setPath(doc, [...scope, "canary", "modelUri"], uri);
  doc.setIn([...scope, "canary", "trafficPercent"], firstStep);
  return doc.toString();
}

/** The names under the spec's `stacks:` (a copy: the caller may delete entries while it walks them). */
function stackNames(doc: YAML.Document): string[] {
  const stacks = doc.get("stacks");
  return YAML.isMap(stacks)
    ? stacks.items.map((item) => String((item.key as YAML.Scalar).value ?? item.key))
    : [];
}

/** Deletes what is at `path`, if anything (yaml's `deleteIn` throws on a missing parent). */
function deletePath(doc: YAML.Document, path: string[]): void {
  if (doc.hasIn(path)) doc.deleteIn(path);
}

/** Deletes maps left empty under `stacks.<stack>` (and `stacks` itself) after an edit. */
function pruneEmpty(doc: YAML.Document, stack: string): void {
  for (const path of [["stacks", stack, "serving"], ["stacks", stack], ["stacks"]]) {
    const node = doc.getIn(path, true);
    if (YAML.isMap(node) && node.items.length === 0) doc.deleteIn(path);
  }
}

/**
 * Stacks that rolled back the base canary `uri` another stack is about to promote: `promote`
 * recorded it in their `stacks.<stack>.rolledBack` when it switched the base's canary off there. A
 * canary in the base of the spec runs in every stack at once; once one of them judged it degraded,
 * another must not make it stable. A stack that promoted the version and serves a later one since
 * switched the base canary off too, without the record: it did not reject it.
 */
export function rejectedBy(text: string, uri: string, otherStacks: readonly string[]): string[] {
  const doc = parse(text);
  if (doc.getIn(["canary", "modelUri"]) !== uri) return [];
  return otherStacks.filter((t) => {
    if (inheritsBaseCanary(doc, t)) return false;
    const rolledBack = doc.getIn(["stacks", t, "rolledBack"]);
    return YAML.isSeq(rolledBack) && rolledBack.items.some((i) => YAML.isScalar(i) && i.value === uri);
  });
}
