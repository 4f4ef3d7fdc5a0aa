/**
 * The offline run refuses two resources of one URN, as `pulumi up` does ("Duplicate resource URN"):
 * the SDK's mock monitor overwrote the first, so a name clash passed the plan and failed the deploy.
 */
import * as path from "path";
import { ConfigValidationError } from "../../components/config/errors";
import { resourceUrn, runProgram } from "../../tools/offline/run-program";

const program = path.join(__dirname, "fixtures", "duplicate-urn-program.ts");

test("the URN is the parent's type joined to the resource's, the stack's at the top level", () => {
  expect(resourceUrn("prod", "p", undefined, "a:b:C", "n")).toBe(
    "urn:pulumi:prod::p::pulumi:pulumi:Stack$a:b:C::n",
  );
  expect(resourceUrn("prod", "p", "x:y:Z", "a:b:C", "n")).toBe("urn:pulumi:prod::p::x:y:Z$a:b:C::n");
});

test("a resource declared twice is one problem naming its URN; same names under other parent types pass", async () => {
  const run = runProgram({ stack: "staging", programPath: program });
  await expect(run).rejects.toBeInstanceOf(ConfigValidationError);
  await expect(run).rejects.toThrow(
    "1 configuration problem:\n  - urn:pulumi:staging::mlops-platform::pulumi:pulumi:Stack$test:dup:Thing::same: declared twice: pulumi up refuses a second resource of the same URN",
  );
}, 60_000);
