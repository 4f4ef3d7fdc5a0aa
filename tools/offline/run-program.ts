/**
 * Runs the real Pulumi program (`index.ts`) under the SDK's mock runtime with a stack's config, and
 * returns every resource it declared. Shared by `plan` and the tests, so both see exactly what
 * `pulumi up` would register.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "../../components/config/stack-schema";
import { MODELS_DIR_ENV, PROJECT_ROOT_ENV } from "../../components/config/load";
import { RecordedResource, recordingMocks } from "./mock-cloud";
import { OfflineStackConfig, readStackFile, withUnsetKeys } from "./stack-file";
import { ConfigValidationError, Problem } from "../../components/config/errors";

/** Resource options that matter for review (protection, replacement behaviour). */
export interface RecordedOptions {
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly ignoreChanges: string[];
  readonly parentType?: string;
  readonly parentName?: string;
}

/** Everything one offline run produced. */
export interface ProgramRun {
  readonly project: string;
  readonly stack: string;
  readonly stackConfig: OfflineStackConfig;
  readonly resources: RecordedResource[];
  /** Options per `${type}::${name}`. */
  readonly options: Map<string, RecordedOptions>;
  readonly outputs: Record<string, unknown>;
}

/** Options of a run. */
export interface RunOptions {
  readonly stack: string;
  /** Folder with Pulumi.yaml and the stack files. @default the repository root */
  readonly projectRoot?: string;
  /** Models folder. @default `<projectRoot>/models` */
  readonly modelsDir?: string;
  /**
   * Module exporting the program as `export = async function main()`, for tests and tools that
   * evaluate another entry point the same way. @default the repository's `index.ts`
   */
  readonly programPath?: string;
  /**
   * Skip source-mapping of stack traces while the program runs. The SDK captures `new Error().stack`
   * for every resource and every internal promise (runtime/debuggable.js, Resource.stackTrace);
   * under ts-node each capture goes through source-map-support, which was half of `plan`'s time
   * for 100 models. Offline nothing reads those positions; stack traces of errors thrown meanwhile
   * point into the transpiled JavaScript instead of the TypeScript source. It also keeps one frame
   * per capture (`Error.stackTraceLimit`): every promise keeps its stack string, and at 500 models
   * ten frames each held 1.1 GB of the 1.7 GB still live after the program (2.5 GB heap), whose
   * garbage collection doubled the later steps; one frame still names where an error thrown
   * meanwhile was thrown. @default false
   */
  readonly fastStackTraces?: boolean;
  /**
   * Array that receives every recorded resource as it is registered; lets a caller see what was
   * declared even when the program throws (e.g. that a bad spec stopped it before any resource).
   * @default a private array
   */
  readonly sink?: RecordedResource[];
}

/**
 * A `--program` that does not load (a file that is not JavaScript or TypeScript, a syntax error):
 * bad input, said in one line with where the loader stopped, not as an internal error's trace.
 */
export class ProgramLoadError extends Error {
  constructor(programPath: string, cause: unknown) {
    const error = cause instanceof Error ? cause : new Error(String(cause));
    // Node puts a syntax error's place ("/abs/file.ts:12") on the first line of its stack.
    const at = /^(\/[^\n]*:\d+)\n/.exec(error.stack ?? "")?.[1];
    // ts-node's TSError says "Unable to compile TypeScript:" and its diagnostics on the lines after.
    const first = error.message
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "")
      .slice(0, 4)
      .join(" ");
    super(
      `--program ${programPath}: cannot be loaded as a Pulumi program: ${error.name}: ${first}${at ? ` (${path.relative(process.cwd(), at) || at})` : ""}`,
    );
    this.name = "ProgramLoadError";
  }
}

/** Key of a resource in `ProgramRun.options`. */
export function resourceKey(type: string, name: string): string {
  return `${type}::${name}`;
}

/**
 * The URN Pulumi gives a resource: its parent's type (the stack's for a top-level resource) joined to
 * its own with `$`, as the engine and the SDK's mock monitor build it.
 */
export function resourceUrn(
  stack: string,
  project: string,
  parentType: string | undefined,
  type: string,
  name: string,
): string {
  return `urn:pulumi:${stack}::${project}::${parentType ?? "pulumi:pulumi:Stack"}$${type}::${name}`;
}

/** One problem per URN declared twice: `pulumi up` would stop at the second after the plan passed. */
export function duplicateUrnProblems(urns: readonly string[]): Problem[] {
  return [...new Set(urns)].map((urn) => ({
    file: urn,
    path: "",
    reason:
      "declared twice: pulumi up refuses a second resource of the same URN (type and name under the same parent type); " +
      "a model, experiment or pool name that repeats another's resource name is the usual cause: rename one",
  }));
}

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/**
 * Evaluates the program for one stack. Throws the program's own errors (a `ConfigValidationError`
 * for bad config or specs) unchanged, so callers can report them without a stack trace.
 */
