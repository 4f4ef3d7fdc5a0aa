/**
 * `GpuXidError`: no rule read dcgm-exporter's DCGM_FI_DEV_XID_ERRORS (an SRE review). The gauge holds
 * the last XID since the exporter started, so a change is the event: a stale value must not page
 * forever. promtool at the platform group's 30 s, the whole platform rule file.
 */
import { platformRules } from "../../components/addons/platform-rules";
import { XID_KEEP_FIRING, XID_WINDOW } from "../../components/addons/gpu-health-rules";
import { durationSeconds } from "../../components/config/duration";
import { stackConfig } from "./fixtures";
import { Firing, firingAlerts } from "./scenario";
import { testWith } from "../helpers/tools";

const itPromtool = testWith("promtool");

const STEP = 30;
/** The error comes 10 minutes in. */
const ONSET = 20;
/** How long an error's alert lasts: the window, then `keep_firing_for`. */
const HELD = durationSeconds(XID_WINDOW) + durationSeconds(XID_KEEP_FIRING);
/** To 10 minutes after an alert from the onset must have resolved. */
const STEPS = ONSET + HELD / STEP + 20;

/** A node of the inference pool for the whole run. */
function node(name: string): { series: string; values: string } {
  return {
    series: `kube_node_labels{node="${name}",label_mlops_io_gpu_pool="inference",label_mlops_io_gpu_purpose="serving"}`,
    values: `1x${STEPS}`,
  };
}

/**
 * DCGM_FI_DEV_XID_ERRORS of GPU 0 on `host` as dcgm-exporter 3.3.6+ reports it: one series per code
 * (`err_code` mirrors the value), `codes` giving [from step, code] in order; each series ends with a
 * staleness marker when the next code replaces it.
 */
function xid(
  host: string,
  codes: [number, number][],
  pod = "ranker-0",
): { series: string; values: string }[] {
  return codes.map(([from, code], i) => {
    const to = i + 1 < codes.length ? codes[i + 1][0] : STEPS + 1;
    const parts = [from > 0 ? `_x${from}` : "", `${code}x${to - from - 1}`, to <= STEPS ? "stale" : ""];
    return {
      series: `DCGM_FI_DEV_XID_ERRORS{Hostname="${host}",gpu="0",err_code="${code}",pod="${pod}"}`,
      values: parts.filter(Boolean).join(" "),
    };
  });
}

/** GpuXidError firings (seconds from the start) at every step. */
function firings(series: { series: string; values: string }[]): Firing[] {
  return firingAlerts({
    ruleFiles: { "platform.yaml": platformRules(stackConfig("prod")) },
    series,
    intervalSeconds: STEP,
    alertnames: ["GpuXidError"],
    times: Array.from({ length: STEPS }, (_, k) => (k + 1) * STEP),
  });
}

/** [first, last] firing second of the alerts whose labels hold every part of `parts`. */
function span(f: Firing[], ...parts: string[]): [number, number] | undefined {
  const t = f.filter((x) => parts.every((p) => x.labels.includes(p))).map((x) => x.atSeconds);
  return t.length === 0 ? undefined : [Math.min(...t), Math.max(...t)];
}

describe("GPU XID errors", () => {
  itPromtool(
    "XID 79 (fell off the bus) pages at once, labelled, and resolves an hour after the window",
    () => {
      const f = firings([
        node("g1"),
        ...xid("g1", [
          [0, 0],
          [ONSET, 79],
        ]),
      ]);
      const s = span(f, 'xid="79"');
      console.log(
        `XID 79: paged ${s ? s[0] - ONSET * STEP : "never"} s after it, resolved after ${s ? s[1] - ONSET * STEP : "-"} s`,
      );
      expect(s).toBeDefined();
      expect(s![0] - ONSET * STEP).toBeLessThanOrEqual(STEP);
      for (const l of ['node="g1"', 'gpu="0"', 'pool="inference"', 'severity="page"', 'team="ml-platform"'])
        expect(f[0].labels).toContain(l);
      // The gauge stays at 79 to the end of the run: the alert still ends (window + keep_firing_for).
      expect(s![1]).toBeLessThan(ONSET * STEP + HELD + STEP);
      expect(s![1]).toBeGreaterThanOrEqual(ONSET * STEP + HELD - 2 * STEP);
    },
  );

  itPromtool("XID 13 (an application's engine exception) opens a ticket; XID 45 (a teardown) nothing", () => {
    const f = firings([
      node("g1"),
      ...xid("g1", [
        [0, 0],
        [ONSET, 13],
      ]),
      node("g2"),
      ...xid("g2", [
        [0, 0],
        [ONSET, 45],
      ]),
    ]);
    expect(span(f, 'xid="13"', 'severity="ticket"', 'node="g1"')).toBeDefined();
    expect(span(f, 'node="g2"')).toBeUndefined();
    expect(span(f, 'severity="page"')).toBeUndefined();
  });

  itPromtool("a stale XID already there when the rules start pages nothing, while a new one does", () => {
    // g1 reported 94 before the run began (an error from last week, the exporter never restarted);
    // g2's 94 comes during the run.
    const f = firings([
      node("g1"),
      ...xid("g1", [[0, 94]]),
      node("g2"),
      ...xid("g2", [
        [0, 0],
        [ONSET, 94],
      ]),
    ]);
    expect(span(f, 'node="g1"')).toBeUndefined();
    expect(span(f, 'node="g2"', 'xid="94"', 'severity="page"')).toBeDefined();
  });

  itPromtool("a second, different XID on the GPU alerts again with its own code and severity", () => {
    // 13 (a ticket), then 48 (a double-bit ECC error) 5 minutes later.
    const f = firings([
      node("g1"),
      ...xid("g1", [
        [0, 0],
        [ONSET, 13],
        [ONSET + 10, 48],
      ]),
    ]);
    expect(span(f, 'xid="13"', 'severity="ticket"')![0]).toBeLessThanOrEqual((ONSET + 1) * STEP);
    expect(span(f, 'xid="48"', 'severity="page"')![0]).toBeLessThanOrEqual((ONSET + 11) * STEP);
  });

  itPromtool(
    "the exporter relabelling the GPU with another pod (time-slicing), or restarting to 0, raises nothing new",
    () => {
      // g1: 31 from the onset; at +5 minutes the same value under another pod; at +10 the exporter
      // restarts and reports 0. One ticket, from the onset only.
      const f = firings([
        node("g1"),
        ...xid("g1", [
          [0, 0],
          [ONSET, 31],
        ]).map((x) => ({ ...x, values: x.values.replace(/31x\d+/, `31x9 stale`) })),
        {
          series: 'DCGM_FI_DEV_XID_ERRORS{Hostname="g1",gpu="0",err_code="31",pod="ranker-1"}',
          values: `_x${ONSET + 10} 31x9 stale`,
        },
        {
          series: 'DCGM_FI_DEV_XID_ERRORS{Hostname="g1",gpu="0",err_code="0",pod="ranker-1"}',
          values: `_x${ONSET + 20} 0x${STEPS - ONSET - 20}`,
        },
      ]);
      const ids = new Set(f.map((x) => x.labels));
      expect([...ids]).toHaveLength(1);
      expect(span(f, 'xid="31"')![0]).toBeLessThanOrEqual((ONSET + 1) * STEP);
    },
  );
});
