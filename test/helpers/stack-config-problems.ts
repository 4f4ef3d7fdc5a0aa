/** The stack-config validator's message for a raw stack file, for the tests of bad stack configs. */
import { ConfigValidationError } from "../../components/config/errors";
import { validateStackConfig } from "../../components/config/validate-stack-config";

/** Validates and returns the error message (fails the test if the config is valid). */
export function problemsOf(raw: Record<string, any>): string {
  try {
    validateStackConfig(raw, "Pulumi.test.yaml");
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return (err as Error).message;
  }
  throw new Error("expected the config to be invalid");
}
