/**
 * Rates of a model serving under 0.1 requests/s keep their noise in the generated CSV: 3 decimals
 * would round a model at 0.01 requests/s to a dozen steps. Rates from 0.1 up are written as before.
 */
import { generateTraffic } from "../../components/capacity/traffic-generator";
import { trafficToCsv } from "../../components/capacity/traffic-csv-writer";
import { parseTrafficCsv, Traffic } from "../../components/capacity/traffic";
import { prodConfig, spec } from "./helpers";

const config = prodConfig();

/** The rate column of `trafficToCsv` for one model's rates. */
function written(rates: number[]): string[] {
  const traffic: Traffic = {
    models: ["m"],
    startMs: 0,
    minutes: rates.length,
    rps: [Float64Array.from(rates)],
  };
  return trafficToCsv(traffic)
    .trim()
    .split("\n")
    .slice(1)
    .map((row) => row.split(",")[2]);
}

describe("traffic CSV rates under 0.1 requests/s", () => {
  test("a week of a model at about 0.01 requests/s keeps its per-minute noise", () => {
    const t = generateTraffic([spec("tiny")], config, { seed: 7, peakRps: { tiny: 0.01 } });
    const back = parseTrafficCsv(trafficToCsv(t), "tiny.csv", t.models);
    const [generated, read] = [t.rps[0], back.rps[0]];
    // 3 decimals left some 11 distinct values (0.001 to 0.011) in 10,080 minutes.
    expect(new Set(read).size).toBeGreaterThan(500);
    const worst = Math.max(...generated.map((r, i) => Math.abs(read[i] - r) / r));
    expect(worst).toBeLessThanOrEqual(0.005);
  });

  test("rates are written with 3 significant digits below 0.1, in exponent form only below 1e-6", () => {
    expect(written([0.05, 0.004123, 0.0000012345, 1.2e-7, 0.09949])).toEqual([
      "0.0500",
      "0.00412",
      "0.00000123",
      "1.20e-7",
      "0.0995",
    ]);
  });

  test("zero and rates from 0.1 up keep their 3 decimals", () => {
    expect(written([0, 0.0995, 0.1, 1, 118.7714, 1e6])).toEqual([
      "0.000",
      "0.100",
      "0.100",
      "1.000",
      "118.771",
      "1000000.000",
    ]);
  });
});
