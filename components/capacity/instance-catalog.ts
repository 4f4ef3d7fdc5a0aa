/**
 * Facts about the GPU instance types the platform can run, used by config validation (MIG support,
 * GPU counts) and by capacity planning (packing, cost). Pure data, no Pulumi imports.
 *
 * Sources: AWS EC2 accelerated-computing instance specifications; NVIDIA MIG user guide
 * ("Supported MIG profiles") for the A100/H100 profile tables.
 */

/** A GPU model and the MIG profiles it supports (empty when it has no MIG). */
export interface GpuModel {
  readonly name: string;
  readonly memoryGiB: number;
  /** MIG profile -> how many instances of it fit one GPU. Empty for GPUs without MIG. */
  readonly migProfiles: Readonly<Record<string, number>>;
}

/** One EC2 instance type with GPUs. */
export interface GpuInstanceType {
  readonly name: string;
  readonly gpus: number;
  readonly gpu: GpuModel;
  readonly vcpus: number;
  readonly memoryGiB: number;
}

const T4: GpuModel = { name: "T4", memoryGiB: 16, migProfiles: {} };
const A10G: GpuModel = { name: "A10G", memoryGiB: 24, migProfiles: {} };
const L4: GpuModel = { name: "L4", memoryGiB: 24, migProfiles: {} };
const L40S: GpuModel = { name: "L40S", memoryGiB: 48, migProfiles: {} };
const V100: GpuModel = { name: "V100", memoryGiB: 16, migProfiles: {} };
const A100_40: GpuModel = {
  name: "A100-40GB",
  memoryGiB: 40,
  migProfiles: { "1g.5gb": 7, "1g.10gb": 4, "2g.10gb": 3, "3g.20gb": 2, "4g.20gb": 1, "7g.40gb": 1 },
};
const A100_80: GpuModel = {
  name: "A100-80GB",
  memoryGiB: 80,
  migProfiles: { "1g.10gb": 7, "1g.20gb": 4, "2g.20gb": 3, "3g.40gb": 2, "4g.40gb": 1, "7g.80gb": 1 },
};
const H100_80: GpuModel = {
  name: "H100-80GB",
  memoryGiB: 80,
  migProfiles: { "1g.10gb": 7, "1g.20gb": 4, "2g.20gb": 3, "3g.40gb": 2, "4g.40gb": 1, "7g.80gb": 1 },
};

function it(name: string, gpus: number, gpu: GpuModel, vcpus: number, memoryGiB: number): GpuInstanceType {
  return { name, gpus, gpu, vcpus, memoryGiB };
}

/** Every GPU instance type the platform knows, by name. */
export const GPU_INSTANCE_TYPES: Readonly<Record<string, GpuInstanceType>> = Object.fromEntries(
  [
    it("g4dn.xlarge", 1, T4, 4, 16),
    it("g4dn.2xlarge", 1, T4, 8, 32),
    it("g4dn.4xlarge", 1, T4, 16, 64),
    it("g4dn.12xlarge", 4, T4, 48, 192),
    it("g5.xlarge", 1, A10G, 4, 16),
    it("g5.2xlarge", 1, A10G, 8, 32),
    it("g5.4xlarge", 1, A10G, 16, 64),
    it("g5.8xlarge", 1, A10G, 32, 128),
    it("g5.12xlarge", 4, A10G, 48, 192),
    it("g5.24xlarge", 4, A10G, 96, 384),
    it("g5.48xlarge", 8, A10G, 192, 768),
    it("g6.xlarge", 1, L4, 4, 16),
    it("g6.2xlarge", 1, L4, 8, 32),
    it("g6.4xlarge", 1, L4, 16, 64),
    it("g6.12xlarge", 4, L4, 48, 192),
    it("g6.48xlarge", 8, L4, 192, 768),
    it("g6e.xlarge", 1, L40S, 4, 32),
    it("g6e.12xlarge", 4, L40S, 48, 384),
    it("p3.2xlarge", 1, V100, 8, 61),
    it("p3.8xlarge", 4, V100, 32, 244),
    it("p4d.24xlarge", 8, A100_40, 96, 1152),
    it("p4de.24xlarge", 8, A100_80, 96, 1152),
    it("p5.48xlarge", 8, H100_80, 192, 2048),
  ].map((t) => [t.name, t]),
);

/** The instance type, or `undefined` when the platform does not know it. */
export function gpuInstanceType(name: string): GpuInstanceType | undefined {
  return GPU_INSTANCE_TYPES[name];
}

/** True when every GPU of the instance type supports the given MIG profile. */
export function supportsMigProfile(instanceType: string, profile: string): boolean {
  const t = gpuInstanceType(instanceType);
  return t !== undefined && profile in t.gpu.migProfiles;
}

/**
 * Fraction of one GPU that a single MIG device of `profile` represents, from its compute slices
 * (`3g.20gb` = 3 of 7 slices). `undefined` when the profile name is malformed.
 */
export function migSliceFraction(profile: string): number | undefined {
  const m = /^(\d)g\.\d+gb$/.exec(profile);
  if (!m) return undefined;
  return Number(m[1]) / 7;
}

/**
 * One GPU's part of each known instance type's vCPUs and memory (GiB), in the order of
 * `instanceTypes` (unknown types left out): what a pod asking for one GPU may take of a node.
 */
export function hostPerGpu(instanceTypes: readonly string[]): { vcpus: number; memoryGiB: number }[] {
  return instanceTypes
    .map(gpuInstanceType)
    .filter((t) => t !== undefined)
    .map((t) => ({ vcpus: t.vcpus / t.gpus, memoryGiB: t.memoryGiB / t.gpus }));
}
