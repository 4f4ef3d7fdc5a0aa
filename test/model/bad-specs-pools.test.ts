/** Bad model specs: GPU pools, shares, and the CPU and memory a replica may ask beside its GPU share. */
import { shareProblem } from "../../components/config/model-pool-checks";
import { validateModelSpecs } from "../../components/config/validate-model-specs";
import { stackConfig } from "./harness";
import { cfg, problemsOfEdited, source, spec } from "./bad-spec-harness";
import { POOL_CASES } from "./bad-spec-cases/pools";

describe("bad model specs", () => {
  test.each(POOL_CASES)("%s", (_what, name, edit, message) => {
    expect(problemsOfEdited(name, edit)).toContain(message);
  });

  test("a replica whose CPU or memory cannot fit beside its GPU slices is rejected", () => {
    const msg = problemsOfEdited("fat", (y) =>
      y.replace(
        "  replicas: { min: 1, max: 4 }",
        '  replicas: { min: 1, max: 4 }\n  resources: { cpu: "4", memory: 12Gi }',
      ),
    );
    expect(msg).toContain(
      'models/fat.yaml: serving.resources.cpu = "4": with share 0.25 a replica may request at most',
    );
    expect(msg).toContain('models/fat.yaml: serving.resources.memory = "12Gi"');
  });

  test("a MIG replica's CPU and memory are limited by the part of the GPU its device fills, not its compute", () => {
    // Found by a black-box review: 3g.20gb is 3/7 of an A100's compute but half an A100-40GB (two
    // fit one), so on p4d.24xlarge (12 vCPU per GPU) a replica may ask 0.5 x 12 x 0.9 = 5.4 vCPU,
    // where 0.4286 x 12 x 0.9 = 4.63 refused specs that fit.
    const onMig = (cpu: string) =>
      spec("migfat", (y) =>
        y
          .replace("{ pool: inference, share: 0.25 }", "{ pool: mig, share: 0.4286 }")
          .replace(
            "  replicas: { min: 1, max: 4 }",
            `  replicas: { min: 1, max: 4 }\n  resources: { cpu: "${cpu}", memory: 8Gi }`,
          ),
      );
    expect(validateModelSpecs([source("models/migfat.yaml", onMig("5"))], "staging", cfg)).toHaveLength(1);
    expect(() => validateModelSpecs([source("models/migfat.yaml", onMig("6"))], "staging", cfg)).toThrow(
      'models/migfat.yaml: serving.resources.cpu = "6": with its 1 3g.20gb device (0.5 of a GPU on p4d.24xlarge) a replica may request at most 5.40 vCPU: its part of one GPU\'s vCPU on p4d.24xlarge (pool mig), less 10% for node daemons, since a replica may be placed on any type of its pool with room for its GPUs; lower it, or ask the platform team for a pool of a larger MIG profile or roomier types',
    );
  });

  test("a replica must fit the pool's type with the least CPU and memory per GPU, which packing may pick", () => {
    // g6.xlarge has 4 vCPU / 16 GiB for its GPU, g6.12xlarge 12 / 48 per GPU: an 8-vCPU whole-GPU
    // replica runs on the second only, while packing and cost place it on the cheaper first.
    const mixed = stackConfig("staging", (raw) => {
      raw.gpuPools.push({
        name: "whole",
        purpose: "serving",
        instanceTypes: ["g6.xlarge", "g6.12xlarge"],
        sharing: { mode: "none" },
        maxGpus: 8,
      });
      raw.pricing.instances["g6.12xlarge"] = { onDemand: 40.3 };
    });
    const fat = spec("fat", (y) =>
      y
        .replace("gpu: { pool: inference, share: 0.25 }", "gpu: { pool: whole, share: 1 }")
        .replace(
          "  replicas: { min: 1, max: 4 }",
          '  replicas: { min: 1, max: 4 }\n  resources: { cpu: "8", memory: 32Gi }',
        ),
    );
    let message = "";
    try {
      validateModelSpecs([source("models/fat.yaml", fat)], "staging", mixed);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(
      'models/fat.yaml: serving.resources.cpu = "8": with share 1 a replica may request at most 3.60 vCPU: its part of one GPU\'s vCPU on g6.xlarge, the type of pool whole with the least per GPU of those that hold the replica',
    );
    expect(message).toContain(
      'models/fat.yaml: serving.resources.memory = "32Gi": with share 1 a replica may request at most 14.40 GiB',
    );
    const fits = fat.replace('cpu: "8", memory: 32Gi', 'cpu: "3", memory: 12Gi');
    expect(validateModelSpecs([source("models/fat.yaml", fits)], "staging", mixed)).toHaveLength(1);
    // A two-GPU replica only goes on g6.12xlarge: g6.xlarge's one GPU sets it no limit (2 x 12 x 0.9).
    const twoGpus = fat
      .replace("share: 1 }", "share: 2 }")
      .replace('cpu: "8", memory: 32Gi', 'cpu: "16", memory: 64Gi');
    expect(validateModelSpecs([source("models/fat.yaml", twoGpus)], "staging", mixed)).toHaveLength(1);
  });
});

test("a serving problem and a training pool problem are both reported in one run", () => {
  const msg = problemsOfEdited("pools", (y) =>
    y
      .replace(/share: [\d.]+/, 'share: "0.125"')
      .replace("  gpu: { pool: training, count: 1 }", "  gpu: { pool: inference, count: 99 }"),
  );
  expect(msg).toContain('models/pools.yaml: serving.gpu.share = "0.125": must be a number, not a string');
  expect(msg).toContain("models/pools.yaml: training.gpu.count = 99: must be <= 64");
  const other = problemsOfEdited("pools2", (y) =>
    y
      .replace(/share: [\d.]+/, 'share: "0.125"')
      .replace("  gpu: { pool: training, count: 1 }", "  gpu: { pool: inference }"),
  );
  expect(other).toContain(
    'models/pools2.yaml: training.gpu.pool = "inference": pool inference is for serving',
  );
});

test("an unknown pool lists the stack's pools once each, even when the stack file names one twice", () => {
  // The duplicate itself is the stack file's problem, reported by its own check.
  const twice = { ...cfg, gpuPools: [...cfg.gpuPools, cfg.gpuPools[0]] };
  let message = "";
  try {
    validateModelSpecs(
      [
        source(
          "models/p.yaml",
          spec("p", (y) => y.replace("pool: inference", "pool: inferense")),
        ),
      ],
      "staging",
      twice,
    );
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toMatch(/unknown GPU pool; this stack has: inference, training, mig, whole$/);
});

test("a MIG share is exactly one device of the profile: a CUDA process uses one MIG device", () => {
  const pool = (profile: string, instanceTypes = ["p5.48xlarge"]) => ({
    ...cfg.gpuPools.find((p) => p.name === "mig")!,
    instanceTypes,
    sharing: { mode: "mig" as const, profile },
  });
  // 1g.20gb: a seventh of an H100's compute; 3g.40gb three sevenths; 7g.80gb the whole GPU.
  expect(shareProblem(1 / 7, pool("1g.20gb"))).toBeUndefined();
  expect(shareProblem(0.1429, pool("1g.20gb"))).toBeUndefined();
  expect(shareProblem(0.4286, pool("3g.40gb"))).toBeUndefined();
  expect(shareProblem(1, pool("7g.80gb"))).toBeUndefined();
  // Three 1g devices would be three CUDA devices of which the server uses one.
  expect(shareProblem(3 / 7, pool("1g.10gb"))).toBe(
    "pool mig uses MIG 1g.10gb: use 0.1429, one MIG device (a CUDA process uses a single MIG device, so a replica given more would hold idle ones); a model needing more compute per replica belongs on a pool with a larger profile or with sharing none",
  );
  expect(shareProblem(1, pool("1g.10gb"))).toContain("use 0.1429, one MIG device");
  expect(shareProblem(2, pool("7g.80gb"))).toContain("use 1.0000, one MIG device");
});

describe("shares on a time-sliced pool", () => {
  const threeWay = {
    ...cfg.gpuPools[0],
    name: "three",
    sharing: { mode: "time-slicing" as const, replicas: 3 },
  };

  test("a multiple of 1/k to the 4 decimals the message prints is accepted", () => {
    for (const share of [0.3333, 0.33333, 1 / 3, 0.6667, 2 / 3, 1])
      expect(shareProblem(share, threeWay)).toBeUndefined();
  });

  test("anything further off is refused with the value to use", () => {
    for (const share of [0.333, 0.334, 0.5, 0])
      expect(shareProblem(share, threeWay)).toBe(
        "pool three time-slices each GPU 3 ways: use a multiple of 1/3 (0.3333) up to 1",
      );
    expect(shareProblem(1.3333, threeWay)).toMatch(/up to 1 \(more slices of one GPU add no compute/);
  });
});
