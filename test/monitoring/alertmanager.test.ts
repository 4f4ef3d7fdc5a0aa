import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import {
  AlertmanagerConfig,
  RECEIVER_SECRET_NAME,
  renderAlertmanagerConfig,
} from "../../components/addons/alertmanager-config";
import { stackConfig } from "./fixtures";

/** amtool >= 0.26 understands `url_file` (scripts/install-prom-tools.sh installs 0.28 on Debian). */
function hasAmtool(): boolean {
  let version = "";
  try {
    version = execFileSync("amtool", ["--version"], { encoding: "utf8", stdio: "pipe" });
  } catch {
    version = "";
  }
  const m = /version 0\.(\d+)/.exec(version);
  if (m && Number(m[1]) >= 26) return true;
  if (process.env.CI === "true")
    throw new Error("amtool >= 0.26 is required in CI: run scripts/install-prom-tools.sh");
  return false;
}
const itAmtool = hasAmtool() ? test : test.skip;

/** The config exactly as rendered (no YAML aliases, as index.ts writes it). */
function rendered(cfg: AlertmanagerConfig): string {
  return YAML.stringify(cfg, { aliasDuplicateObjects: false });
}

function writeConfig(stack: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-am-"));
  const file = path.join(dir, "alertmanager.yaml");
  fs.writeFileSync(file, rendered(renderAlertmanagerConfig(stackConfig(stack))));
  return file;
}

function route(file: string, ...labels: string[]): string {
  return execFileSync("amtool", ["config", "routes", "test", `--config.file=${file}`, ...labels], {
    encoding: "utf8",
  }).trim();
}

describe("Alertmanager config", () => {
  itAmtool.each(["staging", "prod"])("amtool check-config accepts the %s config", (stack) => {
    const out = execFileSync("amtool", ["check-config", writeConfig(stack)], { encoding: "utf8" });
    expect(out).toContain("SUCCESS");
  });

  itAmtool("a homepage page goes to the homepage receiver", () => {
    expect(route(writeConfig("prod"), "team=homepage", "severity=page", "model=homepage-feed")).toBe(
      "team-homepage",
    );
  });

  itAmtool("a search ticket goes to the search e-mail receiver", () => {
    expect(route(writeConfig("prod"), "team=search", "severity=ticket")).toBe("team-search");
  });

  itAmtool("in prod every team with a model pages its own receiver, not the platform team", () => {
    const dir = path.join(__dirname, "../../models");
    const teams = new Set(
      fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".yaml"))
        .map((f) => (YAML.parse(fs.readFileSync(path.join(dir, f), "utf8")) as { team: string }).team),
    );
    expect(teams.size).toBeGreaterThanOrEqual(6);
    const file = writeConfig("prod");
    for (const team of teams)
      expect([team, route(file, `team=${team}`, "severity=page")]).toEqual([team, `team-${team}`]);
  });

  itAmtool("an unknown team falls back to the platform team", () => {
    expect(route(writeConfig("prod"), "team=unknown", "severity=page")).toBe("team-ml-platform");
  });

  itAmtool("a page of a team without a receiver gets the platform team's page timing, not the root's", () => {
    const tree = execFileSync(
      "amtool",
      [
        "config",
        "routes",
        "test",
        "--tree",
        `--config.file=${writeConfig("prod")}`,
        "team=growth-intl",
        "severity=page",
      ],
      { encoding: "utf8", stdio: "pipe" },
    );
    expect(tree).toContain('{severity="page"}  receiver: team-ml-platform');
    const config = renderAlertmanagerConfig(stackConfig("prod"));
    const fallback = (config.route as { routes: { matchers?: string[]; routes?: object[] }[] }).routes.at(
      -1,
    )!;
    expect(fallback.matchers).toBeUndefined();
    expect(fallback.routes).toContainEqual({
      matchers: ['severity="page"'],
      group_wait: "10s",
      repeat_interval: "1h",
    });
  });

  itAmtool(
    "kube-prometheus-stack's Watchdog, InfoInhibitor and info alerts notify nobody; its warnings do",
    () => {
      const file = writeConfig("prod");
      expect(route(file, "alertname=Watchdog", "severity=none")).toBe("null");
      expect(route(file, "alertname=InfoInhibitor", "severity=none")).toBe("null");
      expect(route(file, "alertname=CPUThrottlingHigh", "severity=info", "namespace=homepage-feed")).toBe(
        "null",
      );
      expect(route(file, "alertname=KubePodCrashLooping", "severity=warning")).toBe("team-ml-platform");
      // A model team's alerts are untouched.
      expect(route(file, "alertname=ModelLatencyHigh", "team=homepage", "severity=page")).toBe(
        "team-homepage",
      );
    },
  );

  itAmtool("platform alerts go to the platform team", () => {
    expect(
      route(writeConfig("staging"), "alertname=GpuPoolSaturated", "team=ml-platform", "severity=page"),
    ).toBe("team-ml-platform");
  });

  test("no secret value is rendered: URLs come from files of the mounted receiver Secret", () => {
    const text = YAML.stringify(renderAlertmanagerConfig(stackConfig("prod")));
    expect(text).not.toMatch(/https?:\/\//);
    expect(text).toContain(`url_file: /etc/alertmanager/secrets/${RECEIVER_SECRET_NAME}/homepage-url`);
    expect(text).toContain(`url_file: /etc/alertmanager/secrets/${RECEIVER_SECRET_NAME}/ml-platform-url`);
    expect(text).toContain("to: search-oncall@example.com");
  });

  test("a page for a model inhibits that model's tickets of the same alert, and only model alerts inhibit", () => {
    const [rule] = renderAlertmanagerConfig(stackConfig("prod")).inhibit_rules;
    expect(rule).toEqual({
      source_matchers: ['severity="page"', 'model=~".+"'],
      target_matchers: ['severity="ticket"'],
      equal: ["model", "alertname", "variant"],
    });
  });

  test("alerts are grouped by alertname and model", () => {
    expect(renderAlertmanagerConfig(stackConfig("staging")).route.group_by).toEqual(["alertname", "model"]);
  });
});
