import type { PolicyReport } from '../engine/gate';

export interface ReportSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly suppressed: number;
  readonly unusedSuppressions: number;
}

export function summarize(report: PolicyReport): ReportSummary {
  const active = report.findings.filter((f) => !f.suppressed);
  return {
    errors: active.filter((f) => f.severity === 'error').length,
    warnings: active.filter((f) => f.severity === 'warning').length,
    suppressed: report.findings.length - active.length,
    unusedSuppressions: report.unusedSuppressions.length,
  };
}

/** The machine-readable report: every finding (suppressed ones included) and every rule. */
export function toJsonReport(report: PolicyReport): object {
  return {
    schemaVersion: 1,
    tool: 'gpu-platform-blueprint policies',
    environments: report.environments,
    summary: summarize(report),
    findings: report.findings,
    unusedSuppressions: report.unusedSuppressions,
    rules: report.rules.map(({ id, pack, severity, title, rationale, remediation, checkov }) => ({
      id,
      pack,
      severity,
      title,
      rationale,
      remediation,
      checkov,
    })),
  };
}
