/** Assertions on the tools' input errors: the InputError message a load throws, and how it names files. */
import * as path from "path";
import { InputError } from "../../tools/capacity/inputs";

/** How a problem names the stack file of a project in `root`: its path from the working folder. */
export const stackFileIn = (root: string, stack: string) =>
  path.relative(process.cwd(), path.join(root, `Pulumi.${stack}.yaml`));

/** The InputError message `fn` throws. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error("expected an InputError");
}
