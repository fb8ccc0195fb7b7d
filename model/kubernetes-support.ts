/**
 * The Amazon EKS support calendar of the Kubernetes minor versions the blueprint knows, and the
 * control plane's price. EKS gives a minor version 14 months of standard support and then 12
 * months of extended support at a higher price per cluster hour; with support_type STANDARD it
 * upgrades a cluster past standard support on its own (EKS user guide, "Understand the
 * Kubernetes version lifecycle on EKS"; Amazon EKS pricing). Checked 2026-12-01.
 */

import { AMI_ALIASES, CHARTS, type ChartPin, type KubernetesRange } from './pins';

export interface KubernetesSupport {
  /** Last day of standard support (ISO date). */
  readonly standardSupportEnds: string;
  /** Last day of extended support (ISO date). */
  readonly extendedSupportEnds: string;
}

export const KUBERNETES_SUPPORT: Readonly<Record<string, KubernetesSupport>> = {
  '1.32': { standardSupportEnds: '2026-03-23', extendedSupportEnds: '2027-03-23' },
  '1.33': { standardSupportEnds: '2026-07-29', extendedSupportEnds: '2027-07-29' },
  '1.34': { standardSupportEnds: '2026-12-02', extendedSupportEnds: '2027-12-02' },
  '1.35': { standardSupportEnds: '2027-03-27', extendedSupportEnds: '2028-03-27' },
};

export type SupportType = 'standard' | 'extended';

/** USD per cluster hour (Amazon EKS pricing). */
export const EKS_CONTROL_PLANE_USD_PER_HOUR: Readonly<Record<SupportType, number>> = { standard: 0.1, extended: 0.6 };

/** Hours in the month the cost tables use. */
export const HOURS_PER_MONTH = 730;

export const controlPlaneMonthlyUsd = (support: SupportType): number => EKS_CONTROL_PLANE_USD_PER_HOUR[support] * HOURS_PER_MONTH;

/**
 * The date support is judged on: GPB_TODAY (YYYY-MM-DD) when set, so a check can be reproduced
 * for a given day, otherwise today (UTC).
 */
export function supportCheckDate(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const given = env.GPB_TODAY;
  if (given !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(given)) return given;
  return new Date().toISOString().slice(0, 10);
}

/**
 * Why `version` cannot run with `support` on `day`, or undefined when it can: standard support
 * must not have ended (or EKS upgrades the cluster by itself), extended support not either.
 */
export function supportProblem(version: string, support: SupportType, day: string): string | undefined {
  const cal = KUBERNETES_SUPPORT[version];
  if (!cal) return `has no entry in the EKS support calendar (model/kubernetes-support.ts)`;
  if (day > cal.extendedSupportEnds) return `left EKS extended support on ${cal.extendedSupportEnds}: upgrade the cluster`;
  if (support === 'standard' && day > cal.standardSupportEnds) {
    const newer = Object.entries(KUBERNETES_SUPPORT)
      .filter(([, c]) => c.standardSupportEnds >= day)
      .map(([v]) => v);
    const extra = controlPlaneMonthlyUsd('extended') - controlPlaneMonthlyUsd('standard');
    return (
      `left EKS standard support on ${cal.standardSupportEnds} (EKS would upgrade the cluster by itself): ` +
      `move to ${newer.length > 0 ? newer.join(' or ') : 'a newer version'}, or set cluster.supportType: 'extended' ` +
      `(until ${cal.extendedSupportEnds}; $${EKS_CONTROL_PLANE_USD_PER_HOUR.extended.toFixed(2)} instead of $${EKS_CONTROL_PLANE_USD_PER_HOUR.standard.toFixed(2)} per cluster hour, +$${Math.round(extra)} a month)`
    );
  }
  return undefined;
}

/**
 * Why the pinned releases cannot run `version`, one message per pin whose project publishes a
 * Kubernetes range that leaves it out: every chart (model/pins.ts CHARTS), and the AMI release
 * of each AMI family the environment's GPU pools use. An empty list when all of them cover it.
 */
export function kubernetesCompatibilityProblems(
  version: string,
  amiFamilies: readonly string[],
  pins: { charts: Readonly<Record<string, ChartPin>>; amis: Readonly<Record<string, AmiPin>> } = { charts: CHARTS, amis: AMI_ALIASES },
): string[] {
  const problems: string[] = [];
  for (const pin of Object.values(pins.charts)) {
    const range = pin.kubernetes;
    if (!range || range.versions.includes(version)) continue;
    problems.push(
      `is not supported by the pinned ${pin.chart} chart ${pin.version}, which supports Kubernetes ${span(range.versions)} ` +
        `(${range.source}): bump that pin in model/pins.ts first`,
    );
  }
  for (const family of new Set(amiFamilies)) {
    const ami = pins.amis[family];
    if (ami?.kubernetes && !ami.kubernetes.versions.includes(version)) {
      problems.push(
        `has no AMI in the pinned release ${ami.alias}, which publishes Kubernetes ${span(ami.kubernetes.versions)} ` +
          `(${ami.kubernetes.source}): pin a newer release in model/pins.ts AMI_ALIASES`,
      );
    }
  }
  return problems;
}

/** An AMI family's pinned release (model/pins.ts AMI_ALIASES). */
export interface AmiPin {
  readonly alias: string;
  readonly kubernetes?: KubernetesRange;
}

const span = (versions: readonly string[]): string =>
  versions.length > 1 ? `${versions[0]} to ${versions[versions.length - 1]}` : versions.join('');
