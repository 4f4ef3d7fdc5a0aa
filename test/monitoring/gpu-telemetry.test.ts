/**
 * `GpuTelemetryMissing`: a node of a GPU pool whose dcgm-exporter is absent or not scraped left the
 * pools' utilization alerts and the platform dashboard blind without a word (an SRE review). promtool
 * at the platform group's 30 s, the whole platform rule file, kube-state-metrics' node labels beside
 * DCGM series per node.
 */
import { platformRules } from "../../components/addons/platform-rules";
import { GPU_TELEMETRY_GRACE } from "../../components/addons/gpu-health-rules";
import { durationSeconds } from "../../components/config/duration";
import { stackConfig } from "./fixtures";
import { Firing, firingAlerts } from "./scenario";
import { testWith } from "../helpers/tools";

const itPromtool = testWith("promtool");

const STEP = 30;
/** 50 minutes. */
const STEPS = 100;

/** A node of the inference pool, registered at `from` and removed at `to` (steps). */
function node(name: string, from = 0, to = STEPS): { series: string; values: string } {
  return {
    series: `kube_node_labels{node="${name}",label_mlops_io_gpu_pool="inference",label_mlops_io_gpu_purpose="serving"}`,
    values: samples(1, from, to),
  };
}

/** promtool values: nothing before `from`, `value` until `to`, then a staleness marker. */
function samples(value: number, from: number, to = STEPS): string {
  const parts = [];
  if (from > 0) parts.push(`_x${from}`);
  parts.push(`${value}x${to - from - 1}`);
  if (to < STEPS) parts.push("stale");
  return parts.join(" ");
}

/** One whole GPU's utilization as dcgm-exporter reports it on `host`, from `from` to `to` (steps). */
function gpuUtil(host: string, from = 0, to = STEPS): { series: string; values: string } {
  return { series: `DCGM_FI_DEV_GPU_UTIL{Hostname="${host}",gpu="0"}`, values: samples(60, from, to) };
}

/** GpuTelemetryMissing firings (seconds from the start) at every step. */
function firings(series: { series: string; values: string }[]): Firing[] {
  return firingAlerts({
    ruleFiles: { "platform.yaml": platformRules(stackConfig("prod")) },
    series,
    intervalSeconds: STEP,
    alertnames: ["GpuTelemetryMissing"],
    times: Array.from({ length: STEPS - 1 }, (_, k) => (k + 1) * STEP),
  });
}

/** Seconds of the firings of `node`. */
const timesOf = (f: Firing[], n: string) =>
  f.filter((x) => x.labels.includes(`node="${n}"`)).map((x) => x.atSeconds);

const GRACE = durationSeconds(GPU_TELEMETRY_GRACE);

describe("a GPU node without DCGM telemetry", () => {
  itPromtool(
    "a node whose exporter never reports fires once the grace has passed, labelled with its pool",
    () => {
      const f = firings([node("n-ok"), gpuUtil("n-ok"), node("n-blind")]);
      const t = timesOf(f, "n-blind");
      console.log(`node without dcgm-exporter: first fired ${t[0] ?? "never"} s after it registered`);
      expect(t.length).toBeGreaterThan(0);
      expect(t[0]).toBeGreaterThanOrEqual(GRACE);
      expect(t[0]).toBeLessThanOrEqual(GRACE + 60);
      // From then on, to the end of the run.
      expect(t[t.length - 1]).toBe((STEPS - 1) * STEP);
      for (const l of ['pool="inference"', 'team="ml-platform"', 'severity="ticket"'])
        expect(f[0].labels).toContain(l);
      // The node with its exporter stays silent.
      expect(timesOf(f, "n-ok")).toEqual([]);
    },
  );

  itPromtool("an exporter that stops on a running node fires the grace after its last scrape", () => {
    // Up for 5 minutes, then gone (crash loop, evicted, its scrape blocked).
    const t = timesOf(firings([node("n1"), gpuUtil("n1", 0, 10)]), "n1");
    console.log(`dcgm-exporter gone at 300 s: first fired ${t[0] ?? "never"} s`);
    expect(t[0]).toBeGreaterThanOrEqual(300 + GRACE);
    expect(t[0]).toBeLessThanOrEqual(300 + GRACE + 60);
  });

  itPromtool("a new node whose exporter starts 12 minutes after it registers fires nothing", () => {
    // Registered at minute 10; the GPU Operator's operands up at minute 22. A node that never gets
    // its exporter, registered with it, fires (the run can fail).
    const f = firings([node("n-new", 20), gpuUtil("n-new", 44), node("n-blind", 20)]);
    expect(timesOf(f, "n-new")).toEqual([]);
    expect(timesOf(f, "n-blind")[0]).toBe(10 * 60 + GRACE);
  });

  itPromtool("a MIG node, which reports no DCGM_FI_DEV_GPU_UTIL, is seen through its devices", () => {
    const mig = (host: string) => ({
      series: `DCGM_FI_PROF_GR_ENGINE_ACTIVE{Hostname="${host}",gpu="0",GPU_I_ID="1",GPU_I_PROFILE="3g.20gb"}`,
      values: samples(0.5, 0),
    });
    // m2's only series is its whole GPU's engine activity (no GPU_I_ID): not a MIG device, so no
    // utilization is recorded for it and it fires.
    const f = firings([
      node("m1"),
      mig("m1"),
      node("m2"),
      { ...mig("m2"), series: 'DCGM_FI_PROF_GR_ENGINE_ACTIVE{Hostname="m2",gpu="0"}' },
    ]);
    expect(timesOf(f, "m1")).toEqual([]);
    expect(timesOf(f, "m2").length).toBeGreaterThan(0);
  });

  itPromtool("a removed node stops firing as its pool label goes", () => {
    // No exporter, removed at minute 25 (after it started firing at 15).
    const t = timesOf(firings([node("n-gone", 0, 50)]), "n-gone");
    expect(t[0]).toBe(GRACE);
    expect(Math.max(...t)).toBe(49 * STEP);
  });
});
