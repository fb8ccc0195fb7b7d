import { afterEach, describe, expect, it } from 'vitest';
import {
  controlPlaneMonthlyUsd,
  KUBERNETES_SUPPORT,
  kubernetesCompatibilityProblems,
  supportCheckDate,
  supportProblem,
} from '../../model/kubernetes-support';
import { AMI_ALIASES, CHARTS } from '../../model/pins';
import { KUBERNETES_VERSIONS } from '../../model/addon-catalog';
import { checkEnvironment } from '../../environments/validate';
import devInput from '../../environments/dev';
import { merge } from '../helpers';

describe('EKS support calendar', () => {
  it('has 14 months of standard and 12 of extended support for every version', () => {
    for (const [v, c] of Object.entries(KUBERNETES_SUPPORT)) {
      const end = new Date(c.standardSupportEnds);
      end.setUTCFullYear(end.getUTCFullYear() + 1);
      expect(c.extendedSupportEnds, v).toBe(end.toISOString().slice(0, 10));
    }
    for (const v of KUBERNETES_VERSIONS) expect(KUBERNETES_SUPPORT[v], v).toBeDefined();
  });

  it('prices the control plane per cluster hour: $73 standard, $438 extended a month', () => {
    expect(controlPlaneMonthlyUsd('standard')).toBeCloseTo(73);
    expect(controlPlaneMonthlyUsd('extended')).toBeCloseTo(438);
  });

  it('refuses a version past standard support on standard, naming the date, the newer versions and the price', () => {
    expect(supportProblem('1.33', 'standard', '2026-12-01')).toBe(
      "left EKS standard support on 2026-07-29 (EKS would upgrade the cluster by itself): move to 1.34 or 1.35, or set cluster.supportType: 'extended' (until 2027-07-29; $0.60 instead of $0.10 per cluster hour, +$365 a month)",
    );
    expect(supportProblem('1.33', 'standard', '2026-07-29')).toBeUndefined();
    expect(supportProblem('1.33', 'extended', '2026-12-01')).toBeUndefined();
    expect(supportProblem('1.32', 'extended', '2027-03-24')).toBe('left EKS extended support on 2027-03-23: upgrade the cluster');
  });
});

describe('cluster.supportType in an environment', () => {
  const saved = process.env.GPB_TODAY;
  afterEach(() => {
    if (saved === undefined) delete process.env.GPB_TODAY;
    else process.env.GPB_TODAY = saved;
  });

  it('fails when a version past standard support stays on standard (the old reference environments, 1.33)', () => {
    process.env.GPB_TODAY = '2026-12-01';
    expect(supportCheckDate()).toBe('2026-12-01');
    const problems = checkEnvironment(merge(devInput, { cluster: { kubernetesVersion: '1.33', supportType: 'standard' } }), 'dev');
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'cluster.kubernetesVersion',
        value: '1.33',
        allowed: expect.stringMatching(/^left EKS standard support on 2026-07-29/),
      }),
    ]);
  });

  it('accepts it with extended support, and a version in standard support until that ends', () => {
    process.env.GPB_TODAY = '2026-12-01';
    expect(
      Array.isArray(checkEnvironment(merge(devInput, { cluster: { kubernetesVersion: '1.33', supportType: 'extended' } }), 'dev')),
    ).toBe(false);
    process.env.GPB_TODAY = '2026-12-02';
    expect(Array.isArray(checkEnvironment(devInput, 'dev'))).toBe(false);
    process.env.GPB_TODAY = '2027-03-28';
    expect(checkEnvironment(devInput, 'dev')).toEqual([
      expect.objectContaining({
        path: 'cluster.kubernetesVersion',
        value: '1.35',
        allowed: expect.stringMatching(/^left EKS standard support on 2027-03-27/),
      }),
    ]);
  });
});

describe('Kubernetes versions the pinned releases support', () => {
  it('refuses 1.35 with the earlier Karpenter pin (1.8.1: its matrix stops at 1.34), naming the chart, the range and the source', () => {
    const old = {
      karpenter: {
        ...CHARTS.karpenter,
        version: '1.8.1',
        kubernetes: { versions: ['1.29', '1.30', '1.31', '1.32', '1.33', '1.34'], source: 'compatibility.md at v1.8.1' },
      },
    };
    const problems = kubernetesCompatibilityProblems('1.35', ['al2023'], { charts: old, amis: AMI_ALIASES });
    expect(problems).toEqual([
      expect.stringMatching(/karpenter chart 1\.8\.1, which supports Kubernetes 1\.29 to 1\.34 \(compatibility\.md at v1\.8\.1\).*first$/),
    ]);
    expect(kubernetesCompatibilityProblems('1.35', ['al2023'])).toEqual([]);
  });

  it('refuses a version below a range: KEDA 2.20 is tested on 1.33 to 1.35, so 1.32 is refused', () => {
    const problems = kubernetesCompatibilityProblems('1.32', ['al2023']);
    expect(problems).toEqual([
      expect.stringMatching(/keda chart 2\.20\.2, which supports Kubernetes 1\.33 to 1\.35 \(kedacore\/keda-docs/),
    ]);
    expect(kubernetesCompatibilityProblems('1.33', ['al2023', 'bottlerocket'])).toEqual([]);
  });

  it('refuses a version the pinned AMI release has no AMI for (the old al2023@v20250715 had none for 1.35)', () => {
    const old = {
      al2023: { alias: 'al2023@v20250715', kubernetes: { versions: ['1.28', '1.29', '1.30', '1.31', '1.32', '1.33'], source: 'test' } },
    };
    expect(kubernetesCompatibilityProblems('1.35', ['al2023'], { charts: {}, amis: old })).toEqual([
      'has no AMI in the pinned release al2023@v20250715, which publishes Kubernetes 1.28 to 1.33 (test): pin a newer release in model/pins.ts AMI_ALIASES',
    ]);
    expect(kubernetesCompatibilityProblems('1.35', ['al2023'])).not.toContainEqual(expect.stringContaining('has no AMI'));
    // A family no pool uses is not judged.
    expect(kubernetesCompatibilityProblems('1.35', [], { charts: {}, amis: old })).toEqual([]);
  });

  it('covers every version with pinned add-ons in the al2023 release the GPU pools boot', () => {
    for (const v of KUBERNETES_VERSIONS) expect(AMI_ALIASES.al2023.kubernetes.versions, v).toContain(v);
  });

  it('reports it in an environment at cluster.kubernetesVersion before anything is synthesized', () => {
    const saved = process.env.GPB_TODAY;
    process.env.GPB_TODAY = '2026-12-02';
    try {
      const problems = checkEnvironment(merge(devInput, { cluster: { kubernetesVersion: '1.32', supportType: 'extended' } }), 'dev');
      expect(Array.isArray(problems)).toBe(true);
      expect(problems).toContainEqual(
        expect.objectContaining({
          path: 'cluster.kubernetesVersion',
          value: '1.32',
          allowed: expect.stringContaining('keda chart 2.20.2'),
        }),
      );
    } finally {
      if (saved === undefined) delete process.env.GPB_TODAY;
      else process.env.GPB_TODAY = saved;
    }
  });
});