export async function runProgram(opts: RunOptions): Promise<ProgramRun> {
  const projectRoot = opts.projectRoot ?? REPO_ROOT;
  const project = "mlops-platform";
  const stackConfig = readStackFile(projectRoot, opts.stack, CONFIG_NAMESPACE);
  const region = (stackConfig.config[`${CONFIG_NAMESPACE}:region`] ?? "ap-southeast-1").replace(/"/g, "");
  const resources: RecordedResource[] = opts.sink ?? [];
  const options = new Map<string, RecordedOptions>();

  // The program reads its stack's trafficHistory (and models/) against this root, not its own folder.
  const restoreEnv = overrideEnv({
    [MODELS_DIR_ENV]: opts.modelsDir ? path.resolve(opts.modelsDir) : undefined,
    [PROJECT_ROOT_ENV]: path.resolve(projectRoot),
  });
  // V8's own formatter applies when prepareStackTrace is unset (the @types say it is always set).
  const errorClass = Error as { prepareStackTrace?: unknown };
  const previousPrepare = errorClass.prepareStackTrace;
  if (opts.fastStackTraces) errorClass.prepareStackTrace = undefined;
  const previousLimit = Error.stackTraceLimit;
  if (opts.fastStackTraces) Error.stackTraceLimit = 1;
  try {
    pulumi.runtime.setAllConfig(stackConfig.config, stackConfig.secretKeys);
    await pulumi.runtime.setMocks(recordingMocks(resources, region), project, opts.stack, false);
    const programFile = opts.programPath ? path.resolve(opts.programPath) : path.join(REPO_ROOT, "index");
    let programError: unknown;
    const urns = new Set<string>();
    const duplicateUrns: string[] = [];
    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
      pulumi.runtime.registerStackTransformation((args) => {
        // The engine refuses a second resource of the same URN ("Duplicate resource URN") at
        // `pulumi up`; the SDK's mock monitor just overwrites the first, so the plan checks it here.
        const parentType = (args.opts.parent as unknown as { __pulumiType?: string } | undefined)
          ?.__pulumiType;
        const urn = resourceUrn(opts.stack, project, parentType, args.type, args.name);
        if (urns.has(urn)) duplicateUrns.push(urn);
        urns.add(urn);
        options.set(resourceKey(args.type, args.name), {
          protect: args.opts.protect === true,
          retainOnDelete: args.opts.retainOnDelete === true,
          ignoreChanges: args.opts.ignoreChanges ?? [],
          parentType,
          parentName: args.opts.parent
            ? (args.opts.parent as unknown as { __name?: string }).__name
            : undefined,
        });
        return undefined;
      });
      // Loaded inside the stack, as the Pulumi CLI's Node.js host loads it: an exported function is
      // the program and its result the stack's outputs; any other export is the outputs itself.
      let programExport: unknown;
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        programExport = require(programFile);
      } catch (err) {
        programError = opts.programPath ? new ProgramLoadError(opts.programPath, err) : err;
        return {};
      }
      try {
        return (await (programExport instanceof Function ? programExport() : programExport)) as Record<
          string,
          unknown
        >;
      } catch (err) {
        programError = err;
        return {};
      }
    });
    // A stack the Pulumi CLI would refuse for a required key left unset is refused here too, with
    // whatever else the program found wrong in the same message.
    if (stackConfig.unsetRequired.length > 0)
      throw new ConfigValidationError(
        withUnsetKeys(
          stackConfig.unsetRequired,
          programError instanceof ConfigValidationError ? programError.problems : [],
        ),
      );
    if (programError) throw programError;
    if (duplicateUrns.length > 0) throw new ConfigValidationError(duplicateUrnProblems(duplicateUrns));
    await settle();
    return {
      project,
      stack: opts.stack,
      stackConfig,
      resources,
      options,
      outputs: (outputs ?? {}) as Record<string, unknown>,
    };
  } finally {
    if (opts.fastStackTraces) errorClass.prepareStackTrace = previousPrepare;
    Error.stackTraceLimit = previousLimit;
    restoreEnv();
  }
}

/**
 * Sets the given environment variables (an `undefined` value leaves that one as it is) and returns
 * a function that puts back what each was before, unset ones unset.
 */
export function overrideEnv(vars: Readonly<Record<string, string | undefined>>): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(vars)) {
    if (value === undefined) continue;
    previous.set(name, process.env[name]);
    process.env[name] = value;
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/** Lets outstanding resource registrations finish (outputs resolve on later ticks). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Resolves an Output (or plain value) to its value; the mock runtime resolves every Output. */
export function unwrap<T>(value: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) =>
    pulumi.output(value).apply((v) => {
      resolve(v as T);
      return v;
    }),
  );
}
