import { BlueprintError, show } from './errors';

/** Where and when the on-demand prices below were read. */
export const PRICE_SOURCE = {
  region: 'us-east-1',
  recordedOn: '2025-08-15',
  source: 'AWS EC2 On-Demand pricing page, Linux, shared tenancy (P4 and P5 families after the June 2025 price reduction)',
  note: 'Estimates for planning and review, not quotes: check current prices, and set gpu.pricing in the environment for discounts, other regions or negotiated rates.',
} as const;

/** A GPU (or AWS accelerator) model. */
export class GpuModel {
  static readonly A10G = new GpuModel('NVIDIA A10G', 'nvidia');
  static readonly L4 = new GpuModel('NVIDIA L4', 'nvidia');
  static readonly L40S = new GpuModel('NVIDIA L40S', 'nvidia');
  static readonly A100 = new GpuModel('NVIDIA A100', 'nvidia');
  static readonly H100 = new GpuModel('NVIDIA H100', 'nvidia');
  static readonly H200 = new GpuModel('NVIDIA H200', 'nvidia');

  /** A model the catalog does not know. */
  static custom(name: string, vendor: 'nvidia' | 'aws' = 'nvidia'): GpuModel {
    return new GpuModel(name, vendor);
  }

  private constructor(
    readonly name: string,
    readonly vendor: 'nvidia' | 'aws',
  ) {}

  /** The extended resource a container requests for one whole accelerator. */
  get resourceName(): string {
    return this.vendor === 'nvidia' ? 'nvidia.com/gpu' : 'aws.amazon.com/neuron';
  }
}

export interface GpuInstanceTypeSpec {
  /** EC2 instance type, e.g. `g6.xlarge`. */
  readonly name: string;
  readonly gpuModel: GpuModel;
  readonly gpus: number;
  /** Memory of one GPU. */
  readonly gpuMemoryGiB: number;
  readonly vcpus: number;
  readonly memoryGiB: number;
  /** Elastic Fabric Adapter support (multi-node training and inference). */
  readonly efa: boolean;
  /** On-demand price in {@link PRICE_SOURCE}.region, USD per hour. */
  readonly onDemandUsdPerHour: number;
}

/**
 * A GPU instance type with what sizing and cost need. The catalog holds the common AWS GPU
 * instance types; {@link GpuInstanceType.custom} declares one it lacks.
 */
export class GpuInstanceType implements GpuInstanceTypeSpec {
  private static readonly catalog = new Map<string, GpuInstanceType>();

  /** Every catalogued instance type. */
  static all(): GpuInstanceType[] {
    return [...GpuInstanceType.catalog.values()];
  }

  /** The catalogued instance type of that name, or undefined. */
  static find(name: string): GpuInstanceType | undefined {
    return GpuInstanceType.catalog.get(name);
  }

  /** The catalogued instance type of that name; throws naming the closest ones when unknown. */
  static of(name: string): GpuInstanceType {
    const found = GpuInstanceType.find(name);
    if (!found) {
      const family = name.split('.')[0];
      const sameFamily = GpuInstanceType.all()
        .filter((t) => t.family === family)
        .map((t) => t.name);
      throw new BlueprintError(
        `unknown GPU instance type ${show(name)}: ${sameFamily.length > 0 ? `${family} sizes are ${sameFamily.join(', ')}` : `known families are ${[...new Set(GpuInstanceType.all().map((t) => t.family))].join(', ')}`}; declare others in gpu.customInstanceTypes`,
      );
    }
    return found;
  }

  /** An instance type the catalog lacks (validated, not registered). */
  static custom(spec: GpuInstanceTypeSpec): GpuInstanceType {
    for (const key of ['gpus', 'gpuMemoryGiB', 'vcpus', 'memoryGiB', 'onDemandUsdPerHour'] as const) {
      if (!(spec[key] > 0))
        throw new BlueprintError(`custom GPU instance type '${spec.name}': '${key}' ${show(spec[key])} must be positive`);
    }
    return new GpuInstanceType(spec);
  }

  readonly name: string;
  readonly gpuModel: GpuModel;
  readonly gpus: number;
  readonly gpuMemoryGiB: number;
  readonly vcpus: number;
  readonly memoryGiB: number;
  readonly efa: boolean;
  readonly onDemandUsdPerHour: number;

