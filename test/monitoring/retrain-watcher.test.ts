/** The retrain watcher: the Airflow DAG that starts a model's training run on its opted-in alerts, with the stack's cooldown. */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  RETRAIN_VARIABLE_PREFIX,
  RETRAIN_WATCHER_DAG_ID,
  renderRetrainWatcherDag,
  watchedModels,
} from "../../components/addons/retrain-watcher-dag";
import { trainingDagId } from "../../components/model/dag-id";
import { modelRules } from "../../components/model/monitoring-rules";
import { fixtureModels, modelsFor, stackConfig } from "./fixtures";
import { testWith } from "../helpers/tools";

const itPython = testWith("python3");

function tmp(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-mon-"));
  fs.writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
}

describe("retrain watcher", () => {
  const cfg = stackConfig("prod");
  const models = fixtureModels("prod");

  test("watches exactly the models with retrainOn, with their training DAG ids", () => {
    expect(watchedModels(models)).toEqual([
      { model: "cart-cross-sell", dagId: "train_cart_cross_sell", alerts: ["ModelQualityDrop"] },
      {
        model: "homepage-feed",
        dagId: "train_homepage_feed",
        alerts: ["ModelPredictionDrift", "ModelFeatureDrift", "ModelQualityDrop"],
      },
    ]);
    expect(trainingDagId("homepage-feed")).toBe("train_homepage_feed");
  });

  test.each(["staging", "prod"])(
    "contract (%s): every watched alert exists in the model's rules with retrain=true and model label",
    (stack) => {
      const stackCfg = stackConfig(stack);
      const specs = modelsFor(stack);
      const dag = renderRetrainWatcherDag({ models: specs, cooldown: "6h", prometheusUrl: "http://p:9090" });
      for (const w of watchedModels(specs)) {
        const spec = specs.find((s) => s.name === w.model)!;
        const rules = modelRules(spec, stackCfg).groups.flatMap((g) => g.rules);
        for (const alert of w.alerts) {
          const rule = rules.find((r) => r.alert === alert);
          expect(rule).toBeDefined();
          expect(rule!.labels?.retrain).toBe("true");
          expect(rule!.expr).toContain(`model="${w.model}"`);
          expect(dag).toContain(alert);
        }
        expect(w.dagId).toBe(trainingDagId(w.model));
      }
      // The watcher keeps firing alerts that carry the label the rules set.
      expect(dag).toContain('RETRAIN_LABEL = ("retrain", "true")');
      expect(dag).toContain(
        'if alert.get("state") != "firing" or labels.get(RETRAIN_LABEL[0]) != RETRAIN_LABEL[1]:',
      );
    },
  );

  const render = (specs = models, cooldown = cfg.alerting.retrainCooldown) =>
    renderRetrainWatcherDag({ models: specs, cooldown, prometheusUrl: "http://p:9090" });

  test("the DAG runs every minute, one run at a time, no catch-up, with the stack's cooldown", () => {
    const dag = render();
    expect(dag).toContain(`dag_id="${RETRAIN_WATCHER_DAG_ID}"`);
    expect(dag).toContain('schedule="* * * * *"');
    expect(dag).toContain("max_active_runs=1");
    expect(dag).toContain("catchup=False");
    expect(dag).toContain("is_paused_upon_creation=False");
    // A planned run that was not created fails the watcher's run instead of a printed line.
    expect(dag).toContain('raise RuntimeError("retraining runs not created: %s"');
    expect(dag).toContain("COOLDOWN = timedelta(seconds=21600)");
    expect(render(models, "90m")).toContain("COOLDOWN = timedelta(seconds=5400)");
  });

  test("the DAG uses only Airflow 3 task-safe APIs, with 2.10 import fallbacks", () => {
    const dag = render();
    expect(dag).toContain("from airflow.sdk import DAG, Variable, task");
    expect(dag).toContain(
      "from airflow.providers.standard.operators.trigger_dagrun import TriggerDagRunOperator",
    );
    expect(dag).toContain("from airflow.operators.trigger_dagrun import TriggerDagRunOperator");
    expect(dag).toContain("from airflow.models import Variable");
    // Airflow 3 tasks cannot reach the metadata DB: no trigger_dag / DagRun at module level.
    expect(dag).not.toContain("airflow.api.common.trigger_dag");
    expect(dag).not.toMatch(/^from airflow\.models import DagRun/m);
    expect(dag).toMatch(/TriggerDagRunOperator\.partial\([\s\S]*\)\.expand_kwargs\(plan\)/);
    expect(dag).toContain("wait_for_completion=False");
    expect(dag).toContain("skip_when_already_exists=True");
    expect(dag).toContain(`VARIABLE_PREFIX = "${RETRAIN_VARIABLE_PREFIX}"`);
  });

  test.each(["staging", "prod"])(
    "the %s DAG names every committed model with retrainOn, its DAG id and its alerts",
    (stack) => {
      const specs = modelsFor(stack);
      const dag = render(specs);
      const watched = watchedModels(specs);
      expect(watched.length).toBeGreaterThan(0);
      for (const spec of specs) {
        const w = watched.find((x) => x.model === spec.name);
        expect(w !== undefined).toBe((spec.training?.retrainOn ?? []).length > 0);
        if (!w) continue;
        expect(dag).toContain(trainingDagId(spec.name));
        for (const alert of w.alerts) expect(dag).toContain(alert);
      }
    },
  );

  itPython("the generated DAG compiles with python3 -m py_compile", () => {
    const file = tmp("mlops_retrain_watcher.py", render(models, "90m"));
    execFileSync("python3", ["-m", "py_compile", file], { stdio: "pipe" });
  });

  /**
   * Runs the generated DAG file against stand-ins for the Airflow modules it imports (Airflow 3
   * paths), with Prometheus' answer faked, and returns what the scenario script printed as JSON.
   */
  function runDag(dag: string, scenario: string): any {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mlops-watcher-"));
    const pkg = (rel: string, text: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    pkg("airflow/__init__.py", "");
    pkg(
      "airflow/sdk.py",
      `VARS = {}
class Variable:
    @classmethod
    def get(cls, key, default):
        return VARS.get(key, default)
    @classmethod
    def set(cls, key, value):
        VARS[key] = value
class _Out:
    def __rshift__(self, other):
        return other
class _Task:
    def __init__(self, fn, kw):
        self.fn, self.kw = fn, kw
    def __call__(self, *a, **k):
        return _Out()
def task(**kw):
    return lambda fn: _Task(fn, kw)
class DAG:
    def __init__(self, **kw):
        self.kw = kw
    def __enter__(self):
        return self
    def __exit__(self, *a):
        return False
`,
    );
    for (const p of ["providers", "providers/standard", "providers/standard/operators"])
      pkg(`airflow/${p}/__init__.py`, "");
    pkg(
      "airflow/providers/standard/operators/trigger_dagrun.py",
      `PARTIAL = {}
class _Mapped:
    def __rshift__(self, other):
        return other
class TriggerDagRunOperator:
    @classmethod
    def partial(cls, **kw):
        PARTIAL.update(kw)
        return cls()
    def expand_kwargs(self, arg):
        return _Mapped()
`,
    );
    pkg("mlops_retrain_watcher.py", dag);
    pkg(
      "scenario.py",
      `import io, json, sys
from datetime import datetime, timedelta, timezone
import urllib.request
from airflow import sdk
from airflow.providers.standard.operators import trigger_dagrun
T0 = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
# (model, alert) firing since ACTIVE_AT, or (model, alert, active at); what /api/v1/alerts lists.
FIRING = []
ACTIVE_AT = "2026-11-28T11:50:12.123456789Z"
def fake_urlopen(url, timeout):
    assert timeout > 0 and url.endswith("/api/v1/alerts"), url
    alerts = [{"labels": {"alertname": f[1], "model": f[0], "retrain": "true"}, "state": "firing",
               "activeAt": f[2] if len(f) > 2 else ACTIVE_AT, "value": "1e+00"} for f in FIRING]
    # Not for the watcher: pending, or without the retrain label.
    alerts.append({"labels": {"alertname": "ModelQualityDrop", "model": "homepage-feed", "retrain": "true"},
                   "state": "pending", "activeAt": ACTIVE_AT, "value": "1"})
    alerts.append({"labels": {"alertname": "ModelPredictionDrift", "model": "homepage-feed", "baseline": "7d"},
                   "state": "firing", "activeAt": ACTIVE_AT, "value": "1"})
    return io.BytesIO(json.dumps({"status": "success", "data": {"alerts": alerts}}).encode())
urllib.request.urlopen = fake_urlopen
import mlops_retrain_watcher as w
class TI:
    def __init__(self, existing=(), states=None):
        self.existing, self.states = existing, states or {}
    def get_dr_count(self, dag_id, run_ids):
        return sum(1 for r in run_ids if (dag_id, r) in self.existing)
    def get_dagrun_state(self, dag_id, run_id):
        return self.states[(dag_id, run_id)]
out = {"partial": trigger_dagrun.PARTIAL}
${scenario}
print(json.dumps(out, default=str))
`,
    );
    return JSON.parse(
      execFileSync("python3", [path.join(dir, "scenario.py")], { encoding: "utf8", cwd: dir })
        .trim()
        .split("\n")
        .pop()!,
    );
  }

  itPython("decide plans one deterministic run per firing opted-in model, reason = its alert", () => {
    const out = runDag(
      render(models, "6h"),
      `FIRING = [("homepage-feed", "ModelFeatureDrift"), ("homepage-feed", "ModelQualityDrop"),
          ("search-ranking", "ModelPredictionDrift"), ("cart-cross-sell", "ModelPredictionDrift")]
out["plan"] = w.decide.fn(data_interval_end=T0)
out["retry"] = w.decide.fn(data_interval_end=T0)
out["vars"] = dict(sdk.VARS)`,
    );
    // search-ranking has no retrainOn; cart-cross-sell only retrains on quality.
    expect(out.plan).toEqual([
      {
        trigger_dag_id: "train_homepage_feed",
        trigger_run_id: `retrain_alert__homepage-feed__w${Math.floor(Date.UTC(2026, 10, 28, 12) / 1000 / 21600)}`,
        conf: { reason: "ModelFeatureDrift" },
      },
    ]);
    expect(out.retry).toEqual(out.plan);
    expect(out.vars).toEqual({});
    expect(out.partial).toMatchObject({ wait_for_completion: false, skip_when_already_exists: true });
  });

  itPython("the cooldown holds back a model triggered within it and releases it after", () => {
    const out = runDag(
      render(models, "6h"),
      `FIRING = [("cart-cross-sell", "ModelQualityDrop")]
sdk.VARS[w.VARIABLE_PREFIX + "cart-cross-sell"] = (T0 - timedelta(hours=5, minutes=59)).isoformat()
out["inside"] = w.decide.fn(data_interval_end=T0)
sdk.VARS[w.VARIABLE_PREFIX + "cart-cross-sell"] = (T0 - timedelta(hours=6)).isoformat()
out["after"] = [p["trigger_dag_id"] for p in w.decide.fn(data_interval_end=T0)]`,
    );
    expect(out.inside).toEqual([]);
    expect(out.after).toEqual(["train_cart_cross_sell"]);
  });

  itPython("record starts the cooldown only for models whose run exists", () => {
    const out = runDag(
      render(models, "6h"),
      `FIRING = [("cart-cross-sell", "ModelQualityDrop"), ("homepage-feed", "ModelPredictionDrift")]
plan = w.decide.fn(data_interval_end=T0)
created = {(p["trigger_dag_id"], p["trigger_run_id"]) for p in plan if p["trigger_dag_id"] == "train_homepage_feed"}
try:
    w.record.fn(plan, data_interval_end=T0, ti=TI(created))
except RuntimeError as err:
    out["error"] = str(err)
out["vars"] = dict(sdk.VARS)
out["next"] = [p["trigger_dag_id"] for p in w.decide.fn(data_interval_end=T0 + timedelta(minutes=1))]`,
    );
    expect(Object.keys(out.vars)).toEqual(["mlops_retrain_last__homepage-feed"]);
    expect(JSON.parse(out.vars["mlops_retrain_last__homepage-feed"])).toEqual({
      at: "2026-11-28T12:00:00+00:00",
      run_id: `retrain_alert__homepage-feed__w${Math.floor(Date.UTC(2026, 10, 28, 12) / 1000 / 21600)}`,
    });
    // The run that was not created fails the watcher's run, after the others are recorded.
    expect(out.error).toMatch(/^retraining runs not created: train_cart_cross_sell \(run /);
    // The failed trigger is retried next minute; the recorded one waits for its cooldown.
    expect(out.next).toEqual(["train_cart_cross_sell"]);
  });

  itPython(
    "one run per alert episode: after the cooldown only a new alert or a failed run retrains again",
    () => {
      const out = runDag(
        render(models, "6h"),
        `FIRING = [("cart-cross-sell", "ModelQualityDrop")]
dag, run = "train_cart_cross_sell", "retrain_alert__cart-cross-sell__w1"
# Triggered 7 hours ago, after the alert became active (10 minutes before T0 - 7 h).
ACTIVE_AT = (T0 - timedelta(hours=7, minutes=10)).isoformat()
sdk.VARS[w.VARIABLE_PREFIX + "cart-cross-sell"] = json.dumps({"at": (T0 - timedelta(hours=7)).isoformat(), "run_id": run})
out["succeeded"] = w.decide.fn(data_interval_end=T0, ti=TI(states={(dag, run): "success"}))
out["running"] = w.decide.fn(data_interval_end=T0, ti=TI(states={(dag, run): "running"}))
out["failed"] = [p["trigger_dag_id"] for p in w.decide.fn(data_interval_end=T0, ti=TI(states={(dag, run): "failed"}))]
# The quality alert resolved and fired again after that run: a new episode.
ACTIVE_AT = (T0 - timedelta(hours=1)).isoformat()
out["new episode"] = [p["trigger_dag_id"] for p in w.decide.fn(data_interval_end=T0, ti=TI(states={(dag, run): "success"}))]
# A Variable from an older watcher (a bare time, no run id): the cooldown alone, as before.
ACTIVE_AT = (T0 - timedelta(hours=7, minutes=10)).isoformat()
sdk.VARS[w.VARIABLE_PREFIX + "cart-cross-sell"] = (T0 - timedelta(hours=7)).isoformat()
out["legacy"] = [p["trigger_dag_id"] for p in w.decide.fn(data_interval_end=T0, ti=TI())]
out["nanoseconds"] = str(w.parse_time("2026-11-28T11:50:12.123456789Z"))
out["tenths"] = str(w.parse_time("2026-11-28T11:50:12.5+08:00"))`,
      );
      expect(out.succeeded).toEqual([]);
      expect(out.running).toEqual([]);
      expect(out.failed).toEqual(["train_cart_cross_sell"]);
      expect(out["new episode"]).toEqual(["train_cart_cross_sell"]);
      expect(out.legacy).toEqual(["train_cart_cross_sell"]);
      expect(out.nanoseconds).toBe("2026-11-28 11:50:12.123456+00:00");
      expect(out.tenths).toBe("2026-11-28 11:50:12.500000+08:00");
    },
  );
});
