/** `npm run plan` on a stack file and a spec holding pasted credentials: refused, and no credential printed. */
import * as fs from "fs";
import * as path from "path";
import { plan, stackRoot } from "../helpers/plan-cli";
import { ROOT } from "../helpers/program";

describe("plan with credentials pasted into the inputs", () => {
  it("names every field and prints none of the credentials", () => {
    const root = stackRoot("secrets", (staging) =>
      staging
        .replace(
          "      ml-platform: { kind: webhook, urlSecret: alertWebhookPlatform }",
          '      ml-platform: { kind: webhook, urlSecret: alertWebhookPlatform }\n      pdp: "https://hooks.example.com/SECRETC3"',
        )
        .replace(
          "    platformTeam: ml-platform",
          '    platformTeam: ml-platform\n    email: "smtp://user:SECRETF6@smtp.example.com:587"',
        ),
    );
    const models = path.join(root, "models");
    fs.mkdirSync(models);
    for (const f of fs.readdirSync(path.join(ROOT, "models")).filter((f) => f.endsWith(".yaml")))
      fs.copyFileSync(path.join(ROOT, "models", f), path.join(models, f));
    const spec = path.join(models, "cart-cross-sell.yaml");
    fs.writeFileSync(
      spec,
      fs
        .readFileSync(spec, "utf8")
        .replace("image: registry.example.com/", "image: https://robot:SECRETI9@registry.example.com/"),
    );
    const r = plan(["--stack", "staging", "--project-root", root, "--models", models]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("mlops-platform:alerting.receivers.pdp: must be a map");
    expect(r.stderr).toContain("mlops-platform:alerting.email: must be a map");
    expect(r.stderr).toContain("cart-cross-sell.yaml: training.image");
    for (const secret of ["SECRETC3", "SECRETF6", "SECRETI9"]) {
      expect(r.stderr).not.toContain(secret);
      expect(r.stdout).not.toContain(secret);
    }
  }, 120_000);
});
