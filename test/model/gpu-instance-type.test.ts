import { describe, expect, it } from 'vitest';
import { capacityCost, hourlyPrice, HOURS_PER_MONTH, totalCost } from '../../model/gpu-cost';
import { GpuInstanceType, GpuModel, PRICE_SOURCE } from '../../model/gpu-instance-type';

describe('GPU catalog', () => {
  it('covers the families the platform supports', () => {
    const families = new Set(GpuInstanceType.all().map((t) => t.family));
    for (const f of ['g5', 'g6', 'g6e', 'p4d', 'p4de', 'p5', 'p5e', 'p5en']) expect(families).toContain(f);
  });

  it('has plausible, internally consistent specs for every type', () => {
    for (const t of GpuInstanceType.all()) {
      expect(t.gpus, t.name).toBeGreaterThan(0);
      expect(t.gpuMemoryGiB, t.name).toBeGreaterThanOrEqual(22);
      expect(t.memoryGiB / t.vcpus, t.name).toBeGreaterThanOrEqual(4);
      expect(t.onDemandUsdPerHour, t.name).toBeGreaterThan(0.5);
      expect(t.usdPerGpuHour).toBeCloseTo(t.onDemandUsdPerHour / t.gpus);
    }
    expect(GpuInstanceType.of('p5.48xlarge')).toMatchObject({ gpus: 8, gpuMemoryGiB: 80, efa: true, gpuModel: GpuModel.H100 });
    // GiB as EC2 reports them (SizeInMiB / 1024), not the marketed GB: 22888 MiB on an L4.
    expect(GpuInstanceType.of('g6.xlarge')).toMatchObject({ gpus: 1, gpuMemoryGiB: 22.35, efa: false, gpuModel: GpuModel.L4 });
    expect(GpuInstanceType.of('g6e.xlarge').gpuMemoryGiB).toBe(44.7);
    // P4 after the June 2025 price reduction.
    expect(GpuInstanceType.of('p4d.24xlarge').onDemandUsdPerHour).toBe(21.96);
    expect(GpuInstanceType.of('p4de.24xlarge').onDemandUsdPerHour).toBe(27.45);
  });

  it('says where and when the prices come from', () => {
    expect(PRICE_SOURCE.region).toBe('us-east-1');
    expect(PRICE_SOURCE.recordedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_SOURCE.source.length).toBeGreaterThan(10);
  });

  it('throws for an unknown type, naming the sizes of its family', () => {
    expect(() => GpuInstanceType.of('g6.3xlarge')).toThrow(/unknown GPU instance type 'g6\.3xlarge': g6 sizes are g6\.xlarge, g6\.2xlarge/);
    expect(() => GpuInstanceType.of('x9.large')).toThrow(/known families are g5, g6, g6e/);
  });

  it('accepts custom types but not nonsense ones', () => {
    const t = GpuInstanceType.custom({
      name: 'g7.xlarge',
      gpuModel: GpuModel.custom('NVIDIA Next'),
      gpus: 1,
      gpuMemoryGiB: 32,
      vcpus: 4,
      memoryGiB: 16,
      efa: false,
      onDemandUsdPerHour: 1,
    });
    expect(t.family).toBe('g7');
    expect(GpuInstanceType.find('g7.xlarge')).toBeUndefined();
    expect(() => GpuInstanceType.custom({ ...t, gpus: 0 })).toThrow(/custom GPU instance type 'g7\.xlarge': 'gpus' 0 must be positive/);
  });
});

describe('cost model', () => {
  const g6 = GpuInstanceType.of('g6.xlarge');
  const g6x4 = GpuInstanceType.of('g6.12xlarge');

  it('applies overrides, region factor and discount in that order', () => {
    expect(hourlyPrice(g6)).toBeCloseTo(0.8048);
    expect(hourlyPrice(g6, { regionFactor: 1.25 })).toBeCloseTo(1.006);
    expect(hourlyPrice(g6, { regionFactor: 1.25, discountPercent: 20 })).toBeCloseTo(0.8048);
    expect(hourlyPrice(g6, { hourlyUsd: { 'g6.xlarge': 0.5 }, regionFactor: 3, discountPercent: 10 })).toBeCloseTo(0.45);
  });

  it('caps a pool at its GPU limit times the cheapest price per GPU, and idles at zero', () => {
    const cost = capacityCost({ name: 'p', instanceTypes: [g6x4, g6], maxGpus: 8, minInstances: 0 });
    expect(cost.cheapestPerGpu).toBe('g6.xlarge');
    expect(cost.cappedMonthlyUsd).toBeCloseTo(8 * 0.8048 * HOURS_PER_MONTH);
    expect(cost.idleMonthlyUsd).toBe(0);
  });

  it('idles a node group at its minimum size', () => {
    const cost = capacityCost({ name: 'ng', instanceTypes: [g6x4], maxGpus: 12, minInstances: 2 });
    expect(cost.idleMonthlyUsd).toBeCloseTo(2 * 4.6016 * HOURS_PER_MONTH);
    expect(cost.cappedMonthlyUsd).toBeCloseTo(3 * 4.6016 * HOURS_PER_MONTH);
  });

  it('adds capacities up', () => {
    const t = totalCost([
      { name: 'a', maxGpus: 4, idleMonthlyUsd: 10, cappedMonthlyUsd: 100, cheapestPerGpu: 'x' },
      { name: 'b', maxGpus: 2, idleMonthlyUsd: 5, cappedMonthlyUsd: 50, cheapestPerGpu: 'y' },
    ]);
    expect(t).toMatchObject({ maxGpus: 6, idleMonthlyUsd: 15, cappedMonthlyUsd: 150 });
  });
});
