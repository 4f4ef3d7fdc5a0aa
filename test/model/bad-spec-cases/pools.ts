/** Bad-spec cases of GPU pools and shares: a pool that is unknown or of the wrong purpose, more GPUs than a node has, a share the pool's sharing cannot give. */
import type { BadSpecCase } from "../bad-spec-harness";

/** [what, file name, edit, expected message fragment]. */
export const POOL_CASES: BadSpecCase[] = [
  [
    "unknown pool",
    "a1",
    (y) => y.replace("pool: inference", "pool: inferense"),
    'models/a1.yaml: serving.gpu.pool = "inferense": unknown GPU pool; this stack has: inference, training, mig, whole',
  ],
  [
    "pool of the wrong purpose",
    "a2",
    (y) => y.replace("pool: inference", "pool: training"),
    'models/a2.yaml: serving.gpu.pool = "training": pool training is for training; serving needs a pool with purpose serving',
  ],
  [
    "training on a serving pool",
    "a2t",
    (y) => y.replace("{ pool: training, count: 1 }", "{ pool: whole, count: 1 }"),
    'models/a2t.yaml: training.gpu.pool = "whole": pool whole is for serving; training needs a pool with purpose training',
  ],
  [
    "training on an unknown pool",
    "a2u",
    (y) => y.replace("{ pool: training, count: 1 }", "{ pool: trainning, count: 1 }"),
    'models/a2u.yaml: training.gpu.pool = "trainning": unknown GPU pool; this stack has: inference, training, mig, whole',
  ],
  [
    "training on more GPUs than the pool has",
    "a2c",
    (y) => y.replace("{ pool: training, count: 1 }", "{ pool: training, count: 64 }"),
    "models/a2c.yaml: training.gpu.count = 64: pool training has at most",
  ],
  [
    "more whole GPUs per replica than any node of the pool has",
    "a5n",
    (y) => y.replace("{ pool: inference, share: 0.25 }", "{ pool: whole, share: 2 }"),
    "models/a5n.yaml: serving.gpu.share = 2: no instance type of pool whole has 2 GPUs (one pod runs on one node; the largest, g6.xlarge, has 1)",
  ],
  [
    "training on more GPUs than one node of the pool has",
    "a2n",
    (y) => y.replace("{ pool: training, count: 1 }", "{ pool: training, count: 2 }"),
    "models/a2n.yaml: training.gpu.count = 2: no instance type of pool training has 2 GPUs",
  ],
  [
    "share of two GPUs on a time-sliced pool says where such a model belongs",
    "a3w",
    (y) => y.replace("share: 0.25", "share: 2"),
    "models/a3w.yaml: serving.gpu.share = 2: pool inference time-slices each GPU 8 ways: use a multiple of 1/8 (0.1250) up to 1 (more slices of one GPU add no compute: a model needing more than a GPU per replica belongs on a pool with sharing none)",
  ],
  [
    "share not fitting 8-way time-slicing",
    "a3",
    (y) => y.replace("share: 0.25", "share: 0.3"),
    "models/a3.yaml: serving.gpu.share = 0.3: pool inference time-slices each GPU 8 ways: use a multiple of 1/8 (0.1250) up to 1",
  ],
  [
    "share not a MIG device on a MIG pool",
    "a4",
    (y) => y.replace("{ pool: inference, share: 0.25 }", "{ pool: mig, share: 0.25 }"),
    "models/a4.yaml: serving.gpu.share = 0.25: pool mig uses MIG 3g.20gb: use 0.4286, one MIG device (a CUDA process uses a single MIG device, so a replica given more would hold idle ones); a model needing more compute per replica belongs on a pool with a larger profile or with sharing none",
  ],
  [
    "non-integer share on a whole-GPU pool",
    "a5",
    (y) => y.replace("{ pool: inference, share: 0.25 }", "{ pool: whole, share: 1.5 }"),
    "models/a5.yaml: serving.gpu.share = 1.5: pool whole has no GPU sharing: use whole GPUs (1, 2, ...)",
  ],
];
