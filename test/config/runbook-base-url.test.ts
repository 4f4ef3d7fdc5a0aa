/** `alerting.runbookBaseUrl`: optional, an http(s) URL without a fragment or credentials. */
import { validateStackConfig } from "../../components/config/validate-stack-config";
import { stackValues } from "../helpers/stack";
import { problemsOf } from "../helpers/stack-config-problems";

const KEY = "Pulumi.test.yaml: mlops-platform:alerting.runbookBaseUrl";
const ALLOWED =
  "must be an http(s) URL of the runbooks where the repository is browsable, such as https://github.com/<org>/mlops-platform/blob/main/docs/runbooks.md";

function withBase(value: unknown): Record<string, any> {
  const raw = stackValues("staging");
  raw.alerting = { ...raw.alerting, runbookBaseUrl: value };
  return raw;
}

describe("alerting.runbookBaseUrl", () => {
  test("is optional: without it the config has none (the links fall back to docs/runbooks.md)", () => {
    const raw = stackValues("staging");
    delete raw.alerting?.runbookBaseUrl;
    expect(validateStackConfig(raw, "Pulumi.test.yaml").alerting.runbookBaseUrl).toBeUndefined();
  });

  test("an http or https URL of the runbooks is taken as written, a query string included", () => {
    for (const url of [
      "https://github.com/example/mlops-platform/blob/main/docs/runbooks.md",
      "http://git.internal.example.com/ml/mlops-platform/-/blob/main/docs/runbooks.md?plain=0",
    ]) {
      expect(validateStackConfig(withBase(url), "Pulumi.test.yaml").alerting.runbookBaseUrl).toBe(url);
    }
  });

  test("a repository path or another scheme is refused with the file, the key, the value and what is allowed", () => {
    expect(problemsOf(withBase("docs/runbooks.md"))).toContain(`${KEY} = "docs/runbooks.md": ${ALLOWED}`);
    expect(problemsOf(withBase("ftp://files.example.com/runbooks.md"))).toContain(
      `${KEY} = "ftp://files.example.com/runbooks.md": ${ALLOWED}`,
    );
  });

  test("a #fragment is refused: each alert appends its own section's anchor", () => {
    expect(problemsOf(withBase("https://github.com/example/r/blob/main/docs/runbooks.md#top"))).toContain(
      "must not have a #fragment: each alert's runbook_url appends its section's anchor (#<anchor>)",
    );
  });

  test("credentials in the URL are refused without being printed", () => {
    const msg = problemsOf(withBase("https://bot:secretTOKEN@git.example.com/docs/runbooks.md"));
    expect(msg).toContain(
      `${KEY}: must not carry credentials (user:password@): it is copied into every alert's runbook_url (value not shown: it may hold a credential)`,
    );
    expect(msg).not.toContain("secretTOKEN");
  });

  test("a value that is not a string is refused, and reported with the stack file's other problems", () => {
    const raw = withBase(42);
    raw.alerting.retrainCooldown = "0h";
    const msg = problemsOf(raw);
    expect(msg).toMatch(/^2 configuration problems/);
    expect(msg).toContain(`${KEY} = 42: must be a string, not a number`);
    expect(msg).toContain('mlops-platform:alerting.retrainCooldown = "0h": must be at least 30m');
  });
});