  private constructor(spec: GpuInstanceTypeSpec) {
    this.name = spec.name;
    this.gpuModel = spec.gpuModel;
    this.gpus = spec.gpus;
    this.gpuMemoryGiB = spec.gpuMemoryGiB;
    this.vcpus = spec.vcpus;
    this.memoryGiB = spec.memoryGiB;
    this.efa = spec.efa;
    this.onDemandUsdPerHour = spec.onDemandUsdPerHour;
  }

  /** Family, e.g. `g6` for `g6.12xlarge`. */
  get family(): string {
    return this.name.split('.')[0];
  }

  /** On-demand USD per GPU-hour. */
  get usdPerGpuHour(): number {
    return this.onDemandUsdPerHour / this.gpus;
  }

  /** @internal registers a catalogued type */
  static register(spec: GpuInstanceTypeSpec): GpuInstanceType {
    const t = new GpuInstanceType(spec);
    GpuInstanceType.catalog.set(t.name, t);
    return t;
  }
}

type Row = [size: string, gpus: number, vcpus: number, memoryGiB: number, efa: boolean, usdPerHour: number];

function family(prefix: string, gpuModel: GpuModel, gpuMemoryGiB: number, rows: Row[]): void {
  for (const [size, gpus, vcpus, memoryGiB, efa, onDemandUsdPerHour] of rows) {
    GpuInstanceType.register({ name: `${prefix}.${size}`, gpuModel, gpus, gpuMemoryGiB, vcpus, memoryGiB, efa, onDemandUsdPerHour });
  }
}

// g5: NVIDIA A10G, 24 GB as marketed; EC2 reports 22888 MiB (22.35 GiB) per GPU
// (DescribeInstanceTypes GpuInfo.Gpus[].MemoryInfo.SizeInMiB), which is what a model has.
family('g5', GpuModel.A10G, 22.35, [
  ['xlarge', 1, 4, 16, false, 1.006],
  ['2xlarge', 1, 8, 32, false, 1.212],
  ['4xlarge', 1, 16, 64, false, 1.624],
  ['8xlarge', 1, 32, 128, true, 2.448],
  ['12xlarge', 4, 48, 192, true, 5.672],
  ['16xlarge', 1, 64, 256, true, 4.096],
  ['24xlarge', 4, 96, 384, true, 8.144],
  ['48xlarge', 8, 192, 768, true, 16.288],
]);
// g6: NVIDIA L4, 24 GB as marketed; EC2 reports 22888 MiB (22.35 GiB) per GPU
family('g6', GpuModel.L4, 22.35, [
  ['xlarge', 1, 4, 16, false, 0.8048],
  ['2xlarge', 1, 8, 32, false, 0.9776],
  ['4xlarge', 1, 16, 64, false, 1.3232],
  ['8xlarge', 1, 32, 128, true, 2.0144],
  ['12xlarge', 4, 48, 192, true, 4.6016],
  ['16xlarge', 1, 64, 256, true, 3.3968],
  ['24xlarge', 4, 96, 384, true, 6.6752],
  ['48xlarge', 8, 192, 768, true, 13.3504],
]);
// g6e: NVIDIA L40S, 48 GB as marketed; EC2 reports 45776 MiB (44.7 GiB) per GPU
family('g6e', GpuModel.L40S, 44.7, [
  ['xlarge', 1, 4, 32, false, 1.861],
  ['2xlarge', 1, 8, 64, false, 2.242],
  ['4xlarge', 1, 16, 128, false, 3.004],
  ['8xlarge', 1, 32, 256, true, 4.529],
  ['12xlarge', 4, 48, 384, true, 10.493],
  ['16xlarge', 1, 64, 512, true, 7.577],
  ['24xlarge', 4, 96, 768, true, 15.066],
  ['48xlarge', 8, 192, 1536, true, 30.131],
]);
// p4d / p4de: NVIDIA A100 40 GB / 80 GB
// P4 prices after the June 2025 reduction (they were 32.7726 and 40.9657).
family('p4d', GpuModel.A100, 40, [['24xlarge', 8, 96, 1152, true, 21.96]]);
family('p4de', GpuModel.A100, 80, [['24xlarge', 8, 96, 1152, true, 27.45]]);
// p5: NVIDIA H100 80 GB; p5e / p5en: NVIDIA H200 141 GB
family('p5', GpuModel.H100, 80, [['48xlarge', 8, 192, 2048, true, 55.04]]);
family('p5e', GpuModel.H200, 141, [['48xlarge', 8, 192, 2048, true, 60.45]]);
family('p5en', GpuModel.H200, 141, [['48xlarge', 8, 192, 2048, true, 63.3]]);
