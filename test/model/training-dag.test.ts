/**
 * The generated Airflow DAG: valid Python, the spec's schedule in the stack's time zone, one run at
 * a time, triggerable with a reason, GPU training on the training pool, MLflow registration.
 * Airflow is not installed here, so the file is only byte-compiled, never imported.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  buildTrainingDag,
  trainHostResources,
  trainingDagId,
  trainTiming,
} from "../../components/model/training-dag";
import { committedModels, specFromYaml, stackConfig } from "./harness";

const cfg = stackConfig("prod");
const spec = specFromYaml(
  `
name: homepage-feed
team: homepage
serving:
  runtime: triton
  modelUri: s3://<artifacts>/homepage-feed/v42
  gpu: { pool: inference, share: 0.5 }
  rpsPerReplica: 400
  replicas: { min: 2, max: 10 }
slo: { latencyP99Ms: 50, availability: 99.9 }
training:
  schedule: "0 3 * * *"
  image: registry.example.com/recs/trainer:1.4.2
  gpu: { pool: training, count: 4 }
  timeoutHours: 5
`,
  cfg,
  "prod",
);

function dagFor(s = spec, timeZone = cfg.timeZone): string {
  return buildTrainingDag({
    spec: { ...s, training: s.training! },
    pool: cfg.gpuPools.find((p) => p.name === s.training!.gpu.pool)!,
    timeZone,
    mlflowTrackingUri: "http://mlflow.mlflow.svc:5000",
    namespace: s.name,
    serviceAccountName: s.name,
  });
}

/** Byte-compiles Python texts in one interpreter run; throws with python's message on a syntax error. */
function pyCompile(...texts: string[]): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dag-"));
  const files = texts.map((text, i) => {
    const file = path.join(dir, `dag${i}.py`);
    fs.writeFileSync(file, text);
    return file;
  });
  try {
    execFileSync("python3", ["-m", "py_compile", ...files], { stdio: "pipe" });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A pod's state for the callbacks' stub client; phase null = the pod is gone (404). */
interface PodState {
  phase: string | null;
  exitCode?: number | null;
}

/**
 * Runs one of the DAG's pod callbacks (its own Python) against a stub Kubernetes client, once per
 * state, and returns how many deletions each call made.
 */
function runPodCallback(dag: string, callback: string, states: PodState[]): number[] {
  const callbacks = dag.slice(dag.indexOf("def _delete_pod_if"), dag.indexOf("def register_model"));
  const script = [
    "import json, logging",
    "EVALUATE_WORSE_EXIT_CODE = 99",
    "class KubernetesPodOperatorCallback: pass",
    callbacks,
    "class NotFound(Exception):",
    "    status = 404",
    "class Obj:",
    "    def __init__(self, **kw): self.__dict__.update(kw)",
    "class Client:",
    "    def __init__(self, state): self.state, self.deleted = state, 0",
    "    def read_namespaced_pod(self, name, namespace):",
    "        if self.state['phase'] is None: raise NotFound()",
    "        code = self.state.get('exitCode')",
    "        base = Obj(name='base', state=Obj(terminated=None if code is None else Obj(exit_code=code)))",
    "        sidecar = Obj(name='istio', state=Obj(terminated=Obj(exit_code=99)))",
    "        return Obj(status=Obj(phase=self.state['phase'], container_statuses=[sidecar, base]))",
    "    def delete_namespaced_pod(self, name, namespace): self.deleted += 1",
    "pod = Obj(metadata=Obj(name='m-task-abc', namespace='m'))",
    "out = []",
    `for state in json.loads(${JSON.stringify(JSON.stringify(states))}):`,
    "    c = Client(state)",
    `    ${callback}(pod=pod, client=c, mode='sync', operator=None, context={})`,
    "    out.append(c.deleted)",
    "print(json.dumps(out))",
  ].join("\n");
  return JSON.parse(execFileSync("python3", ["-c", script], { encoding: "utf8", stdio: "pipe" }));
}

describe("training DAG", () => {
  test("dag_id is train_ plus the model name with - replaced by _", () => {
    expect(trainingDagId("homepage-feed")).toBe("train_homepage_feed");
    expect(dagFor()).toContain('dag_id="train_homepage_feed"');
  });

  test("the DAG of every committed training model byte-compiles", () => {
    const models = committedModels("prod", cfg).filter((m) => m.training);
    expect(models.length).toBeGreaterThan(0);
    expect(() => pyCompile(...models.map((m) => dagFor(m)))).not.toThrow();
  });

  test("the compile check catches broken Python", () => {
    expect(() => pyCompile(dagFor().replace("with DAG(", "with DAG(("))).toThrow();
  });

  test("runs on the spec's cron in the stack's time zone, without catch-up, one run at a time", () => {
    const dag = dagFor(spec, "Asia/Shanghai");
    expect(dag).toContain('schedule="0 3 * * *"');
    expect(dag).toContain('pendulum.datetime(2026, 1, 1, tz="Asia/Shanghai")');
    expect(dag).toContain("catchup=False");
    expect(dag).toContain("max_active_runs=1");
    // Airflow pauses a new DAG by default: this one is deployed to run.
    expect(dag).toContain("is_paused_upon_creation=False");
  });

  test("accepts a reason in conf for on-demand runs (drift, quality, manual)", () => {
    const dag = dagFor();
    expect(dag).toContain('params={"reason": Param("schedule"');
    expect(dag).toContain('"RETRAIN_REASON": "{{ params.reason }}"');
  });

  test("trains on the training pool with the requested GPUs, preemptible priority and a timeout", () => {
    const dag = dagFor();
    expect(dag).toContain(
      "from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator",
    );
    // p4d.24xlarge: 12 vCPUs and 144 GiB per GPU, three quarters of them per GPU asked for.
    expect(dag).toContain('requests={"nvidia.com/gpu": "4", "cpu": "36", "memory": "432Gi"}');
    expect(dag).toContain('limits={"nvidia.com/gpu": "4", "memory": "432Gi"}');
    // Kubernetes stops the run at the timeout even if the task no longer watches it.
    expect(dag).toContain("active_deadline_seconds=19260");
    expect(dag).toContain("automount_service_account_token=False");
    expect(dag).toContain('capabilities=k8s.V1Capabilities(drop=["ALL"])');
    expect(dag).toContain('values=["training"]');
    expect(dag).toContain('key="nvidia.com/gpu", operator="Equal", value="true", effect="NoSchedule"');
    expect(dag).toContain('value="spot"');
    expect(dag).toContain('priority_class_name="mlops-training"');
    expect(dag).toContain("service_account_name=SERVICE_ACCOUNT");
    // timeoutHours 5: up to 5 h waiting for GPUs, 3 x 420 s to start, 5 h running.
    expect(dag).toContain("schedule_timeout_seconds=18000");
    expect(dag).toContain("execution_timeout=timedelta(seconds=37260)");
    expect(dag).toContain('MLFLOW_TRACKING_URI = "http://mlflow.mlflow.svc:5000"');
  });

  test("a short timeout still waits for a node of a pool scaled to zero", () => {
    // 36 s of waiting beside a 420 s node launch timed every run out: at least the start-up allowance.
    expect(trainTiming(0.01, { provisioningSeconds: 420 })).toEqual({
      queueSeconds: 1260,
      startupSeconds: 1260,
      runSeconds: 36,
    });
    expect(trainTiming(5, { provisioningSeconds: 420 }).queueSeconds).toBe(18000);
  });

  test("the train pod's CPU and memory follow the pool's smallest instance per GPU", () => {
    expect(trainHostResources(1, { instanceTypes: ["g6.xlarge", "g5.xlarge"] })).toEqual({
      cpu: "3",
      memory: "12Gi",
    });
    // g5.12xlarge: 48 vCPUs and 192 GiB for 4 GPUs; beside a g5.xlarge the smaller share per GPU wins.
    expect(trainHostResources(2, { instanceTypes: ["g5.12xlarge"] })).toEqual({ cpu: "18", memory: "72Gi" });
    expect(trainHostResources(2, { instanceTypes: ["g5.12xlarge", "g5.xlarge"] })).toEqual({
      cpu: "6",
      memory: "24Gi",
    });
  });

  test("the evaluate step fits the smallest system node by default; a spec may size it", () => {
    // Staging's system nodes are m6i.large (2 vCPU, 8 GiB): 2 CPUs and 8 GiB never schedule there.
    expect(dagFor()).toContain('requests={"cpu": "500m", "memory": "2Gi"}, limits={"memory": "2Gi"}');
    const sized = specFromYaml(
      [
        "name: m",
        "team: t",
        "serving: { runtime: triton, modelUri: s3://<artifacts>/m/v1, gpu: { pool: inference, share: 0.5 }, rpsPerReplica: 1, replicas: { min: 1, max: 2 } }",
        "slo: { latencyP99Ms: 50, availability: 99.9 }",
        "training: { schedule: '0 3 * * *', image: r.example.com/t:1, gpu: { pool: training }, evaluate: { cpu: 1, memory: 6Gi } }",
      ].join("\n"),
      cfg,
      "prod",
    );
    const dag = dagFor(sized);
    expect(dag).toContain('requests={"cpu": "1", "memory": "6Gi"}, limits={"memory": "6Gi"}');
    pyCompile(dag);
  });

  test("a pod the task gave up on (schedule or start-up timeout) is deleted, a failed one kept", () => {
    const dag = dagFor();
    // Both pod tasks carry the callback.
    expect(dag.match(/callbacks=DeleteUnfinishedPod,/g)).toHaveLength(1);
    expect(dag.match(/callbacks=DeleteRejectedCandidatePod,/g)).toHaveLength(1);
    // Run the callback's own Python against a stub client: Pending and Running pods go, a Failed
    // pod stays for its logs and ModelTrainingFailed, a pod already gone is no error.
    const result = runPodCallback(
      dag,
      "DeleteUnfinishedPod.on_pod_cleanup",
      ["Pending", "Running", "Failed", "Succeeded", null].map((phase) => ({ phase })),
    );
    expect(result).toEqual([1, 1, 0, 0, 0]);
  });

  test("registration over REST finds the model where MLflow 2 and MLflow 3 keep it", () => {
    // The REST fallback against a local stand-in for the tracking server: an MLflow 2 run keeps its
    // model under the run's artifacts; an MLflow 3 run lists logged models in its outputs (the one
    // named "model" is registered, at its own artifact location); a trainer may name the model id.
    const dag = dagFor();
    const fn = dag.slice(dag.indexOf("def _register_over_rest"), dag.indexOf("with DAG("));
    const script = [
      "import json, threading",
      "from http.server import BaseHTTPRequestHandler, HTTPServer",
      "RUNS = {",
      "  'r2': {'info': {'artifact_uri': 's3://b/1/r2/artifacts'}},",
      "  'r3': {'info': {'artifact_uri': 's3://b/1/r3/artifacts'}, 'outputs': {'model_outputs': [{'model_id': 'm-a', 'step': 0}, {'model_id': 'm-b', 'step': 0}]}},",
      "}",
      "LOGGED = {'m-a': 'preprocessor', 'm-b': 'model'}",
      "created = []",
      "class H(BaseHTTPRequestHandler):",
      "    def log_message(self, *a): pass",
      "    def reply(self, body, code=200):",
      "        data = json.dumps(body).encode()",
      "        self.send_response(code); self.send_header('Content-Length', str(len(data))); self.end_headers(); self.wfile.write(data)",
      "    def do_GET(self):",
      "        path = self.path.split('/api/2.0/mlflow/')[1]",
      "        if path.startswith('runs/get?run_id='): return self.reply({'run': RUNS[path.split('=')[1]]})",
      "        mid = path.split('logged-models/')[1]",
      "        self.reply({'model': {'info': {'model_id': mid, 'name': LOGGED[mid], 'artifact_uri': 's3://b/1/models/%s/artifacts' % mid}}})",
      "    def do_POST(self):",
      "        body = json.loads(self.rfile.read(int(self.headers['Content-Length'])))",
      "        if self.path.endswith('registered-models/create'): return self.reply({'error_code': 'RESOURCE_ALREADY_EXISTS'}, 400)",
      "        created.append(body); self.reply({'model_version': {'version': str(len(created))}})",
      "srv = HTTPServer(('127.0.0.1', 0), H)",
      "threading.Thread(target=srv.serve_forever, daemon=True).start()",
      "MODEL_NAME = 'homepage-feed'",
      "MLFLOW_TRACKING_URI = 'http://127.0.0.1:%d' % srv.server_port",
      fn,
      "for run, mid in [('r2', None), ('r3', None), ('r3', 'm-a')]:",
      "    out = _register_over_rest(run, mid, {'reason': 'schedule'})",
      "    b = created[-1]",
      "    print(out['version'], b['name'], b['source'], b.get('model_id'))",
      "srv.shutdown()",
    ].join("\n");
    const lines = execFileSync("python3", ["-c", script], { encoding: "utf8", stdio: "pipe" })
      .trim()
      .split("\n");
    expect(lines).toEqual([
      "1 homepage-feed s3://b/1/r2/artifacts/model None",
      "2 homepage-feed s3://b/1/models/m-b/artifacts m-b",
      "3 homepage-feed s3://b/1/models/m-a/artifacts m-a",
    ]);
  });

  test("a candidate worse than the registered version skips registration and leaves no failed pod", () => {
    const dag = dagFor();
    expect(dag).toContain("EVALUATE_WORSE_EXIT_CODE = 99");
    const evaluate = dag.slice(dag.indexOf('task_id="evaluate"'), dag.indexOf('task_id="register"'));
    expect(evaluate).toContain("skip_on_exit_code=EVALUATE_WORSE_EXIT_CODE,");
    // register follows evaluate with the default trigger rule: skipped with it.
    expect(dag).toContain("train >> evaluate >> register");
    expect(dag.slice(dag.indexOf('task_id="register"'))).not.toContain("trigger_rule");
    // The callback's own Python against a stub client: exit 99 deletes the pod, a real failure
    // (exit 1) keeps it for its logs and ModelTrainingFailed, a pod already gone is no error.
    const result = runPodCallback(
      dag,
      "DeleteRejectedCandidatePod.on_pod_completion",
      [99, 1, 0, null].map((exitCode) => ({ phase: exitCode === null ? null : "Failed", exitCode })),
    );
    expect(result).toEqual([1, 0, 0, 0]);
  });

  test("registers the trained run as a new MLflow model version under the model's name", () => {
    const dag = dagFor();
    expect(dag).toContain('MODEL_NAME = "homepage-feed"');
    expect(dag).toContain('uri = f"models:/{model_id}" if model_id else f"runs:/{run_id}/model"');
    expect(dag).toContain("mlflow.register_model(uri, MODEL_NAME, tags=tags)");
    expect(dag).toContain('"model-versions/create"');
    expect(dag).toContain("train >> evaluate >> register");
  });
});
