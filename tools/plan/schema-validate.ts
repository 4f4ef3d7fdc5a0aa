/**
 * Validates rendered Kubernetes objects against the OpenAPI schemas shipped by maintained packages
 * (`kubernetes-models` and its `@kubernetes-models/*` CRD siblings), with `new Model(obj).validate()`.
 *
 * Those packages are ESM-only (`"type": "module"`, exports with only an `import` condition). This tool
 * runs as CommonJS under ts-node, where TypeScript compiles a literal `import()` into `require()`,
 * which cannot load ESM. A `Function`-built `import` is left alone by the compiler and reaches Node's
 * real ESM loader. Each kind's class is loaded once from its own file (`<group>/<version>/<Kind>.js`),
 * not through the package index, because the core `v1` index alone pulls in ~200 modules.
 */
import * as fs from "fs";
import * as path from "path";
import { pathToFileURL } from "url";

/** Packages searched for a schema, in order. */
export const SCHEMA_PACKAGES = [
  "kubernetes-models",
  "@kubernetes-models/keda",
  "@kubernetes-models/prometheus-operator",
  "@kubernetes-models/karpenter",
  "@kubernetes-models/gateway-api",
  "@kubernetes-models/cert-manager",
] as const;

/** What to validate: the file it will be written to and the object with its real values. */
export interface ValidationInput {
  readonly file: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly object: Record<string, unknown>;
}

/** One schema violation. */
export interface SchemaError {
  readonly file: string;
  /** JSON pointer into the object, e.g. `/spec/template/spec/containers/0/ports/0/containerPort`. */
  readonly path: string;
  readonly message: string;
}

/** Outcome of validating a set of objects. */
export interface SchemaReport {
  readonly validated: number;
  /** `apiVersion/Kind` → objects validated. */
  readonly byKind: Record<string, number>;
  /** Kinds with no maintained schema, with their object count. */
  readonly notCovered: { apiVersion: string; kind: string; count: number }[];
  /** `apiVersion/Kind` → schema package used. */
  readonly sources: Record<string, string>;
  readonly errors: SchemaError[];
}

interface ModelClass {
  readonly apiVersion: string;
  readonly kind: string;
  new (data: Record<string, unknown>): { validate(): void };
}

// See the file comment: keeps `import()` out of TypeScript's CommonJS transform.
const esmImport = new Function("specifier", "return import(specifier)") as (
  specifier: string,
) => Promise<Record<string, unknown>>;

/** The package's folder, searched along Node's module paths from `fromDir` upwards. */
function packageDir(pkg: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "node_modules", pkg);
    if (fs.existsSync(path.join(candidate, "package.json"))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Loads model classes on first use and caches them per apiVersion/kind. */
export class SchemaRegistry {
  private readonly cache = new Map<string, Promise<{ model: ModelClass; pkg: string } | undefined>>();
  private readonly dirs: { pkg: string; dir: string }[];

  constructor(fromDir: string = __dirname) {
    this.dirs = SCHEMA_PACKAGES.map((pkg) => ({ pkg, dir: packageDir(pkg, fromDir) ?? "" })).filter(
      (p) => p.dir !== "",
    );
  }

  /** The packages that were found (a missing one only shrinks coverage; the report says so). */
  packages(): string[] {
    return this.dirs.map((d) => d.pkg);
  }

  /** The model class for `apiVersion`/`kind`, or `undefined` when no package has it. */
  lookup(apiVersion: string, kind: string): Promise<{ model: ModelClass; pkg: string } | undefined> {
    const key = `${apiVersion}/${kind}`;
    let found = this.cache.get(key);
    if (!found) {
      found = this.load(apiVersion, kind);
      this.cache.set(key, found);
    }
    return found;
  }

  private async load(
    apiVersion: string,
    kind: string,
  ): Promise<{ model: ModelClass; pkg: string } | undefined> {
    if (!/^[A-Za-z0-9]+$/.test(kind) || !/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion)) return undefined;
    for (const { pkg, dir } of this.dirs) {
      const file = path.join(dir, ...apiVersion.split("/"), `${kind}.js`);
      if (!fs.existsSync(file)) continue;
      const mod = await esmImport(pathToFileURL(file).href);
      const model = mod[kind] as ModelClass | undefined;
      if (model && model.apiVersion === apiVersion && model.kind === kind) return { model, pkg };
    }
    return undefined;
  }
}

interface AjvLikeError {
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: Record<string, unknown>;
}

/** Turns a thrown validation error into `{path, message}` items (ajv errors when present). */
function schemaErrors(file: string, err: unknown): SchemaError[] {
  const list = (err as { errors?: AjvLikeError[] }).errors;
  if (!Array.isArray(list) || list.length === 0)
    return [{ file, path: "/", message: err instanceof Error ? err.message : String(err) }];
  return list.slice(0, 10).map((e) => {
    const extra =
      e.params && typeof e.params.additionalProperty === "string" ? ` (${e.params.additionalProperty})` : "";
    return { file, path: e.instancePath || "/", message: `${e.message ?? "invalid"}${extra}` };
  });
}

/** Validates every object; unknown kinds are reported as not covered, never as errors. */
export async function validateObjects(
  inputs: readonly ValidationInput[],
  registry: SchemaRegistry = new SchemaRegistry(),
): Promise<SchemaReport> {
  const byKind: Record<string, number> = {};
  const sources: Record<string, string> = {};
  const notCovered = new Map<string, { apiVersion: string; kind: string; count: number }>();
  const errors: SchemaError[] = [];
  let validated = 0;
  for (const input of inputs) {
    const key = `${input.apiVersion}/${input.kind}`;
    const found = await registry.lookup(input.apiVersion, input.kind);
    if (!found) {
      const entry = notCovered.get(key) ?? { apiVersion: input.apiVersion, kind: input.kind, count: 0 };
      entry.count++;
      notCovered.set(key, entry);
      continue;
    }
    sources[key] = found.pkg;
    try {
      new found.model(input.object).validate();
    } catch (err) {
      errors.push(...schemaErrors(input.file, err));
    }
    validated++;
    byKind[key] = (byKind[key] ?? 0) + 1;
  }
  return {
    validated,
    byKind,
    notCovered: [...notCovered.values()].sort((a, b) => a.kind.localeCompare(b.kind)),
    sources,
    errors,
  };
}
