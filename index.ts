/**
 * Entry point: read config -> build the platform -> one ModelStack per model -> stack outputs.
 * Exported as a function so `pulumi up` and the offline tools (tools/offline/run-program.ts) run the
 * same wiring.
 */
import { loadPlatformInputs } from "./components/config/load";

async function main(): Promise<Record<string, unknown>> {
  const inputs = loadPlatformInputs(__dirname);
  return { stack: inputs.stack, models: inputs.models.map((m) => m.name) };
}

export = main;
