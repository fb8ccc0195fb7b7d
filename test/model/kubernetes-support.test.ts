import { afterEach, describe, expect, it } from 'vitest';
import { controlPlaneMonthlyUsd, KUBERNETES_SUPPORT, supportCheckDate, supportProblem } from '../../model/kubernetes-support';
import { KUBERNETES_VERSIONS } from '../../constructs/cluster/addon-catalog';
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

  it('fails when a version past standard support stays on standard (the old reference environments)', () => {
    process.env.GPB_TODAY = '2026-12-01';
    expect(supportCheckDate()).toBe('2026-12-01');
    const problems = checkEnvironment(merge(devInput, { cluster: { supportType: 'standard' } }), 'dev');
    expect(problems).toEqual([expect.objectContaining({ path: 'cluster.kubernetesVersion', value: '1.33', allowed: expect.stringMatching(/^left EKS standard support on 2026-07-29/) })]);
  });

  it('accepts it with extended support, and on standard before standard support ends', () => {
    process.env.GPB_TODAY = '2026-12-01';
    expect(Array.isArray(checkEnvironment(devInput, 'dev'))).toBe(false);
    process.env.GPB_TODAY = '2026-06-01';
    expect(Array.isArray(checkEnvironment(merge(devInput, { cluster: { supportType: 'standard' } }), 'dev'))).toBe(false);
  });
});
